"""Template helpers that render Django form widgets with NHS.UK frontend classes and hints."""

from typing import Any

from django import forms, template
from django.forms.boundfield import BoundField
from django.utils.safestring import SafeString

register = template.Library()

INPUT_CLASSES = {
    forms.Textarea: "nhsuk-textarea",
    forms.Select: "nhsuk-select",
    forms.SelectMultiple: "nhsuk-select",
}


def describedby(field: BoundField) -> str:
    ids = []
    if field.help_text:
        ids.append(f"{field.auto_id}-hint")
    if field.errors:
        ids.append(f"{field.auto_id}-error")
    return " ".join(ids)


@register.filter
def control_kind(field: BoundField) -> str:
    """How the field is laid out: 'checkboxes', 'radios', 'checkbox' (single) or 'input'."""
    widget = field.field.widget
    if isinstance(widget, forms.CheckboxSelectMultiple):
        return "checkboxes"
    if isinstance(widget, forms.RadioSelect):
        return "radios"
    if isinstance(widget, forms.CheckboxInput):
        return "checkbox"
    return "input"


@register.filter
def nhs_widget(field: BoundField) -> SafeString:
    """The field's widget with the NHS class, error state and aria-describedby."""
    widget = field.field.widget
    css = next((cls for kind, cls in INPUT_CLASSES.items() if isinstance(widget, kind)), "nhsuk-input")
    if isinstance(widget, forms.CheckboxInput):
        css = "nhsuk-checkboxes__input"
    if field.errors:
        css += f" {css.split()[0]}--error"
    attrs: dict[str, Any] = {"class": " ".join(filter(None, [widget.attrs.get("class", ""), css]))}
    if hint := describedby(field):
        attrs["aria-describedby"] = hint
    return field.as_widget(attrs=attrs)


@register.filter
def option_groups(field: BoundField) -> list[tuple[str | None, list[dict[str, Any]]]]:
    """The options of a radio or checkbox field, grouped as its choices are (e.g. skills by category)."""
    widget = field.field.widget
    value = field.value()
    values = value if isinstance(value, list | tuple) else [value]
    formatted = [str(v) for v in values if v is not None]
    attrs = {"id": field.auto_id} if field.auto_id else {}
    groups = widget.optgroups(field.html_name, formatted, attrs)
    return [(name, options) for name, options, _index in groups]


@register.filter
def field_anchor(field: BoundField) -> str:
    """The id the error summary links to: the first option of a group, else the control."""
    if control_kind(field) in {"checkboxes", "radios"}:
        return f"{field.auto_id}_0"
    return str(field.id_for_label or field.auto_id)


def distinct(messages: Any) -> list[str]:
    """Messages in their order, each once."""
    return list(dict.fromkeys(str(message) for message in messages))


@register.filter
def field_errors(field: BoundField) -> list[str]:
    """The messages shown beside a field: each once, even when two checks (or a field's check and the
    form's clean()) raise the same words."""
    return distinct(field.errors)


@register.filter
def error_summary(form: forms.BaseForm) -> list[tuple[str | None, str]]:
    """The "There is a problem" box's lines, as (the id to link to, or None, message).

    Every field's messages link to the field, each message once per field; the form's own messages
    come first, without link, unless a field already shows the same words; a hidden field's messages
    (an expired form key) have nothing to link to. So no message is listed twice, whichever way
    the form raised it.
    """
    on_fields = [(field, field_errors(field)) for field in form if field.errors]
    shown_on_fields = {message for _field, messages in on_fields for message in messages}
    lines: list[tuple[str | None, str]] = [
        (None, message) for message in distinct(form.non_field_errors()) if message not in shown_on_fields
    ]
    for field, messages in on_fields:
        anchor = None if field.is_hidden else field_anchor(field)
        lines.extend((anchor, message) for message in messages)
    return list(dict.fromkeys(lines))
