"""Exchange pages. Thin: access checks find the exchange, actions change it, errors become messages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from accounts.access import access_profile
from accounts.models import User
from communities.access import access_coordinated_community
from communities.models import Membership
from exchanges import access, actions, queries
from exchanges.errors import ExchangeError
from exchanges.forms import (
    BrokerForm,
    DisputeForm,
    ProposeForm,
    ReasonForm,
    RecordForm,
    ResolveForm,
    VersionedForm,
    to_minutes,
)
from exchanges.models import Exchange
from hexitime.http import MemberRequest, report_form_errors
from listings.access import access_listing
from listings.models import Listing


@login_required
def index(request: MemberRequest) -> HttpResponse:
    return render(request, "exchanges/index.html", {"groups": queries.exchanges_of(request.user)})


@login_required
def detail(request: MemberRequest, exchange_id: int) -> HttpResponse:
    exchange = access.access_exchange(request.user, exchange_id)
    me = request.user
    rows = list(exchange.recipients.select_related("recipient__profile", "transfer"))
    my_row = next((row for row in rows if row.recipient_id == me.pk), None)
    is_party = me.pk == exchange.provider_id or my_row is not None
    can_confirm = exchange.state == Exchange.State.COMPLETED and (
        (exchange.is_group and my_row is not None and my_row.state == "pending")
        or (not exchange.is_group and is_party and me.pk != exchange.recorded_by_id)
    )
    context = {
        "exchange": exchange,
        "rows": rows,
        "events": exchange.events.select_related("actor__profile"),
        "is_party": is_party,
        "can_answer": exchange.state == Exchange.State.PROPOSED and is_party and me.pk != exchange.proposed_by_id,
        "can_cancel": exchange.state in (Exchange.State.PROPOSED, Exchange.State.AGREED) and is_party,
        "can_record": exchange.state == Exchange.State.AGREED
        and (me.pk == exchange.provider_id or (is_party and not exchange.is_group)),
        "can_confirm": can_confirm,
        "can_resolve": exchange.state == Exchange.State.DISPUTED and access.can_resolve(me, exchange),
        "version": exchange.version,
        "record_form": RecordForm(initial={"version": exchange.version, "hours": exchange.proposed_minutes / 60}),
        "dispute_form": DisputeForm(initial={"version": exchange.version}),
        "reason_form": ReasonForm(initial={"version": exchange.version}),
        "resolve_form": ResolveForm(initial={"version": exchange.version}),
    }
    return render(request, "exchanges/detail.html", context)


@login_required
def propose(request: MemberRequest) -> HttpResponse:
    """Propose an exchange from a listing (offer to help, ask for this) or from a member's profile."""
    listing, counterpart = _proposal_target(request)
    fixed_role = None
    if listing is not None:
        fixed_role = "give" if listing.kind == Listing.Kind.REQUEST else "receive"
    initial: dict[str, object] = {"role": fixed_role or "give"}
    if listing is not None:
        initial.update(title=listing.title, hours=listing.estimated_minutes / 60)
    form = ProposeForm(request.POST or None, initial=initial)
    if fixed_role:
        form.fields["role"].disabled = True
    community = listing.scope if listing else access.shared_community(request.user, counterpart)
    if community is None:
        messages.error(request, _("You can exchange hours with members who share a community with you."))
        return redirect(counterpart.profile)
    if request.method == "POST" and form.is_valid():
        gives = (fixed_role or form.cleaned_data["role"]) == "give"
        provider, recipient = (request.user, counterpart) if gives else (counterpart, request.user)
        try:
            exchange = actions.do_propose(
                proposer=request.user,
                provider=provider,
                recipients=[recipient],
                community=community,
                title=form.cleaned_data["title"],
                minutes=to_minutes(form.cleaned_data["hours"]),
                window=form.cleaned_data["window"],
                message=form.cleaned_data["message"],
                listing=listing,
            )
        except ExchangeError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Your proposal is sent. You'll see here when %(name)s answers.") % {"name": counterpart.display_name},
            )
            return redirect(exchange)
    return render(
        request,
        "exchanges/propose.html",
        {"form": form, "listing": listing, "counterpart": counterpart, "fixed_role": fixed_role},
    )


def _proposal_target(request: MemberRequest) -> tuple[Listing | None, User]:
    listing_id, member_id = request.GET.get("listing", ""), request.GET.get("member", "")
    if listing_id and listing_id.isdigit():
        listing = access_listing(request.user, int(listing_id))
        if not listing.is_live:
            raise Http404(_("This listing is no longer open for exchanges."))
        if listing.author_id == request.user.pk:
            raise Http404(_("This is your own listing; others answer it."))
        return listing, listing.author
    if member_id and member_id.isdigit() and int(member_id) != request.user.pk:
        return None, access_profile(request.user, int(member_id)).user
    raise Http404(_("Choose a listing or a member to propose an exchange to."))


ACTIONS = {"accept", "decline", "cancel", "record", "confirm", "dispute", "resolve"}


@login_required
@require_POST
def act(request: MemberRequest, exchange_id: int, action: str) -> HttpResponse:
    exchange = access.access_exchange(request.user, exchange_id)
    if action not in ACTIONS:
        raise Http404(_("That is not something you can do to an exchange."))
    form_class = {
        "record": RecordForm,
        "dispute": DisputeForm,
        "resolve": ResolveForm,
        "decline": ReasonForm,
        "cancel": ReasonForm,
    }.get(action, VersionedForm)
    form = form_class(request.POST)
    if not form.is_valid():
        report_form_errors(request, form)
        return redirect(exchange)
    data = form.cleaned_data
    member, version = request.user, data["version"]
    try:
        if action == "accept":
            actions.do_accept(member=member, exchange=exchange, version=version)
        elif action == "decline":
            actions.do_decline(member=member, exchange=exchange, reason=data["reason"], version=version)
        elif action == "cancel":
            actions.do_cancel(member=member, exchange=exchange, reason=data["reason"], version=version)
        elif action == "record":
            actions.do_record_hours(
                member=member, exchange=exchange, minutes=to_minutes(data["hours"]), version=version
            )
        elif action == "confirm":
            actions.do_confirm(member=member, exchange=exchange, version=version)
        elif action == "dispute":
            actions.do_dispute(member=member, exchange=exchange, reason=data["reason"], version=version)
        else:
            hours = data.get("hours")
            actions.do_resolve(
                coordinator=member,
                exchange=exchange,
                decision=data["decision"],
                reason=data["reason"],
                minutes=to_minutes(hours) if hours else None,
                version=version,
            )
    except ExchangeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, str(SUCCESS[action]))
    return redirect(exchange)


SUCCESS = {
    "accept": gettext_lazy("You accepted. Agree the details, then record the hours when the work is done."),
    "decline": gettext_lazy("You declined the proposal."),
    "cancel": gettext_lazy("The exchange is cancelled."),
    "record": gettext_lazy("The hours are recorded. The other side now confirms them."),
    "confirm": gettext_lazy("Confirmed: the hours have moved. Thank you for exchanging."),
    "dispute": gettext_lazy("You disputed the hours. A coordinator will look at it."),
    "resolve": gettext_lazy("The dispute is resolved. Both sides can see your reason."),
}


@login_required
def broker(request: MemberRequest, slug: str) -> HttpResponse:
    """A coordinator records a finished exchange for a member who is offline."""
    community = access_coordinated_community(request.user, slug)
    members = (
        User.objects.filter(memberships__community=community, memberships__status=Membership.Status.ACTIVE)
        .select_related("profile")
        .order_by("profile__display_name")
    )
    form = BrokerForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            exchange = actions.do_broker_exchange(
                coordinator=request.user,
                community=community,
                provider=data["provider"],
                recipient=data["recipient"],
                title=data["title"],
                minutes=to_minutes(data["hours"]),
                window=data["window"],
                note=data["note"],
            )
        except ExchangeError as error:
            messages.error(request, str(error))
        else:
            messages.success(request, _("The exchange is recorded and the hours have moved."))
            return redirect(exchange)
    return render(request, "exchanges/broker.html", {"form": form, "community": community})


@login_required
def disputes(request: MemberRequest, slug: str) -> HttpResponse:
    community = access_coordinated_community(request.user, slug)
    return render(
        request, "exchanges/disputes.html", {"community": community, "exchanges": queries.disputes_in([community.pk])}
    )
