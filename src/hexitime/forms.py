"""Form rendering in the NHS.UK frontend style, for every form on the site (allauth's too)."""

from typing import Any

from django import forms
from django.forms.renderers import TemplatesSetting

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
