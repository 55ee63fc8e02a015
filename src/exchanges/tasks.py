"""Background work for exchanges, run by the django.tasks worker (`manage.py db_worker`).

Recording hours enqueues a reminder and an auto-confirmation for the deadline; both are
idempotent. The sweep (exchanges.sweeps) catches anything a lost task missed: run by cron as
`manage.py confirm_due_exchanges`, or by the scheduler as `sweep_auto_confirm` (registered on the
schedule by ExchangesConfig.ready()).
"""

from datetime import datetime

from django.tasks import task
from django.utils import timezone

from exchanges import actions, sweeps


@task()
def auto_confirm_exchange(exchange_id: int) -> None:
    actions.do_auto_confirm(exchange_id=exchange_id)


@task()
def remind_before_auto_confirm(exchange_id: int, deadline: str | None = None) -> None:
    """`deadline` (ISO 8601) is the one the reminder was planned for: hours changed since have a new one."""
    actions.send_reminder(exchange_id=exchange_id, deadline=datetime.fromisoformat(deadline) if deadline else None)


def enqueue_confirmation_jobs(exchange_id: int, deadline: datetime, remind_at: datetime) -> None:
    now = timezone.now()
    if remind_at > now:
        remind_before_auto_confirm.using(run_after=remind_at).enqueue(exchange_id, deadline.isoformat())
    auto_confirm_exchange.using(run_after=deadline).enqueue(exchange_id)


@task()
def sweep_auto_confirm(now: str) -> str:
    """Auto-confirm exchanges past their deadline and send lost reminders (exchanges.sweeps).

    Money moves only when a deadline has truly passed, so this sweep goes by the clock, not `now`.
    """
    return str(sweeps.confirm_due_exchanges(now=timezone.now()))
