"""Reads about members for pages."""

from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from accounts.access import shared_community_member_ids
from accounts.models import Profile, User
from skills.models import Skill


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[str]
    has_skills: bool = False


def profile_completeness(profile: Profile) -> Completeness:
    """How much of the profile is filled in, and what is missing, in the order to fill it."""
    has_skills = profile.skills.exists() if profile.pk else False
    checks = [
        (bool(profile.display_name), _("your display name")),
        (bool(profile.role), _("your role")),
        (has_skills, _("your skills")),
        (bool(profile.bio), _("a few lines about you")),
        (bool(profile.organisation), _("your organisation")),
        (profile.region_id is not None, _("your region")),
        (bool(profile.availability), _("when you are available")),
    ]
    done = sum(1 for ok, _label in checks if ok)
    return Completeness(
        percent=round(100 * done / len(checks)),
        missing=[str(label) for ok, label in checks if not ok],
        has_skills=has_skills,
    )


def member_directory(
    viewer: User, *, name: str = "", skill: Skill | None = None, role: str = "", organisation: str = ""
) -> QuerySet[Profile]:
    """Profiles the viewer may see (members sharing a community), never the viewer, filtered and in name order."""
    profiles = Profile.objects.filter(
        user_id__in=shared_community_member_ids(viewer), user__is_active=True, onboarded_at__isnull=False
    ).exclude(user_id=viewer.pk)
    if name:
        profiles = profiles.filter(display_name__icontains=name)
    if skill is not None:
        profiles = profiles.filter(pk__in=Profile.skills.through.objects.filter(skill=skill).values("profile_id"))
    if role:
        profiles = profiles.filter(role=role)
    if organisation:
        profiles = profiles.filter(organisation__icontains=organisation)
    return profiles.select_related("user").prefetch_related("skills").order_by("display_name", "user_id")
