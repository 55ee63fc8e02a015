"""Putting e-mails in the outbox and sending them, once each.

queue_*() write an OutboundEmail row (its unique key names the event) and enqueue the send task
after the surrounding transaction commits. send_outbound() claims the row in its own
transaction before sending, so two workers or a retried task never send it twice.

Every e-mail has a plain-text and an HTML part (templates `<template>.txt` and `<template>.html`;
HTML e-mails extend notifications/email/base.html and text ones include
notifications/email/footer.txt). An e-mail about a kind of notification or a digest carries a
signed one-click unsubscribe link, in the footer and in the `List-Unsubscribe` and
`List-Unsubscribe-Post` headers (RFC 8058); mail providers act on those headers only when the
message is DKIM-signed over them, which is the outgoing mail server's job.

Failures and retries
--------------------
A send that fails (the mail server refuses, times out...) is logged as a warning, the row goes
back to pending and a retry is enqueued after a backoff (1, 4, 16, 64 minutes). After
MAX_ATTEMPTS failures the row is marked failed and an error is logged; nothing retries it.

Sending is at most once. A worker that dies between claiming a row and recording the result
leaves it in the "sending" state, and nothing sends it again by itself: the e-mail may or may not
have left, and a second copy is worse than a late one. An operator who has checked (the mail
server's log) that such e-mails did not leave requeues them with

    manage.py requeue_stuck_emails --older-than-minutes 30

which moves rows claimed more than that long ago back to pending and enqueues their sending.
A failed row can be retried the same way with `--failed`.
"""

import email.message
import email.policy
import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from notifications import tokens
from notifications.models import Notification, OutboundEmail
from notifications.queries import destination

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def backoff(attempts: int) -> timedelta:
    """Wait 1, 4, 16, 64 minutes between attempts."""
    return timedelta(minutes=4 ** (attempts - 1))


def absolute(path: str) -> str:
    """A path in Hexitime as a link that works from an e-mail."""
    return settings.SITE_URL + path


def unsubscribe_url(member: User, topic: str) -> str:
    return absolute(reverse("notifications:unsubscribe", kwargs={"token": tokens.make_token(member, topic)}))


def unsubscribe_headers(url: str) -> dict[str, str]:
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


class OutboxMessage(EmailMultiAlternatives):
    """An e-mail whose List-Unsubscribe header goes out on one line, as written.

    Python's e-mail package folds a header longer than 78 characters, and a URL has no space to
    fold at, so it would turn the whole value into RFC 2047 encoded-words (`=?utf-8?q?=3Chttps...`),
    which is not valid there: Gmail and other providers then ignore the header and show no
    unsubscribe button. A line may be up to 998 characters (RFC 5322), far longer than our links.
    """

    UNFOLDED = ("List-Unsubscribe",)

    def message(self, *, policy: email.policy.Policy | None = email.policy.default) -> email.message.EmailMessage:
        # Headers set as text are only refolded if the policy says so; Django sets the others as
        # header objects, which still fold as usual.
        base = policy if isinstance(policy, email.policy.EmailPolicy) else email.policy.default
        message = super().message(policy=base.clone(refold_source="none"))
        for name, value in self.extra_headers.items():
            if name in self.UNFOLDED and "\n" not in value and "\r" not in value:
                del message[name]
                message.set_raw(name, value)
        return message


def queue_email(
    *,
    key: str,
    recipient: User,
    subject: str,
    template: str,
    context: dict[str, object],
    unsubscribe_kind: str | None = None,
) -> OutboundEmail | None:
    """Render `<template>.txt` and `<template>.html` into the outbox; None if the key was queued before
    or the member cannot get e-mail (inactive, or no address).

    `unsubscribe_kind` is a notification kind (notifications.kinds.Kind) or a digest
    ("daily" or "weekly", i.e. Delivery.DAILY or Delivery.WEEKLY): the e-mail then carries a
    one-click link and headers that stop e-mails about it.
    """
    if not recipient.is_active or not recipient.email:
        return None
    subject = " ".join(f"[{settings.SITE_NAME}] {subject}".split())[:200]  # one line: it is a header
    headers = {"Auto-Submitted": "auto-generated"}
    context = {
        "recipient": recipient,
        "subject": subject,
        "SITE_NAME": settings.SITE_NAME,
        "SITE_URL": settings.SITE_URL,
        "preferences_url": absolute(reverse("notifications:preferences")),
        **context,
    }
    if unsubscribe_kind is not None:
        link = unsubscribe_url(recipient, unsubscribe_kind)
        headers |= unsubscribe_headers(link)
        context |= {"unsubscribe_url": link, "unsubscribe_label": tokens.topic_label(unsubscribe_kind)}
    try:
        with transaction.atomic():
            outbound = OutboundEmail.objects.create(
                key=key,
                recipient=recipient,
                to_address=recipient.email,
                subject=subject,
                body_text=render_to_string(f"{template}.txt", context),
                body_html=render_to_string(f"{template}.html", context),
                headers=headers,
            )
    except IntegrityError:
        return None
    transaction.on_commit(lambda: _enqueue(outbound.pk))
    return outbound


def queue_for_notification(notification: Notification) -> OutboundEmail | None:
    return queue_email(
        key=f"notification:{notification.pk}",
        recipient=notification.recipient,
        subject=notification.title,
        template="notifications/email/notification",
        context={"notification": notification, "link": absolute(destination(notification))},
        unsubscribe_kind=notification.kind,
    )


def _enqueue(outbound_id: int, run_after: timedelta | None = None) -> None:
    from notifications import tasks

    if run_after is None:
        tasks.send_email.enqueue(outbound_id)
    else:
        tasks.send_email.using(run_after=timezone.now() + run_after).enqueue(outbound_id)


def _claim(outbound_id: int) -> OutboundEmail | None:
    with transaction.atomic():
        outbound = (
            OutboundEmail.objects.select_related("recipient")
            .select_for_update(of=("self",))
            .filter(pk=outbound_id)
            .first()
        )
        if outbound is None or outbound.state != OutboundEmail.State.PENDING:
            return None
        if not outbound.recipient.is_active:
            outbound.state = OutboundEmail.State.FAILED
            outbound.last_error = "Not sent: the member's account is no longer active."
            outbound.save(update_fields=["state", "last_error"])
            log.info("E-mail %s not sent: member %s is no longer active", outbound.key, outbound.recipient_id)
            return None
        outbound.state = OutboundEmail.State.SENDING
        outbound.claimed_at = timezone.now()
        outbound.attempts += 1
        outbound.save(update_fields=["state", "claimed_at", "attempts"])
        return outbound


def send_outbound(outbound_id: int) -> bool:
    """Send one outbox e-mail if nobody has; on failure, retry later with backoff. True when sent now."""
    outbound = _claim(outbound_id)
    if outbound is None:
        return False
    message = OutboxMessage(
        subject=outbound.subject,
        body=outbound.body_text,
        to=[outbound.to_address],
        headers=outbound.headers or None,
    )
    message.attach_alternative(outbound.body_html, "text/html")
    try:
        message.send()
    except Exception as error:  # any failure of the mail server: log, then retry or give up
        _failed(outbound, error)
        return False
    OutboundEmail.objects.filter(pk=outbound.pk).update(state=OutboundEmail.State.SENT, sent_at=timezone.now())
    return True


def _failed(outbound: OutboundEmail, error: Exception) -> None:
    give_up = outbound.attempts >= MAX_ATTEMPTS
    state = OutboundEmail.State.FAILED if give_up else OutboundEmail.State.PENDING
    if give_up:
        OutboundEmail.objects.filter(pk=outbound.pk).update(state=state, last_error=str(error)[:500])
        log.error(
            "E-mail %s to member %s failed %s times; giving up: %s",
            outbound.key,
            outbound.recipient_id,
            outbound.attempts,
            error,
        )
        return
    wait = backoff(outbound.attempts)
    log.warning("E-mail %s failed (attempt %s), retrying in %s: %s", outbound.key, outbound.attempts, wait, error)
    # The row goes back to pending and its retry is enqueued in one transaction (the task queue is
    # in the same database, see settings.TASKS), so a crash here cannot leave a pending row that
    # nothing will send.
    with transaction.atomic():
        OutboundEmail.objects.filter(pk=outbound.pk).update(state=state, last_error=str(error)[:500])
        _enqueue(outbound.pk, run_after=wait)


@transaction.atomic
def requeue_stuck(*, older_than: timedelta, include_failed: bool = False) -> int:
    """Move e-mails claimed longer ago than `older_than` (and, if asked, failed ones) back to pending,
    with a fresh set of attempts, and enqueue them; how many. For an operator who checked that they
    were not sent (see the module docstring)."""
    stuck = Q(state=OutboundEmail.State.SENDING, claimed_at__lt=timezone.now() - older_than)
    if include_failed:
        stuck |= Q(state=OutboundEmail.State.FAILED, recipient__is_active=True)
    rows = OutboundEmail.objects.select_for_update(of=("self",)).filter(stuck).order_by("pk")
    ids = list(rows.values_list("pk", flat=True))
    OutboundEmail.objects.filter(pk__in=ids).update(state=OutboundEmail.State.PENDING, attempts=0)
    for outbound_id in ids:
        log.warning("E-mail %s requeued by an operator", outbound_id)
        _enqueue(outbound_id)  # in this transaction: the task queue is in the same database
    return len(ids)
