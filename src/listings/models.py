"""Offers ("I can give...") and requests ("I need help with..."), and the campaigns they join."""

from datetime import timedelta

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from hexitime.durations import MAX_MINUTES, MIN_MINUTES

DEFAULT_LIFETIME = timedelta(days=90)
MAX_LIFETIME = timedelta(days=365)


class Campaign(models.Model):
    """A time-boxed theme in a community (e.g. "green NHS") that listings can join."""

    community = models.ForeignKey(
        "communities.Community", on_delete=models.CASCADE, related_name="campaigns", verbose_name=_("community")
    )
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(_("slug"), max_length=80, unique=True)
    description = models.TextField(_("description"), max_length=4000, blank=True)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-starts_on", "name"]
        verbose_name = _("campaign")
        verbose_name_plural = _("campaigns")
        constraints = [
            models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")), name="campaign_dates_in_order"),
        ]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("listings:campaign", kwargs={"slug": self.slug})

    @property
    def is_running(self) -> bool:
        return self.starts_on <= timezone.localdate() <= self.ends_on


class ListingKind(models.TextChoices):
    OFFER = "offer", _("Offer")
    REQUEST = "request", _("Request")


class ListingMode(models.TextChoices):
    REMOTE = "remote", _("Remote")
    IN_PERSON = "in_person", _("In person")
    EITHER = "either", _("Remote or in person")


class ListingStatus(models.TextChoices):
    ACTIVE = "active", _("Active")
    PAUSED = "paused", _("Paused")
    CLOSED = "closed", _("Closed")


class Listing(models.Model):
    Kind = ListingKind
    Mode = ListingMode
    Status = ListingStatus

    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="listings", verbose_name=_("author")
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000)
    improvement = models.CharField(_("the improvement it serves"), max_length=300)
    skills = models.ManyToManyField("skills.Skill", related_name="listings", verbose_name=_("QI skills"))
    skills_text = models.CharField(max_length=1000, blank=True, editable=False, help_text="Skill names, for search.")
    skill_ids = models.CharField(max_length=300, blank=True, editable=False, help_text="Skill ids, for search filters.")
    scope = models.ForeignKey(
        "communities.Community", on_delete=models.PROTECT, related_name="listings", verbose_name=_("visible to")
    )
    mode = models.CharField(_("how"), max_length=10, choices=Mode.choices, default=Mode.EITHER)
    place = models.CharField(_("place"), max_length=120, blank=True)
    estimated_minutes = models.PositiveIntegerField(_("estimated time"))
    campaign = models.ForeignKey(
        Campaign,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="listings",
        verbose_name=_("campaign"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.ACTIVE)
    expires_at = models.DateTimeField(_("expires"))
    hidden_at = models.DateTimeField(_("hidden"), null=True, blank=True)
    hidden_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    hidden_reason = models.CharField(_("reason for hiding"), max_length=500, blank=True)
    # The community whose coordinator hid it (its scope then). Moving the listing elsewhere does not
    # change it: only coordinators of this community or of one above it can show the listing again.
    hidden_in = models.ForeignKey(
        "communities.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("hidden in"),
    )
    created_at = models.DateTimeField(_("posted"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)
    # PostgreSQL only: kept by a trigger (see migrations); SQLite uses the listings_listing_fts table.
    search_vector = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("listing")
        verbose_name_plural = _("listings")
        constraints = [
            models.CheckConstraint(condition=Q(kind__in=ListingKind.values), name="listing_kind_valid"),
            models.CheckConstraint(condition=Q(mode__in=ListingMode.values), name="listing_mode_valid"),
            models.CheckConstraint(condition=Q(status__in=ListingStatus.values), name="listing_status_valid"),
            models.CheckConstraint(
                condition=Q(estimated_minutes__gte=MIN_MINUTES, estimated_minutes__lte=MAX_MINUTES),
                name="listing_minutes_in_range",
            ),
        ]
        indexes = [
            models.Index(fields=["scope", "status", "-created_at"], name="listing_scope_status_created"),
            models.Index(fields=["author", "-created_at"], name="listing_author_created"),
            models.Index(fields=["expires_at"], name="listing_expires"),
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("listings:detail", kwargs={"listing_id": self.pk})

    @property
    def hours(self) -> float:
        return self.estimated_minutes / 60

    @property
    def skill_names(self) -> list[str]:
        """The skills' names, sorted, read from skills_text: a card shows them without a query."""
        return [name for name in self.skills_text.split(", ") if name]

    @property
    def is_expired(self) -> bool:
        return self.expires_at <= timezone.now()

    @property
    def is_hidden(self) -> bool:
        return self.hidden_at is not None

    @property
    def is_live(self) -> bool:
        """Shown in search: active, not hidden and not expired."""
        return self.status == self.Status.ACTIVE and not self.is_hidden and not self.is_expired
