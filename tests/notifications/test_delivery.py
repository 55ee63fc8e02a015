"""Each e-mail is sent at most once: retried with backoff when the mail server fails, given up
after MAX_ATTEMPTS, never resent by itself after a worker died mid-send, and requeued by an
operator only on purpose."""

import logging
from collections.abc import Iterator
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone

from accounts.models import User
from notifications import email, tasks
from notifications.actions import notify
from notifications.models import OutboundEmail
from tests.notifications.flaky_mail import BACKEND, FlakyBackend
from tests.notifications.helpers import make_waiting_tasks_due, note, notify_now, waiting_tasks
from tests.tasks import run_due_tasks

pytestmark = pytest.mark.django_db
State = OutboundEmail.State


@pytest.fixture
def flaky(settings) -> Iterator[type[FlakyBackend]]:
    """The mail server, failing as many times as the test sets `flaky.failures` (None: always)."""
    settings.MAILERS = {"default": {"BACKEND": BACKEND}}
    FlakyBackend.failures = 0
    yield FlakyBackend
    FlakyBackend.failures = 0


@pytest.fixture
def queued(bob: User, django_capture_on_commit_callbacks) -> OutboundEmail:
    """An e-mail to bob in the outbox, its send task enqueued."""
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(bob)
    return OutboundEmail.objects.get()


def test_a_failed_send_is_retried_after_a_backoff_and_then_sent_once(
    flaky: type[FlakyBackend], queued: OutboundEmail, caplog: pytest.LogCaptureFixture
) -> None:
    flaky.failures = 1
    with caplog.at_level(logging.WARNING, logger="notifications.email"):
        run_due_tasks()
    assert mail.outbox == []
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (State.PENDING, 1)
    assert "Connection unexpectedly closed" in queued.last_error
    [warning] = [r for r in caplog.records if r.name == "notifications.email"]
    assert warning.levelno == logging.WARNING
    assert "retrying in 0:01:00" in warning.getMessage()

    [retry] = waiting_tasks()
    assert retry.args_kwargs["args"] == [queued.pk]
    assert abs(retry.run_after - (timezone.now() + email.backoff(1))) < timedelta(seconds=30)
    run_due_tasks()  # not due yet: nothing happens
    assert mail.outbox == []

    make_waiting_tasks_due()
    run_due_tasks()
    run_due_tasks()
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (State.SENT, 2)
    assert queued.sent_at is not None
    assert waiting_tasks() == []


def test_backoff_grows() -> None:
    assert [email.backoff(n) for n in range(1, 5)] == [timedelta(minutes=m) for m in (1, 4, 16, 64)]


def test_the_same_task_enqueued_twice_sends_one_email(queued: OutboundEmail) -> None:
    tasks.send_email.enqueue(queued.pk)
    assert len(waiting_tasks()) == 2
    run_due_tasks()
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert email.send_outbound(queued.pk) is False  # and by hand, afterwards
    assert len(mail.outbox) == 1


def test_one_event_notified_twice_sends_one_email(bob: User, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(bob)
    with django_capture_on_commit_callbacks(execute=True):
        assert email.queue_for_notification(bob.notifications.get()) is None  # the same key again
        assert notify(bob, note()) is None
    run_due_tasks()
    assert len(mail.outbox) == 1
    assert OutboundEmail.objects.count() == 1


def test_after_max_attempts_it_is_marked_failed_and_logged_as_an_error(
    flaky: type[FlakyBackend], queued: OutboundEmail, caplog: pytest.LogCaptureFixture
) -> None:
    flaky.failures = None
    with caplog.at_level(logging.WARNING, logger="notifications.email"):
        for _ in range(email.MAX_ATTEMPTS):
            make_waiting_tasks_due()
            run_due_tasks()
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (State.FAILED, email.MAX_ATTEMPTS)
    assert waiting_tasks() == []  # nothing retries it any more
    levels = [r.levelno for r in caplog.records if r.name == "notifications.email"]
    assert levels == [logging.WARNING] * (email.MAX_ATTEMPTS - 1) + [logging.ERROR]
    assert "giving up" in caplog.records[-1].getMessage()
    assert mail.outbox == []


def crash_mid_send(outbound: OutboundEmail, minutes_ago: int) -> None:
    """A worker claimed the row, then died before it could record what happened."""
    assert email._claim(outbound.pk) is not None
    OutboundEmail.objects.filter(pk=outbound.pk).update(claimed_at=timezone.now() - timedelta(minutes=minutes_ago))


def test_an_email_left_sending_by_a_crashed_worker_is_not_resent_by_itself(queued: OutboundEmail) -> None:
    crash_mid_send(queued, minutes_ago=120)
    tasks.send_email.enqueue(queued.pk)  # the task retried, or enqueued again
    run_due_tasks()
    assert mail.outbox == []
    queued.refresh_from_db()
    assert queued.state == State.SENDING


def test_an_operator_requeues_stuck_emails(
    bob: User, queued: OutboundEmail, django_capture_on_commit_callbacks
) -> None:
    crash_mid_send(queued, minutes_ago=120)
    with django_capture_on_commit_callbacks(execute=True):
        notify_now(bob, n=2)
    recent = OutboundEmail.objects.exclude(pk=queued.pk).get()
    crash_mid_send(recent, minutes_ago=5)  # may still be sending: left alone

    out = StringIO()
    call_command("requeue_stuck_emails", "--older-than-minutes", "30", stdout=out)
    assert out.getvalue().strip() == "E-mails requeued: 1."
    run_due_tasks()
    assert [m.subject for m in mail.outbox] == ["[Hexitime] You received 1 hour(s)"]
    queued.refresh_from_db()
    recent.refresh_from_db()
    assert (queued.state, recent.state) == (State.SENT, State.SENDING)


def test_an_operator_can_retry_failed_emails(flaky: type[FlakyBackend], queued: OutboundEmail) -> None:
    flaky.failures = None
    for _ in range(email.MAX_ATTEMPTS):
        make_waiting_tasks_due()
        run_due_tasks()
    queued.refresh_from_db()
    assert queued.state == State.FAILED
    call_command("requeue_stuck_emails", stdout=StringIO())
    assert waiting_tasks() == []  # failed ones only when asked
    flaky.failures = 0  # the mail server is back
    out = StringIO()
    call_command("requeue_stuck_emails", "--failed", stdout=out)
    assert out.getvalue().strip() == "E-mails requeued: 1."
    run_due_tasks()
    assert len(mail.outbox) == 1
    queued.refresh_from_db()
    assert (queued.state, queued.attempts) == (State.SENT, 1)


def test_requeue_refuses_to_touch_emails_being_sent_now() -> None:
    with pytest.raises(CommandError, match="at least 1"):
        call_command("requeue_stuck_emails", "--older-than-minutes", "0")
