"""Exchange pages. Thin: access checks find the exchange, actions change it, errors become messages."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import access_profile
from accounts.http import MemberRequest
from accounts.models import User
from communities.access import access_coordinated_community
from communities.models import Community, Membership
from conversations.access import is_blocked_either_way
from exchanges import access, actions, queries, rules
from exchanges.errors import AlreadySent, ExchangeError
from exchanges.forms import (
    BrokerForm,
    DisputeForm,
    OfflineMarkForm,
    ProposeForm,
    ReasonForm,
    RecordForm,
    ResolveForm,
    VersionedForm,
    to_minutes,
)
from exchanges.models import Exchange, OfflineMark
from exchanges.stalled import STALLED_AFTER, UNANSWERED_AFTER, stalled_members
from hexitime.durations import duration, hours_of
from hexitime.http import post_only_or_redirect, report_form_errors
from hexitime.parsing import parse_id
from listings import visibility
from listings.access import access_listing
from listings.models import Listing


@login_required
def index(request: MemberRequest) -> HttpResponse:
    return render(request, "exchanges/index.html", {"groups": queries.exchanges_of(request.user)})


@login_required
def detail(request: MemberRequest, exchange_id: int) -> HttpResponse:
    return _render_detail(request, access.access_exchange(request.user, exchange_id))


def _render_detail(
    request: MemberRequest, exchange: Exchange, *, action: str = "", form: VersionedForm | None = None
) -> HttpResponse:
    """The exchange page; a form sent back with errors (`action` says which) is shown again as typed."""
    me = request.user
    rows = list(exchange.recipients.select_related("recipient__profile", "transfer"))
    completed = exchange.state == Exchange.State.COMPLETED
    waited_on = rules.waits_on(exchange, rows)
    answerers = [exchange.provider] if exchange.provider_id in waited_on else []
    answerers += [row.recipient for row in rows if row.recipient_id in waited_on]
    context = {
        "exchange": exchange,
        "rows": rows,
        "events": exchange.events.select_related("actor__profile"),
        "is_party": rules.is_party(me, exchange, rows),
        # A listing outside the viewer's communities (a coordinator here through their role) stays unnamed.
        "show_listing": exchange.listing_id is not None
        and visibility.visible_listings(me).filter(pk=exchange.listing_id).exists(),
        "far_from_agreed": completed and exchange.hours_far_from_agreed,
        "answerers": ", ".join(person.display_name for person in answerers),
        "can_answer": rules.may_answer(me, exchange, rows),
        "can_cancel": rules.may_cancel(me, exchange, rows),
        "can_record": rules.may_record(me, exchange, rows),
        "can_confirm": rules.may_confirm(me, exchange, rows),
        "can_dispute": rules.may_dispute(me, exchange, rows),
        "can_resolve": rules.may_resolve(me, exchange, rows),
        "can_amend": rules.may_amend(me, exchange, rows),
        "version": exchange.version,
        "form_action": action,
    }
    version = {"version": exchange.version}
    unbound: dict[str, VersionedForm] = {
        "record": RecordForm(
            initial={**version, "hours": hours_of(exchange.proposed_minutes)}, agreed_minutes=exchange.proposed_minutes
        ),
        "amend": RecordForm(
            initial={**version, "hours": hours_of(exchange.recorded_minutes or exchange.proposed_minutes)},
            agreed_minutes=exchange.proposed_minutes,
            prefix="amend",
        ),
        "dispute": DisputeForm(initial=version),
        "cancel": ReasonForm(initial=version),
        "resolve": ResolveForm(initial=version),
    }
    if form is not None:
        unbound[action] = form
    context.update({f"{name}_form": value for name, value in unbound.items()})
    context["reason_form"] = unbound["cancel"]
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
        initial.update(title=listing.title, hours=hours_of(listing.estimated_minutes))
    form = ProposeForm(request.POST or None, initial=initial)
    if fixed_role:
        form.fields["role"].disabled = True
    community = listing.scope if listing else access.shared_community(request.user, counterpart)
    if community is None:
        messages.error(request, _("You can exchange hours with members who share a community with you."))
        return redirect(counterpart.profile)
    if is_blocked_either_way(request.user.pk, [counterpart.pk]):
        messages.error(request, str(actions.PROPOSAL_BLOCKED))
        return redirect(listing or counterpart.profile)
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
                form_key=form.form_key,
            )
        except AlreadySent as repeat:
            messages.info(request, str(repeat))
            return redirect(repeat.exchange)
        except ExchangeError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Your proposal is sent. You proposed %(time)s; you'll see here when %(name)s answers.")
                % {"time": duration(exchange.proposed_minutes), "name": counterpart.display_name},
            )
            return redirect(exchange)
    return render(
        request,
        "exchanges/propose.html",
        {"form": form, "listing": listing, "counterpart": counterpart, "fixed_role": fixed_role},
    )


def _proposal_target(request: MemberRequest) -> tuple[Listing | None, User]:
    listing_id, member_id = parse_id(request.GET.get("listing")), parse_id(request.GET.get("member"))
    if listing_id is not None:
        listing = access_listing(request.user, listing_id)
        if not listing.is_live:
            raise Http404(_("This listing is no longer open for exchanges."))
        if listing.author_id == request.user.pk:
            raise Http404(_("This is your own listing; others answer it."))
        return listing, listing.author
    if member_id is not None and member_id != request.user.pk:
        return None, access_profile(request.user, member_id).user
    raise Http404(_("Choose a listing or a member to propose an exchange to."))


ACTIONS = {"accept", "decline", "cancel", "record", "amend", "confirm", "dispute", "resolve"}
# The forms shown on the exchange page, and the states it shows them in: sent back with errors while
# the exchange is still in such a state, they are shown again there, as typed, with the errors by the fields.
FORMS_ON_PAGE = {
    "record": {Exchange.State.AGREED},
    "amend": {Exchange.State.COMPLETED},
    "dispute": {Exchange.State.COMPLETED},
    "resolve": {Exchange.State.DISPUTED},
    "cancel": {Exchange.State.PROPOSED, Exchange.State.AGREED},
}


@login_required
@post_only_or_redirect(to="exchanges:detail", kwargs=("exchange_id",))
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
    if action in ("record", "amend"):
        prefix = "amend" if action == "amend" else None
        form: VersionedForm = RecordForm(request.POST, agreed_minutes=exchange.proposed_minutes, prefix=prefix)
    else:
        form = form_class(request.POST)
    if not form.is_valid():
        if exchange.state in FORMS_ON_PAGE.get(action, ()) and "version" not in form.errors:
            return _render_detail(request, exchange, action=action, form=form)  # errors (and any warning) by the field
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
            exchange = actions.do_record_hours(
                member=member, exchange=exchange, minutes=to_minutes(data["hours"]), version=version
            )
        elif action == "amend":
            exchange = actions.do_amend_hours(
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
        far = action in ("record", "amend") and exchange.hours_far_from_agreed
        message = str(FAR_RECORDED if far else SUCCESS[action])
        if action in ("record", "amend", "resolve") and data.get("hours"):
            message = _("%(hours)s. %(message)s") % {
                "hours": HOURS_UNDERSTOOD[action] % {"time": duration(to_minutes(data["hours"]))},
                "message": message,
            }
        messages.success(request, message)
    return redirect(exchange)


SUCCESS = {
    "accept": gettext_lazy("You accepted. Agree the details, then record the hours when the work is done."),
    "decline": gettext_lazy("You declined the proposal."),
    "cancel": gettext_lazy("The exchange is cancelled."),
    "record": gettext_lazy("The hours are recorded. The other side now confirms them."),
    "amend": gettext_lazy("The hours are changed. The other side is told and now confirms them."),
    "confirm": gettext_lazy("Confirmed: the hours have moved. Thank you for exchanging."),
    "dispute": gettext_lazy("You disputed the hours. A coordinator will look at it."),
    "resolve": gettext_lazy("The dispute is resolved. Both sides can see your reason."),
}
# Said first, so a member without JavaScript reads back the hours as understood ("1 h 30 min").
HOURS_UNDERSTOOD = {
    "record": gettext_lazy("You recorded %(time)s"),
    "amend": gettext_lazy("You changed the hours to %(time)s"),
    "resolve": gettext_lazy("You confirmed %(time)s"),
}
FAR_RECORDED = gettext_lazy(
    "The hours are recorded. They differ a lot from those agreed, so they will not confirm themselves: "
    "the other side must confirm or dispute them."
)


def _active_members(community: Community, *, besides: User) -> QuerySet[User]:
    return (
        User.objects.filter(
            is_active=True, memberships__community=community, memberships__status=Membership.Status.ACTIVE
        )
        .exclude(pk=besides.pk)
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )


@login_required
def broker(request: MemberRequest, slug: str) -> HttpResponse:
    """A coordinator records a finished exchange for a member who is offline (never one of their own)."""
    community = access_coordinated_community(request.user, slug)
    brokerable_ids = set(access.brokerable_members(community).values_list("pk", flat=True))
    members = _active_members(community, besides=request.user)
    form = BrokerForm(request.POST or None, members=members, brokerable_ids=brokerable_ids)
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
                form_key=form.form_key,
            )
        except AlreadySent as repeat:
            messages.info(request, str(repeat))
            return redirect(repeat.exchange)
        except ExchangeError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _(
                    "The exchange of %(time)s is recorded. Both members are told; nothing moves before %(date)s, "
                    "and either of them may dispute it until then."
                )
                % {
                    "time": duration(exchange.proposed_minutes),
                    "date": date_format(timezone.localtime(exchange.confirm_deadline), "j F Y"),
                },
            )
            return redirect(exchange)
    context = {"form": form, "community": community, "has_brokerable": bool(brokerable_ids - {request.user.pk})}
    return render(request, "exchanges/broker.html", context)


@login_required
def offline(request: MemberRequest, slug: str) -> HttpResponse:
    """A coordinator marks a member of their community as offline, with a reason; the marks in force."""
    community = access_coordinated_community(request.user, slug)
    form = OfflineMarkForm(request.POST or None, members=_active_members(community, besides=request.user))
    if request.method == "POST" and form.is_valid():
        member = form.cleaned_data["member"]
        try:
            actions.do_mark_offline(
                coordinator=request.user, community=community, member=member, reason=form.cleaned_data["reason"]
            )
        except ExchangeError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("%(name)s is marked as offline. They and the other coordinators are told.")
                % {"name": member.display_name},
            )
            return redirect("exchanges:offline", slug=community.slug)
    marks = access.active_offline_marks(community).select_related("member__profile", "marked_by__profile")
    consenting = access.brokerable_members(community).filter(profile__may_be_brokered=True).select_related("profile")
    context = {"form": form, "community": community, "marks": marks, "consenting": consenting.order_by("pk")}
    return render(request, "exchanges/offline.html", context)


@login_required
def brokering(request: MemberRequest) -> HttpResponse:
    """The member's own page: where coordinators marked them as offline, and whether they agreed."""
    marks = OfflineMark.objects.filter(member=request.user, withdrawn_at__isnull=True).select_related(
        "community", "marked_by__profile"
    )
    return render(request, "exchanges/brokering.html", {"marks": marks, "profile": request.user.profile})


@login_required
@post_only_or_redirect(to="exchanges:brokering")
def withdraw_offline(request: MemberRequest, mark_id: int) -> HttpResponse:
    mark = access.access_offline_mark(request.user, mark_id)
    try:
        actions.do_withdraw_offline_mark(member=request.user, mark=mark)
    except ExchangeError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Withdrawn. Coordinators can no longer record exchanges for this reason."))
    if mark.member_id == request.user.pk:
        return redirect("exchanges:brokering")
    return redirect("exchanges:offline", slug=mark.community.slug)


@login_required
def disputes(request: MemberRequest, slug: str) -> HttpResponse:
    community = access_coordinated_community(request.user, slug)
    return render(
        request, "exchanges/disputes.html", {"community": community, "exchanges": queries.disputes_in([community.pk])}
    )


@login_required
def stalled(request: MemberRequest, slug: str) -> HttpResponse:
    """Members with unanswered proposals or stalled exchanges, for coordinators: counts and ages only.

    Anyone else gets a 403 that says why, like the community's other coordinator pages.
    """
    community = access_coordinated_community(request.user, slug)
    context = {
        "community": community,
        "members": stalled_members(community, timezone.now()),
        "unanswered_days": UNANSWERED_AFTER.days,
        "stalled_days": STALLED_AFTER.days,
    }
    return render(request, "exchanges/stalled.html", context)
