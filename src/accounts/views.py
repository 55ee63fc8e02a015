"""Member pages: dashboard, profile, profile editing and onboarding."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import actions
from accounts.access import access_profile
from accounts.forms import ProfileForm
from accounts.models import Profile, User
from accounts.queries import profile_completeness
from communities import queries as community_queries
from hexitime.http import MemberRequest


def _own_profile(request: HttpRequest) -> Profile:
    user = request.user
    assert isinstance(user, User)
    profile, _created = Profile.objects.get_or_create(user=user)
    return profile


@login_required
def dashboard(request: MemberRequest) -> HttpResponse:
    profile = _own_profile(request)
    if profile.onboarded_at is None:
        return redirect("accounts:welcome")
    user = profile.user
    memberships = list(community_queries.memberships_of(user))
    context = {
        "profile": profile,
        "completeness": profile_completeness(profile),
        "memberships": memberships,
        "active_memberships": [m for m in memberships if m.status == m.Status.ACTIVE],
        "pending_memberships": [m for m in memberships if m.status == m.Status.PENDING],
        "awaiting": community_queries.applications_awaiting(user),
        "has_mfa": user.authenticator_set.exists(),  # type: ignore[attr-defined]
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
def profile(request: MemberRequest, member_id: int) -> HttpResponse:
    _own_profile(request)
    viewed = access_profile(request.user, member_id)
    return render(
        request,
        "accounts/profile.html",
        {"viewed": viewed, "is_own": viewed.user_id == request.user.pk},
    )


def _edit(request: HttpRequest, *, onboarding: bool) -> HttpResponse:
    profile = _own_profile(request)
    form = ProfileForm(request.POST or None, instance=profile)
    if request.method == "POST" and form.is_valid():
        actions.do_update_profile(form=form, completing_onboarding=True)
        if onboarding:
            messages.success(request, _("Thank you, your profile is ready. Next, join a community."))
            return redirect("communities:directory")
        messages.success(request, _("Your profile has been saved."))
        return redirect(profile)
    template = "accounts/welcome.html" if onboarding else "accounts/profile_edit.html"
    return render(request, template, {"form": form, "profile": profile})


@login_required
def profile_edit(request: MemberRequest) -> HttpResponse:
    return _edit(request, onboarding=False)


@login_required
def welcome(request: MemberRequest) -> HttpResponse:
    if _own_profile(request).onboarded_at is not None and request.method == "GET":
        return redirect(reverse("accounts:profile_edit"))
    return _edit(request, onboarding=True)
