"""Issue 11: one rule for amounts of time (hexitime.durations), used by forms and actions alike."""

from decimal import Decimal

import pytest

from exchanges import actions, errors
from hexitime.durations import (
    MAX_HOURS,
    MAX_MINUTES,
    MIN_HOURS,
    MIN_MINUTES,
    OUT_OF_RANGE,
    QUARTER_HOURS,
    hours_refusal,
)
from ledger.forms import HoursField


@pytest.mark.parametrize(
    ("minutes", "refusal"),
    [
        (15, ""),
        (90, ""),
        (6000, ""),
        (10, QUARTER_HOURS),
        (0, OUT_OF_RANGE),
        (6015, OUT_OF_RANGE),
    ],
)
def test_quarter_hours_from_a_quarter_to_a_hundred(minutes: int, refusal: str) -> None:
    assert hours_refusal(minutes) == str(refusal)
    if refusal:
        with pytest.raises(errors.InvalidHours, match=str(refusal)):
            actions.check_minutes(minutes)
    else:
        assert actions.check_minutes(minutes) == minutes


def test_forms_use_the_same_limits_and_words() -> None:
    assert (15, 6000, Decimal("0.25"), Decimal(100)) == (MIN_MINUTES, MAX_MINUTES, MIN_HOURS, MAX_HOURS)
    assert str(MAX_HOURS) == "100"  # as the form's message says it, never 1E+2
    field = HoursField(minimum=MIN_HOURS, maximum=MAX_HOURS)
    assert field.error_messages["quarter_hours"] == QUARTER_HOURS
