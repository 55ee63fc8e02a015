"""Amounts of time as members read them: '45 min', '1 h', '1 h 30 min'.

The home of the formatting of minutes, for domain code (notices, ledger reasons, forms) and for
templates (the `duration` and `signed_duration` filters wrap these). hexitime.parsing reads every
form this writes back into minutes.
"""

from django.utils.translation import gettext as _

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
