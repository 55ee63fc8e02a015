"""Forms for writing, reporting and dealing with reports. Text is trimmed before its length is checked."""

from django import forms
from django.utils.translation import gettext_lazy as _

from conversations.models import MAX_MESSAGE_LENGTH, MAX_REASON_LENGTH
from hexitime.forms import CleanTextField


class MessageForm(forms.Form):
    body = CleanTextField(
        label=_("Your message"),
        max_length=MAX_MESSAGE_LENGTH,
        help_text=_("Plain text, up to 2,000 characters. Web addresses become links."),
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Write a message before sending it."),
            "max_length": _("A message can be at most %(limit_value)d characters; this one has %(show_value)d."),
        },
    )


class ThreadMessageForm(MessageForm):
    """Also carries the id of the newest message the page shows, so an htmx answer adds only what is new."""

    after = forms.IntegerField(widget=forms.HiddenInput, min_value=0, required=False)


class ReportForm(forms.Form):
    reason = CleanTextField(
        label=_("What is wrong with this message?"),
        help_text=_("Only the coordinators of a community you share with its author will read this."),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={
            "required": _("Say what is wrong with this message, for the coordinators."),
            "max_length": _("A reason can be at most %(limit_value)d characters; this one has %(show_value)d."),
        },
    )


class ResolveReportForm(forms.Form):
    note = CleanTextField(
        label=_("What you did"),
        max_length=MAX_REASON_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={
            "required": _("Say what you did about this report."),
            "max_length": _("A note can be at most %(limit_value)d characters; this one has %(show_value)d."),
        },
    )
