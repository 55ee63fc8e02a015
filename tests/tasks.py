"""Run background tasks in tests the way the worker does: `db_worker --batch` takes every task
that is due, runs it and exits. Tasks enqueue on commit, so wrap the action in
`django_capture_on_commit_callbacks(execute=True)` first."""

from django.core.management import call_command


def run_due_tasks() -> None:
    call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
