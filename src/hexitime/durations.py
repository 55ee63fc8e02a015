"""Amounts of time: the quarter-hour rule, the limits of one exchange or listing, and how members read them.

The home of hours for domain code (actions, notices, ledger reasons, forms) and for templates (the
`duration` and `signed_duration` filters wrap these). hexitime.parsing reads every form this writes
back into minutes. Time is counted in whole minutes, in quarter hours, from 0.25 to 100 hours for
one exchange or listing.
"""

from decimal import Decimal

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

QUARTER = 15  # minutes: every amount of time is a whole number of quarter hours
MIN_MINUTES = QUARTER
MAX_MINUTES = 100 * 60
QUARTER_HOURS = gettext_lazy("Hours go in quarter hours: 0.25, 0.5, 0.75, 1 and so on.")
OUT_OF_RANGE = gettext_lazy("Hours must be between 0.25 and 100.")


def hours_of(minutes: int) -> Decimal:
    """Minutes as a number of hours, as a form shows them: 90 is 1.5, 600 is 10 (never 1E+1)."""
    return (Decimal(minutes) / 60).normalize() + Decimal(0)  # "+ 0" turns 1E+1 back into 10


MIN_HOURS, MAX_HOURS = hours_of(MIN_MINUTES), hours_of(MAX_MINUTES)


def hours_refusal(minutes: int) -> str:
    """Why these minutes are not the hours of an exchange or a listing ("" when they are)."""
    if minutes % QUARTER:
        return str(QUARTER_HOURS)
    if not MIN_MINUTES <= minutes <= MAX_MINUTES:
        return str(OUT_OF_RANGE)
    return ""


MINUS = "\u2212"  # a real minus sign: read as "minus" by screen readers, unlike a hyphen


def duration(minutes: int | None) -> str:
    """Minutes as members read time: '45 min', '1 h', '1 h 30 min' (a minus sign in front below zero)."""
    if minutes is None:
        return ""
    if int(minutes) < 0:
        return MINUS + duration(-int(minutes))
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": rest}


def signed_duration(minutes: int | None) -> str:
    """A change of balance: '+1 h 30 min' in, minus '45 min' out, '0 min' for nothing."""
    if minutes is None:
        return ""
    return ("+" if int(minutes) > 0 else "") + duration(minutes)
