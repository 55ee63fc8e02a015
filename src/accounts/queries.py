"""Reads about members for pages."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from accounts.models import Profile


@dataclass(frozen=True)
class Completeness:
    percent: int
    missing: list[str]


def profile_completeness(profile: Profile) -> Completeness:
    """How much of the profile is filled in, and what is missing, in the order to fill it."""
    checks = [
        (bool(profile.display_name), _("your display name")),
        (bool(profile.role), _("your role")),
        (profile.skills.exists() if profile.pk else False, _("your skills")),
        (bool(profile.bio), _("a few lines about you")),
        (bool(profile.organisation), _("your organisation")),
        (profile.region_id is not None, _("your region")),
        (bool(profile.availability), _("when you are available")),
    ]
    done = sum(1 for ok, _label in checks if ok)
    return Completeness(
        percent=round(100 * done / len(checks)),
        missing=[str(label) for ok, label in checks if not ok],
    )
