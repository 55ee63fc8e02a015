"""The notification settings form: one group of radios per kind, offering only what that kind allows."""

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from notifications.kinds import RULES, Kind

HINTS = {
    Kind.WEEKLY_SUMMARY: _("This summary is itself an e-mail: it comes weekly, or not at all."),
}
EXCHANGE_HINT = _("An exchange waits on its members, so these always show in Hexitime.")


class PreferencesForm(forms.Form):
    """A field per kind (named by the kind's value) whose choices are the deliveries the kind allows."""

    def __init__(self, *args: Any, current: dict[str, str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for kind, rules in RULES.items():
            hint = HINTS.get(Kind(kind), "" if rules.can_turn_off else EXCHANGE_HINT)
            self.fields[str(kind)] = forms.ChoiceField(
                label=Kind(kind).label,
                choices=[(d.value, d.label) for d in rules.allowed()],
                initial=current.get(str(kind), rules.default.value),
                widget=forms.RadioSelect,
                help_text=hint,
                error_messages={
                    "required": _("Choose how to hear about this."),
                    "invalid_choice": _("“%(value)s” is not offered for this: choose one of the options shown."),
                },
            )

    def choices(self) -> dict[str, str]:
        """The delivery chosen for each kind (after is_valid())."""
        return {kind: str(value) for kind, value in self.cleaned_data.items()}
