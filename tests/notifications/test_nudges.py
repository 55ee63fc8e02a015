"""Nudges: proposals and messages waiting on a member, lost reminders, listings about to expire.

Each is told once, to the right member only, however often the sweep runs.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from accounts.models import User
from communities.models import Community
from conversations import queries as conversation_queries
from conversations.actions import do_send_direct
from exchanges.actions import do_accept, do_propose, do_record_hours
from exchanges.models import Exchange, ExchangeEvent
from listings.models import Listing
from notifications import nudges
from notifications.kinds import Kind
from notifications.models import Notification
from tests.factories import ListingFactory, MembershipFactory, UserFactory
from tests.tasks import run_due_tasks

pytestmark = pytest.mark.django_db


def propose(proposer: User, provider: User, recipients: list[User], community: Community, days_ago: int) -> Exchange:
    exchange = do_propose(
        proposer=proposer,
        provider=provider,
        recipients=recipients,
        community=community,
        title="Run chart coaching",
        minutes=60,
        window="Tuesday afternoon",
        message="Our falls data is private",
    )
    when = timezone.now() - timedelta(days=days_ago)
    Exchange.objects.filter(pk=exchange.pk).update(created_at=when, updated_at=when)
    exchange.refresh_from_db()
    return exchange


def nudges_of(member: User) -> list[Notification]:
    return list(Notification.objects.filter(recipient=member, kind=Kind.NUDGE))


# Proposals


def test_a_proposal_waiting_three_days_nudges_the_member_who_must_answer_once(
    alice: User, bob: User, community: Community, django_capture_on_commit_callbacks
) -> None:
    exchange = propose(alice, alice, [bob], community, days_ago=3)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert nudges.nudge_unanswered_proposals(now) == 1
        assert nudges.nudge_unanswered_proposals(now) == 0
    run_due_tasks()

    [nudge] = nudges_of(bob)
    assert nudge.event_key == f"nudge:proposal:{exchange.pk}"
    assert nudge.url == exchange.get_absolute_url()
    assert "Alice Adams is waiting for your answer" in nudge.title
    assert nudges_of(alice) == []  # the proposer waits; she is not nudged
    [email] = mail.outbox
    assert email.to == ["bob@example.org"]
    assert "Alice Adams is waiting for your answer" in email.subject
    assert settings.SITE_URL + exchange.get_absolute_url() in email.body
    assert email.alternatives[0].mimetype == "text/html"  # type: ignore[attr-defined]
    assert "Our falls data is private" not in email.body


def test_a_proposal_younger_than_three_days_or_answered_is_not_nudged(
    alice: User, bob: User, community: Community
) -> None:
    propose(alice, alice, [bob], community, days_ago=2)
    answered = propose(bob, alice, [bob], community, days_ago=5)
    do_accept(member=alice, exchange=answered)
    assert nudges.nudge_unanswered_proposals(timezone.now()) == 0
    assert Notification.objects.filter(kind=Kind.NUDGE).count() == 0


def test_a_group_proposal_nudges_everyone_but_the_proposer(alice: User, bob: User, community: Community) -> None:
    dave = UserFactory(profile__display_name="Dave Davies")
    MembershipFactory(member=dave, community=community)
    propose(bob, alice, [bob, dave], community, days_ago=4)  # bob, a recipient, proposed
    assert nudges.nudge_unanswered_proposals(timezone.now()) == 2
    assert len(nudges_of(alice)) == len(nudges_of(dave)) == 1
    assert nudges_of(bob) == []


# Messages


@dataclass
class FakeConversation:
    pk: int

    def get_absolute_url(self) -> str:
        return f"/messages/{self.pk}/"


@dataclass
class FakeMessage:
    pk: int


@dataclass
class FakeWaitingReply:
    member: User
    conversation: FakeConversation
    message: FakeMessage


def test_a_message_waiting_three_days_nudges_the_member_once(
    bob: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    """Against the promised contract: conversations.queries.messages_waiting_on(older_than)."""
    asked: list[tuple[datetime, datetime | None]] = []

    def messages_waiting_on(older_than: datetime, *, newer_than: datetime | None = None) -> list[FakeWaitingReply]:
        asked.append((older_than, newer_than))
        return [FakeWaitingReply(bob, FakeConversation(7), FakeMessage(41))]

    monkeypatch.setattr(conversation_queries, "messages_waiting_on", messages_waiting_on, raising=False)
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert nudges.nudge_waiting_messages(now) == 1
        assert nudges.nudge_waiting_messages(now) == 0
    run_due_tasks()
    assert asked == [(now - timedelta(days=3), now - timedelta(days=17))] * 2
    [nudge] = nudges_of(bob)
    assert (nudge.event_key, nudge.url) == ("nudge:message:41", "/messages/7/")
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]


def test_a_direct_message_left_unanswered_nudges_its_recipient(alice: User, bob: User) -> None:
    message = do_send_direct(sender=alice, recipient=bob, body="Could we talk about the falls audit?")
    now = timezone.now()
    assert nudges.nudge_waiting_messages(now + timedelta(days=2)) == 0
    assert nudges.nudge_waiting_messages(now + timedelta(days=3, minutes=1)) == 1
    assert nudges.nudge_waiting_messages(now + timedelta(days=3, minutes=2)) == 0
    [nudge] = nudges_of(bob)
    assert (nudge.event_key, nudge.url) == (f"nudge:message:{message.pk}", message.conversation.get_absolute_url())
    assert "falls audit" not in nudge.title + nudge.body
    assert nudges_of(alice) == []


# Reminders before auto-confirmation


def recorded(alice: User, bob: User, community: Community, deadline_in: timedelta) -> Exchange:
    exchange = propose(alice, alice, [bob], community, days_ago=0)
    do_accept(member=bob, exchange=exchange)
    exchange = do_record_hours(member=alice, exchange=exchange, minutes=60)
    Exchange.objects.filter(pk=exchange.pk).update(confirm_deadline=timezone.now() + deadline_in)
    return exchange


def test_a_lost_reminder_is_sent_by_the_sweep_once(alice: User, bob: User, community: Community) -> None:
    exchange = recorded(alice, bob, community, deadline_in=timedelta(days=1))
    later = recorded(alice, bob, community, deadline_in=timedelta(days=3))
    past = recorded(alice, bob, community, deadline_in=-timedelta(hours=1))
    now = timezone.now()
    assert nudges.send_due_reminders(now) == 1
    assert nudges.send_due_reminders(now) == 0
    exchange.refresh_from_db()
    assert exchange.reminder_sent_at is not None
    assert exchange.events.filter(kind=ExchangeEvent.Kind.REMINDED).count() == 1
    for other in (later, past):
        other.refresh_from_db()
        assert other.reminder_sent_at is None


# Listings about to expire


def test_the_author_of_a_listing_expiring_within_a_week_is_told_once(
    bob: User, community: Community, django_capture_on_commit_callbacks
) -> None:
    listing = ListingFactory(author=bob, scope=community, title="SPC clinic", expires_at=timezone.now() + timedelta(5))
    ListingFactory(author=bob, scope=community, expires_at=timezone.now() + timedelta(days=8))
    ListingFactory(author=bob, scope=community, expires_at=timezone.now() - timedelta(days=1))
    ListingFactory(author=bob, scope=community, expires_at=timezone.now() + timedelta(3), status=Listing.Status.PAUSED)
    ListingFactory(author=bob, scope=community, expires_at=timezone.now() + timedelta(3), hidden_at=timezone.now())
    now = timezone.now()
    with django_capture_on_commit_callbacks(execute=True):
        assert nudges.warn_expiring_listings(now) == 1
        assert nudges.warn_expiring_listings(now) == 0
    run_due_tasks()

    [warning] = Notification.objects.filter(kind=Kind.LISTING_EXPIRING)
    expires_on = timezone.localdate(listing.expires_at).isoformat()
    assert (warning.recipient, warning.url) == (bob, listing.get_absolute_url())
    assert warning.event_key == f"listing:{listing.pk}:expiring:{expires_on}"
    assert "SPC clinic" in warning.title
    assert "Renew it" in warning.body
    [email] = mail.outbox
    assert email.to == ["bob@example.org"]
    assert settings.SITE_URL + listing.get_absolute_url() in email.body


def test_a_renewed_listing_is_warned_again_before_its_new_expiry(bob: User, community: Community) -> None:
    listing = ListingFactory(author=bob, scope=community, expires_at=timezone.now() + timedelta(days=2))
    assert nudges.warn_expiring_listings(timezone.now()) == 1
    Listing.objects.filter(pk=listing.pk).update(expires_at=timezone.now() + timedelta(days=90))
    assert nudges.warn_expiring_listings(timezone.now()) == 0
    assert nudges.warn_expiring_listings(timezone.now() + timedelta(days=85)) == 1
    assert Notification.objects.filter(recipient=bob, kind=Kind.LISTING_EXPIRING).count() == 2
