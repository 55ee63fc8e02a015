"""Maker and checker: grants and limit changes that wait for a second coordinator (DESIGN.md §3 rule 10).

A coordinator (the maker) asks; another coordinator of the community or of a community above it
(the checker), who is not a party, approves or rejects; the maker may cancel; a request not
decided within settings.LEDGER_APPROVAL_DAYS expires. Approving a grant posts it through
ledger.posting exactly once, with a key named after the request; approving limits applies them.
What needs approval (settings, in minutes):
- a grant of more than LEDGER_GRANT_APPROVAL_MINUTES;
- any raise of a fund's overdraft (never above LEDGER_FUND_OVERDRAFT_MAX);
- a raise of the member overdraft above LEDGER_MEMBER_OVERDRAFT_APPROVAL_MINUTES, or of the largest
  limit a member can reach (the cap when the limit grows) above LEDGER_GROWTH_CAP_APPROVAL_MINUTES.
Lowering a limit takes effect at once: it cannot create credit. Every step is told to the
community's other coordinators (ledger.notices). A refusal raises a ledger.errors.LedgerError
whose text a member can read; nothing is written when one is raised.
"""

import logging
import uuid
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from audit import trail
from communities.access import coordinates_or_ancestor
from communities.models import Community, Membership
from hexitime.durations import duration
from ledger import errors, notices
from ledger.accounts import account_of, fund_of
from ledger.models import Account, ApprovalRequest, LimitPolicy, Transfer
from ledger.posting import post_transfer
from ledger.queries import standing_of

logger = logging.getLogger(__name__)

State = ApprovalRequest.State

FUND_FIELDS = ("fund_overdraft",)
MEMBER_FIELDS = ("member_overdraft", "grows_with_given", "growth_cap")


@dataclass(frozen=True)
class Limits:
    """A community's limits in minutes, as a coordinator sets them (the form has checked each)."""

    member_overdraft: int
    warning_threshold: int
    grows_with_given: bool
    growth_cap: int
    fund_overdraft: int

    @classmethod
    def of(cls, policy: LimitPolicy) -> "Limits":
        return cls(
            member_overdraft=policy.member_overdraft,
            warning_threshold=policy.warning_threshold,
            grows_with_given=policy.grows_with_given,
            growth_cap=policy.growth_cap,
            fund_overdraft=policy.fund_overdraft,
        )

    @property
    def highest_member_limit(self) -> int:
        """The largest limit a member can reach under these limits."""
        return self.growth_cap if self.grows_with_given else self.member_overdraft


@dataclass(frozen=True)
class Requested:
    """An approval request a form asked for; `repeated` when its key had already made it."""

    approval: ApprovalRequest
    repeated: bool


# --- what needs a second coordinator --------------------------------------------------------------


def grant_needs_approval(minutes: int) -> bool:
    return minutes > settings.LEDGER_GRANT_APPROVAL_MINUTES


def fund_raise_needs_approval(current: Limits, new: Limits) -> bool:
    return new.fund_overdraft > current.fund_overdraft


def member_raise_needs_approval(current: Limits, new: Limits) -> bool:
    overdraft = (
        new.member_overdraft > current.member_overdraft
        and new.member_overdraft > settings.LEDGER_MEMBER_OVERDRAFT_APPROVAL_MINUTES
    )
    highest = new.highest_member_limit
    cap = highest > current.highest_member_limit and highest > settings.LEDGER_GROWTH_CAP_APPROVAL_MINUTES
    return overdraft or cap


def check_fund_overdraft(minutes: int) -> None:
    maximum = settings.LEDGER_FUND_OVERDRAFT_MAX
    if minutes > maximum:
        raise errors.OverMaximum(
            _("A community fund may go at most %(max)s below zero; %(asked)s is more than that. Nothing was changed.")
            % {"max": duration(maximum), "asked": duration(minutes)}
        )


# --- the two powers, used at once or on approval ---------------------------------------------------


def check_not_party(coordinator: User, member: User) -> None:
    if coordinator.pk == member.pk:
        raise errors.SelfDealing(
            _(
                "You cannot grant hours to yourself from a fund you run. Another coordinator can grant them "
                "to you if they are due. Nothing was moved."
            )
        )


def check_grant(*, community: Community, member: User, reason: str) -> None:
    if not reason.strip():
        raise errors.LedgerError(_("Give a reason for the grant: the member will see it."))
    if not Membership.objects.filter(member=member, community=community, status=Membership.Status.ACTIVE).exists():
        raise errors.LedgerError(
            _("%(name)s is not an active member of %(community)s; the fund grants only to its members.")
            % {"name": member.display_name, "community": community}
        )


def post_grant(
    *, coordinator: User, community: Community, member: User, minutes: int, reason: str, key: str
) -> Transfer:
    """Move the hours from the fund to the member (the caller has checked who asked and who approved)."""
    check_not_party(coordinator, member)
    check_grant(community=community, member=member, reason=reason)
    fund = fund_of(community)
    try:
        return post_transfer(
            debit=fund,
            credit=account_of(member),
            amount=minutes,
            kind=Transfer.Kind.GRANT,
            idempotency_key=key,
            caused_by=coordinator,
            reason=reason.strip(),
            reference=f"community:{community.pk}",
        )
    except errors.LimitExceeded as error:
        raise errors.LimitExceeded(over_limit(fund, minutes, own=False)) from error


def locked_policy(community: Community) -> LimitPolicy:
    LimitPolicy.objects.get_or_create(community=community)
    return LimitPolicy.objects.select_for_update().get(community=community)


def apply_limits(*, coordinator: User, policy: LimitPolicy, values: dict[str, Any]) -> LimitPolicy:
    """Set some or all of the limits on a locked policy, checked as a whole."""
    if "fund_overdraft" in values:
        check_fund_overdraft(int(values["fund_overdraft"]))
    for name, value in values.items():
        setattr(policy, name, value)
    policy.updated_by = coordinator
    policy.full_clean()
    policy.save()
    return policy


# --- requests --------------------------------------------------------------------------------------


def _expiry() -> datetime:
    return timezone.now() + timedelta(days=settings.LEDGER_APPROVAL_DAYS)


def request_grant(
    *, coordinator: User, community: Community, member: User, minutes: int, reason: str, key: str
) -> Requested:
    """Ask for a grant that needs a second coordinator. The same key asks once."""
    existing = ApprovalRequest.objects.filter(idempotency_key=key).first()
    if existing is not None:
        same = (existing.community_id, existing.member_id, existing.minutes) == (community.pk, member.pk, minutes)
        if existing.kind != ApprovalRequest.Kind.GRANT or not same:
            raise errors.IdempotencyConflict(
                _("This form was already used for a different grant. Reload the page and try again.")
            )
        return Requested(existing, repeated=True)
    fund = fund_of(community)
    if standing_of(fund).room < minutes:
        raise errors.LimitExceeded(over_limit(fund, minutes, own=False))
    approval = ApprovalRequest.objects.create(
        kind=ApprovalRequest.Kind.GRANT,
        community=community,
        requested_by=coordinator,
        member=member,
        minutes=minutes,
        reason=reason.strip(),
        idempotency_key=key,
        expires_at=_expiry(),
    )
    notices.approval_requested(approval)
    return Requested(approval, repeated=False)


def split_limits(current: Limits, new: Limits) -> tuple[Limits, dict[str, Any]]:
    """The limits to apply at once, and the values that must wait for a second coordinator."""
    at_once, waiting = new, {}
    if fund_raise_needs_approval(current, new):
        waiting.update({name: getattr(new, name) for name in FUND_FIELDS})
        at_once = replace(at_once, **{name: getattr(current, name) for name in FUND_FIELDS})
    if member_raise_needs_approval(current, new):
        waiting.update({name: getattr(new, name) for name in MEMBER_FIELDS})
        at_once = replace(at_once, **{name: getattr(current, name) for name in MEMBER_FIELDS})
    return at_once, waiting


def request_limits(
    *, coordinator: User, community: Community, policy: LimitPolicy, values: dict[str, Any]
) -> Requested:
    """Ask for raised limits. The same raise asked again while one is waiting is the same request."""
    previous = {name: getattr(policy, name) for name in values}
    for approval in ApprovalRequest.objects.filter(
        community=community, kind=ApprovalRequest.Kind.LIMITS, state=State.PENDING, requested_by=coordinator
    ):
        if approval.limits == values and approval.expires_at > timezone.now():
            return Requested(approval, repeated=True)
    approval = ApprovalRequest.objects.create(
        kind=ApprovalRequest.Kind.LIMITS,
        community=community,
        requested_by=coordinator,
        limits=values,
        previous_limits=previous,
        idempotency_key=f"limits:{community.pk}:{uuid.uuid4()}",
        expires_at=_expiry(),
    )
    notices.approval_requested(approval)
    return Requested(approval, repeated=False)


# --- decisions -------------------------------------------------------------------------------------


def _locked(approval: ApprovalRequest) -> ApprovalRequest:
    return (
        ApprovalRequest.objects.select_for_update(of=("self",))  # member is an outer join: lock only the request
        .select_related("community", "requested_by__profile", "member__profile")
        .get(pk=approval.pk)
    )


def _closed(approval: ApprovalRequest) -> errors.ApprovalClosed:
    messages = {
        State.APPROVED: _("This request was already approved. Nothing more was changed."),
        State.REJECTED: _("This request was rejected, so it can no longer be approved or changed."),
        State.EXPIRED: _(
            "This request expired: nobody decided it within %(days)s days. Nothing was changed; "
            "ask again if it is still needed."
        )
        % {"days": settings.LEDGER_APPROVAL_DAYS},
        State.CANCELLED: _("This request was cancelled by the coordinator who made it. Nothing was changed."),
    }
    return errors.ApprovalClosed(messages.get(State(approval.state), _("This request is no longer waiting.")))


def check_checker(checker: User, approval: ApprovalRequest) -> None:
    """The checker is another coordinator of the community or of one above it, and not a party."""
    if checker.pk == approval.requested_by_id:
        raise errors.SelfDealing(
            _("You asked for this yourself, so another coordinator must decide it. You can cancel it.")
        )
    if approval.member_id is not None and checker.pk == approval.member_id:
        raise errors.SelfDealing(_("This grant is to you, so another coordinator must decide it. Nothing was changed."))
    if not coordinates_or_ancestor(checker, approval.community):
        raise errors.NotAllowed(
            _("Only the coordinators of %(community)s or of a community it belongs to can decide this request.")
            % {"community": approval.community}
        )


def _is_expired(approval: ApprovalRequest, now: datetime) -> bool:
    return approval.state == State.PENDING and approval.expires_at <= now


@dataclass(frozen=True)
class Decided:
    approval: ApprovalRequest
    repeated: bool


def do_approve(*, checker: User, approval: ApprovalRequest) -> Decided:
    """Approve a waiting request: post the grant (once) or apply the limits. An expired request is
    marked so and refused."""
    decided = _approve(checker=checker, approval=approval)
    if decided.approval.state == State.EXPIRED:
        raise _closed(decided.approval)
    return decided


@transaction.atomic
def _approve(*, checker: User, approval: ApprovalRequest) -> Decided:
    approval = _locked(approval)
    if approval.state == State.APPROVED and approval.decided_by_id == checker.pk:
        return Decided(approval, repeated=True)  # a double click: posted once, shown again
    check_checker(checker, approval)
    now = timezone.now()
    if _is_expired(approval, now):
        approval.state = State.EXPIRED
        approval.save(update_fields=["state"])
        trail.record(actor=checker, verb="ledger.approval_expired", target=approval, community=approval.community)
        return Decided(approval, repeated=False)  # committed, then refused by do_approve
    if approval.state != State.PENDING:
        raise _closed(approval)
    if approval.kind == ApprovalRequest.Kind.GRANT:
        assert approval.member is not None
        assert approval.minutes is not None
        approval.transfer = post_grant(
            coordinator=approval.requested_by,
            community=approval.community,
            member=approval.member,
            minutes=approval.minutes,
            reason=approval.reason,
            key=f"approval:{approval.pk}",
        )
        notices.grant_received(approval.transfer, approval.requested_by, approval.community, approval.member)
    else:
        apply_limits(coordinator=checker, policy=locked_policy(approval.community), values=approval.limits)
    approval.state = State.APPROVED
    approval.decided_by = checker
    approval.decided_at = now
    approval.save(update_fields=["state", "decided_by", "decided_at", "transfer"])
    trail.record(
        actor=checker,
        verb="ledger.approve",
        target=approval,
        community=approval.community,
        kind=approval.kind,
        transfer=approval.transfer,
        limits=approval.limits,
    )
    logger.info("Approval request %s approved by member %s", approval.pk, checker.pk)
    notices.approval_decided(approval)
    return Decided(approval, repeated=False)


@transaction.atomic
def do_reject(*, checker: User, approval: ApprovalRequest, reason: str) -> Decided:
    """Reject a waiting request with a reason the maker will read. Nothing else changes."""
    if not reason.strip():
        raise errors.LedgerError(_("Give a reason for rejecting it: the coordinator who asked will see it."))
    approval = _locked(approval)
    if approval.state == State.REJECTED and approval.decided_by_id == checker.pk:
        return Decided(approval, repeated=True)
    check_checker(checker, approval)
    if _is_expired(approval, timezone.now()):
        approval.state = State.EXPIRED
    if approval.state != State.PENDING:
        raise _closed(approval)
    approval.state = State.REJECTED
    approval.decided_by = checker
    approval.decided_at = timezone.now()
    approval.decision_reason = reason.strip()[:500]
    approval.save(update_fields=["state", "decided_by", "decided_at", "decision_reason"])
    trail.record(
        actor=checker,
        verb="ledger.reject",
        target=approval,
        community=approval.community,
        reason=approval.decision_reason,
    )
    notices.approval_decided(approval)
    return Decided(approval, repeated=False)


@transaction.atomic
def do_cancel(*, maker: User, approval: ApprovalRequest) -> Decided:
    """The coordinator who asked withdraws a waiting request."""
    approval = _locked(approval)
    if maker.pk != approval.requested_by_id:
        raise errors.NotAllowed(_("Only the coordinator who asked for this can cancel it."))
    if approval.state == State.CANCELLED:
        return Decided(approval, repeated=True)
    if approval.state != State.PENDING:
        raise _closed(approval)
    approval.state = State.CANCELLED
    approval.decided_by = maker
    approval.decided_at = timezone.now()
    approval.save(update_fields=["state", "decided_by", "decided_at"])
    trail.record(actor=maker, verb="ledger.cancel_request", target=approval, community=approval.community)
    notices.approval_decided(approval)
    return Decided(approval, repeated=False)


def expire_requests(now: datetime | None = None) -> int:
    """Mark every request past its time as expired (safe to run at any time); how many."""
    moment = now or timezone.now()
    return ApprovalRequest.objects.filter(state=State.PENDING, expires_at__lte=moment).update(state=State.EXPIRED)


def over_limit(account: Account, minutes: int, *, own: bool) -> str:
    """Why a transfer out of `account` was refused, with the room it has left (read outside the lock)."""
    account.refresh_from_db(fields=["balance", "earned"])
    standing = standing_of(account)
    values = {"room": duration(standing.room), "amount": duration(minutes), "limit": duration(standing.limit)}
    if own and standing.limit:
        message = _(
            "You can give up to %(room)s at the moment: giving %(amount)s would take you past your limit "
            "of %(limit)s below zero. Nothing was moved."
        )
    elif own:
        message = _(
            "You can give up to %(room)s at the moment: %(amount)s is more than that, and your communities "
            "set no limit below zero for you. Nothing was moved."
        )
    elif standing.limit:
        message = _(
            "The fund can grant up to %(room)s at the moment: %(amount)s would take it past its limit of "
            "%(limit)s below zero. Members can donate hours to the fund. Nothing was moved."
        )
    else:
        message = _(
            "The fund has %(room)s to grant at the moment, less than %(amount)s, and may not go below zero. "
            "Members can donate hours to the fund. Nothing was moved."
        )
    return message % values
