"""Forms for proposing and moving exchanges along. Hours come in quarter hours."""

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.models import User
from exchanges import rules
from exchanges.models import far_from_agreed
from hexitime.durations import MAX_HOURS, MIN_HOURS, duration
from hexitime.forms import CleanCharField, CleanTextField
from ledger.forms import HoursField, KeyedForm


def hours_field(**kwargs: Any) -> HoursField:
    """Hours in quarter steps from 0.25 to 100: the same field and messages as the credits pages."""
    return HoursField(minimum=MIN_HOURS, maximum=MAX_HOURS, **kwargs)


def to_minutes(hours: Decimal) -> int:
    return HoursField.minutes(hours)


class VersionedForm(forms.Form):
    """Carries the exchange version the page showed, so a stale form changes nothing."""

    version = forms.IntegerField(
        widget=forms.HiddenInput,
        min_value=1,
        error_messages={
            key: _("This page is out of date. Reload it and try again.") for key in ("required", "invalid", "min_value")
        },
    )


class ProposeForm(KeyedForm):
    """Carries a key made when the page is rendered: the same proposal sent twice is made once."""

    role = forms.ChoiceField(
        label=_("Who gives the time?"),
        choices=[("give", _("I give my time")), ("receive", _("I receive their help"))],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose who gives the time: you, or them."),
            "invalid_choice": _("Choose who gives the time: you, or them."),
        },
    )
    title = CleanCharField(
        label=_("What the work is"),
        max_length=120,
        error_messages={
            "required": _("Say what the work is, for example ‘Coaching on run charts’."),
            "max_length": _("Say what the work is in at most 120 characters."),
        },
    )
    hours = hours_field(
        label=_("Hours"),
        help_text=_("In quarter hours, from 0.25 to 100."),
        error_messages={"required": _("Enter the hours you agree on, like 1.5 or 1:30.")},
    )
    window = CleanCharField(
        label=_("When"),
        max_length=120,
        help_text=_("A date or a window, for example ‘any Tuesday in March’."),
        error_messages={
            "required": _("Say when, even roughly, for example ‘any Tuesday in March’."),
            "max_length": _("Say when in at most 120 characters."),
        },
    )
    message = CleanTextField(
        label=_("Message"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"max_length": _("The message can be at most 2000 characters.")},
    )


class ReasonForm(VersionedForm):
    reason = CleanTextField(
        label=_("Reason"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("The reason can be at most 1000 characters.")},
    )


class RecordForm(VersionedForm):
    """Hours far from those agreed are refused once with a warning; ticking the box records them."""

    hours = hours_field(
        label=_("Hours actually given"),
        error_messages={"required": _("Enter the hours actually given, like 1.5 or 1:30.")},
    )
    far_ok = forms.BooleanField(
        label=_("Yes, record these hours. I understand the other side must confirm them."),
        required=False,
        widget=forms.HiddenInput,
    )

    def __init__(self, *args: Any, agreed_minutes: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.agreed_minutes = agreed_minutes

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        hours = data.get("hours")
        far = hours is not None and far_from_agreed(agreed=self.agreed_minutes, recorded=to_minutes(hours))
        if far and not data.get("far_ok"):
            self.fields["far_ok"].widget = forms.CheckboxInput()
            self.add_error(
                "hours",
                _(
                    "These hours differ a lot from the %(agreed)s agreed, so they will not confirm "
                    "themselves: the other side must confirm or dispute them. Check the hours, or tick "
                    "the box to record them anyway."
                )
                % {"agreed": duration(self.agreed_minutes)},
            )
        return data


class DisputeForm(VersionedForm):
    reason = CleanTextField(
        label=_("What is wrong with the recorded hours?"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Say what is wrong with the recorded hours, for the coordinators.")},
    )


class ResolveForm(VersionedForm):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[
            ("confirm", _("Confirm the recorded hours")),
            ("change", _("Confirm different hours")),
            ("cancel", _("Cancel: no credits move")),
        ],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Choose a decision: confirm the recorded hours, confirm different hours, or cancel."),
            "invalid_choice": _("Choose a decision: confirm the recorded hours, confirm different hours, or cancel."),
        },
    )
    hours = hours_field(label=_("Hours, if different"), required=False)
    reason = CleanTextField(
        label=_("Reason (both sides see it)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason: both sides will see it.")},
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("decision") == "change" and data.get("hours") is None:
            self.add_error("hours", _("Enter the hours to confirm instead, like 1.5 or 1:30."))
        return data


class BrokerForm(KeyedForm):
    """Offers the community's active members but the coordinator; at least one side must be brokerable."""

    provider = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Who gave the time"),
        error_messages={"required": _("Choose the member who gave the time.")},
    )
    recipient = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Who received it"),
        error_messages={"required": _("Choose the member who received the help.")},
    )
    title = CleanCharField(
        label=_("What the work was"),
        max_length=120,
        error_messages={
            "required": _("Say what the work was, for example ‘Coaching on run charts’."),
            "max_length": _("Say what the work was in at most 120 characters."),
        },
    )
    hours = hours_field(
        label=_("Hours given"), error_messages={"required": _("Enter the hours given, like 1.5 or 1:30.")}
    )
    window = CleanCharField(
        label=_("When"),
        max_length=120,
        error_messages={
            "required": _("Say when the work was done, for example ‘3 March’."),
            "max_length": _("Say when in at most 120 characters."),
        },
    )
    note = CleanTextField(
        label=_("Note"),
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"max_length": _("The note can be at most 1000 characters.")},
    )

    def __init__(self, *args: Any, members: Any, brokerable_ids: set[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.brokerable_ids = brokerable_ids

        def label(user: User) -> str:
            if user.pk in brokerable_ids:
                return str(_("%(name)s (offline or agreed)") % {"name": user.display_name})
            return user.display_name

        for name in ("provider", "recipient"):
            field = self.fields[name]
            field.queryset = members  # type: ignore[attr-defined]
            field.label_from_instance = label  # type: ignore[attr-defined]
            field.error_messages["invalid_choice"] = _("Choose an active member of the community other than you.")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        provider, recipient = data.get("provider"), data.get("recipient")
        if provider and provider == recipient:
            self.add_error("recipient", str(rules.BROKER_SAME_PERSON))
        elif provider and recipient and not {provider.pk, recipient.pk} & self.brokerable_ids:
            self.add_error(None, str(rules.BROKER_NOBODY_OFFLINE))
        return data


class OfflineMarkForm(forms.Form):
    member = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Member"),
        error_messages={
            "required": _("Choose the member who is offline."),
            "invalid_choice": _("Choose an active member of the community other than you."),
        },
    )
    reason = CleanTextField(
        label=_("Reason (the member and the other coordinators see it)"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
        error_messages={"required": _("Give a reason: the member will see it.")},
    )

    def __init__(self, *args: Any, members: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = members  # type: ignore[attr-defined]
        field.label_from_instance = lambda user: user.display_name  # type: ignore[attr-defined]
