"""Shared steps for the notification tests: notify someone, and let the worker's clock move on."""

from django.tasks import TaskResultStatus
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from accounts.models import User
from notifications.actions import Note, notify
from notifications.kinds import Kind
from notifications.models import Notification


def note(n: int = 1, kind: str = Kind.CREDITS_RECEIVED, url: str = "/credits/", **fields: str) -> Note:
    return Note(kind=kind, title=f"You received {n} hour(s)", url=url, event_key=f"test:{kind}:{n}", **fields)


def notify_now(member: User, n: int = 1, **fields: str) -> Notification:
    """A notification, written the way actions write them (the caller runs on-commit callbacks)."""
    notification = notify(member, note(n, **fields))
    assert notification is not None
    return notification


def waiting_tasks() -> list[DBTaskResult]:
    return list(DBTaskResult.objects.filter(status=TaskResultStatus.READY).order_by("run_after"))


def make_waiting_tasks_due() -> None:
    """As if the backoff had passed: every waiting task may run now."""
    DBTaskResult.objects.filter(status=TaskResultStatus.READY).update(run_after=timezone.now())
