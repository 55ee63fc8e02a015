"""The daily and weekly digest e-mails.

The daily digest lists a member's notifications whose delivery is "daily". The weekly digest tells
a member about new requests they could help with, new offers that match their open requests,
exchanges waiting on them, and their notifications whose delivery is "weekly". A member with
nothing to be told gets no e-mail.

Each member's digest is one small transaction: the e-mail goes into the outbox (its key names
the member and the day or ISO week, so a digest is sent once however often the job runs) and the
notifications it carries are marked digested in the same commit, so none is carried twice. Members
are read in batches by primary key, and a failure for one member is logged and skipped.
"""

import logging
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import Exists, Model, OuterRef, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from exchanges.models import Exchange
from exchanges.stalled import hours_waiting_on, proposals_waiting_on
from listings.matching import Suggestion, weekly_suggestions
from notifications.email import absolute, queue_email
from notifications.kinds import Delivery, Kind
from notifications.models import Notification, NotificationPreference, OutboundEmail
from notifications.queries import destination

log = logging.getLogger(__name__)

BATCH = 500  # members read at a time
LISTED = 50  # notifications listed in one digest; the rest are counted, and all are marked carried
SUGGESTIONS = 5  # of each kind in the weekly digest
WAITING = 10  # exchanges of each kind in the weekly digest
RANKED = 50  # suggestions ranked before keeping the new ones
NEW = timedelta(days=7)


def in_batches[M: Model](queryset: QuerySet[M], size: int = BATCH) -> Iterator[list[M]]:
    """The rows in primary-key order, `size` at a time: memory stays bounded, and no database cursor
    stays open across the transactions the caller makes for each row."""
    ordered = queryset.order_by("pk")
    batch = list(ordered[:size])
    while batch:
        yield batch
        if len(batch) < size:
            return
        batch = list(ordered.filter(pk__gt=batch[-1].pk)[:size])


@dataclass(frozen=True)
class Item:
    """One line of a digest: what, an absolute link, and a few words of why."""

    title: str
    link: str
    detail: str = ""


def _undigested(member: User, delivery: str, now: datetime) -> list[Notification]:
    """The member's notifications waiting for this digest, locked (in key order) until the commit."""
    waiting = Notification.objects.filter(
        recipient=member, delivery=delivery, digested_at__isnull=True, created_at__lte=now
    )
    return list(waiting.select_for_update().order_by("pk"))


def _items(notifications: list[Notification]) -> list[Item]:
    newest_first = sorted(notifications, key=lambda n: (n.created_at, n.pk), reverse=True)
    return [Item(n.title, absolute(destination(n)), n.body) for n in newest_first[:LISTED]]


def _carried(notifications: list[Notification], now: datetime) -> None:
    Notification.objects.filter(pk__in=[n.pk for n in notifications]).update(digested_at=now)


# The daily digest


def daily_key(member: User, now: datetime) -> str:
    return f"digest:daily:{member.pk}:{timezone.localdate(now).isoformat()}"


def send_daily_digest(member: User, now: datetime) -> bool:
    """Queue today's digest of the member's "daily" notifications; True when one was queued."""
    with transaction.atomic():
        notifications = _undigested(member, Delivery.DAILY, now)
        if not notifications:
            return False
        count = len(notifications)
        outbound = queue_email(
            key=daily_key(member, now),
            recipient=member,
            subject=ngettext(
                "Your daily summary: %(count)s notification", "Your daily summary: %(count)s notifications", count
            )
            % {"count": count},
            template="notifications/email/digest_daily",
            context={
                "items": _items(notifications),
                "more": max(count - LISTED, 0),
                "everything": absolute(reverse("notifications:index")),
            },
            unsubscribe_kind=Delivery.DAILY,
        )
        if outbound is None:
            return False  # today's digest has gone: these wait for tomorrow's
        _carried(notifications, now)
        return True


def send_daily_digests(now: datetime) -> int:
    """A daily digest to every active member with "daily" notifications not yet carried; how many went."""
    due = Notification.objects.filter(
        recipient=OuterRef("pk"), delivery=Delivery.DAILY, digested_at__isnull=True, created_at__lte=now
    )
    members = User.objects.filter(Exists(due), is_active=True)
    sent = 0
    for batch in in_batches(members):
        for member in batch:
            try:
                sent += send_daily_digest(member, now)
            except Exception:
                log.exception("The daily digest for member %s failed; going on with the others.", member.pk)
    return sent


# The weekly digest


def weekly_key(member: User, now: datetime) -> str:
    return f"digest:weekly:{member.pk}:{timezone.localdate(now).strftime('%G-W%V')}"


@dataclass
class WeeklySummary:
    """The summary part of the weekly digest (empty for a member who turned it off)."""

    requests: list[Item] = field(default_factory=list)
    offers: list[Item] = field(default_factory=list)
    proposals: list[Item] = field(default_factory=list)
    to_confirm: list[Item] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.requests or self.offers or self.proposals or self.to_confirm)


def _new_listings(suggestions: list[Suggestion], since: datetime) -> list[Item]:
    items = []
    for suggestion in suggestions:
        listing = suggestion.listing
        if listing is not None and listing.created_at >= since:
            items.append(Item(listing.title, absolute(listing.get_absolute_url()), suggestion.reason_text))
    return items[:SUGGESTIONS]


def _proposal_item(exchange: Exchange) -> Item:
    who = exchange.proposed_by.display_name
    return Item(exchange.title, absolute(exchange.get_absolute_url()), _("proposed by %(name)s") % {"name": who})


def _to_confirm_item(exchange: Exchange) -> Item:
    detail = ""
    if exchange.confirm_deadline:
        when = timezone.localdate(exchange.confirm_deadline)
        detail = _("confirmed automatically on %(date)s unless you act") % {"date": date_format(when, "j F Y")}
    return Item(exchange.title, absolute(exchange.get_absolute_url()), detail)


def weekly_summary(member: User, now: datetime) -> WeeklySummary:
    """What the weekly digest tells the member besides their notifications (reads only)."""
    suggestions = weekly_suggestions(member, RANKED)
    since = now - NEW
    proposals = proposals_waiting_on(member).select_related("proposed_by__profile").order_by("created_at", "pk")
    to_confirm = hours_waiting_on(member).order_by("confirm_deadline", "pk")
    return WeeklySummary(
        requests=_new_listings(suggestions.requests_you_could_help_with, since),
        offers=_new_listings(suggestions.offers_for_your_requests, since),
        proposals=[_proposal_item(e) for e in proposals[:WAITING]],
        to_confirm=[_to_confirm_item(e) for e in to_confirm[:WAITING]],
    )


def send_weekly_digest(member: User, now: datetime, *, with_summary: bool = True) -> bool:
    """Queue this week's digest for the member, unless there is nothing to tell; True when queued."""
    key = weekly_key(member, now)
    if OutboundEmail.objects.filter(key=key).exists():
        return False  # sent already: spare the matching (the outbox's unique key would refuse it anyway)
    summary = weekly_summary(member, now) if with_summary else WeeklySummary()
    with transaction.atomic():
        notifications = _undigested(member, Delivery.WEEKLY, now)
        if summary.is_empty and not notifications:
            return False
        outbound = queue_email(
            key=key,
            recipient=member,
            subject=_("Your weekly summary"),
            template="notifications/email/digest_weekly",
            context={
                "summary": summary,
                "items": _items(notifications),
                "more": max(len(notifications) - LISTED, 0),
                "everything": absolute(reverse("accounts:dashboard")),
            },
            unsubscribe_kind=Kind.WEEKLY_SUMMARY if with_summary else Delivery.WEEKLY,
        )
        if outbound is None:
            return False  # this week's digest has gone: these wait for next week's
        _carried(notifications, now)
        return True


def send_weekly_digests(now: datetime) -> int:
    """This week's digest to every active member with something to be told; how many went.

    In one process; the scheduled job instead enqueues weekly_batches() as tasks of their own.
    """
    return sum(send_weekly_digest_batch(now, first, last) for first, last in weekly_batches())


def weekly_batches(size: int = BATCH) -> Iterator[tuple[int, int]]:
    """The active members as ranges of ids (first, last), `size` members each.

    At national scale a member's weekly digest takes about 80 ms (the matching), so all of them
    take hours: as one task they would hold the worker and every e-mail queued behind them.
    """
    members = User.objects.filter(is_active=True).order_by("pk").values_list("pk", flat=True)
    ids = list(members[:size])
    while ids:
        yield ids[0], ids[-1]
        if len(ids) < size:
            return
        ids = list(members.filter(pk__gt=ids[-1])[:size])


def send_weekly_digest_batch(now: datetime, first: int, last: int) -> int:
    """This week's digests for the active members with ids from first to last; how many went.

    Members who turned the weekly summary off still get their "weekly" notifications, alone.
    """
    batch = list(User.objects.filter(is_active=True, pk__range=(first, last)).select_related("profile"))
    ids = [member.pk for member in batch]
    summary_off = set(
        NotificationPreference.objects.filter(
            member_id__in=ids, kind=Kind.WEEKLY_SUMMARY, delivery=Delivery.OFF
        ).values_list("member_id", flat=True)
    )
    with_notifications = set(
        Notification.objects.filter(
            recipient_id__in=ids, delivery=Delivery.WEEKLY, digested_at__isnull=True, created_at__lte=now
        )
        .values_list("recipient_id", flat=True)
        .order_by()
        .distinct()
    )
    sent = 0
    for member in batch:
        with_summary = member.pk not in summary_off
        if not with_summary and member.pk not in with_notifications:
            continue
        try:
            sent += send_weekly_digest(member, now, with_summary=with_summary)
        except Exception:
            log.exception("The weekly digest for member %s failed; going on with the others.", member.pk)
    return sent
