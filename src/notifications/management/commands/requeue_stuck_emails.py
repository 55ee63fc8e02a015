"""Send again e-mails a crashed worker left half-sent, after an operator checked they did not leave."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from notifications.email import requeue_stuck


class Command(BaseCommand):
    help = (
        "Move outbox e-mails stuck in 'sending' for longer than --older-than-minutes back to pending and "
        "enqueue them. Run it only after checking the mail server's log: an e-mail that did leave is sent twice."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--older-than-minutes",
            type=int,
            default=30,
            help="Only e-mails claimed by a worker at least this long ago (default 30).",
        )
        parser.add_argument("--failed", action="store_true", help="Also retry e-mails that failed every attempt.")

    def handle(self, *args: Any, **options: Any) -> None:
        minutes = options["older_than_minutes"]
        if minutes < 1:
            raise CommandError("--older-than-minutes must be at least 1: a worker may still be sending younger ones.")
        count = requeue_stuck(older_than=timedelta(minutes=minutes), include_failed=options["failed"])
        self.stdout.write(f"E-mails requeued: {count}.")
