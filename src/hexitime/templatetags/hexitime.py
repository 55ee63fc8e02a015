"""Display helpers used across templates. The formatting itself lives in hexitime.durations."""

from django import template

from hexitime import durations
from hexitime.durations import MINUS

__all__ = ["MINUS", "duration", "signed_duration"]

register = template.Library()


@register.filter
def duration(minutes: int | None) -> str:
    """Minutes as members read time: '45 min', '1 h', '1 h 30 min' (hexitime.durations.duration)."""
    return durations.duration(minutes)


@register.filter
def signed_duration(minutes: int | None) -> str:
    """A change of balance: '+1 h 30 min' in, minus '45 min' out (hexitime.durations.signed_duration)."""
    return durations.signed_duration(minutes)
