"""Conversations between members: direct ones (one per pair) and one thread per exchange.

Each participant row carries what the inbox and the header need, so neither joins messages:
`last_activity_at` (when anyone last wrote), `last_incoming_at` (when someone else last wrote)
and `last_read_at` (how far the member has read). A conversation is unread for a member when
`last_incoming_at` is later than `last_read_at`; posting moves the author's `last_read_at` to
their own message, since writing in a thread means having read it.

Posting locks the conversation row, so messages of one conversation get their ids in the order
they commit: "messages after id N" never skips one.
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.db.models.functions import Length
from django.db.models.lookups import LessThanOrEqual
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

MAX_MESSAGE_LENGTH = 2000
MAX_REASON_LENGTH = 1000

# Unread for this member: someone else wrote after they last read (or they never read).
UNREAD = Q(last_incoming_at__isnull=False) & (Q(last_read_at__isnull=True) | Q(last_incoming_at__gt=F("last_read_at")))


class Conversation(models.Model):
    class Kind(models.TextChoices):
        DIRECT = "direct", _("Between two members")
        EXCHANGE = "exchange", _("About an exchange")

    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    exchange = models.OneToOneField(
        "exchanges.Exchange",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="conversation",
        verbose_name=_("exchange"),
    )
    # A direct conversation names its pair, lower id first, so the database keeps one per pair.
    member_low = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", db_index=False
    )  # the pair's unique constraint indexes it
    member_high = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_message = models.ForeignKey(
        "Message", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name=_("last message")
    )
    created_at = models.DateTimeField(_("started"), auto_now_add=True)

    class Meta:
        ordering = ["-pk"]
        verbose_name = _("conversation")
        verbose_name_plural = _("conversations")
        constraints = [
            models.UniqueConstraint(fields=["member_low", "member_high"], name="conversation_one_per_pair"),
            models.CheckConstraint(
                condition=(
                    Q(
                        kind="direct",
                        exchange__isnull=True,
                        member_low__isnull=False,
                        member_high__isnull=False,
                        member_low__lt=F("member_high"),
                    )
                    | Q(kind="exchange", exchange__isnull=False, member_low__isnull=True, member_high__isnull=True)
                ),
                name="conversation_kind_consistent",
            ),
        ]

    def __str__(self) -> str:
        if self.kind == self.Kind.EXCHANGE:
            return f"exchange {self.exchange_id}"
        return f"{self.member_low_id} and {self.member_high_id}"

    def get_absolute_url(self) -> str:
        return reverse("conversations:thread", kwargs={"conversation_id": self.pk})


class Participant(models.Model):
    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="participants", db_index=False
    )  # participant_once indexes it
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="conversation_places",
        verbose_name=_("member"),
        db_index=False,  # participant_inbox indexes it
    )
    joined_at = models.DateTimeField(auto_now_add=True)
    last_activity_at = models.DateTimeField(null=True, blank=True)
    last_incoming_at = models.DateTimeField(null=True, blank=True)
    last_read_at = models.DateTimeField(_("last read"), null=True, blank=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(fields=["conversation", "member"], name="participant_once"),
        ]
        indexes = [
            models.Index(F("member"), F("last_activity_at").desc(), F("id").desc(), name="participant_inbox"),
            models.Index(fields=["member"], condition=UNREAD, name="participant_unread"),
            models.Index(fields=["last_activity_at"], name="participant_last_activity"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} in {self.conversation_id}"

    @property
    def is_unread(self) -> bool:
        if self.last_incoming_at is None:
            return False
        return self.last_read_at is None or self.last_incoming_at > self.last_read_at


class Message(models.Model):
    """Plain text, trimmed, 1 to 2000 characters. Links are made clickable when shown, never stored as HTML."""

    conversation = models.ForeignKey(
        Conversation, on_delete=models.CASCADE, related_name="messages", db_index=False
    )  # message_in_conversation indexes it
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    body = models.TextField(_("message"), max_length=MAX_MESSAGE_LENGTH)
    listing = models.ForeignKey(
        "listings.Listing",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("about"),
    )
    created_at = models.DateTimeField(_("sent"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("message")
        verbose_name_plural = _("messages")
        constraints = [
            models.CheckConstraint(condition=~Q(body=""), name="message_not_empty"),
            models.CheckConstraint(
                condition=LessThanOrEqual(Length("body"), MAX_MESSAGE_LENGTH), name="message_not_too_long"
            ),
        ]
        indexes = [models.Index(fields=["conversation", "id"], name="message_in_conversation")]

    def __str__(self) -> str:
        return self.body[:60]


class Block(models.Model):
    """The blocker hears nothing more from the blocked member. The blocked member is never told."""

    # block_once and block_by_blocked index both columns.
    blocker = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="blocks_made", db_index=False
    )
    blocked = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("block")
        verbose_name_plural = _("blocks")
        constraints = [
            models.UniqueConstraint(fields=["blocker", "blocked"], name="block_once"),
            models.CheckConstraint(condition=~Q(blocker=F("blocked")), name="block_not_self"),
        ]
        indexes = [models.Index(fields=["blocked", "blocker"], name="block_by_blocked")]

    def __str__(self) -> str:
        return f"{self.blocker_id} blocks {self.blocked_id}"


class MessageReport(models.Model):
    """A participant asks the coordinators to look at a message. One report per member and message."""

    message = models.ForeignKey(
        Message, on_delete=models.CASCADE, related_name="reports", db_index=False
    )  # message_report_once indexes it
    reporter = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField(_("reason"), max_length=MAX_REASON_LENGTH)
    created_at = models.DateTimeField(_("reported"), auto_now_add=True)
    resolved_at = models.DateTimeField(_("dealt with"), null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolution_note = models.TextField(_("note"), max_length=MAX_REASON_LENGTH, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("message report")
        verbose_name_plural = _("message reports")
        constraints = [
            models.UniqueConstraint(fields=["message", "reporter"], name="message_report_once"),
            models.CheckConstraint(condition=~Q(reason=""), name="message_report_has_reason"),
            models.CheckConstraint(
                condition=Q(resolved_at__isnull=True, resolved_by__isnull=True)
                | Q(resolved_at__isnull=False, resolved_by__isnull=False),
                name="message_report_resolved_with_who",
            ),
        ]
        indexes = [
            models.Index(fields=["created_at"], condition=Q(resolved_at__isnull=True), name="message_report_open")
        ]

    def __str__(self) -> str:
        return f"report {self.pk} on message {self.message_id}"

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None
