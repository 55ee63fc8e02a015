"""Telling members things. Actions elsewhere call notify() inside their own transaction.

notify() writes the in-app notification and, when the member wants e-mail at once, an outbox
row whose send task is enqueued only after the transaction commits. Calling it again for the
same event and member does nothing, so retried actions never notify twice.
"""

from dataclasses import dataclass

from django.db import IntegrityError, transaction

from accounts.models import User
from notifications.kinds import Delivery, rules_for
from notifications.models import Notification, NotificationPreference


@dataclass(frozen=True)
class Note:
    """What to tell: the kind, a one-line title, an optional short body and the path to act on it."""

    kind: str
    title: str
    url: str
    event_key: str
    body: str = ""


def delivery_for(member: User, kind: str) -> str:
    chosen = NotificationPreference.objects.filter(member=member, kind=kind).values_list("delivery", flat=True).first()
    rules = rules_for(kind)
    if chosen in rules.allowed():
        return str(chosen)
    return str(rules.default)


def notify(member: User, note: Note) -> Notification | None:
    """Notify one member of one event; None when they turned the kind off or were already told."""
    delivery = delivery_for(member, note.kind)
    if delivery == Delivery.OFF:
        return None
    try:
        with transaction.atomic():
            notification = Notification.objects.create(
                recipient=member,
                kind=note.kind,
                title=note.title[:200],
                body=note.body[:2000],
                url=note.url,
                event_key=note.event_key,
                delivery=delivery,
            )
    except IntegrityError:
        return None  # this member was already told of this event
    if delivery == Delivery.EMAIL and member.is_active:
        from notifications import email

        email.queue_for_notification(notification)
    return notification


def notify_all(members: list[User], note: Note) -> list[Notification]:
    """The same note to several members (each is notified once, by their own choice)."""
    sent = [notify(member, note) for member in members]
    return [n for n in sent if n is not None]
