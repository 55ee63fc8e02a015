"""The exchanges' sweep: auto-confirm what is past its deadline and send the reminders due before it.

Recording hours enqueues a reminder and an auto-confirmation for the deadline (exchanges.tasks);
this sweep catches anything a lost task missed. Both `manage.py confirm_due_exchanges` (for cron)
and the scheduled task `exchanges.tasks.sweep_auto_confirm` call it. Running it again changes nothing.
"""

from dataclasses import dataclass
from datetime import datetime

from django.utils.translation import gettext as _

from exchanges.actions import REMINDER_BEFORE, do_auto_confirm, send_reminder
from exchanges.models import Exchange


@dataclass(frozen=True)
class SweepSummary:
    reminded: int
    confirmed: int

    def __str__(self) -> str:
        return _("Reminders sent: %(reminded)s. Exchanges confirmed automatically: %(confirmed)s.") % {
            "reminded": self.reminded,
            "confirmed": self.confirmed,
        }


def confirm_due_exchanges(*, now: datetime) -> SweepSummary:
    """Send every reminder due by `now` and auto-confirm every exchange whose deadline is past.

    Money moves only when a deadline has truly passed: callers pass the clock's time, not a
    scheduled one.
    """
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
    return SweepSummary(reminded=reminded, confirmed=confirmed)
