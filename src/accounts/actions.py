"""Changes to members and profiles."""

from django.db import transaction
from django.utils import timezone

from accounts.forms import ProfileForm
from accounts.models import Profile
from audit import trail


@transaction.atomic
def do_update_profile(*, form: ProfileForm, completing_onboarding: bool = False) -> Profile:
    """Save a valid profile form; the first completion records when onboarding finished."""
    profile = form.save(commit=False)
    if completing_onboarding and profile.onboarded_at is None:
        profile.onboarded_at = timezone.now()
    profile.save()
    form.save_m2m()
    trail.record(actor=profile.user, verb="accounts.update_profile", target=profile, fields=sorted(form.changed_data))
    return profile
