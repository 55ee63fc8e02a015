"""The outbox sends each notification e-mail once, through the worker."""

from django.core import mail

from accounts.models import User
from notifications.actions import Note, notify
from notifications.kinds import Kind
from notifications.models import OutboundEmail
from tests.tasks import run_due_tasks


def _note() -> Note:
    return Note(kind=Kind.CREDITS_RECEIVED, title="You received 1 hour", url="/credits/", event_key="test:1")


def test_notify_emails_once_even_when_told_twice(bob: User, django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        notify(bob, _note())
        notify(bob, _note())
    run_due_tasks()
    run_due_tasks()
    assert [m.to for m in mail.outbox] == [["bob@example.org"]]
    assert OutboundEmail.objects.get().state == OutboundEmail.State.SENT
