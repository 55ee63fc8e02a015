"""Member pages: dashboard, profile, profile editing and onboarding."""

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from accounts import actions
from accounts.access import access_profile
from accounts.forms import MemberSearchForm, ProfileForm
from accounts.http import MemberRequest
from accounts.models import Profile, User
from accounts.queries import member_directory, profile_completeness
from communities import queries as community_queries
from conversations import queries as conversation_queries
from exchanges import queries as exchange_queries
from hexitime.http import report_form_errors
from ledger import queries as ledger_queries
from listings import matching


def _own_profile(request: HttpRequest) -> Profile:
    """The member's profile, read only: a GET never writes (docs/security.md).

    Sign-up creates the profile (accounts.adapter); a user made another way (createsuperuser) has
    none until they complete onboarding, which saves this unsaved one.
    """
    user = request.user
    assert isinstance(user, User)
    return Profile.objects.filter(user=user).first() or Profile(user=user)


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
        "waiting": exchange_queries.waiting_on(user),
        "unread_threads": conversation_queries.unread_threads(user),
        "has_mfa": user.authenticator_set.exists(),  # type: ignore[attr-defined]
        "requests_to_help": matching.requests_you_could_help_with(user),
        "offers_for_you": matching.offers_for_your_requests(user),
        "listing_count": user.listings.count(),
        "credits": ledger_queries.standing_of(ledger_queries.member_account(user)),
    }
    return render(request, "accounts/dashboard.html", context)


@login_required
def directory(request: MemberRequest) -> HttpResponse:
    """Find members by name, skill, role or organisation, among those the viewer may see."""
    form = MemberSearchForm(request.GET or None)
    data: dict[str, Any] = {}
    if form.is_bound:
        form.is_valid()
        report_form_errors(request, form, ignore=("page",))
        data = form.cleaned_data
    profiles = member_directory(
        request.user,
        name=(data.get("name") or "").strip(),
        skill=data.get("skill"),
        role=data.get("role") or "",
        organisation=(data.get("organisation") or "").strip(),
    )
    page = Paginator(profiles, 25).get_page(data.get("page") or 1)
    query = request.GET.copy()
    query.pop("page", None)
    return render(request, "accounts/directory.html", {"form": form, "page": page, "query": query.urlencode()})


@login_required
def profile(request: MemberRequest, member_id: int) -> HttpResponse:
    if member_id == request.user.pk and not Profile.objects.filter(user=request.user).exists():
        return redirect("accounts:welcome")  # made without signing up (createsuperuser): onboarding first
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
