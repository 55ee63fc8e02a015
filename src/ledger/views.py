"""Credit pages: a member's balance and statement, donations, and a community fund for its coordinators.

Thin: forms validate, ledger.access decides who may do what, ledger.actions moves credits.
"""

import csv
from collections.abc import Iterator
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpResponse, StreamingHttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from accounts.http import MemberRequest
from accounts.models import User
from communities.access import access_coordinated_community, is_coordinator
from communities.models import Community
from hexitime.durations import duration
from hexitime.http import is_htmx, post_only_or_redirect
from ledger import access, actions, approvals, notices, queries
from ledger.approvals import Requested, check_checker
from ledger.errors import LedgerError
from ledger.forms import DonateForm, FindTransferForm, GrantForm, LimitsForm, RejectForm, ReverseForm, renewed
from ledger.limits import limit_explanation
from ledger.models import Account, LimitPolicy


def _statement_context(request: MemberRequest, account: Account) -> dict[str, Any]:
    page = Paginator(queries.statement(account), queries.STATEMENT_PAGE_SIZE).get_page(request.GET.get("page"))
    return {
        "standing": queries.standing_of(account),
        "explanation": limit_explanation(account),
        "page": page,
        "lines": queries.statement_lines(account, list(page)),
    }


@login_required
def balance(request: MemberRequest) -> HttpResponse:
    account = queries.member_account(request.user)
    return render(request, "ledger/balance.html", _statement_context(request, account))


@login_required
def fund(request: MemberRequest, slug: str) -> HttpResponse:
    community = access_coordinated_community(request.user, slug, refusal=access.FUND_REFUSAL)
    context = _statement_context(request, queries.community_fund(community))
    policy = LimitPolicy.objects.filter(community=community).first() or LimitPolicy(community=community)
    waiting = []
    for item in queries.waiting_approvals(community):
        item.community = community  # for the sentence that names it, without a query each
        waiting.append((item, notices.describe(item)))
    context.update(community=community, policy=policy, find_form=FindTransferForm(), waiting=waiting)
    return render(request, "ledger/fund.html", context)


class _Echo:
    """A file-like object whose write returns the line, so csv.writer can feed a streamed response."""

    def write(self, value: str) -> str:
        return value


def _csv_response(account: Account, filename: str) -> StreamingHttpResponse:
    writer = csv.writer(_Echo())
    lines: Iterator[str] = (writer.writerow(row) for row in queries.statement_rows(account))
    response = StreamingHttpResponse(lines, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


@login_required
@require_GET
def statement_csv(request: MemberRequest) -> StreamingHttpResponse:
    return _csv_response(queries.member_account(request.user), "hexitime-statement.csv")


@login_required
@require_GET
def fund_statement_csv(request: MemberRequest, slug: str) -> StreamingHttpResponse:
    community = access_coordinated_community(request.user, slug, refusal=access.FUND_REFUSAL)
    return _csv_response(queries.community_fund(community), f"hexitime-fund-{community.slug}.csv")


def _recipient_name(recipient: User | Community) -> str:
    if isinstance(recipient, Community):
        return _("the fund of %(community)s") % {"community": recipient.name}
    return recipient.display_name


@login_required
def donate(request: MemberRequest) -> HttpResponse:
    find = request.GET.get("find", "")
    form = DonateForm(
        request.POST or None, donor=request.user, find=find, initial={"recipient": request.GET.get("to", "")}
    )
    if request.method == "GET" and is_htmx(request):  # the names matching what is typed, as radio choices
        return render(request, "ledger/donate.html#recipient_choices", {"form": form})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        minutes = form.minutes
        values = {"time": duration(minutes), "name": _recipient_name(data["recipient"])}
        try:
            posted = actions.do_donate(
                donor=request.user,
                recipient=data["recipient"],
                minutes=minutes,
                note=data["note"],
                form_key=form.form_key,
            )
        except LedgerError as error:
            messages.error(request, str(error))
            form = DonateForm(renewed(request.POST), donor=request.user)
        else:
            if posted.repeated:
                values["time"] = duration(posted.transfer.amount)
                messages.info(
                    request,
                    _("You had already given %(time)s with this form. Nothing more was moved.") % values,
                )
            else:
                messages.success(request, _("You gave %(time)s to %(name)s. Thank you.") % values)
            return redirect("ledger:balance")
    return render(request, "ledger/donate.html", {"form": form})


def _thresholds() -> dict[str, str]:
    return {
        "grant_threshold": duration(settings.LEDGER_GRANT_APPROVAL_MINUTES),
        "overdraft_threshold": duration(settings.LEDGER_MEMBER_OVERDRAFT_APPROVAL_MINUTES),
        "cap_threshold": duration(settings.LEDGER_GROWTH_CAP_APPROVAL_MINUTES),
        "fund_maximum": duration(settings.LEDGER_FUND_OVERDRAFT_MAX),
        "approval_days": str(settings.LEDGER_APPROVAL_DAYS),
    }


@login_required
def grant(request: MemberRequest, slug: str) -> HttpResponse:
    community = access_coordinated_community(request.user, slug, refusal=access.FUND_REFUSAL)
    find = request.GET.get("find", "")
    form = GrantForm(request.POST or None, community=community, coordinator=request.user, find=find)
    if request.method == "GET" and is_htmx(request):  # the members matching what is typed, as radio choices
        return render(request, "ledger/grant.html#member_choices", {"form": form, "community": community})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        minutes = form.minutes
        try:
            result = actions.do_grant(
                coordinator=request.user,
                community=community,
                member=data["member"],
                minutes=minutes,
                reason=data["reason"],
                form_key=form.form_key,
            )
        except LedgerError as error:
            messages.error(request, str(error))
            form = GrantForm(renewed(request.POST), community=community, coordinator=request.user)
        else:
            name = data["member"].display_name
            if isinstance(result, Requested):
                values = {"time": duration(minutes), "name": name, **_thresholds()}
                if result.repeated:
                    messages.info(request, _("This grant was already asked for with this form. Nothing more was done."))
                else:
                    messages.success(
                        request,
                        _(
                            "Your grant of %(time)s to %(name)s waits for a second coordinator: grants of more "
                            "than %(grant_threshold)s need one. The other coordinators have been told."
                        )
                        % values,
                    )
            elif result.repeated:
                messages.info(request, _("This grant was already made with this form. Nothing more was moved."))
            else:
                values = {"time": duration(result.transfer.amount), "name": name}
                messages.success(request, _("You granted %(time)s from the fund to %(name)s.") % values)
            return redirect("ledger:fund", slug=community.slug)
    context = {"community": community, "form": form, **_thresholds()}
    return render(request, "ledger/grant.html", context)


@login_required
@require_GET
def find_transfer(request: MemberRequest, slug: str) -> HttpResponse:
    """The fund page's "reverse a transfer" box: go to the transfer with that number."""
    community = access_coordinated_community(request.user, slug, refusal=access.FUND_REFUSAL)
    form = FindTransferForm(request.GET)
    if not form.is_valid():
        for error in form.errors.get("transfer", []):
            messages.error(request, str(error))
        return redirect("ledger:fund", slug=community.slug)
    return redirect("ledger:reverse", slug=community.slug, transfer_id=form.cleaned_data["transfer"])


@login_required
def reversal(request: MemberRequest, slug: str, transfer_id: int) -> HttpResponse:
    """A coordinator undoes a mistaken transfer with a new one that names it."""
    community, transfer = access.access_reversible_transfer(request.user, slug, transfer_id)
    form = ReverseForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            posted = actions.do_reverse(
                coordinator=request.user,
                community=community,
                transfer=transfer,
                reason=form.cleaned_data["reason"],
                form_key=form.form_key,
            )
        except LedgerError as error:
            messages.error(request, str(error))
            form = ReverseForm(renewed(request.POST))
        else:
            if posted.repeated:
                messages.info(request, _("This reversal was already made with this form. Nothing more was moved."))
            else:
                messages.success(
                    request,
                    _("Transfer %(number)s is reversed by transfer %(reversal)s.")
                    % {"number": transfer.pk, "reversal": posted.transfer.pk},
                )
            return redirect("ledger:fund", slug=community.slug)
    context = {
        "community": community,
        "transfer": transfer,
        "debit_name": queries.account_name(transfer.debit),
        "credit_name": queries.account_name(transfer.credit),
        "reversal": getattr(transfer, "reversed_by", None),
        "refusal": access.reversal_refusal(request.user, transfer),
        "form": form,
    }
    return render(request, "ledger/reverse.html", context)


@login_required
def limits(request: MemberRequest, slug: str) -> HttpResponse:
    community = access_coordinated_community(request.user, slug, refusal=access.LIMITS_REFUSAL)
    policy = LimitPolicy.objects.filter(community=community).first() or LimitPolicy(community=community)
    form = LimitsForm(request.POST or None, initial=LimitsForm.initial_from(policy))
    if request.method == "POST" and form.is_valid():
        try:
            saved = actions.do_update_limits(coordinator=request.user, community=community, limits=form.limits())
        except LedgerError as error:
            messages.error(request, str(error))
        else:
            values = {"community": community.name}
            if saved.requested is None:
                messages.success(request, _("The limits of %(community)s are saved.") % values)
            else:
                if saved.changed:
                    messages.success(request, _("The lower limits of %(community)s are saved.") % values)
                messages.info(
                    request,
                    _(
                        "The raised limits wait for a second coordinator of %(community)s or of a community it "
                        "belongs to. The other coordinators have been told."
                    )
                    % values,
                )
            return redirect("ledger:fund", slug=community.slug)
    return render(request, "ledger/limits.html", {"community": community, "form": form, **_thresholds()})


# --- requests waiting for a second coordinator -------------------------------------------------------


@login_required
def approval(request: MemberRequest, slug: str, approval_id: int) -> HttpResponse:
    """A request for a second coordinator: what it asks, and approve, reject or cancel it."""
    community, item = access.access_approval(request.user, slug, approval_id)
    refusal = ""
    if item.requested_by_id != request.user.pk:
        try:
            check_checker(request.user, item)
        except LedgerError as error:
            refusal = str(error)
    context = {
        "community": community,
        "approval": item,
        "what": notices.describe(item),
        "refusal": refusal,
        "is_maker": item.requested_by_id == request.user.pk,
        "is_expired": item.is_pending and item.expires_at <= timezone.now(),
        "reject_form": RejectForm(),
    }
    return render(request, "ledger/approval.html", context)


def _decide(request: MemberRequest, slug: str, approval_id: int, decision: str) -> HttpResponse:
    community, item = access.access_approval(request.user, slug, approval_id)
    here = redirect("ledger:approval", slug=community.slug, approval_id=item.pk)
    values = {"what": notices.describe(item)}
    try:
        if decision == "approve":
            decided = approvals.do_approve(checker=request.user, approval=item)
            if decided.repeated:
                messages.info(request, _("You had already approved this. Nothing more was changed."))
            else:
                messages.success(request, _("You approved %(what)s. It has taken effect.") % values)
        elif decision == "reject":
            form = RejectForm(request.POST)
            if not form.is_valid():
                for error in form.errors.get("reason", []):
                    messages.error(request, str(error))
                return here
            approvals.do_reject(checker=request.user, approval=item, reason=form.cleaned_data["reason"])
            messages.success(request, _("You rejected %(what)s. Nothing was changed.") % values)
        else:
            approvals.do_cancel(maker=request.user, approval=item)
            messages.success(request, _("You withdrew your request for %(what)s.") % values)
    except LedgerError as error:
        messages.error(request, str(error))
        return here
    if is_coordinator(request.user, community):
        return redirect("ledger:fund", slug=community.slug)
    return here


@login_required
@post_only_or_redirect(to="ledger:approval", kwargs=("slug", "approval_id"))
def approve(request: MemberRequest, slug: str, approval_id: int) -> HttpResponse:
    return _decide(request, slug, approval_id, "approve")


@login_required
@post_only_or_redirect(to="ledger:approval", kwargs=("slug", "approval_id"))
def reject(request: MemberRequest, slug: str, approval_id: int) -> HttpResponse:
    return _decide(request, slug, approval_id, "reject")


@login_required
@post_only_or_redirect(to="ledger:approval", kwargs=("slug", "approval_id"))
def cancel(request: MemberRequest, slug: str, approval_id: int) -> HttpResponse:
    return _decide(request, slug, approval_id, "cancel")
