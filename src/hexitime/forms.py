"""Form rendering in the NHS.UK frontend style, for every form on the site (allauth's too)."""

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

from hexitime.parsing import parse_id
from hexitime.text import clean_line, clean_text


class NHSFormRenderer(TemplatesSetting):
    """Renders forms, fields and errors with the templates under templates/forms/."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"


class CleanCharField(forms.CharField):
    """A one-line field for member text: controls, line breaks and invisible characters removed
    (hexitime.text.clean_line) before any length or required check."""

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return clean_line(text) if text else text


class CleanTextField(forms.CharField):
    """A multi-line field for member text: line breaks kept, controls and invisible characters
    removed (hexitime.text.clean_text). Shown as a text area unless a widget is given."""

    widget = forms.Textarea

    def to_python(self, value: Any) -> str | None:
        text = super().to_python(value)
        return clean_text(text) if text else text


class ModelIdsField(forms.ModelMultipleChoiceField):
    """Rows chosen by id (check boxes). A value that is not an id (hexitime.parsing.parse_id: '²',
    or a number above 64 bits, which overflows in the database) is refused with the field's
    "invalid_pk_value" message before any query."""

    def clean(self, value: Any) -> Any:
        for pk in value if isinstance(value, list | tuple) else ():
            if parse_id(str(pk)) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super().clean(value)
