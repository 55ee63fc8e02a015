"""trail.record: the one way an audit row is written.

Called by every do_* action, inside the action's transaction, so the row and the change it
describes are committed or rolled back together.
"""

from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import models, transaction

from accounts.models import User
from audit.models import AuditEvent
from communities.models import Community


class NotInTransaction(RuntimeError):
    """audit.record was called outside a transaction: the row could outlive a rolled-back change."""


def _plain(value: Any) -> Any:
    """A value the JSON column can hold: model instances by primary key, dates as ISO text."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, timedelta):
        return value.total_seconds()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set, frozenset)):
        return [_plain(v) for v in value]
    if value is None or isinstance(value, (str, int, float, bool)):
        return value
    return str(value)


def record(
    *,
    actor: User | None,
    verb: str,
    target: models.Model | None = None,
    community: Community | None = None,
    community_id: int | None = None,
    **data: Any,
) -> AuditEvent:
    """Write one audit row for an action: who (None for the system), what (`app.action`), on what,
    in which community (or its id, to save a query), and a few values saying what changed. Must run
    inside the caller's transaction."""
    if not transaction.get_connection().in_atomic_block:
        raise NotInTransaction(f"trail.record({verb!r}) must be called inside the action's transaction.")
    return AuditEvent.objects.create(
        actor=actor,
        verb=verb,
        target_type=target._meta.label_lower if target is not None else "",
        target_id=target.pk if target is not None else None,
        community_id=community.pk if community is not None else community_id,
        data=_plain(data),
    )
