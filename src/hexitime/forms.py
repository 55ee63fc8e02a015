"""Form rendering in the NHS.UK frontend style, for every form on the site (allauth's too)."""

from django.forms.renderers import TemplatesSetting


class NHSFormRenderer(TemplatesSetting):
    """Renders forms, fields and errors with the templates under templates/forms/."""

    form_template_name = "forms/form.html"
    field_template_name = "forms/field.html"
