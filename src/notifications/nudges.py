"""Reminders about things waiting on a member: proposals, messages, recorded hours, expiring listings.

Each nudge is a notification whose event key names what it is about ("nudge:proposal:12",
"listing:7:expiring:2026-12-01"), so a member is nudged once about each thing however often the
sweep runs. Candidates are read in batches, and the members already told are found in one query
per batch, so a sweep every few minutes stays cheap. A failure for one thing is logged and skipped.
"""

import logging
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from conversations import queries as conversation_queries
from exchanges.actions import REMINDER_BEFORE, send_reminder
from exchanges.models import Exchange
from exchanges.rules import waits_on
from exchanges.stalled import UNANSWERED_AFTER, proposals_older_than
from listings.models import Listing
from notifications.actions import Note, notify
from notifications.digests import in_batches
from notifications.kinds import Kind
from notifications.models import Notification

log = logging.getLogger(__name__)

MESSAGE_WAIT = timedelta(days=3)
MESSAGE_LOOKBACK = timedelta(days=14)
EXPIRY_WARNING = timedelta(days=7)


def _already_told(keys: Iterable[str]) -> set[tuple[int, str]]:
    """(member id, event key) of the notifications that exist for these keys, in one query."""
    return set(Notification.objects.filter(event_key__in=set(keys)).values_list("recipient_id", "event_key"))


# Proposals


def proposal_key(exchange: Exchange) -> str:
    return f"nudge:proposal:{exchange.pk}"


def _proposal_note(exchange: Exchange, now: datetime) -> Note:
    days = (now - exchange.created_at).days
    return Note(
        kind=Kind.NUDGE,
        title=_("%(name)s is waiting for your answer: %(title)s")
        % {"name": exchange.proposed_by.display_name, "title": exchange.title},
        body=ngettext(
            "They proposed this exchange %(days)s day ago. Accept or decline it, so they know where they stand.",
            "They proposed this exchange %(days)s days ago. Accept or decline it, so they know where they stand.",
            days,
        )
        % {"days": days},
        url=exchange.get_absolute_url(),
        event_key=proposal_key(exchange),
    )


def nudge_unanswered_proposals(now: datetime) -> int:
    """Nudge each party who must answer a proposal waiting UNANSWERED_AFTER or more; how many were told."""
    told = 0
    for batch in in_batches(proposals_older_than(now - UNANSWERED_AFTER)):
        done = _already_told(proposal_key(exchange) for exchange in batch)
        waiting = {
            exchange.pk: [pk for pk in waits_on(exchange) if (pk, proposal_key(exchange)) not in done]
            for exchange in batch
        }
        people = User.objects.in_bulk({pk for ids in waiting.values() for pk in ids})
        for exchange in batch:
            members = [people[pk] for pk in waiting[exchange.pk] if pk in people]
            if not members:
                continue
            try:
                with transaction.atomic():
                    note = _proposal_note(exchange, now)
                    told += sum(notify(member, note) is not None for member in members)
            except Exception:
                log.exception("Nudging about proposal %s failed; going on with the others.", exchange.pk)
    return told


# Messages


def nudge_waiting_messages(now: datetime) -> int:
    """Nudge members about messages waiting MESSAGE_WAIT or more for their reply; how many were told.

    Messages older than MESSAGE_LOOKBACK besides are left alone: a nudge then would come too late
    to help, and the sweep stays small however many conversations fall silent.
    """
    older_than = now - MESSAGE_WAIT
    waiting = conversation_queries.messages_waiting_on(older_than, newer_than=older_than - MESSAGE_LOOKBACK)
    done = _already_told(f"nudge:message:{reply.message.pk}" for reply in waiting)
    told = 0
    for reply in waiting:
        key = f"nudge:message:{reply.message.pk}"
        if (reply.member.pk, key) in done:
            continue
        note = Note(
            kind=Kind.NUDGE,
            title=_("A message is waiting for your reply"),
            body=_("It has been waiting for 3 days or more. Even a short reply helps."),
            url=reply.conversation.get_absolute_url(),
            event_key=key,
        )
        try:
            told += notify(reply.member, note) is not None
        except Exception:
            log.exception("Nudging about message %s failed; going on with the others.", reply.message.pk)
    return told


# Recorded hours about to be confirmed automatically


def send_due_reminders(now: datetime) -> int:
    """Remind before auto-confirmation where the reminder task was lost; how many reminders went.

    The reminder is normally a task enqueued when the hours are recorded; this catches any that
    never ran: hours confirmed automatically within REMINDER_BEFORE and nobody reminded yet.
    """
    due = Exchange.objects.filter(
        state=Exchange.State.COMPLETED,
        reminder_sent_at__isnull=True,
        confirm_deadline__gt=now,
        confirm_deadline__lte=now + REMINDER_BEFORE,
    ).only("pk")
    reminded = 0
    for batch in in_batches(due):
        for exchange in batch:
            try:
                reminded += send_reminder(exchange_id=exchange.pk)
            except Exception:
                log.exception("The reminder for exchange %s failed; going on with the others.", exchange.pk)
    return reminded


# Listings about to expire


def expiry_key(listing: Listing) -> str:
    return f"listing:{listing.pk}:expiring:{timezone.localdate(listing.expires_at).isoformat()}"


def _expiry_note(listing: Listing) -> Note:
    when = date_format(timezone.localtime(listing.expires_at), "j F")
    return Note(
        kind=Kind.LISTING_EXPIRING,
        title=_("Your %(kind)s “%(title)s” expires on %(date)s")
        % {"kind": listing.get_kind_display().lower(), "title": listing.title, "date": when},
        body=_(
            "Renew it to keep it in search for another 90 days. If it is no longer needed, "
            "you need do nothing: it will stop showing by itself."
        ),
        url=listing.get_absolute_url(),
        event_key=expiry_key(listing),
    )


def warn_expiring_listings(now: datetime) -> int:
    """Tell authors of live listings expiring within EXPIRY_WARNING; how many were told.

    A renewed listing has a new expiry date, hence a new key: its author is told again next time.
    Expiry needs no sweep of its own: a listing past its date simply stops being live.
    """
    expiring = Listing.objects.filter(
        status=Listing.Status.ACTIVE,
        hidden_at__isnull=True,
        expires_at__gt=now,
        expires_at__lte=now + EXPIRY_WARNING,
    ).select_related("author")
    told = 0
    for batch in in_batches(expiring.defer("search_vector", "description")):
        done = _already_told(expiry_key(listing) for listing in batch)
        for listing in batch:
            if (listing.author_id, expiry_key(listing)) in done:
                continue
            try:
                told += notify(listing.author, _expiry_note(listing)) is not None
            except Exception:
                log.exception("Warning about listing %s expiring failed; going on with the others.", listing.pk)
    return told


def send_nudges(now: datetime) -> int:
    """Every nudge due now: proposals, messages and reminders before auto-confirmation."""
    return nudge_unanswered_proposals(now) + nudge_waiting_messages(now) + send_due_reminders(now)
