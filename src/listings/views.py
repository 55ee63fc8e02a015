"""Listing, search and campaign pages. Thin: forms validate, access checks, actions change."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Q
from django.http import HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import can_see_member
from accounts.http import MemberRequest
from communities.access import access_coordinated_community
from hexitime.http import is_htmx, post_only_or_redirect, report_form_errors
from listings import access, actions, matching, queries, visibility
from listings.errors import ListingError
from listings.forms import CampaignForm, HideForm, ListingForm, SearchForm
from listings.models import Listing
from listings.search import SearchFilters, search_listings

STATUS_ACTIONS = {
    "pause": (actions.do_pause_listing, gettext_lazy("Your listing is paused: it no longer shows in search.")),
    "resume": (actions.do_resume_listing, gettext_lazy("Your listing is active again.")),
    "close": (actions.do_close_listing, gettext_lazy("Your listing is closed. It stays in your history.")),
    "renew": (actions.do_renew_listing, gettext_lazy("Your listing is renewed for another 90 days.")),
}


@login_required
def search(request: MemberRequest) -> HttpResponse:
    """Search offers and requests. Filters live in the query string; htmx swaps only the results."""
    form = SearchForm(request.GET or None, member=request.user)
    filters = SearchFilters()
    if form.is_bound:
        form.is_valid()
        report_form_errors(request, form, ignore=("page",))  # a bad page number just shows the first page
        data = form.cleaned_data
        filters = SearchFilters(
            q=data.get("q") or "",
            kind=data.get("kind") or "",
            skills=list(data.get("skill") or []),
            community=data.get("community"),
            mode=data.get("mode") or "",
            campaign=data.get("campaign"),
            sort=data.get("sort") or "relevance",
            page=data.get("page") or 1,
        )
    results = search_listings(request.user, filters)
    context = {"form": form, "results": results, "filters": filters, "query": _query_without_page(request.GET)}
    if is_htmx(request):
        return render(request, "listings/search.html#results", context)
    return render(request, "listings/search.html", context)


def _query_without_page(query: QueryDict) -> str:
    copy = query.copy()
    copy.pop("page", None)
    return copy.urlencode()


@login_required
def create(request: MemberRequest) -> HttpResponse:
    kind = request.GET.get("kind", "offer")
    initial = {"kind": kind if kind in Listing.Kind.values else "offer"}
    form = ListingForm(request.POST or None, author=request.user, initial=initial)
    if not form.fields["scope"].queryset.exists():  # type: ignore[attr-defined]
        messages.error(request, _("Join a community first: a listing is shown to the members of a community."))
        return redirect("communities:directory")
    if request.method == "POST" and form.is_valid():
        listing = actions.do_create_listing(author=request.user, data=form.listing_data())
        messages.success(request, _("Your %(kind)s is published.") % {"kind": listing.get_kind_display().lower()})
        return redirect(listing)
    return render(request, "listings/form.html", {"form": form, "editing": None})


@login_required
def edit(request: MemberRequest, listing_id: int) -> HttpResponse:
    listing = access.access_own_listing(request.user, listing_id)
    form = ListingForm(request.POST or None, author=request.user, initial=ListingForm.initial_from(listing))
    if request.method == "POST" and form.is_valid():
        actions.do_update_listing(listing=listing, data=form.listing_data())
        messages.success(request, _("Your changes are saved."))
        return redirect(listing)
    return render(request, "listings/form.html", {"form": form, "editing": listing})


@login_required
def detail(request: MemberRequest, listing_id: int) -> HttpResponse:
    listing = access.access_listing(request.user, listing_id)
    is_author = listing.author_id == request.user.pk
    scopes = visibility.visible_scope_ids(request.user)
    others = (
        visibility.searchable_listings(request.user, scopes)
        .filter(author_id=listing.author_id)
        .exclude(pk=listing.pk)
        .order_by("-created_at")[:5]
    )
    context = {
        "listing": listing,
        "is_author": is_author,
        "can_moderate": access.can_moderate(request.user, listing),
        "can_restore": access.can_restore(request.user, listing),
        # The author's name links to their profile only for a viewer who may open it.
        "author_visible": can_see_member(request.user, listing.author_id),
        "hiding_community": access.hiding_community(listing) if listing.is_hidden else None,
        "offer_to_close": is_author and queries.got_its_help(listing),
        "others": others,
        "hide_form": HideForm(),
        "suggested_listings": matching.suggest_listings(listing, request.user) if listing.is_live else [],
        "suggested_members": (
            matching.suggest_members(listing, request.user)
            if listing.is_live and listing.kind == Listing.Kind.REQUEST
            else []
        ),
    }
    return render(request, "listings/detail.html", context)


@login_required
@post_only_or_redirect(to="listings:detail", kwargs=("listing_id",))
def change_status(request: MemberRequest, listing_id: int, action: str) -> HttpResponse:
    listing = access.access_own_listing(request.user, listing_id)
    if action not in STATUS_ACTIONS:
        messages.error(request, _("That is not something you can do to a listing."))
        return redirect(listing)
    do, message = STATUS_ACTIONS[action]
    try:
        do(listing=listing)
    except ListingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(message))
    return redirect(listing)


@login_required
@post_only_or_redirect(to="listings:detail", kwargs=("listing_id",))
def hide(request: MemberRequest, listing_id: int) -> HttpResponse:
    listing = access.access_moderated_listing(request.user, listing_id)
    form = HideForm(request.POST)
    if not form.is_valid():
        for error in form.errors.get("reason", []):
            messages.error(request, str(error))
        return redirect(listing)
    try:
        actions.do_hide_listing(coordinator=request.user, listing=listing, reason=form.cleaned_data["reason"])
    except ListingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The listing is hidden. Its author can see your reason."))
    return redirect(listing)


@login_required
@post_only_or_redirect(to="listings:detail", kwargs=("listing_id",))
def unhide(request: MemberRequest, listing_id: int) -> HttpResponse:
    listing = access.access_listing_to_restore(request.user, listing_id)
    try:
        actions.do_unhide_listing(coordinator=request.user, listing=listing)
    except ListingError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("The listing is visible again. Its author has been told."))
    return redirect(listing)


@login_required
def mine(request: MemberRequest) -> HttpResponse:
    """The member's own listings, live or not: expired listings stay in the history."""
    listings = Listing.objects.filter(author=request.user).select_related("scope", "campaign").order_by("-created_at")
    return render(request, "listings/mine.html", {"listings": listings})


@login_required
def campaign_create(request: MemberRequest, slug: str) -> HttpResponse:
    community = access_coordinated_community(request.user, slug)
    form = CampaignForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            campaign = actions.do_create_campaign(
                coordinator=request.user,
                community=community,
                name=data["name"],
                description=data["description"],
                starts_on=data["starts_on"],
                ends_on=data["ends_on"],
            )
        except ListingError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("The campaign is created. Members can now add their listings to it."))
            return redirect(campaign)
    return render(request, "listings/campaign_form.html", {"form": form, "community": community})


@login_required
def campaign_detail(request: MemberRequest, slug: str) -> HttpResponse:
    campaign = access.access_campaign(slug)
    listings = (
        visibility.searchable_listings(request.user)
        .filter(campaign=campaign)
        .select_related("author__profile", "scope")
        .prefetch_related("skills")
        .order_by("-created_at")[:100]
    )
    counts = (
        visibility.searchable_listings(request.user)
        .filter(campaign=campaign)
        .aggregate(offers=Count("pk", filter=Q(kind="offer")), requests=Count("pk", filter=Q(kind="request")))
    )
    return render(request, "listings/campaign.html", {"campaign": campaign, "listings": listings, "counts": counts})
