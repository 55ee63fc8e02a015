"""The time-credit ledger: accounts, append-only transfers and the limit policy of each community.

Amounts are whole minutes (one credit = one hour = 60 minutes). The ledger knows nothing of
exchanges; what caused a transfer is recorded as a plain reference ("exchange:42").
Rules (DESIGN.md §3) are kept by ledger.posting, by the constraints below and, on PostgreSQL,
by triggers that make transfers append-only (see migrations/0002_append_only.py).
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _


class Account(models.Model):
    """Where credits live: one per member, one fund per community."""

    member = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="account"
    )
    community = models.OneToOneField(
        "communities.Community", on_delete=models.PROTECT, null=True, blank=True, related_name="fund"
    )
    balance = models.BigIntegerField(_("balance in minutes"), default=0)
    earned = models.BigIntegerField(_("minutes earned through exchanges"), default=0)
    is_closed = models.BooleanField(_("closed"), default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("account")
        verbose_name_plural = _("accounts")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(member__isnull=False, community__isnull=True) | Q(member__isnull=True, community__isnull=False)
                ),
                name="account_has_exactly_one_owner",
            ),
            models.CheckConstraint(condition=Q(earned__gte=0), name="account_earned_not_negative"),
        ]

    def __str__(self) -> str:
        if self.community_id:
            return f"Fund of {self.community}"
        return f"Account of {self.member}"

    @property
    def is_fund(self) -> bool:
        return self.community_id is not None


class TransferKind(models.TextChoices):
    """Why credits moved. Defined outside Transfer so its Meta can build the CHECK constraint from it."""

    EXCHANGE = "exchange", _("Exchange")
    DONATION = "donation", _("Donation")
    GRANT = "grant", _("Grant")
    REVERSAL = "reversal", _("Reversal")
    ADJUSTMENT = "adjustment", _("Adjustment")
    OPENING = "opening", _("Opening balance")


class Transfer(models.Model):
    """An immutable movement of credits from one account (debit) to another (credit)."""

    Kind = TransferKind

    debit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="debits")
    credit = models.ForeignKey(Account, on_delete=models.PROTECT, related_name="credits")
    amount = models.PositiveBigIntegerField(_("minutes"))
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    caused_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    reference = models.CharField(_("caused by"), max_length=100, blank=True, db_index=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    fingerprint = models.CharField(max_length=64, help_text="Hash of what was asked, to tell a retry from a clash.")
    reverses = models.OneToOneField("self", on_delete=models.PROTECT, null=True, blank=True, related_name="reversed_by")
    debit_balance_after = models.BigIntegerField()
    credit_balance_after = models.BigIntegerField()
    debit_limit = models.BigIntegerField(help_text="The overdraft the debit account had when this was posted.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("transfer")
        verbose_name_plural = _("transfers")
        constraints = [
            models.CheckConstraint(condition=Q(amount__gt=0), name="transfer_amount_positive"),
            models.CheckConstraint(condition=~Q(debit=F("credit")), name="transfer_between_two_accounts"),
            models.CheckConstraint(
                condition=Q(kind__in=TransferKind.values),
                name="transfer_kind_valid",
            ),
            models.CheckConstraint(
                condition=Q(kind="reversal", reverses__isnull=False) | (~Q(kind="reversal") & Q(reverses__isnull=True)),
                name="transfer_reversal_names_what_it_reverses",
            ),
            models.CheckConstraint(
                condition=Q(debit_balance_after__gte=-F("debit_limit")), name="transfer_within_debit_limit"
            ),
        ]
        indexes = [
            models.Index(fields=["debit", "id"], name="transfer_debit_id"),
            models.Index(fields=["credit", "id"], name="transfer_credit_id"),
        ]

    def __str__(self) -> str:
        return f"{self.amount} min {self.debit_id}→{self.credit_id} ({self.kind})"


class LimitPolicy(models.Model):
    """A community's limits, set by its coordinators. Members get the most generous of their communities'."""

    community = models.OneToOneField("communities.Community", on_delete=models.CASCADE, related_name="limit_policy")
    member_overdraft = models.PositiveIntegerField(_("how far below zero a member may go (minutes)"), default=5 * 60)
    warning_threshold = models.PositiveIntegerField(_("warn members this close to their limit (minutes)"), default=60)
    grows_with_given = models.BooleanField(_("the limit grows with hours given"), default=False)
    growth_cap = models.PositiveIntegerField(_("largest limit when it grows (minutes)"), default=20 * 60)
    fund_overdraft = models.PositiveIntegerField(_("how far below zero the community fund may go (minutes)"), default=0)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")

    class Meta:
        verbose_name = _("limit policy")
        verbose_name_plural = _("limit policies")
        constraints = [
            models.CheckConstraint(
                condition=Q(growth_cap__gte=F("member_overdraft")), name="limit_policy_cap_above_overdraft"
            ),
        ]

    def __str__(self) -> str:
        return f"Limits of {self.community}"

    def member_limit(self, earned: int) -> int:
        if not self.grows_with_given:
            return self.member_overdraft
        return min(self.growth_cap, self.member_overdraft + earned)


class ApprovalKind(models.TextChoices):
    GRANT = "grant", _("Grant")
    LIMITS = "limits", _("Change of limits")


class ApprovalState(models.TextChoices):
    PENDING = "pending", _("Waiting for a second coordinator")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    EXPIRED = "expired", _("Expired")
    CANCELLED = "cancelled", _("Cancelled")


class ApprovalRequest(models.Model):
    """A grant or a change of limits that waits for a second coordinator (maker and checker).

    The maker is `requested_by`; the checker, `decided_by`, is another coordinator of the community
    or of a community above it. Approving a grant posts it once, with a key named after this request;
    approving limits applies them. A request not decided by `expires_at` can no longer be approved.
    """

    Kind = ApprovalKind
    State = ApprovalState

    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    community = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, related_name="ledger_approval_requests"
    )
    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    member = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    minutes = models.PositiveIntegerField(_("minutes"), null=True, blank=True)
    reason = models.CharField(_("reason"), max_length=500, blank=True)
    limits = models.JSONField(_("the limits asked for, in minutes"), default=dict, blank=True)
    previous_limits = models.JSONField(_("the limits before, in minutes"), default=dict, blank=True)
    idempotency_key = models.CharField(max_length=100, unique=True)
    state = models.CharField(_("state"), max_length=20, choices=State.choices, default=State.PENDING)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_reason = models.CharField(_("reason for the decision"), max_length=500, blank=True)
    expires_at = models.DateTimeField()
    transfer = models.OneToOneField(Transfer, on_delete=models.PROTECT, null=True, blank=True, related_name="approval")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("approval request")
        verbose_name_plural = _("approval requests")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ApprovalKind.values), name="approval_kind_valid"),
            models.CheckConstraint(
                condition=Q(state__in=ApprovalState.values),
                name="approval_state_valid",
            ),
            models.CheckConstraint(
                condition=~Q(kind="grant") | Q(member__isnull=False, minutes__gt=0),
                name="approval_grant_names_member_and_minutes",
            ),
            models.CheckConstraint(condition=~Q(member=F("requested_by")), name="approval_maker_is_not_the_recipient"),
            models.CheckConstraint(
                condition=~Q(decided_by=F("requested_by")) | Q(state="cancelled"),
                name="approval_checker_is_not_the_maker",
            ),
            models.CheckConstraint(condition=~Q(decided_by=F("member")), name="approval_checker_is_not_the_recipient"),
            models.CheckConstraint(
                condition=~Q(kind="grant", state="approved") | Q(transfer__isnull=False),
                name="approval_of_a_grant_names_its_transfer",
            ),
        ]
        indexes = [models.Index(fields=["community", "state"], name="approval_community_state")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} for {self.community_id} ({self.state})"

    @property
    def is_pending(self) -> bool:
        return self.state == self.State.PENDING
