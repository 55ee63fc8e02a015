"""Background work for the ledger, run by the django.tasks worker; registered on the schedule by LedgerConfig."""

from datetime import datetime

from django.tasks import task

from ledger import approvals


@task()
def expire_ledger_approvals(now: str) -> int:
    """Mark grants and limit changes that no second coordinator approved in time as expired.

    Approval already refuses an expired request; this keeps the fund pages' lists true.
    """
    return approvals.expire_requests(datetime.fromisoformat(now))
