"""Values every page needs: the site's name and, for members, their navigation state."""

from typing import Any

from django.conf import settings
from django.http import HttpRequest


def site(request: HttpRequest) -> dict[str, Any]:
    return {"SITE_NAME": settings.SITE_NAME}


def unread(request: HttpRequest) -> dict[str, Any]:
    """Unread messages and notifications for the header; nothing for visitors."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    from conversations.queries import unread_conversation_count
    from notifications.queries import unread_notification_count

    return {
        "UNREAD_MESSAGES": unread_conversation_count(user),
        "UNREAD_NOTIFICATIONS": unread_notification_count(user),
    }
