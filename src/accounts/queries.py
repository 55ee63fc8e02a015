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


PICK_PAGE_SIZE = 10
PICK_NAME_LENGTH = 100


@dataclass(frozen=True)
class MemberPick:
    """One page of members whose names match what the viewer typed, for the pick-a-member fields."""

    name: str
    profiles: list[Profile]
    page: int
    has_more: bool


def pick_members(viewer: User, *, name: str, page: int = 1) -> MemberPick:
    """Members the viewer may reach (who share an active community with them: ledger.access.may_give_to's
    and accounts.access.can_see_member's rule in queryset form), never the viewer, whose display name
    contains the words typed; ten a page, in one query."""
    name = " ".join(name.split())[:PICK_NAME_LENGTH]
    page = max(1, min(page, 1000))
    if not name:
        return MemberPick(name="", profiles=[], page=1, has_more=False)
    start = (page - 1) * PICK_PAGE_SIZE
    found = list(
        Profile.objects.filter(
            user_id__in=shared_community_member_ids(viewer), user__is_active=True, display_name__icontains=name
        )
        .exclude(user_id=viewer.pk)
        .order_by("display_name", "user_id")[start : start + PICK_PAGE_SIZE + 1]
    )
    return MemberPick(name=name, profiles=found[:PICK_PAGE_SIZE], page=page, has_more=len(found) > PICK_PAGE_SIZE)
