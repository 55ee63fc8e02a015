"""Every change members and coordinators make to credits: donations, grants, reversals and limits.

Coordinators never act on their own account with their powers: no grant to themselves, no reversal of
a transfer they are a party to, caused or approved; large grants and raised limits wait for a second
coordinator (ledger.approvals).

Each runs in one transaction and moves credits only through ledger.posting, which records who
caused each transfer and why (the transfer row is the audit record). Keys from forms are
namespaced by what they are for and by who submitted them, so a key can never reach another
member's transfer. A refusal raises a ledger.errors.LedgerError whose text a member can read;
nothing is written when one is raised.
"""

import logging
from dataclasses import asdict, dataclass

from django.db import transaction

from accounts.models import User
from audit import trail
from communities.models import Community
from ledger import approvals, errors, notices
from ledger.access import GIVING_TO_SELF, reversal_refusal
from ledger.accounts import account_of, fund_of
from ledger.approvals import Limits, Requested
from ledger.models import ApprovalRequest, LimitPolicy, Transfer
from ledger.posting import post_transfer, reverse_transfer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class Posted:
    """The transfer a form asked for. `repeated` is true when its key had already posted it:
    the first result is shown again and nothing more moved."""

    transfer: Transfer
    repeated: bool


def _key(purpose: str, actor: User, form_key: str) -> str:
    return f"{purpose}:{actor.pk}:{form_key}"


def _already_posted(key: str) -> bool:
    return Transfer.objects.filter(idempotency_key=key).exists()


@transaction.atomic
def do_donate(*, donor: User, recipient: User | Community, minutes: int, note: str, form_key: str) -> Posted:
    """Give hours to another member or to a community fund. The caller has checked the donor may see the member."""
    if isinstance(recipient, User) and recipient.pk == donor.pk:
        raise errors.SameAccount(str(GIVING_TO_SELF))
    key = _key("donate", donor, form_key)
    repeated = _already_posted(key)
    debit = account_of(donor)
    credit = account_of(recipient) if isinstance(recipient, User) else fund_of(recipient)
    try:
        transfer = post_transfer(
            debit=debit,
            credit=credit,
            amount=minutes,
            kind=Transfer.Kind.DONATION,
            idempotency_key=key,
            caused_by=donor,
            reason=note.strip(),
        )
    except errors.LimitExceeded as error:
        raise errors.LimitExceeded(approvals.over_limit(debit, minutes, own=True)) from error
    if not repeated:
        trail.record(
            actor=donor,
            verb="ledger.donate",
            target=transfer,
            community=recipient if isinstance(recipient, Community) else None,
            minutes=minutes,
        )
        notices.donation_received(transfer, donor, recipient)
    return Posted(transfer, repeated)


@transaction.atomic
def do_grant(
    *, coordinator: User, community: Community, member: User, minutes: int, reason: str, form_key: str
) -> Posted | Requested:
    """Grant hours from a community's fund to one of its members. The caller has checked the coordinator.

    Never to the coordinator themself. A grant of more than settings.LEDGER_GRANT_APPROVAL_MINUTES
    becomes a request that waits for a second coordinator (ledger.approvals); a smaller one posts at once.
    """
    approvals.check_not_party(coordinator, member)
    approvals.check_grant(community=community, member=member, reason=reason)
    key = _key("grant", coordinator, form_key)
    if approvals.grant_needs_approval(minutes) or ApprovalRequest.objects.filter(idempotency_key=key).exists():
        requested = approvals.request_grant(
            coordinator=coordinator, community=community, member=member, minutes=minutes, reason=reason, key=key
        )
        if not requested.repeated:
            trail.record(
                actor=coordinator,
                verb="ledger.request_grant",
                target=requested.approval,
                community=community,
                member=member,
                minutes=minutes,
            )
        return requested
    repeated = _already_posted(key)
    transfer = approvals.post_grant(
        coordinator=coordinator, community=community, member=member, minutes=minutes, reason=reason, key=key
    )
    if not repeated:
        trail.record(
            actor=coordinator, verb="ledger.grant", target=transfer, community=community, member=member, minutes=minutes
        )
        notices.grant_received(transfer, coordinator, community, member)
        notices.grant_made(transfer, coordinator, community, member)
    return Posted(transfer, repeated)


@transaction.atomic
def do_reverse(*, coordinator: User, community: Community, transfer: Transfer, reason: str, form_key: str) -> Posted:
    """Undo a transfer with a new, mirrored one that names it. The caller has checked the transfer is in
    reach (ledger.access); this refuses one the coordinator is a party to, caused or approved."""
    refusal = reversal_refusal(coordinator, transfer) if transfer.kind != Transfer.Kind.REVERSAL else ""
    if refusal:
        raise errors.SelfDealing(refusal)
    key = _key("reverse", coordinator, form_key)
    repeated = _already_posted(key)
    reversal = reverse_transfer(transfer=transfer, caused_by=coordinator, reason=reason, idempotency_key=key)
    if not repeated:
        trail.record(actor=coordinator, verb="ledger.reverse", target=reversal, community=community, reverses=transfer)
        notices.reversal_made(reversal, coordinator, community)
    return Posted(reversal, repeated)


@dataclass(frozen=True)
class LimitsSaved:
    """What became of a change of limits: the policy as it now stands, and the request for the
    raises that wait for a second coordinator (None when everything took effect)."""

    policy: LimitPolicy
    changed: bool
    requested: Requested | None


@transaction.atomic
def do_update_limits(*, coordinator: User, community: Community, limits: Limits) -> LimitsSaved:
    """A coordinator sets the community's limits. The caller has checked access.

    Lowering a limit takes effect at once; the raises that ledger.approvals says need a second
    coordinator wait in one request. A lower limit changes no balance: a member already further below
    zero simply cannot receive more help until they give some.
    """
    approvals.check_fund_overdraft(limits.fund_overdraft)
    policy = approvals.locked_policy(community)
    current = Limits.of(policy)
    at_once, waiting = approvals.split_limits(current, limits)
    changed = at_once != current
    if changed:
        approvals.apply_limits(coordinator=coordinator, policy=policy, values=asdict(at_once))
        logger.info("Limits of community %s set by member %s: %s", community.pk, coordinator.pk, at_once)
        notices.limits_changed(community, coordinator, policy)
    requested = None
    if waiting:
        requested = approvals.request_limits(
            coordinator=coordinator, community=community, policy=policy, values=waiting
        )
    trail.record(
        actor=coordinator,
        verb="ledger.update_limits",
        target=policy,
        community=community,
        before=asdict(current),
        applied=asdict(at_once) if changed else {},
        waiting=waiting,
        request=requested.approval if requested is not None else None,
    )
    return LimitsSaved(policy=policy, changed=changed, requested=requested)
