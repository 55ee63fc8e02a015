"""The scheduled jobs, as django.tasks tasks, and when each is due.

`manage.py run_schedule` (run by cron, or with --loop beside the worker) enqueues the jobs due
now; the worker (`manage.py db_worker`) runs them. The daily digest is due once a day from 07:00
Europe/London, the weekly digest once a week from Monday 07:00; the sweeps (nudges, expiring
listings, auto-confirmation) are due at every run, as running them again changes nothing. The
weekly job only enqueues one low-priority task per batch of 500 members, so urgent e-mail never
waits behind hours of digests and several workers can share them.

A ScheduledRun row per job records when it was last enqueued. Claiming a run is one conditional
UPDATE in the same transaction as the enqueue, so two schedulers started together enqueue a
job once, and a job is never marked run without being enqueued. Each task is given the time it
was scheduled for, so a digest keyed by day or week names the period the scheduler meant even when
the worker reaches it later.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from io import StringIO

from django.core.management import call_command
from django.db import transaction
from django.db.models import Q
from django.tasks import Task, task
from django.utils import timezone

from ledger import approvals
from notifications import digests, nudges
from notifications.models import ScheduledRun

SEND_AT = time(7, 0)  # local time (settings.TIME_ZONE, Europe/London) of the digests


@task()
def send_daily_digests(now: str) -> int:
    return digests.send_daily_digests(datetime.fromisoformat(now))


# Digest batches wait behind everything else the worker has to do (an e-mail about a new message
# must not queue behind hours of digests); the worker takes higher priorities first.
DIGEST_PRIORITY = -50


@task()
def send_weekly_digests(now: str) -> int:
    """Enqueue this week's digests in batches of members; how many batches."""
    batches = list(digests.weekly_batches())
    for first, last in batches:
        send_weekly_digest_batch.using(priority=DIGEST_PRIORITY).enqueue(now, first, last)
    return len(batches)


@task()
def send_weekly_digest_batch(now: str, first: int, last: int) -> int:
    return digests.send_weekly_digest_batch(datetime.fromisoformat(now), first, last)


@task()
def send_nudges(now: str) -> int:
    return nudges.send_nudges(datetime.fromisoformat(now))


@task()
def warn_expiring_listings(now: str) -> int:
    return nudges.warn_expiring_listings(datetime.fromisoformat(now))


@task()
def sweep_auto_confirm(now: str) -> str:
    """Auto-confirm exchanges past their deadline and send lost reminders (`confirm_due_exchanges`).

    Money moves only when a deadline has truly passed, so this sweep goes by the clock, not `now`.
    """
    output = StringIO()
    call_command("confirm_due_exchanges", stdout=output)
    return output.getvalue().strip()


@task()
def expire_ledger_approvals(now: str) -> int:
    """Mark grants and limit changes that no second coordinator approved in time as expired.

    Approval already refuses an expired request; this keeps the fund pages' lists true.
    """
    return approvals.expire_requests(datetime.fromisoformat(now))


def _local(day: datetime, at: time) -> datetime:
    return datetime.combine(day.date(), at, tzinfo=timezone.get_default_timezone())


def daily(now: datetime) -> datetime:
    """Today's 07:00, local time."""
    return _local(timezone.localtime(now, timezone.get_default_timezone()), SEND_AT)


def weekly(now: datetime) -> datetime:
    """This week's Monday 07:00, local time."""
    local = timezone.localtime(now, timezone.get_default_timezone())
    return _local(local - timedelta(days=local.weekday()), SEND_AT)


@dataclass(frozen=True)
class Job:
    """A task and its schedule: `slot` gives the time of the current period's run; None means every run."""

    name: str
    task: Task
    schedule: str
    slot: Callable[[datetime], datetime] | None = None

    def is_due(self, now: datetime, last_run_at: datetime | None) -> bool:
        """Due when this period's slot has come and the job has not run since it (a run recorded
        after `now`, by a what-if run with --now, does not count)."""
        if self.slot is None:
            return True
        slot = self.slot(now)
        return now >= slot and (last_run_at is None or not slot <= last_run_at <= now)


JOBS = [
    Job("send_daily_digests", send_daily_digests, "daily from 07:00", daily),
    Job("send_weekly_digests", send_weekly_digests, "Mondays from 07:00", weekly),
    Job("send_nudges", send_nudges, "every run"),
    Job("warn_expiring_listings", warn_expiring_listings, "every run"),
    Job("sweep_auto_confirm", sweep_auto_confirm, "every run"),
    Job("expire_ledger_approvals", expire_ledger_approvals, "every run"),
]


def last_runs() -> dict[str, datetime | None]:
    return dict(ScheduledRun.objects.values_list("job", "last_run_at"))


def _claim(job: Job, now: datetime) -> bool:
    """Mark the job run at `now` if it is due; False when it is not (or another scheduler claimed it)."""
    ScheduledRun.objects.get_or_create(job=job.name)
    runs = ScheduledRun.objects.filter(job=job.name)
    if job.slot is not None:
        slot = job.slot(now)
        if now < slot:
            return False
        runs = runs.filter(Q(last_run_at__isnull=True) | Q(last_run_at__lt=slot) | Q(last_run_at__gt=now))
    return runs.update(last_run_at=now) == 1


def enqueue_due_jobs(now: datetime) -> list[str]:
    """Enqueue every job due at `now`, each with `now` as its argument; the names of those enqueued."""
    enqueued = []
    for job in JOBS:
        with transaction.atomic():
            if _claim(job, now):
                job.task.enqueue(now.isoformat())
                enqueued.append(job.name)
    return enqueued
