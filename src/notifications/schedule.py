"""The schedule: which jobs `manage.py run_schedule` enqueues, and when each is due (infrastructure).

Each app registers its own scheduled jobs in its AppConfig.ready() with `register`, so this module
imports no domain app: notifications registers the digests and nudges (notifications.scheduled),
exchanges its auto-confirmation sweep, ledger the expiry of approval requests. The daily digest is
due once a day from 07:00 Europe/London, the weekly digest once a week from Monday 07:00; the
sweeps are due at every run, as running them again changes nothing.

A ScheduledRun row per job records when it was last enqueued. Claiming a run is one conditional
UPDATE in the same transaction as the enqueue, so two schedulers started together enqueue a
job once, and a job is never marked run without being enqueued. Each task is given the time it
was scheduled for (ISO 8601), so a digest keyed by day or week names the period the scheduler meant
even when the worker reaches it later.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta

from django.db import transaction
from django.db.models import Q
from django.tasks import Task
from django.utils import timezone

from notifications.models import ScheduledRun

SEND_AT = time(7, 0)  # local time (settings.TIME_ZONE, Europe/London) of the digests


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
    """A task and its schedule: `slot` gives the time of the current period's run; None means every run.

    The task takes one argument, the time the job was scheduled for, in ISO 8601.
    """

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


# Every registered job, in the order registered (the order of INSTALLED_APPS).
JOBS: list[Job] = []


def register(*jobs: Job) -> None:
    """Add jobs to the schedule (from an AppConfig.ready()); registering a name again replaces it."""
    for job in jobs:
        names = [known.name for known in JOBS]
        if job.name in names:
            JOBS[names.index(job.name)] = job
        else:
            JOBS.append(job)


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
