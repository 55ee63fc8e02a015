"""`manage.py run_schedule` enqueues each job when it is due and never more often; the worker runs them."""

from datetime import datetime, timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from communities.models import Community
from exchanges.actions import do_accept, do_propose, do_record_hours
from exchanges.models import Exchange
from notifications import digests
from notifications.actions import Note, notify
from notifications.kinds import Delivery, Kind
from notifications.management.commands import run_schedule
from notifications.models import Notification, NotificationPreference, OutboundEmail, ScheduledRun
from notifications.schedule import JOBS
from tests.factories import ListingFactory, UserFactory
from tests.tasks import run_due_tasks

pytestmark = pytest.mark.django_db
EVERY_RUN = ["expire_ledger_approvals", "sweep_auto_confirm", "send_nudges", "warn_expiring_listings"]


def schedule(now: str | datetime) -> str:
    """Run the scheduler once, as cron would, as if it were `now`; what it printed."""
    out = StringIO()
    moment = now.isoformat() if isinstance(now, datetime) else now
    call_command("run_schedule", "--now", moment, stdout=out)
    return out.getvalue()


def task_path(job: str) -> str:
    """The task a job enqueues (each app registers its own jobs)."""
    return next(known.task.module_path for known in JOBS if known.name == job)


def enqueued(job: str) -> int:
    return DBTaskResult.objects.filter(task_path=task_path(job)).count()


def test_the_daily_digest_is_enqueued_once_a_day_from_seven() -> None:
    schedule("2026-12-08T06:59")  # a Tuesday, before 07:00 in London
    assert enqueued("send_daily_digests") == 0
    schedule("2026-12-08T07:00")
    schedule("2026-12-08T07:05")
    schedule("2026-12-08T23:55")
    assert enqueued("send_daily_digests") == 1
    schedule("2026-12-09T06:00")
    assert enqueued("send_daily_digests") == 1
    schedule("2026-12-09T07:10")
    assert enqueued("send_daily_digests") == 2


def test_the_weekly_digest_is_enqueued_once_a_week_from_monday_seven() -> None:
    schedule("2026-12-07T06:59")  # a Monday
    assert enqueued("send_weekly_digests") == 0
    schedule("2026-12-07T07:00")
    schedule("2026-12-08T07:00")
    schedule("2026-12-13T23:59")
    assert enqueued("send_weekly_digests") == 1
    schedule("2026-12-14T07:01")
    assert enqueued("send_weekly_digests") == 2


def test_a_missed_monday_is_caught_up_that_week() -> None:
    schedule("2026-12-07T06:00")  # Monday before seven: the scheduler then stopped until Wednesday
    schedule("2026-12-09T10:00")
    assert enqueued("send_weekly_digests") == 1


def test_seven_oclock_is_london_time_in_summer_too() -> None:
    schedule("2026-07-06T05:59+00:00")  # Monday 06:59 BST
    assert enqueued("send_daily_digests") == enqueued("send_weekly_digests") == 0
    schedule("2026-07-06T06:00+00:00")  # Monday 07:00 BST
    assert enqueued("send_daily_digests") == enqueued("send_weekly_digests") == 1


def test_a_run_as_if_in_the_future_does_not_hold_up_the_real_schedule() -> None:
    schedule("2026-12-31T08:00")
    schedule("2026-12-08T08:00")
    assert enqueued("send_daily_digests") == 2
    schedule("2026-12-08T09:00")
    assert enqueued("send_daily_digests") == 2


def test_sweeps_are_enqueued_at_every_run_with_the_time_they_were_scheduled_for() -> None:
    output = schedule("2026-12-07T03:00")
    assert output == (
        "2026-12-07 03:00: enqueued expire_ledger_approvals, sweep_auto_confirm, send_nudges, warn_expiring_listings.\n"
    )
    schedule("2026-12-07T03:05")  # Monday, before seven
    assert all(enqueued(job) == 2 for job in EVERY_RUN)
    [first, _] = DBTaskResult.objects.filter(task_path="notifications.scheduled.send_nudges").order_by("enqueued_at")
    assert first.args_kwargs["args"] == ["2026-12-07T03:00:00+00:00"]
    assert ScheduledRun.objects.get(job="send_nudges").last_run_at == datetime.fromisoformat("2026-12-07T03:05Z")


def test_list_shows_the_jobs_their_last_run_and_what_is_due_without_enqueuing() -> None:
    schedule("2026-12-08T08:00")
    out = StringIO()
    call_command("run_schedule", "--list", "--now", "2026-12-09T08:00", stdout=out)
    lines = out.getvalue().splitlines()
    assert [line.split()[0] for line in lines] == [job.name for job in JOBS]
    by_job = {line.split()[0]: line for line in lines}
    assert "2026-12-08 08:00 GMT" in by_job["send_daily_digests"]
    assert by_job["send_daily_digests"].endswith(" due")  # a day later
    assert by_job["send_weekly_digests"].endswith("not due")  # it went on Tuesday
    assert DBTaskResult.objects.count() == 6  # only the first run's


def test_bad_options_are_refused() -> None:
    with pytest.raises(CommandError, match="ISO date and time"):
        call_command("run_schedule", "--now", "tomorrow")
    with pytest.raises(CommandError, match="do not go together"):
        call_command("run_schedule", "--loop", "--now", "2026-12-08T08:00")


def test_loop_enqueues_then_sleeps_the_interval(monkeypatch: pytest.MonkeyPatch) -> None:
    slept: list[float] = []

    def sleep(seconds: float) -> None:
        slept.append(seconds)
        raise KeyboardInterrupt  # stop after the first round, as Ctrl-C would

    monkeypatch.setattr(run_schedule.time, "sleep", sleep)
    # Recycling connections would close the test's own (in a transaction) on PostgreSQL.
    monkeypatch.setattr(run_schedule, "close_old_connections", lambda: None)
    out = StringIO()
    call_command("run_schedule", "--loop", "--interval", "60", stdout=out)
    assert slept == [60]
    assert all(enqueued(job) == 1 for job in EVERY_RUN)
    assert out.getvalue().endswith("Stopped.\n")


def tomorrow_at_eight() -> datetime:
    tomorrow = timezone.localdate() + timedelta(days=1)
    return datetime.combine(tomorrow, datetime.min.time().replace(hour=8), tzinfo=timezone.get_default_timezone())


def test_the_worker_sends_the_digests_the_scheduler_enqueued(bob: User, django_capture_on_commit_callbacks) -> None:
    NotificationPreference.objects.create(member=bob, kind=Kind.CREDITS_RECEIVED, delivery=Delivery.DAILY)
    notify(bob, Note(kind=Kind.CREDITS_RECEIVED, title="You received 2 hours", url="/credits/", event_key="t:1"))
    schedule(tomorrow_at_eight())
    with django_capture_on_commit_callbacks(execute=True):
        run_due_tasks()  # the jobs: the digest goes into the outbox
    run_due_tasks()  # the outbox: the e-mail goes
    [message] = mail.outbox
    assert message.to == ["bob@example.org"]
    assert "You received 2 hours" in message.body


def test_running_every_job_again_sends_nothing_new(
    alice: User, bob: User, community: Community, django_capture_on_commit_callbacks
) -> None:
    """A day's worth of everything: a digest, a nudge, an expiry warning, a reminder. Then again."""
    NotificationPreference.objects.create(member=bob, kind=Kind.CREDITS_RECEIVED, delivery=Delivery.DAILY)
    notify(bob, Note(kind=Kind.CREDITS_RECEIVED, title="You received 2 hours", url="/credits/", event_key="t:1"))
    proposal = do_propose(
        proposer=alice, provider=alice, recipients=[bob], community=community, title="SPC", minutes=60, window="x"
    )
    Exchange.objects.filter(pk=proposal.pk).update(created_at=timezone.now() - timedelta(days=4))
    ListingFactory(author=bob, scope=community, expires_at=timezone.now() + timedelta(days=5))
    recorded = do_propose(
        proposer=alice, provider=alice, recipients=[bob], community=community, title="Map", minutes=60, window="x"
    )
    do_accept(member=bob, exchange=recorded)
    do_record_hours(member=alice, exchange=recorded, minutes=60)
    now = tomorrow_at_eight()
    Exchange.objects.filter(pk=recorded.pk).update(confirm_deadline=now + timedelta(days=1))
    mail.outbox.clear()

    def run_everything(at: datetime) -> None:
        schedule(at)
        with django_capture_on_commit_callbacks(execute=True):
            run_due_tasks()
        run_due_tasks()

    run_everything(now)
    assert OutboundEmail.objects.filter(key__startswith="digest:daily:").count() == 1
    assert Notification.objects.filter(kind=Kind.NUDGE, recipient=bob).count() == 1
    assert Notification.objects.filter(kind=Kind.LISTING_EXPIRING, recipient=bob).count() == 1
    assert Exchange.objects.get(pk=recorded.pk).reminder_sent_at is not None
    emails, notifications, outbox = len(mail.outbox), Notification.objects.count(), OutboundEmail.objects.count()
    assert emails >= 3  # the digest, the nudge and the expiry warning at least

    run_everything(now + timedelta(minutes=5))
    run_everything(now + timedelta(hours=3))
    assert (len(mail.outbox), Notification.objects.count(), OutboundEmail.objects.count()) == (
        emails,
        notifications,
        outbox,
    )
    assert enqueued("send_daily_digests") == 1


def next_monday_at_eight() -> datetime:
    today = timezone.localdate()
    monday = today + timedelta(days=7 - today.weekday())
    return datetime.combine(monday, datetime.min.time().replace(hour=8), tzinfo=timezone.get_default_timezone())


def test_the_weekly_job_fans_out_in_batches_behind_other_work(
    bob: User, community: Community, django_capture_on_commit_callbacks
) -> None:
    """The weekly job enqueues a low-priority task per batch of members; the worker runs those
    after anything more urgent, and the digests arrive."""
    NotificationPreference.objects.create(member=bob, kind=Kind.CREDITS_RECEIVED, delivery=Delivery.WEEKLY)
    notify(bob, Note(kind=Kind.CREDITS_RECEIVED, title="You received 3 hours", url="/credits/", event_key="t:w"))
    schedule(next_monday_at_eight())
    with django_capture_on_commit_callbacks(execute=True):
        run_due_tasks()  # the jobs, then the batches they enqueue, then the digests' e-mails
    run_due_tasks()
    batches = DBTaskResult.objects.filter(task_path="notifications.scheduled.send_weekly_digest_batch")
    assert [(task.priority, task.status) for task in batches] == [(-50, "SUCCESSFUL")]
    assert any("You received 3 hours" in message.body and message.to == ["bob@example.org"] for message in mail.outbox)


def test_weekly_batches_cover_every_active_member_once(db: None) -> None:
    members = [UserFactory() for _ in range(5)]
    UserFactory(is_active=False)
    ranges = list(digests.weekly_batches(size=2))
    covered = [
        pk
        for first, last in ranges
        for pk in User.objects.filter(pk__range=(first, last), is_active=True).values_list("pk", flat=True)
    ]
    assert len(ranges) == 3
    assert sorted(covered) == sorted(member.pk for member in members)
