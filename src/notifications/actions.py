"""Telling members things, and every change to what they are told. Actions elsewhere call notify()
inside their own transaction.

notify() writes the in-app notification and, when the member wants e-mail at once, an outbox
row whose send task is enqueued only after the transaction commits. Calling it again for the
same event and member does nothing, so retried actions never notify twice.
"""

from collections.abc import Mapping
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit import trail
from notifications import email
from notifications.errors import PreferenceNotAllowed
from notifications.kinds import RULES, Delivery, Kind, rules_for
from notifications.models import Notification, NotificationPreference
from notifications.queries import preferences_of
from notifications.tokens import DIGESTS, is_topic


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
    return rules_for(kind).effective(chosen)


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
        email.queue_for_notification(notification)
    return notification


def notify_all(members: list[User], note: Note) -> list[Notification]:
    """The same note to several members (each is notified once, by their own choice)."""
    sent = [notify(member, note) for member in members]
    return [n for n in sent if n is not None]


@transaction.atomic
def do_mark_read(*, member: User, notification: Notification) -> None:
    """Mark one of the member's notifications read (again is harmless: the first time stays)."""
    Notification.objects.filter(pk=notification.pk, recipient=member, read_at__isnull=True).update(
        read_at=timezone.now()
    )


@transaction.atomic
def do_mark_all_read(*, member: User) -> int:
    """Mark every unread notification of the member read; how many were unread."""
    return Notification.objects.filter(recipient=member, read_at__isnull=True).update(read_at=timezone.now())


def quiet_delivery(kind: str) -> Delivery:
    """What "stop e-mails about this" means for a kind: in the app only, or off if the kind is only e-mail."""
    rules = rules_for(kind)
    return Delivery.IN_APP if Delivery.IN_APP in rules.allowed() else Delivery.OFF


@transaction.atomic
def do_update_preferences(*, member: User, choices: Mapping[str, str]) -> None:
    """Save the member's delivery for each kind given; refuse the lot if one is not offered for its kind."""
    for kind, delivery in choices.items():
        if kind not in RULES:
            raise PreferenceNotAllowed(_("There is no kind of notification called “%(kind)s”.") % {"kind": kind})
        if delivery not in rules_for(kind).allowed():
            raise PreferenceNotAllowed(
                _("“%(delivery)s” is not offered for “%(kind)s”.") % {"delivery": delivery, "kind": Kind(kind).label}
            )
    _save_preferences(member, choices)
    trail.record(actor=member, verb="notifications.update_preferences", target=member, choices=dict(choices))


@transaction.atomic
def do_unsubscribe(*, member: User, topic: str) -> dict[str, str]:
    """Stop e-mails about one topic (a kind, or the daily or weekly digest); the kinds changed, with their delivery.

    A kind moves to in-app only (or off, for a kind that is nothing but an e-mail). A digest
    moves every kind the member gets in it to in-app only; the weekly summary has its own link.
    Doing it twice changes nothing the second time.
    """
    if not is_topic(topic):
        raise PreferenceNotAllowed(_("There is no kind of e-mail called “%(kind)s”.") % {"kind": topic})
    if topic in DIGESTS:
        current = preferences_of(member)
        kinds = [kind for kind, delivery in current.items() if delivery == topic and kind != Kind.WEEKLY_SUMMARY]
    else:
        kinds = [topic]
    changes = {kind: str(quiet_delivery(kind)) for kind in kinds}
    _save_preferences(member, changes)
    trail.record(actor=member, verb="notifications.unsubscribe", target=member, topic=topic, changes=changes)
    return changes


def _save_preferences(member: User, choices: Mapping[str, str]) -> None:
    """Insert or update one row per kind, in one statement."""
    if not choices:
        return
    now = timezone.now()
    NotificationPreference.objects.bulk_create(
        [
            NotificationPreference(member=member, kind=kind, delivery=delivery, updated_at=now)
            for kind, delivery in choices.items()
        ],
        update_conflicts=True,
        unique_fields=["member", "kind"],
        update_fields=["delivery", "updated_at"],
    )
