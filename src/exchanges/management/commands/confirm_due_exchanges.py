"""Auto-confirm every exchange past its deadline, and send due reminders (a sweep for cron)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from exchanges.sweeps import confirm_due_exchanges


class Command(BaseCommand):
    help = "Confirm recorded hours nobody answered by the deadline, and send reminders before it."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(str(confirm_due_exchanges(now=timezone.now())))
