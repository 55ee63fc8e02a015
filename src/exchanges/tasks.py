"""Background work for exchanges, run by the django.tasks worker (`manage.py db_worker`).

Recording hours enqueues a reminder and an auto-confirmation for the deadline; both are
idempotent. `manage.py confirm_due_exchanges` sweeps anything a lost task missed (for cron).
"""

from datetime import datetime

from django.tasks import task
from django.utils import timezone

from exchanges import actions


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
