"""Every change members and coordinators make to credits: donations, grants, reversals and limits.

Each runs in one transaction and moves credits only through ledger.posting, which records who
caused each transfer and why (the transfer row is the audit record). Keys from forms are
namespaced by what they are for and by who submitted them, so a key can never reach another
member's transfer. A refusal raises a ledger.errors.LedgerError whose text a member can read;
nothing is written when one is raised.
"""

import logging
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Community, Membership
from hexitime.templatetags.hexitime import duration
from ledger import errors, notices
from ledger.accounts import account_of, fund_of
from ledger.models import Account, LimitPolicy, Transfer
from ledger.posting import post_transfer, reverse_transfer
from ledger.queries import standing_of

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
        raise errors.SameAccount(_("You cannot give hours to yourself."))
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
        raise errors.LimitExceeded(_over_limit(debit, minutes, own=True)) from error
    if not repeated:
        notices.donation_received(transfer, donor, recipient)
    return Posted(transfer, repeated)


@transaction.atomic
def do_grant(
    *, coordinator: User, community: Community, member: User, minutes: int, reason: str, form_key: str
) -> Posted:
    """Grant hours from a community's fund to one of its members. The caller has checked the coordinator."""
    if not reason.strip():
        raise errors.LedgerError(_("Give a reason for the grant: the member will see it."))
    if not Membership.objects.filter(member=member, community=community, status=Membership.Status.ACTIVE).exists():
        raise errors.LedgerError(
            _("%(name)s is not an active member of %(community)s; the fund grants only to its members.")
            % {"name": member.display_name, "community": community}
        )
    key = _key("grant", coordinator, form_key)
    repeated = _already_posted(key)
    fund = fund_of(community)
    try:
        transfer = post_transfer(
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
        raise errors.LimitExceeded(_over_limit(fund, minutes, own=False)) from error
    if not repeated:
        notices.grant_received(transfer, coordinator, community, member)
    return Posted(transfer, repeated)


@transaction.atomic
def do_reverse(*, coordinator: User, transfer: Transfer, reason: str, form_key: str) -> Posted:
    """Undo a transfer with a new, mirrored one that names it. The caller has checked the transfer is in reach."""
    key = _key("reverse", coordinator, form_key)
    repeated = _already_posted(key)
    reversal = reverse_transfer(transfer=transfer, caused_by=coordinator, reason=reason, idempotency_key=key)
    return Posted(reversal, repeated)


@dataclass(frozen=True)
class Limits:
    """A community's limits in minutes, as a coordinator sets them (the form has checked each)."""

    member_overdraft: int
    warning_threshold: int
    grows_with_given: bool
    growth_cap: int
    fund_overdraft: int


@transaction.atomic
def do_update_limits(*, coordinator: User, community: Community, limits: Limits) -> LimitPolicy:
    """A coordinator sets the community's limits. The caller has checked access.

    A lower limit changes no balance: a member already further below zero simply cannot receive
    more help until they give some.
    """
    LimitPolicy.objects.get_or_create(community=community)
    policy = LimitPolicy.objects.select_for_update().get(community=community)
    policy.member_overdraft = limits.member_overdraft
    policy.warning_threshold = limits.warning_threshold
    policy.grows_with_given = limits.grows_with_given
    policy.growth_cap = limits.growth_cap
    policy.fund_overdraft = limits.fund_overdraft
    policy.updated_by = coordinator
    policy.full_clean()
    policy.save()
    logger.info("Limits of community %s set by member %s: %s", community.pk, coordinator.pk, limits)
    return policy


def _over_limit(account: Account, minutes: int, *, own: bool) -> str:
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
