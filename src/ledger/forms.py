"""Forms for donations, grants, reversals and limits. Hours go in quarter hours; every bad input gets a message.

A form that moves credits carries a hidden idempotency key, made when the form is rendered: a
double click or a resubmitted page sends the same key, and the ledger posts it once.
"""

import uuid
from decimal import Decimal
from functools import cached_property
from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from accounts.models import Profile, User
from accounts.queries import PICK_NAME_LENGTH, PICK_PAGE_SIZE, pick_members
from communities.models import Community
from hexitime.durations import MAX_HOURS, MIN_HOURS, QUARTER, QUARTER_HOURS, hours_of
from hexitime.forms import CleanTextField
from hexitime.parsing import HoursError, parse_hours, parse_id
from hexitime.widgets import HoursInput
from ledger import access, queries
from ledger.approvals import Limits
from ledger.models import LimitPolicy


class HoursField(forms.Field):
    """Hours as members type them ("1.5", "1,5", "1:30", "1h 30m": hexitime.parsing.parse_hours), in quarter
    steps between a minimum and a maximum. The cleaned value is the hours as a Decimal (None when left
    empty); `minutes()` turns it into whole minutes.

    A text box, not a number input: browsers refuse "1:30" in a number input.
    """

    def __init__(
        self,
        *,
        minimum: Decimal,
        maximum: Decimal,
        help_text: Any = None,
        error_messages: dict[str, Any] | None = None,
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("widget", HoursInput())  # with the live "That is 1 h 30 min." hint
        self.minimum, self.maximum = minimum, maximum
        messages: dict[str, Any] = {
            "required": _("Enter the number of hours."),
            "invalid": _("Enter the hours like 1.5 or 1:30."),
            "min_value": _("Enter at least %(limit_value)s hours."),
            "max_value": _("Enter at most %(limit_value)s hours."),
            "quarter_hours": QUARTER_HOURS,
        }
        messages.update(error_messages or {})
        like = _("Like 1.5 or 1:30.")
        super().__init__(
            help_text=like if help_text is None else format_lazy("{} {}", help_text, like),
            error_messages=messages,
            **kwargs,
        )

    def to_python(self, value: Any) -> Decimal | None:
        if value in self.empty_values:
            return None
        try:
            minutes = parse_hours(str(value))
        except HoursError as error:
            code = self._CODES.get(error.code, "invalid")
            raise forms.ValidationError(self.error_messages[code], code=code, params=self._limits(code)) from None
        return hours_of(minutes)

    def validate(self, value: Decimal | None) -> None:
        super().validate(value)
        if value is None:
            return
        refused = [
            code
            for code, broken in (
                ("min_value", value < self.minimum),
                ("max_value", value > self.maximum),
                ("quarter_hours", bool((value * 60) % QUARTER)),
            )
            if broken
        ]
        if refused:
            raise forms.ValidationError(
                [forms.ValidationError(self.error_messages[c], code=c, params=self._limits(c)) for c in refused]
            )

    _CODES = {"required": "required", "negative": "min_value", "too_large": "max_value", "fraction": "quarter_hours"}

    def _limits(self, code: str) -> dict[str, Decimal]:
        return {"limit_value": self.minimum if code == "min_value" else self.maximum}

    @staticmethod
    def minutes(hours: Decimal) -> int:
        return int(hours * 60)


def renewed(data: QueryDict) -> QueryDict:
    """The submitted data with a fresh idempotency key: the form shown again after a refusal."""
    copy = data.copy()
    copy["idempotency_key"] = str(uuid.uuid4())
    return copy


class KeyedForm(forms.Form):
    """A form that moves credits: a key made when it is rendered, and the hours it asks for in minutes."""

    idempotency_key = forms.UUIDField(
        widget=forms.HiddenInput,
        error_messages={
            "required": _("This form is out of date. Reload the page and try again."),
            "invalid": _("This form is out of date. Reload the page and try again."),
        },
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial["idempotency_key"] = uuid.uuid4()

    @property
    def form_key(self) -> str:
        return str(self.cleaned_data["idempotency_key"])

    @property
    def minutes(self) -> int:
        return HoursField.minutes(self.cleaned_data["hours"])


class RecipientField(forms.ChoiceField):
    """A member ("member:<id>") or a community fund ("fund:<id>"). The form checks who may receive."""

    def valid_value(self, value: Any) -> bool:
        return True  # DonateForm.clean_recipient decides, with a message for each refusal


FUND_MATCHES = 5


class DonateForm(KeyedForm):
    recipient = RecipientField(
        label=_("Choose who to give to"),
        help_text=_("A member who shares a community with you, or the fund of any community."),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a member or a community fund to give hours to.")},
    )
    hours = HoursField(
        label=_("Hours to give"),
        minimum=MIN_HOURS,
        maximum=MAX_HOURS,
        help_text=_("In quarter hours, from 0.25 to 100."),
    )
    note = CleanTextField(
        label=_("A note"),
        required=False,
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("They will see it on their statement. Up to 500 characters."),
        error_messages={"max_length": _("The note can be at most 500 characters.")},
    )

    field_order = ["recipient", "hours", "note"]

    def __init__(self, *args: Any, donor: User, find: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.donor = donor
        self.find = " ".join(find.split())[:PICK_NAME_LENGTH]
        self.more_members = False
        # Read only when rendered, and then once.
        self.fields["recipient"].choices = lambda: self.recipient_options  # type: ignore[attr-defined]

    def _chosen(self) -> tuple[str, str] | None:
        """The recipient already chosen (posted, or offered by a link's ?to=), with its name, if it may receive."""
        value = str((self.data.get("recipient") if self.is_bound else self.initial.get("recipient")) or "")
        kind, _sep, number = value.partition(":")
        pk = parse_id(number)
        if pk is None:
            return None
        if kind == "member" and access.may_give_to(self.donor, pk):
            profile = Profile.objects.filter(user_id=pk).first()
            return (value, profile.display_name) if profile else None
        if kind == "fund":
            community = Community.objects.filter(pk=pk).first()
            return (value, _("The %(community)s fund") % {"community": community.name}) if community else None
        return None

    @cached_property
    def recipient_options(self) -> list[tuple[Any, Any]]:
        """The recipient radio choices, worked out once (the template asks whether there are any)."""
        return self._choices()

    def _choices(self) -> list[tuple[Any, Any]]:
        """The chosen recipient, then the members (ten at most) and funds whose names match what was typed."""
        chosen = self._chosen()
        choices = [chosen] if chosen else []
        if self.find:
            pick = pick_members(self.donor, name=self.find)
            self.more_members = pick.has_more
            choices += [(f"member:{p.user_id}", p.display_name) for p in pick.profiles]
            funds = Community.objects.filter(name__icontains=self.find).order_by("name", "pk")[:FUND_MATCHES]
            choices += [(f"fund:{c.pk}", _("The %(community)s fund") % {"community": c.name}) for c in funds]
        return list(dict(choices).items())  # the chosen one first, each once

    def clean_recipient(self) -> User | Community:
        kind, _sep, number = str(self.cleaned_data["recipient"]).partition(":")
        member_id = parse_id(number) if kind == "member" else None
        if member_id is not None:
            refusal = access.giving_refusal(self.donor, member_id)
            if refusal:
                raise forms.ValidationError(refusal)
            return User.objects.select_related("profile").get(pk=member_id)
        fund_id = parse_id(number) if kind == "fund" else None
        if fund_id is not None:
            community = Community.objects.filter(pk=fund_id).first()
            if community is not None:
                return community
        raise forms.ValidationError(_("Choose a member or a community fund from the list."))


class GrantForm(KeyedForm):
    member = forms.ModelChoiceField(
        queryset=User.objects.none(),
        label=_("Choose the member"),
        empty_label=None,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose the member to grant hours to.")},
    )
    hours = HoursField(
        label=_("Hours to grant"),
        minimum=MIN_HOURS,
        maximum=MAX_HOURS,
        help_text=_("In quarter hours, from 0.25 to 100."),
    )
    reason = CleanTextField(
        label=_("Reason"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The member will see it on their statement. Up to 500 characters."),
        error_messages={
            "required": _("Give a reason for the grant: the member will see it."),
            "max_length": _("The reason can be at most 500 characters."),
        },
    )

    field_order = ["member", "hours", "reason"]

    def __init__(self, *args: Any, community: Community, coordinator: User, find: str = "", **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        # Never the coordinator themself: nobody grants to their own account (a forged choice is refused).
        field.queryset = queries.grant_members(community).exclude(pk=coordinator.pk)  # type: ignore[attr-defined]
        field.label_from_instance = lambda member: member.display_name  # type: ignore[attr-defined]
        name = community.name.replace("%", "%%")
        field.error_messages["invalid_choice"] = _("Choose an active member of %(community)s.") % {"community": name}
        self.find = " ".join(find.split())[:PICK_NAME_LENGTH]
        self.more_members = False
        # Only the chosen member and those whose names match what was typed are offered, not every member.
        field.widget.choices = self.member_options

    @cached_property
    def member_options(self) -> list[tuple[Any, Any]]:
        """The chosen member (posted, or from a link), then up to ten members whose names match what was typed."""
        members = self.fields["member"].queryset  # type: ignore[attr-defined]
        chosen_id = parse_id(str((self.data.get("member") if self.is_bound else self.initial.get("member")) or ""))
        options = []
        if chosen_id is not None:
            options += [(m.pk, m.display_name) for m in members.filter(pk=chosen_id)]
        if self.find:
            found = list(members.filter(profile__display_name__icontains=self.find)[: PICK_PAGE_SIZE + 1])
            self.more_members = len(found) > PICK_PAGE_SIZE
            options += [(m.pk, m.display_name) for m in found[:PICK_PAGE_SIZE]]
        return list(dict(options).items())


class ReverseForm(KeyedForm):
    reason = CleanTextField(
        label=_("Reason for the reversal"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Both sides will see it on their statements. Up to 500 characters."),
        error_messages={
            "required": _("Give a reason for the reversal: both sides will see it."),
            "max_length": _("The reason can be at most 500 characters."),
        },
    )


class FindTransferForm(forms.Form):
    transfer = forms.IntegerField(
        label=_("Transfer number"),
        min_value=1,
        max_value=2**63 - 1,
        help_text=_("Members see the number of each transfer on their statement."),
        error_messages={
            "required": _("Enter the number of the transfer."),
            "invalid": _("Enter the transfer number in digits, like 1234."),
            "min_value": _("Enter the transfer number in digits, like 1234."),
            "max_value": _("There is no transfer with a number that large."),
        },
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "class": "nhsuk-input--width-10"}),
    )


class LimitsForm(forms.Form):
    member_overdraft = HoursField(
        label=_("How far below zero a member may go, in hours"),
        minimum=Decimal(0),
        maximum=Decimal(50),
        help_text=_("So that new members can receive help before they give any. 5 hours is usual; at most 50."),
    )
    warning_threshold = HoursField(
        label=_("Warn members when they are this close to their limit, in hours"),
        minimum=Decimal(0),
        maximum=Decimal(25),
        help_text=_("A gentle note on their credits page. At most 25."),
    )
    grows_with_given = forms.BooleanField(
        label=_("Let each member's limit grow by the hours they give in exchanges"),
        required=False,
    )
    growth_cap = HoursField(
        label=_("Largest limit when it grows, in hours"),
        minimum=Decimal(0),
        maximum=Decimal(200),
        help_text=_("Used only when the limit grows; at least the limit above and at most 200."),
    )
    fund_overdraft = HoursField(
        label=_("How far below zero the community fund may go, in hours"),
        minimum=Decimal(0),
        maximum=Decimal(1000),  # replaced in __init__ by settings.LEDGER_FUND_OVERDRAFT_MAX
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        maximum = hours_of(settings.LEDGER_FUND_OVERDRAFT_MAX)
        self.fields["fund_overdraft"] = HoursField(
            label=_("How far below zero the community fund may go, in hours"),
            minimum=Decimal(0),
            maximum=maximum,
            help_text=_(
                "0 means the fund grants only the hours members have donated to it. At most %(max)s. "
                "Raising it waits for a second coordinator."
            )
            % {"max": maximum},
        )

    @classmethod
    def initial_from(cls, policy: LimitPolicy) -> dict[str, Any]:
        return {
            "member_overdraft": hours_of(policy.member_overdraft),
            "warning_threshold": hours_of(policy.warning_threshold),
            "grows_with_given": policy.grows_with_given,
            "growth_cap": hours_of(policy.growth_cap),
            "fund_overdraft": hours_of(policy.fund_overdraft),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        overdraft, cap = data.get("member_overdraft"), data.get("growth_cap")
        if overdraft is not None and cap is not None and cap < overdraft:
            if data.get("grows_with_given"):
                self.add_error(
                    "growth_cap",
                    _("The largest limit must be at least the limit members start with (%(hours)s hours).")
                    % {"hours": overdraft},
                )
            else:
                data["growth_cap"] = overdraft  # unused while the limit does not grow; kept consistent
        return data

    def limits(self) -> Limits:
        data = self.cleaned_data
        return Limits(
            member_overdraft=HoursField.minutes(data["member_overdraft"]),
            warning_threshold=HoursField.minutes(data["warning_threshold"]),
            grows_with_given=data["grows_with_given"],
            growth_cap=HoursField.minutes(data["growth_cap"]),
            fund_overdraft=HoursField.minutes(data["fund_overdraft"]),
        )


class RejectForm(forms.Form):
    reason = CleanTextField(
        label=_("Why you are rejecting it"),
        max_length=500,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The coordinator who asked will see it. Up to 500 characters."),
        error_messages={
            "required": _("Give a reason for rejecting it: the coordinator who asked will see it."),
            "max_length": _("The reason can be at most 500 characters."),
        },
    )
