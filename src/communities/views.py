"""Community pages. Thin: access checks and actions do the work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import visible_member_ids
from accounts.http import MemberRequest
from accounts.models import User
from communities import access, actions, queries
from communities.errors import CommunityError
from communities.forms import CommunityEditForm, DecisionForm, JoinForm
from hexitime.http import post_only_or_redirect


def directory(request: HttpRequest) -> HttpResponse:
    return render(request, "communities/directory.html", {"tree": queries.community_tree()})


def detail(request: HttpRequest, slug: str) -> HttpResponse:
    """Anyone may read a community's page; members see who coordinates it."""
    community = access.access_community(slug)
    user = request.user if isinstance(request.user, User) else None
    membership = access.membership_of(user, community) if user else None
    coordinators = list(queries.coordinators(community)) if user else []
    visible = visible_member_ids(user, [m.member_id for m in coordinators]) if user else set()
    context = {
        "community": community,
        "membership": membership,
        "is_coordinator": bool(membership and membership.is_coordinator),
        "member_count": queries.active_member_count(community),
        "coordinators": [(m, m.member_id in visible) for m in coordinators],
        "children": queries.community_children(community),
        "campaigns": community.campaigns.filter(ends_on__gte=timezone.localdate()).order_by("starts_on")[:10],
        "join_form": JoinForm(),
    }
    return render(request, "communities/detail.html", context)


@login_required
@post_only_or_redirect(to="communities:detail", kwargs=("slug",))
def join(request: MemberRequest, slug: str) -> HttpResponse:
    community = access.access_community(slug)
    form = JoinForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("note", []):
            messages.error(request, str(error))
        return redirect(community)
    try:
        membership = actions.do_join_community(
            member=request.user,
            community=community,
            note=form.cleaned_data["note"],
        )
    except CommunityError as error:
        messages.error(request, str(error))
        return redirect(community)
    if membership.is_active:
        messages.success(request, _("Welcome to %(c)s.") % {"c": community})
    else:
        messages.success(
            request, _("Your application to join %(c)s has been sent to its coordinators.") % {"c": community}
        )
    return redirect(community)


@login_required
@post_only_or_redirect(to="communities:detail", kwargs=("slug",))
def leave(request: MemberRequest, slug: str) -> HttpResponse:
    community = access.access_community(slug)
    try:
        actions.do_leave_community(member=request.user, community=community)
    except CommunityError as error:
        messages.error(request, str(error))
        return redirect(community)
    messages.success(request, _("You are no longer a member of %(c)s.") % {"c": community})
    return redirect(community)


@login_required
def members(request: MemberRequest, slug: str) -> HttpResponse:
    community = access.access_members_list(request.user, slug)
    return render(
        request,
        "communities/members.html",
        {"community": community, "memberships": queries.active_members(community)},
    )


@login_required
def edit(request: MemberRequest, slug: str) -> HttpResponse:
    community = access.access_coordinated_community(request.user, slug)
    form = CommunityEditForm(request.POST or None, instance=community)
    if request.method == "POST" and form.is_valid():
        actions.do_update_community(
            coordinator=request.user,
            community=community,
            description=form.cleaned_data["description"],
            join_policy=form.cleaned_data["join_policy"],
        )
        messages.success(request, _("The community's details have been saved."))
        return redirect(community)
    return render(request, "communities/edit.html", {"community": community, "form": form})


@login_required
def applications(request: MemberRequest, slug: str) -> HttpResponse:
    community = access.access_coordinated_community(request.user, slug)
    return render(
        request,
        "communities/applications.html",
        {"community": community, "applications": queries.pending_applications(community), "form": DecisionForm()},
    )


@login_required
@post_only_or_redirect(to="communities:applications", kwargs=("slug",))
def decide(request: MemberRequest, slug: str, membership_id: int) -> HttpResponse:
    membership = access.access_application(request.user, slug, membership_id)
    community = membership.community
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose whether to approve or decline the application."))
        return redirect("communities:applications", slug=community.slug)
    approve = form.cleaned_data["decision"] == "approve"
    try:
        actions.do_decide_application(
            coordinator=request.user,
            membership=membership,
            approve=approve,
            reason=form.cleaned_data["reason"],
        )
    except CommunityError as error:
        messages.error(request, str(error))
    else:
        name = membership.member.display_name
        if approve:
            messages.success(request, _("%(name)s is now a member of %(c)s.") % {"name": name, "c": community})
        else:
            messages.success(request, _("You declined %(name)s's application.") % {"name": name})
    return redirect("communities:applications", slug=community.slug)
