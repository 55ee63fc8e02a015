"""How balances read: hours and minutes, with a sign where it matters."""

import pytest

from hexitime.templatetags.hexitime import MINUS, duration, signed_duration


@pytest.mark.parametrize(
    ("minutes", "plain", "signed"),
    [
        (0, "0 min", "0 min"),
        (45, "45 min", "+45 min"),
        (90, "1 h 30 min", "+1 h 30 min"),
        (-90, MINUS + "1 h 30 min", MINUS + "1 h 30 min"),
        (-300, MINUS + "5 h", MINUS + "5 h"),
        (None, "", ""),
    ],
)
def test_balances_read_as_hours_and_minutes_with_a_real_minus_sign(
    minutes: int | None, plain: str, signed: str
) -> None:
    assert duration(minutes) == plain
    assert signed_duration(minutes) == signed
