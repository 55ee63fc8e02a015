"""Run background tasks in tests the way the worker does: `db_worker --batch` takes every task
that is due, runs it and exits. Tasks enqueue on commit, so wrap the action in
`django_capture_on_commit_callbacks(execute=True)` first."""

from unittest import mock

from django.core.management import call_command


def run_due_tasks() -> None:
    """The worker, minus its connection recycling.

    Between tasks the worker calls close_old_connections(), which closes a connection that is not
    in autocommit mode: inside a test's transaction, on PostgreSQL, that would end the test's
    connection (SQLite's in-memory test database is never closed).
    """
    with mock.patch("django_tasks_db.management.commands.db_worker.close_old_connections"):
        call_command("db_worker", "--batch", "--no-startup-delay", verbosity=0)
