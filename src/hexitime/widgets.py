"""The hours box: what members type ("1:30", "1h 30m", "1.5") is read back to them as "That is 1 h 30 min".

Under the box a live hint (aria-live polite) says what was understood. htmx asks hexitime.views.hours_hint
as the member types, with no inline script; the page also renders the hint for the value it shows, so
without JavaScript a form sent back with errors still says what the hours were understood as.
"""

from decimal import Decimal
from typing import Any

from django import forms
from django.urls import reverse_lazy
from django.utils.translation import gettext as _

from hexitime.durations import duration
from hexitime.parsing import HoursError, parse_hours


def understood(text: str) -> str:
    """What a member typed as hours, said back: "That is 1 h 30 min", how to type it, or nothing if empty."""
    if not text.strip():
        return ""
    try:
        minutes = parse_hours(text)
    except HoursError as error:
        return str(error)
    return _("That is %(time)s.") % {"time": duration(minutes)}


def hours_text(value: Any) -> str:
    """Hours as the box shows them: "1.5", "2", "0.25" (never "1.0" or "1.50"); text typed stays as typed."""
    if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
        number = Decimal(str(value)).normalize()
        return f"{number:f}"
    return "" if value is None else str(value)


class HoursInput(forms.TextInput):
    """A text box (browsers refuse "1:30" in a number input) with the live "That is ..." hint under it."""

    template_name = "forms/widgets/hours.html"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(
            {
                "inputmode": "decimal",
                "autocomplete": "off",
                "hx-get": reverse_lazy("hours_hint"),
                "hx-trigger": "input changed delay:300ms, change",  # typing, pasting or autofill
                "hx-target": "next .hx-hours-understood",
                "hx-swap": "innerHTML",
                **(attrs or {}),
            }
        )

    def format_value(self, value: Any) -> str | None:
        return hours_text(value) or None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["understood"] = understood(hours_text(value))
        return context
