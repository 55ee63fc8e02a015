"""Putting e-mails in the outbox and sending them, once each.

queue_*() write an OutboundEmail row (its unique key names the event) and enqueue the send task
after the surrounding transaction commits. send_outbound() claims the row in its own
transaction before sending, so two workers or a retried task never send it twice.
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from notifications.models import Notification, OutboundEmail

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5


def backoff(attempts: int) -> timedelta:
    """Wait 1, 4, 16, 64 minutes between attempts."""
    return timedelta(minutes=4 ** (attempts - 1))


def queue_email(
    *, key: str, recipient: User, subject: str, template: str, context: dict[str, object]
) -> OutboundEmail | None:
    """Render templates `<template>.txt` and `<template>.html` into the outbox; None if the key was queued before."""
    context = {"recipient": recipient, "SITE_NAME": settings.SITE_NAME, "SITE_URL": settings.SITE_URL, **context}
    try:
        with transaction.atomic():
            outbound = OutboundEmail.objects.create(
                key=key,
                recipient=recipient,
                to_address=recipient.email,
                subject=f"[{settings.SITE_NAME}] {subject}"[:200],
                body_text=render_to_string(f"{template}.txt", context),
                body_html=render_to_string(f"{template}.html", context),
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
        context={"notification": notification, "link": settings.SITE_URL + notification.url},
    )


def _enqueue(outbound_id: int, run_after: timedelta | None = None) -> None:
    from notifications import tasks

    if run_after is None:
        tasks.send_email.enqueue(outbound_id)
    else:
        tasks.send_email.using(run_after=timezone.now() + run_after).enqueue(outbound_id)


def _claim(outbound_id: int) -> OutboundEmail | None:
    with transaction.atomic():
        outbound = OutboundEmail.objects.select_for_update().filter(pk=outbound_id).first()
        if outbound is None or outbound.state != OutboundEmail.State.PENDING:
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
    message = EmailMultiAlternatives(
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
    OutboundEmail.objects.filter(pk=outbound.pk).update(state=state, last_error=str(error)[:500])
    if give_up:
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
    _enqueue(outbound.pk, run_after=wait)
