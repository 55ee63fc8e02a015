"""Notifications' own scheduled jobs, as django.tasks tasks: the digests and the nudges.

They are registered on the schedule (notifications.schedule, which says when each is due) by
NotificationsConfig.ready(); other apps register theirs the same way. The weekly job only
enqueues one low-priority task per batch of 500 members, so urgent e-mail never waits behind
hours of digests and several workers can share them.
"""

from datetime import datetime

from django.tasks import task

from notifications import digests, nudges
from notifications.schedule import Job, daily, weekly


@task()
def send_daily_digests(now: str) -> int:
    return digests.send_daily_digests(datetime.fromisoformat(now))


# Digest batches wait behind everything else the worker has to do (an e-mail about a new message
# must not queue behind hours of digests); the worker takes higher priorities first.
DIGEST_PRIORITY = -50


@task()
def send_weekly_digests(now: str) -> int:
    """Enqueue this week's digests in batches of members; how many batches."""
    batches = list(digests.weekly_batches())
    for first, last in batches:
        send_weekly_digest_batch.using(priority=DIGEST_PRIORITY).enqueue(now, first, last)
    return len(batches)


@task()
def send_weekly_digest_batch(now: str, first: int, last: int) -> int:
    return digests.send_weekly_digest_batch(datetime.fromisoformat(now), first, last)


@task()
def send_nudges(now: str) -> int:
    return nudges.send_nudges(datetime.fromisoformat(now))


@task()
def warn_expiring_listings(now: str) -> int:
    return nudges.warn_expiring_listings(datetime.fromisoformat(now))


JOBS = [
    Job("send_daily_digests", send_daily_digests, "daily from 07:00", daily),
    Job("send_weekly_digests", send_weekly_digests, "Mondays from 07:00", weekly),
    Job("send_nudges", send_nudges, "every run"),
    Job("warn_expiring_listings", warn_expiring_listings, "every run"),
]
