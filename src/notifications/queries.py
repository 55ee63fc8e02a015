"""Reads the notification pages and the header need."""

from accounts.models import User
from notifications.models import Notification


def unread_notification_count(member: User) -> int:
    return Notification.objects.filter(recipient=member, read_at__isnull=True).count()
