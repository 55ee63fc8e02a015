"""Ids and hours from what members and browsers send: one parser each, so no view hand-rolls its own.

`parse_id` reads a database id from a URL, query string or form value: ASCII digits only (not
'²' or Arabic-Indic '٣', which `str.isdigit()` accepts and `int()` may not), from 1 to the largest 64-bit
integer, so nothing out of range ever reaches the database.

`parse_hours` reads hours as people type them ("1.5", "1,5", "1:30", "1h 30m", "90 min") and
returns whole minutes, or raises `HoursError` with a message a member can read. The quarter-hour
rule and a field's minimum and maximum stay with the form field (ledger.forms.HoursField).
"""

import re
from decimal import Decimal
from typing import Final

from django.utils.translation import gettext_lazy as _

MAX_ID: Final = 2**63 - 1
MAX_HOURS_TEXT: Final = 40  # longer than anyone types an amount of time
MAX_WHOLE_DIGITS: Final = 6  # up to 999,999 hours; every field's maximum is far lower

_ID = re.compile(r"[0-9]{1,19}")
_NUMBER = r"(?:[0-9]+(?:[.,][0-9]*)?|[.,][0-9]+)"
_DECIMAL = re.compile(rf"(?P<hours>{_NUMBER})")
_CLOCK = re.compile(r"(?P<hours>[0-9]+):(?P<minutes>[0-5][0-9])")
_HOUR_UNIT = r"(?:h|hr|hrs|hour|hours)"
_MINUTE_UNIT = r"(?:m|min|mins|minute|minutes)"
_UNITS = re.compile(
    rf"(?P<hours>{_NUMBER}) *{_HOUR_UNIT}(?: *(?:and *)?(?P<minutes>[0-9]+) *{_MINUTE_UNIT}?)?"
    rf"|(?P<only_minutes>[0-9]+) *{_MINUTE_UNIT}"
)
_NEGATIVE = re.compile(r"[-\u2212\u2013] *(?P<rest>.*)")


class HoursError(ValueError):
    """Text that is not an amount of hours; `str(error)` says how to type one.

    `code` tells a form field which of its own messages fits: "invalid", "negative" (below zero),
    "too_large" (more digits than any field allows) or "fraction" (not a whole number of minutes).
    """

    def __init__(self, message: str, *, code: str = "invalid") -> None:
        super().__init__(message)
        self.code = code


def parse_id(text: str | None) -> int | None:
    """A database id (1 to 2**63 - 1) from ASCII digits with optional surrounding spaces, else None."""
    if text is None:
        return None
    stripped = text.strip(" \t\r\n")
    if not _ID.fullmatch(stripped):
        return None
    number = int(stripped)
    return number if 1 <= number <= MAX_ID else None


def parse_position(text: str | None) -> int | None:
    """A place in a list ordered by id (`?before=`, `?after=`): 0 for "before the first", or an id."""
    if text is not None and text.strip(" \t\r\n") == "0":
        return 0
    return parse_id(text)


def parse_hours(text: str | None) -> int:
    """Whole minutes from hours as typed: "1.5", "1,5", "1:30", "1h 30m", "90 min", "2 hours".

    Raises HoursError on anything else: empty text, other scripts' digits, exponents, NaN or
    infinity, negative amounts, control characters, huge numbers and parts of a minute.
    """
    if text is None:
        raise HoursError(str(_("Enter the number of hours.")), code="required")
    if len(text) > MAX_HOURS_TEXT:
        raise HoursError(str(_("Enter the hours like 1.5 or 1:30.")))
    cleaned = re.sub(r" +", " ", text.strip().lower())
    if not cleaned:
        raise HoursError(str(_("Enter the number of hours.")), code="required")
    negative = _NEGATIVE.fullmatch(cleaned)
    if negative:
        _minutes_of(negative["rest"])  # a clear "invalid" for "-abc"; otherwise it is an amount below zero
        raise HoursError(str(_("Hours cannot be below zero.")), code="negative")
    return _minutes_of(cleaned)


def _minutes_of(text: str) -> int:
    if match := _CLOCK.fullmatch(text):
        return _whole_minutes(_hours(match["hours"])) + int(match["minutes"])
    if match := _DECIMAL.fullmatch(text):
        return _whole_minutes(_hours(match["hours"]))
    if match := _UNITS.fullmatch(text):
        if match["only_minutes"] is not None:
            return _count(match["only_minutes"])
        return _whole_minutes(_hours(match["hours"])) + _count(match["minutes"] or "0")
    raise HoursError(str(_("Enter the hours like 1.5 or 1:30.")))


def _hours(number: str) -> Decimal:
    if re.fullmatch(r"[0-9]+,[0-9]{3}", number):
        raise HoursError(str(_("Enter the hours like 1.5 or 1:30.")))  # 1,000: a thousand, or one?
    whole, _sep, fraction = number.replace(",", ".").partition(".")
    whole = whole.lstrip("0")
    if len(whole) > MAX_WHOLE_DIGITS:
        raise HoursError(str(_("That is far more hours than anyone can give.")), code="too_large")
    if len(fraction.rstrip("0")) > MAX_WHOLE_DIGITS:
        raise HoursError(str(_("Enter the hours like 1.5 or 1:30.")))
    return Decimal(f"{whole or '0'}.{fraction.rstrip('0') or '0'}")


def _count(digits: str) -> int:
    digits = digits.lstrip("0") or "0"
    if len(digits) > MAX_WHOLE_DIGITS + 2:
        raise HoursError(str(_("That is far more hours than anyone can give.")), code="too_large")
    return int(digits)


def _whole_minutes(hours: Decimal) -> int:
    minutes = hours * 60
    if minutes != minutes.to_integral_value():
        raise HoursError(str(_("Enter the hours to the nearest minute, like 1.5 or 1:30.")), code="fraction")
    return int(minutes)
