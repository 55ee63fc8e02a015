"""Notifications in the app, each member's choices, and the e-mail outbox.

Every e-mail Hexitime sends is first a row in the outbox with a unique key naming the event it
is about ("notification:42", "digest:weekly:7:2026-W48"). The send task claims the row before
sending, so however often a task is enqueued or retried, one event sends at most one e-mail.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from notifications.kinds import Delivery, Kind


class Notification(models.Model):
    """Something a member should know, shown in the app and, by their choice, e-mailed."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=32, choices=Kind.choices)
    title = models.CharField(max_length=200)
    body = models.TextField(max_length=2000, blank=True)
    url = models.CharField(max_length=300, help_text="A path in Hexitime: where the member deals with it.")
    event_key = models.CharField(
        max_length=200,
        help_text="Names the event, so one event notifies each member once (e.g. 'exchange:4:accepted').",
    )
    delivery = models.CharField(
        max_length=8, choices=Delivery.choices, help_text="The member's choice when it was made."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)
    digested_at = models.DateTimeField(
        null=True, blank=True, help_text="When a daily or weekly digest carried it (it is not carried again)."
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["recipient", "event_key"], name="notification_once_per_event"),
        ]
        indexes = [
            models.Index(fields=["recipient", "-created_at"], name="notification_inbox"),
            models.Index(fields=["recipient"], condition=Q(read_at__isnull=True), name="notification_unread"),
            models.Index(
                fields=["delivery", "created_at"], condition=Q(digested_at__isnull=True), name="notification_digest_due"
            ),
        ]

    def __str__(self) -> str:
        return self.title


class NotificationPreference(models.Model):
    """A member's choice for one kind; a kind with no row uses its default (notifications.kinds.RULES)."""

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=32, choices=Kind.choices)
    delivery = models.CharField(max_length=8, choices=Delivery.choices)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["member", "kind"], name="notification_preference_once")]

    def __str__(self) -> str:
        return f"{self.member_id} {self.kind}: {self.delivery}"


class OutboundEmailState(models.TextChoices):
    PENDING = "pending", _("Waiting to be sent")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Gave up")


class OutboundEmail(models.Model):
    """One e-mail to one member, sent by a task at most once (see the module docstring)."""

    State = OutboundEmailState

    key = models.CharField(max_length=200, unique=True)
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="outbound_emails")
    to_address = models.EmailField()
    subject = models.CharField(max_length=200)
    body_text = models.TextField()
    body_html = models.TextField()
    headers = models.JSONField(default=dict, blank=True)
    state = models.CharField(max_length=8, choices=State.choices, default=State.PENDING)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(state__in=OutboundEmailState.values), name="outbound_email_state_valid"),
        ]
        indexes = [models.Index(fields=["state", "created_at"], name="outbound_email_state")]

    def __str__(self) -> str:
        return f"{self.key} to {self.recipient_id} ({self.state})"


class ScheduledRun(models.Model):
    """When each scheduled job was last enqueued, so `manage.py run_schedule` knows what is due."""

    job = models.CharField(max_length=64, unique=True)
    last_run_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["job"]

    def __str__(self) -> str:
        return f"{self.job} (last run {self.last_run_at})"
