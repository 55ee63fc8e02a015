"""Auto-confirm every exchange past its deadline, and send due reminders (a sweep for cron)."""

from typing import Any

from django.core.management.base import BaseCommand
from django.utils import timezone

from exchanges.actions import REMINDER_BEFORE, do_auto_confirm, send_reminder
from exchanges.models import Exchange


class Command(BaseCommand):
    help = "Confirm recorded hours nobody answered by the deadline, and send reminders before it."

    def handle(self, *args: Any, **options: Any) -> None:
        now = timezone.now()
        waiting = Exchange.objects.filter(state=Exchange.State.COMPLETED, confirm_deadline__isnull=False)
        reminded = sum(
            send_reminder(exchange_id=pk)
            for pk in waiting.filter(
                reminder_sent_at__isnull=True, confirm_deadline__lte=now + REMINDER_BEFORE
            ).values_list("pk", flat=True)
        )
        confirmed = 0
        for pk in waiting.filter(confirm_deadline__lte=now).values_list("pk", flat=True):
            exchange = do_auto_confirm(exchange_id=pk)
            confirmed += bool(exchange and exchange.state == Exchange.State.CONFIRMED)
        self.stdout.write(f"Reminders sent: {reminded}. Exchanges confirmed automatically: {confirmed}.")
