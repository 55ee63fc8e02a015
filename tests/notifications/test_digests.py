"""The daily and weekly digests: one e-mail per member and period, only to members with something to
be told, in text and HTML with links that work from a mailbox; each notification is carried once."""

from datetime import datetime, timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.utils import timezone

from accounts.models import Profile, User
from communities.models import Community
from exchanges.actions import do_accept, do_propose, do_record_hours
from exchanges.models import Exchange
from listings.models import Listing
from notifications import digests
from notifications.actions import Note, notify
from notifications.kinds import Delivery, Kind
from notifications.models import Notification, NotificationPreference, OutboundEmail
from skills.models import Skill
from tests.factories import ListingFactory, MembershipFactory, UserFactory
from tests.tasks import run_due_tasks

pytestmark = pytest.mark.django_db
SITE_URL = "https://hexitime.example"


@pytest.fixture(autouse=True)
def _site_url(settings) -> None:
    settings.SITE_URL = SITE_URL


def choose(member: User, kind: str, delivery: str) -> None:
    NotificationPreference.objects.create(member=member, kind=kind, delivery=delivery)


def tell(member: User, n: int, kind: str = Kind.CREDITS_RECEIVED) -> Notification:
    note = Note(kind=kind, title=f"You received {n} hour(s)", url=f"/credits/{n}/", event_key=f"test:{n}")
    notification = notify(member, note)
    assert notification is not None
    return notification


def sent(run: object, django_capture_on_commit_callbacks) -> list[EmailMultiAlternatives]:
    """Run a digest job (the callable), then the worker; the e-mails it sent."""
    before = len(mail.outbox)
    with django_capture_on_commit_callbacks(execute=True):
        run()  # type: ignore[operator]
    run_due_tasks()
    messages = mail.outbox[before:]
    assert all(isinstance(m, EmailMultiAlternatives) for m in messages)
    return messages  # type: ignore[return-value]


def html_of(message: EmailMultiAlternatives) -> str:
    [(html, mimetype)] = message.alternatives
    assert mimetype == "text/html"
    return str(html)


def later(**delta: float) -> datetime:
    return timezone.now() + timedelta(**delta)


# The daily digest


def test_daily_digest_lists_the_members_daily_notifications_once(
    alice: User, bob: User, django_capture_on_commit_callbacks
) -> None:
    choose(bob, Kind.CREDITS_RECEIVED, Delivery.DAILY)
    first, second = tell(bob, 1), tell(bob, 2)
    tell(alice, 3)  # alice keeps e-mail at once: not in any digest
    mail.outbox.clear()
    now = later(minutes=1)

    [message] = sent(lambda: digests.send_daily_digests(now), django_capture_on_commit_callbacks)
    assert message.to == ["bob@example.org"]
    assert message.subject == "[Hexitime] Your daily summary: 2 notifications"
    for notification in (first, second):
        assert notification.title in message.body
        assert f"{SITE_URL}{notification.url}" in message.body
        assert f'href="{SITE_URL}{notification.url}"' in html_of(message)
    assert "Hexitime" in html_of(message)
    assert "List-Unsubscribe" in message.extra_headers
    outbound = OutboundEmail.objects.get(recipient=bob, key__startswith="digest:")
    assert outbound.key == f"digest:daily:{bob.pk}:{timezone.localdate(now).isoformat()}"
    assert set(Notification.objects.filter(recipient=bob).values_list("digested_at", flat=True)) == {now}
    assert Notification.objects.get(recipient=alice).digested_at is None

    # Again the same day, and the next: nothing is carried twice.
    assert sent(lambda: digests.send_daily_digests(now), django_capture_on_commit_callbacks) == []
    assert sent(lambda: digests.send_daily_digests(later(days=1)), django_capture_on_commit_callbacks) == []


def test_a_notification_after_todays_digest_waits_for_tomorrows(bob: User, django_capture_on_commit_callbacks) -> None:
    choose(bob, Kind.CREDITS_RECEIVED, Delivery.DAILY)
    tell(bob, 1)
    today = later(minutes=1)
    assert len(sent(lambda: digests.send_daily_digests(today), django_capture_on_commit_callbacks)) == 1
    late = tell(bob, 2)
    assert sent(lambda: digests.send_daily_digests(later(minutes=2)), django_capture_on_commit_callbacks) == []
    late.refresh_from_db()
    assert late.digested_at is None
    [tomorrow] = sent(lambda: digests.send_daily_digests(later(days=1)), django_capture_on_commit_callbacks)
    assert late.title in tomorrow.body
    assert "You received 1 hour(s)" not in tomorrow.body


def test_no_daily_digest_without_daily_notifications(
    alice: User, bob: User, django_capture_on_commit_callbacks
) -> None:
    tell(bob, 1)  # e-mail at once
    choose(alice, Kind.CREDITS_RECEIVED, Delivery.WEEKLY)
    tell(alice, 2)
    mail.outbox.clear()
    assert sent(lambda: digests.send_daily_digests(later(minutes=1)), django_capture_on_commit_callbacks) == []
    assert not OutboundEmail.objects.filter(key__startswith="digest:").exists()


def test_a_long_daily_digest_lists_the_newest_and_counts_the_rest(
    bob: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(digests, "LISTED", 2)
    choose(bob, Kind.CREDITS_RECEIVED, Delivery.DAILY)
    for n in range(1, 6):
        tell(bob, n)
    [message] = sent(lambda: digests.send_daily_digests(later(minutes=1)), django_capture_on_commit_callbacks)
    assert "You received 5 hour(s)" in message.body
    assert "You received 1 hour(s)" not in message.body
    assert "And 3 more." in message.body
    assert not Notification.objects.filter(recipient=bob, digested_at__isnull=True).exists()


def test_one_members_failure_does_not_stop_the_others(
    alice: User, bob: User, monkeypatch: pytest.MonkeyPatch, django_capture_on_commit_callbacks
) -> None:
    for member in (alice, bob):
        choose(member, Kind.CREDITS_RECEIVED, Delivery.DAILY)
    tell(alice, 1)
    tell(bob, 2)
    real = digests.send_daily_digest

    def failing_for_alice(member: User, now: datetime) -> bool:
        if member.pk == alice.pk:
            raise RuntimeError("the template broke")
        return real(member, now)

    monkeypatch.setattr(digests, "send_daily_digest", failing_for_alice)
    [message] = sent(lambda: digests.send_daily_digests(later(minutes=1)), django_capture_on_commit_callbacks)
    assert message.to == ["bob@example.org"]
    assert Notification.objects.get(recipient=alice).digested_at is None  # carried next time


# The weekly digest


def skilled(member: User, *names: str) -> None:
    Profile.objects.get(user=member).skills.set(Skill.objects.filter(name__in=names))


@pytest.fixture
def dave(community: Community) -> User:
    user = UserFactory(email="dave@example.org", profile__display_name="Dave Davies")
    MembershipFactory(member=user, community=community)
    return user


def test_weekly_digest_tells_of_new_matches_and_exchanges_waiting(
    alice: User, bob: User, dave: User, community: Community, django_capture_on_commit_callbacks
) -> None:
    skilled(bob, "Run charts")
    run_charts = Skill.objects.filter(name="Run charts")
    new_request = ListingFactory(
        author=dave, scope=community, kind="request", title="Run charts for our falls data", skills=list(run_charts)
    )
    old_request = ListingFactory(
        author=dave, scope=community, kind="request", title="An old run chart request", skills=list(run_charts)
    )
    Listing.objects.filter(pk=old_request.pk).update(created_at=timezone.now() - timedelta(days=20))
    proposal = do_propose(
        proposer=alice,
        provider=alice,
        recipients=[bob],
        community=community,
        title="SPC coaching",
        minutes=60,
        window="Friday",
        message="A private note",
    )
    to_confirm = do_propose(
        proposer=dave, provider=dave, recipients=[bob], community=community, title="Process map", minutes=90, window="x"
    )
    do_accept(member=bob, exchange=to_confirm)
    do_record_hours(member=dave, exchange=to_confirm, minutes=90)
    choose(bob, Kind.CREDITS_RECEIVED, Delivery.WEEKLY)
    weekly_note = tell(bob, 4)
    mail.outbox.clear()
    now = later(minutes=1)

    messages = sent(lambda: digests.send_weekly_digests(now), django_capture_on_commit_callbacks)
    [message] = [m for m in messages if m.to == ["bob@example.org"]]
    body, html = message.body, html_of(message)
    assert message.subject == "[Hexitime] Your weekly summary"
    assert "New requests you could help with" in body
    assert new_request.title in body
    assert f'href="{SITE_URL}{new_request.get_absolute_url()}"' in html
    assert old_request.title not in body  # not new this week
    assert "Proposals waiting for your answer" in body
    assert f"{SITE_URL}{proposal.get_absolute_url()}" in body
    assert "proposed by Alice Adams" in body
    assert "A private note" not in body
    assert "Hours waiting for you to confirm" in body
    assert f"{SITE_URL}{to_confirm.get_absolute_url()}" in body
    assert weekly_note.title in body
    assert "List-Unsubscribe" in message.extra_headers
    week = timezone.localdate(now).isocalendar()
    digest = OutboundEmail.objects.get(recipient=bob, key__startswith="digest:")
    assert digest.key == f"digest:weekly:{bob.pk}:{week.year}-W{week.week:02d}"
    weekly_note.refresh_from_db()
    assert weekly_note.digested_at == now

    # Alice waits on nobody and matches nothing: she gets nothing. Dave waits to be confirmed: nothing.
    assert {m.to[0] for m in messages} == {"bob@example.org"}
    # The same week again: nothing more.
    assert sent(lambda: digests.send_weekly_digests(later(hours=1)), django_capture_on_commit_callbacks) == []


def test_nothing_to_say_sends_nothing(
    alice: User, bob: User, charlie: User, django_capture_on_commit_callbacks
) -> None:
    assert sent(lambda: digests.send_weekly_digests(later(minutes=1)), django_capture_on_commit_callbacks) == []
    assert not OutboundEmail.objects.exists()


def test_summary_turned_off_still_carries_weekly_notifications(
    alice: User, bob: User, community: Community, django_capture_on_commit_callbacks
) -> None:
    choose(bob, Kind.WEEKLY_SUMMARY, Delivery.OFF)
    do_propose(
        proposer=alice, provider=alice, recipients=[bob], community=community, title="SPC", minutes=60, window="x"
    )
    mail.outbox.clear()
    assert sent(lambda: digests.send_weekly_digests(later(minutes=1)), django_capture_on_commit_callbacks) == []

    choose(bob, Kind.CREDITS_RECEIVED, Delivery.WEEKLY)
    note = tell(bob, 5)
    [message] = sent(lambda: digests.send_weekly_digests(later(minutes=2)), django_capture_on_commit_callbacks)
    assert note.title in message.body
    assert "Proposals waiting for your answer" not in message.body


def test_weekly_digest_reads_members_in_batches(
    alice: User, bob: User, dave: User, community: Community, monkeypatch, django_capture_on_commit_callbacks
) -> None:
    monkeypatch.setattr(digests, "BATCH", 2)
    for member in (alice, bob, dave):
        choose(member, Kind.CREDITS_RECEIVED, Delivery.WEEKLY)
        tell(member, member.pk)
    messages = sent(lambda: digests.send_weekly_digests(later(minutes=1)), django_capture_on_commit_callbacks)
    assert sorted(m.to[0] for m in messages) == ["alice@example.org", "bob@example.org", "dave@example.org"]


def test_inactive_members_get_no_digest(bob: User, django_capture_on_commit_callbacks) -> None:
    choose(bob, Kind.CREDITS_RECEIVED, Delivery.DAILY)
    tell(bob, 1)
    User.objects.filter(pk=bob.pk).update(is_active=False)
    assert sent(lambda: digests.send_daily_digests(later(minutes=1)), django_capture_on_commit_callbacks) == []
    assert sent(lambda: digests.send_weekly_digests(later(minutes=1)), django_capture_on_commit_callbacks) == []


def test_exchanges_waiting_are_the_members_to_answer(alice: User, bob: User, community: Community) -> None:
    """Only the member who must act sees an exchange as waiting on them."""
    exchange = do_propose(
        proposer=alice, provider=alice, recipients=[bob], community=community, title="SPC", minutes=60, window="x"
    )
    now = later(minutes=1)
    assert [i.title for i in digests.weekly_summary(bob, now).proposals] == ["SPC"]
    assert digests.weekly_summary(alice, now).proposals == []
    do_accept(member=bob, exchange=exchange)
    do_record_hours(member=bob, exchange=Exchange.objects.get(pk=exchange.pk), minutes=60)
    assert [i.title for i in digests.weekly_summary(alice, now).to_confirm] == ["SPC"]
    assert digests.weekly_summary(bob, now).to_confirm == []
