"""Display helpers used across templates."""

from django import template
from django.utils.translation import gettext as _

register = template.Library()


@register.filter
def duration(minutes: int | None) -> str:
    """Minutes as members read time: '45 min', '1 h', '1 h 30 min'."""
    if minutes is None:
        return ""
    hours, rest = divmod(int(minutes), 60)
    if hours and rest:
        return _("%(h)d h %(m)d min") % {"h": hours, "m": rest}
    if hours:
        return _("%(h)d h") % {"h": hours}
    return _("%(m)d min") % {"m": rest}
