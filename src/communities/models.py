"""Communities (a tree: nation > region > organisation) and the memberships of members in them."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class CommunityKind(models.TextChoices):
    NATION = "nation", _("Nation")
    REGION = "region", _("Region")
    ORGANISATION = "organisation", _("Organisation")


class CommunityJoinPolicy(models.TextChoices):
    OPEN = "open", _("Open: anyone can join")
    APPROVAL = "approval", _("Approval: coordinators approve each application")


class Community(models.Model):
    Kind = CommunityKind
    JoinPolicy = CommunityJoinPolicy

    # Which kinds may sit directly under which.
    ALLOWED_PARENTS = {
        Kind.NATION: set(),
        Kind.REGION: {Kind.NATION},
        Kind.ORGANISATION: {Kind.NATION, Kind.REGION},
    }

    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    parent = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("part of"),
    )
    description = models.TextField(_("description"), max_length=4000, blank=True)
    join_policy = models.CharField(
        _("join policy"), max_length=20, choices=JoinPolicy.choices, default=JoinPolicy.APPROVAL
    )
    auto_confirm_days = models.PositiveSmallIntegerField(
        _("days before recorded hours confirm themselves"),
        default=14,
        validators=[MinValueValidator(1), MaxValueValidator(60)],
        help_text=_("If the other side neither confirms nor disputes recorded hours, they are confirmed after this."),
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=CommunityKind.values),
                name="community_kind_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(join_policy__in=CommunityJoinPolicy.values),
                name="community_join_policy_valid",
            ),
            models.CheckConstraint(
                condition=models.Q(kind="nation", parent__isnull=True)
                | (~models.Q(kind="nation") & models.Q(parent__isnull=False)),
                name="community_only_nations_are_roots",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("communities:detail", kwargs={"slug": self.slug})

    def clean(self) -> None:
        parent_kind = self.parent.kind if self.parent else None
        allowed = self.ALLOWED_PARENTS.get(self.Kind(self.kind), set()) if self.kind else set()
        if self.kind == self.Kind.NATION and self.parent is not None:
            raise ValidationError({"parent": _("A nation is not part of another community.")})
        if self.kind != self.Kind.NATION and parent_kind not in allowed:
            raise ValidationError(
                {"parent": _("A region belongs to a nation; an organisation to a region or a nation.")}
            )
        if self.pk and self.parent_id:
            ancestor = self.parent
            while ancestor is not None:
                if ancestor.pk == self.pk:
                    raise ValidationError({"parent": _("A community cannot be part of itself.")})
                ancestor = ancestor.parent


class MembershipRole(models.TextChoices):
    MEMBER = "member", _("Member")
    COORDINATOR = "coordinator", _("Coordinator")


class MembershipStatus(models.TextChoices):
    PENDING = "pending", _("Application pending")
    ACTIVE = "active", _("Active")
    DECLINED = "declined", _("Application declined")
    SUSPENDED = "suspended", _("Suspended")
    LEFT = "left", _("Left")


class Membership(models.Model):
    Role = MembershipRole
    Status = MembershipStatus

    member = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="memberships",
        verbose_name=_("member"),
    )
    community = models.ForeignKey(
        Community, on_delete=models.CASCADE, related_name="memberships", verbose_name=_("community")
    )
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, default=Role.MEMBER)
    status = models.CharField(_("status"), max_length=20, choices=Status.choices)
    application_note = models.TextField(_("application note"), max_length=1000, blank=True)
    decision_reason = models.TextField(_("reason for the decision"), max_length=1000, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("decided by"),
    )
    created_at = models.DateTimeField(_("applied or joined"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        ordering = ["community__name"]
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            # One row per member and community: re-applying reuses it, so no duplicate applications.
            models.UniqueConstraint(fields=["member", "community"], name="membership_unique"),
            models.CheckConstraint(condition=models.Q(role__in=MembershipRole.values), name="membership_role_valid"),
            models.CheckConstraint(
                condition=models.Q(status__in=MembershipStatus.values),
                name="membership_status_valid",
            ),
        ]
        indexes = [models.Index(fields=["community", "status"])]

    def __str__(self) -> str:
        return f"{self.member} in {self.community} ({self.status})"

    @property
    def is_active(self) -> bool:
        return self.status == self.Status.ACTIVE

    @property
    def is_coordinator(self) -> bool:
        return self.is_active and self.role == self.Role.COORDINATOR


class MembershipEvent(models.Model):
    """Audit trail of every change to a membership: who did what, when and why."""

    class Kind(models.TextChoices):
        JOINED = "joined", _("Joined")
        APPLIED = "applied", _("Applied")
        APPROVED = "approved", _("Application approved")
        DECLINED = "declined", _("Application declined")
        LEFT = "left", _("Left")
        WITHDRAWN = "withdrawn", _("Application withdrawn")

    membership = models.ForeignKey(Membership, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    kind = models.CharField(max_length=20, choices=Kind.choices)
    reason = models.TextField(max_length=1000, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        verbose_name = _("membership event")
        verbose_name_plural = _("membership events")

    def __str__(self) -> str:
        return f"{self.kind} by {self.actor_id} at {self.created_at:%Y-%m-%d %H:%M}"
