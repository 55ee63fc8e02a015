"""Enqueue the scheduled jobs that are due (digests, nudges, sweeps); the worker runs them.

By default it runs once and exits, for cron every 5 to 15 minutes, e.g. (with HEXITIME_DIR the
folder Hexitime is installed in, and the same environment as the web server)

    */5 * * * *  cd "$HEXITIME_DIR" && .venv/bin/python manage.py run_schedule

With --loop it stays running and checks every --interval seconds (as `make run` does, beside
`manage.py db_worker`). Running it more often never sends more: each job's schedule is in
notifications.schedule, and the ScheduledRun table records when each was last enqueued.

    manage.py run_schedule --list                              # the jobs, when they last ran, which are due
    manage.py run_schedule --now 2026-12-07T07:30 --list       # what would be due then (what-if)
    manage.py run_schedule --now 2026-12-07T07:30              # enqueue as if it were then (for testing)
"""

import logging
import time
from datetime import datetime
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from notifications.schedule import JOBS, enqueue_due_jobs, last_runs

log = logging.getLogger(__name__)


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--now must be an ISO date and time, e.g. 2026-12-07T07:30, not {value!r}.") from None
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment, timezone.get_default_timezone())
    return moment


class Command(BaseCommand):
    help = (
        "Enqueue the scheduled jobs due now, for the worker (manage.py db_worker) to run: the daily digest "
        "(from 07:00 Europe/London), the weekly digest (Mondays from 07:00), nudges, expiring-listing warnings "
        "and the auto-confirmation sweep (every run). Runs once, for cron (e.g. '*/5 * * * * ... manage.py "
        "run_schedule'), or with --loop every --interval seconds. Running it often never sends anything twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running, checking every --interval seconds.")
        parser.add_argument(
            "--interval", type=int, default=300, help="Seconds between checks with --loop (default 300)."
        )
        parser.add_argument(
            "--now",
            type=_moment,
            help=(
                "Act as if it were this time (ISO, local time unless an offset is given), for testing; "
                "with --list, what would be due then (what-if)."
            ),
        )
        parser.add_argument(
            "--list", action="store_true", help="Print the jobs, their schedules and last runs; enqueue nothing."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        now: datetime | None = options["now"]
        self.verbosity = int(options["verbosity"])
        if options["list"]:
            self.list_jobs(now or timezone.now())
        elif options["loop"]:
            if now is not None:
                raise CommandError("--now and --loop do not go together: a loop runs on the clock.")
            if options["interval"] < 1:
                raise CommandError("--interval must be at least 1 second.")
            self.loop(options["interval"])
        else:
            self.run_once(now or timezone.now())

    def run_once(self, now: datetime) -> None:
        enqueued = enqueue_due_jobs(now)
        if self.verbosity >= 1:
            when = timezone.localtime(now).strftime("%Y-%m-%d %H:%M")
            self.stdout.write(f"{when}: enqueued {', '.join(enqueued) or 'nothing'}.")

    def loop(self, interval: int) -> None:
        self.stdout.write(f"Enqueuing scheduled jobs every {interval} seconds; Ctrl-C to stop.")
        try:
            while True:
                close_old_connections()
                try:
                    self.run_once(timezone.now())
                except DatabaseError:  # the database is away for a moment: try again next time
                    log.exception("Enqueuing the scheduled jobs failed; trying again in %s seconds.", interval)
                time.sleep(interval)
        except KeyboardInterrupt:
            self.stdout.write("Stopped.")

    def list_jobs(self, now: datetime) -> None:
        runs = last_runs()
        for job in JOBS:
            last = runs.get(job.name)
            last_text = timezone.localtime(last).strftime("%Y-%m-%d %H:%M %Z") if last else "never"
            due = "due" if job.is_due(now, last) else "not due"
            self.stdout.write(f"{job.name:<24} {job.schedule:<20} last run {last_text:<24} {due}")
