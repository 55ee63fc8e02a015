"""Values every page needs: the site's name and, for members, their navigation state."""

import functools
from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import HttpRequest

from accounts.models import User
from conversations.queries import unread_conversations
from notifications.queries import unread_notifications


def site(request: HttpRequest) -> dict[str, Any]:
    return {"SITE_NAME": settings.SITE_NAME}


def unread(request: HttpRequest) -> dict[str, Any]:
    """Unread messages and notifications for the header; nothing for visitors.

    Both numbers come from one query, run only when a template shows one of them (so htmx
    fragments without the header cost nothing).
    """
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    counts = functools.cache(lambda: header_counts(user))
    return {
        "UNREAD_MESSAGES": lambda: counts()["messages"],
        "UNREAD_NOTIFICATIONS": lambda: counts()["notifications"],
    }


def header_counts(member: User) -> dict[str, int]:
    """Unread conversations and notifications (each app's own query), counted in one query together."""

    def counted(rows: QuerySet[Any]) -> Coalesce:
        """COUNT(*) of rows grouped by their one member column, as a subquery (NULL, so 0, when none)."""
        return Coalesce(Subquery(rows.order_by().annotate(n=Count("*")).values("n")[:1]), 0)

    unread_notes = unread_notifications(member).values("recipient")
    unread_threads = unread_conversations(member).values("member")
    row = User.objects.filter(pk=member.pk).values(
        unread_messages=counted(unread_threads), unread_notifications=counted(unread_notes)
    )
    found = row.first() or {"unread_messages": 0, "unread_notifications": 0}
    return {"messages": int(found["unread_messages"]), "notifications": int(found["unread_notifications"])}
