"""Exchanges: agreed pieces of work between a provider (gives time) and one or more recipients.

Life cycle (DESIGN.md §4): proposed -> agreed -> completed (hours recorded, awaiting
confirmation) -> confirmed (credits move), with declined, cancelled and disputed along the way.
Each recipient has a row of their own: in a group exchange (a workshop) every recipient
confirms and pays their own hours.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from hexitime.durations import MAX_MINUTES, MIN_MINUTES


class ExchangeState(models.TextChoices):
    PROPOSED = "proposed", _("Proposed")
    AGREED = "agreed", _("Agreed")
    COMPLETED = "completed", _("Awaiting confirmation")
    DISPUTED = "disputed", _("Disputed")
    CONFIRMED = "confirmed", _("Confirmed")
    DECLINED = "declined", _("Declined")
    CANCELLED = "cancelled", _("Cancelled")


class Exchange(models.Model):
    State = ExchangeState

    OPEN_STATES = (State.PROPOSED, State.AGREED, State.COMPLETED, State.DISPUTED)

    provider = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exchanges_given", verbose_name=_("provider")
    )
    proposed_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    listing = models.ForeignKey(
        "listings.Listing", on_delete=models.SET_NULL, null=True, blank=True, related_name="exchanges"
    )
    community = models.ForeignKey("communities.Community", on_delete=models.PROTECT, related_name="exchanges")
    title = models.CharField(_("what the work is"), max_length=120)
    message = models.TextField(_("message"), max_length=2000, blank=True)
    window = models.CharField(_("when"), max_length=120)
    proposed_minutes = models.PositiveIntegerField(_("hours agreed"))
    state = models.CharField(_("state"), max_length=12, choices=State.choices, default=State.PROPOSED)
    recorded_minutes = models.PositiveIntegerField(_("hours given"), null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(null=True, blank=True)
    confirm_deadline = models.DateTimeField(_("confirmed automatically on"), null=True, blank=True)
    reminder_sent_at = models.DateTimeField(null=True, blank=True)
    brokered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    is_group = models.BooleanField(default=False)
    # "<purpose>:<actor id>:<form key>" from the form that created it: a repeated post finds it.
    idempotency_key = models.CharField(max_length=100, null=True, blank=True, unique=True, editable=False)
    version = models.PositiveIntegerField(default=1, help_text="Bumped by every change, to refuse stale forms.")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-updated_at", "-pk"]
        verbose_name = _("exchange")
        verbose_name_plural = _("exchanges")
        constraints = [
            models.CheckConstraint(
                condition=Q(proposed_minutes__gte=MIN_MINUTES, proposed_minutes__lte=MAX_MINUTES),
                name="exchange_proposed_minutes_in_range",
            ),
            models.CheckConstraint(
                condition=Q(recorded_minutes__isnull=True)
                | Q(recorded_minutes__gte=MIN_MINUTES, recorded_minutes__lte=MAX_MINUTES),
                name="exchange_recorded_minutes_in_range",
            ),
            models.CheckConstraint(
                condition=Q(state__in=ExchangeState.values),
                name="exchange_state_valid",
            ),
        ]
        indexes = [models.Index(fields=["state", "confirm_deadline"], name="exchange_state_deadline")]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("exchanges:detail", kwargs={"exchange_id": self.pk})

    @property
    def is_open(self) -> bool:
        return self.state in self.OPEN_STATES

    @property
    def settled_minutes(self) -> int | None:
        """The hours that moved once confirmed (a coordinator resolving a dispute may have changed them),
        else the hours recorded, else those agreed: what a list or a page shows as the exchange's hours.
        Reads the recipients' rows (prefetched by queries.with_people)."""
        moved = {row.minutes for row in self.recipients.all() if row.state == "confirmed" and row.minutes}
        if len(moved) == 1:
            return moved.pop()
        return self.recorded_minutes or self.proposed_minutes

    @property
    def hours_far_from_agreed(self) -> bool:
        return self.recorded_minutes is not None and far_from_agreed(
            agreed=self.proposed_minutes, recorded=self.recorded_minutes
        )


def far_from_agreed(*, agreed: int, recorded: int) -> bool:
    """Recorded hours so far from the agreed ones that they need the other side's explicit confirmation:
    more than double, more than two hours over, or less than half of what was agreed."""
    return recorded > 2 * agreed or recorded > agreed + 120 or 2 * recorded < agreed


class RecipientState(models.TextChoices):
    PENDING = "pending", _("Not yet confirmed")
    CONFIRMED = "confirmed", _("Confirmed")
    DISPUTED = "disputed", _("Disputed")
    CANCELLED = "cancelled", _("Cancelled")


class ExchangeRecipient(models.Model):
    """One recipient of an exchange: they confirm (or dispute) and pay their own hours."""

    State = RecipientState

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="recipients")
    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="exchanges_received")
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    transfer = models.OneToOneField(
        "ledger.Transfer", on_delete=models.PROTECT, null=True, blank=True, related_name="exchange_recipient"
    )
    dispute_reason = models.CharField(max_length=1000, blank=True)
    confirmed_at = models.DateTimeField(null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    auto_confirmed = models.BooleanField(default=False)

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(fields=["exchange", "recipient"], name="exchange_recipient_once"),
            models.CheckConstraint(
                condition=Q(state__in=RecipientState.values),
                name="exchange_recipient_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(state="confirmed") | Q(transfer__isnull=False), name="confirmed_recipient_has_transfer"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.recipient} in {self.exchange}"


class ExchangeEvent(models.Model):
    """The timeline of an exchange: every step, who took it and why."""

    class Kind(models.TextChoices):
        PROPOSED = "proposed", _("Proposed")
        ACCEPTED = "accepted", _("Accepted")
        DECLINED = "declined", _("Declined")
        CANCELLED = "cancelled", _("Cancelled")
        RECORDED = "recorded", _("Hours recorded")
        CONFIRMED = "confirmed", _("Confirmed")
        AUTO_CONFIRMED = "auto_confirmed", _("Confirmed automatically")
        AUTO_CONFIRM_FAILED = "auto_confirm_failed", _("Could not be confirmed automatically")
        DISPUTED = "disputed", _("Disputed")
        RESOLVED = "resolved", _("Resolved by a coordinator")
        REMINDED = "reminded", _("Reminder sent")
        BROKERED = "brokered", _("Recorded by a coordinator")
        AMENDED = "amended", _("Hours changed")

    exchange = models.ForeignKey(Exchange, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    kind = models.CharField(max_length=24, choices=Kind.choices)
    note = models.CharField(max_length=1000, blank=True)
    minutes = models.PositiveIntegerField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.kind} on {self.exchange_id}"

    # A resolution's note is stored as "<decision>: <reason>"; the timeline says the decision in words.
    DECISIONS = {
        "confirm": _("confirmed the recorded hours"),
        "change": _("confirmed different hours"),
        "cancel": _("cancelled: no credits move"),
    }

    @property
    def shown_note(self) -> str:
        """The note as the timeline shows it: a coordinator's decision in words, never its internal key."""
        if self.kind == self.Kind.RESOLVED:
            decision, separator, reason = self.note.partition(": ")
            if separator and decision in self.DECISIONS:
                return f"{self.DECISIONS[decision]}: {reason}"
        return self.note


class OfflineMark(models.Model):
    """A coordinator's note that a member of their community is offline, so coordinators may record
    exchanges for them (broker mode). The member is told and may withdraw it; withdrawn marks stay."""

    member = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="offline_marks")
    community = models.ForeignKey("communities.Community", on_delete=models.CASCADE, related_name="offline_marks")
    marked_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    reason = models.CharField(_("reason"), max_length=500)
    created_at = models.DateTimeField(auto_now_add=True)
    withdrawn_at = models.DateTimeField(null=True, blank=True)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("offline mark")
        verbose_name_plural = _("offline marks")
        constraints = [
            models.UniqueConstraint(
                fields=["member", "community"], condition=Q(withdrawn_at__isnull=True), name="offline_mark_once"
            ),
            models.CheckConstraint(condition=~Q(member=models.F("marked_by")), name="offline_mark_not_self"),
        ]

    def __str__(self) -> str:
        return f"{self.member_id} offline in {self.community_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None
