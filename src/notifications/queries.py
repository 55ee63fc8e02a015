"""Reads the notification pages and the header need. Who may open which notification: access.py."""

from django.db.models import QuerySet
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

from accounts.models import User
from notifications.kinds import RULES
from notifications.models import Notification, NotificationPreference

PAGE_SIZE = 25


def unread_notifications(member: User) -> QuerySet[Notification]:
    return Notification.objects.filter(recipient=member, read_at__isnull=True)


def unread_notification_count(member: User) -> int:
    return unread_notifications(member).count()


def inbox(member: User) -> QuerySet[Notification]:
    """A member's notifications, newest first (one query per page: nothing is looked up per row)."""
    return Notification.objects.filter(recipient=member).order_by("-created_at", "-pk")


def destination(notification: Notification) -> str:
    """Where a notification leads: its path in Hexitime, or the notifications page if it is not a local path."""
    url = notification.url
    if url.startswith("/") and url_has_allowed_host_and_scheme(url, allowed_hosts=None):
        return url
    return reverse("notifications:index")


def preferences_of(member: User) -> dict[str, str]:
    """Every kind with the member's delivery for it: their choice, else the kind's default."""
    chosen = dict(NotificationPreference.objects.filter(member=member).values_list("kind", "delivery"))
    return {str(kind): rules.effective(chosen.get(kind)) for kind, rules in RULES.items()}
