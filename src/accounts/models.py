"""Members: a user (who signs in with an e-mail address) and their profile."""

from typing import Any, ClassVar

from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def _create(self, email: str, password: str | None, **extra: Any) -> "User":
        if not email:
            raise ValueError("An e-mail address is required.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.setdefault("is_staff", False)
        extra.setdefault("is_superuser", False)
        return self._create(email, password, **extra)

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> "User":
        extra.update(is_staff=True, is_superuser=True)
        return self._create(email, password, **extra)


class User(AbstractUser):
    """A member's account. Members log in with their e-mail address, which no other member sees."""

    username = None  # type: ignore[assignment]
    first_name = None  # type: ignore[assignment]
    last_name = None  # type: ignore[assignment]
    email = models.EmailField(_("e-mail address"), unique=True)

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    objects: ClassVar[UserManager] = UserManager()  # type: ignore[assignment]

    class Meta:
        verbose_name = _("member")
        verbose_name_plural = _("members")

    def __str__(self) -> str:
        return self.display_name

    @property
    def chosen_name(self) -> str:
        """The display name the member chose on their profile, or "" before they save it."""
        profile = getattr(self, "profile", None)
        return profile.display_name if profile and profile.display_name else ""

    @property
    def display_name(self) -> str:
        """The member's name as other members see it: their display name, or "A new member" until
        they save their profile. Never their e-mail address, nor part of it: members do not see each
        other's addresses, and the part before the @ is often a full name or a work login."""
        return self.chosen_name or str(_("A new member"))

    @property
    def name_for_self(self) -> str:
        """The member's name as shown to the member themself (the header, allauth's pages and
        messages, e-mails sent to them): their display name, or until they save their profile the
        part of their e-mail address before the @, which they know already. Never show it to others."""
        return self.chosen_name or self.email.partition("@")[0] or str(_("you"))


def name_for_self(user: User) -> str:
    """ACCOUNT_USER_DISPLAY: allauth names a member only to that member (messages, e-mails, pages)."""
    return user.name_for_self


class ProfileMode(models.TextChoices):
    REMOTE = "remote", _("Remote")
    IN_PERSON = "in_person", _("In person")
    EITHER = "either", _("Either remote or in person")


class Profile(models.Model):
    """What a member tells other members about themselves. Created with the user."""

    class Role(models.TextChoices):
        CLINICIAN = "clinician", _("Clinician")
        NURSE_MIDWIFE = "nurse_midwife", _("Nurse or midwife")
        AHP = "ahp", _("Allied health professional")
        MANAGER = "manager", _("Manager")
        ANALYST = "analyst", _("Analyst")
        QI_LEAD = "qi_lead", _("QI lead")
        PATIENT = "patient", _("Patient or service user")
        CARER = "carer", _("Carer")
        OTHER = "other", _("Other")

    Mode = ProfileMode

    user = models.OneToOneField(User, on_delete=models.CASCADE, related_name="profile", primary_key=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    pronouns = models.CharField(_("pronouns"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=20, choices=Role.choices, blank=True)
    organisation = models.CharField(_("organisation"), max_length=120, blank=True)
    bio = models.TextField(_("about you"), max_length=1000, blank=True)
    skills = models.ManyToManyField("skills.Skill", blank=True, related_name="profiles", verbose_name=_("skills"))
    availability = models.CharField(_("availability"), max_length=200, blank=True)
    preferred_mode = models.CharField(
        _("preferred way of working"), max_length=20, choices=Mode.choices, default=Mode.EITHER
    )
    region = models.ForeignKey(
        "communities.Community",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        limit_choices_to={"kind": "region"},
        verbose_name=_("region"),
    )
    may_be_brokered = models.BooleanField(
        _("Coordinators may record exchanges for me, because I am often offline"),
        default=False,
        db_default=False,  # rows written in bulk by seeding commands get it too
        help_text=_(
            "A coordinator of your community can then record an exchange you took part in. "
            "You are told each time, and can dispute it before it is confirmed."
        ),
    )
    onboarded_at = models.DateTimeField(_("profile completed"), null=True, blank=True)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        verbose_name = _("profile")
        verbose_name_plural = _("profiles")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(preferred_mode__in=ProfileMode.values),
                name="profile_mode_valid",
            ),
        ]

    def __str__(self) -> str:
        return self.display_name or str(self.user_id)

    def get_absolute_url(self) -> str:
        return reverse("accounts:profile", kwargs={"member_id": self.user_id})
