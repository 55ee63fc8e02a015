"""Reads of the ledger for pages: standings and statements, in a fixed number of queries.

Balances are never summed from history here: the account stores its balance and every transfer
stores the balances after it, so a statement line reads its running balance from its own row.
"""

from collections.abc import Iterator
from dataclasses import dataclass

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import shared_community_member_ids
from accounts.models import User
from communities.models import Community, Membership
from ledger.limits import account_limit, warning_threshold
from ledger.models import Account, ApprovalRequest, Transfer

STATEMENT_PAGE_SIZE = 50


@dataclass(frozen=True)
class Standing:
    """Where an account stands: its balance, how far below zero it may go and the room left."""

    account: Account
    limit: int  # minutes the account may go below zero
    threshold: int  # warn when the room left is this small or smaller

    @property
    def balance(self) -> int:
        return self.account.balance

    @property
    def distance(self) -> int:
        """The balance without its sign, for sentences that say which way it leans."""
        return abs(self.account.balance)

    @property
    def room(self) -> int:
        """Minutes the account can still give (or a fund grant) before it reaches its limit."""
        return max(0, self.account.balance + self.limit)

    @property
    def is_near_limit(self) -> bool:
        return self.room <= self.threshold


def member_account(member: User) -> Account:
    """The member's account, or an empty unsaved one: reading a page never opens an account."""
    return Account.objects.filter(member=member).first() or Account(member=member)


def community_fund(community: Community) -> Account:
    return Account.objects.filter(community=community).first() or Account(community=community)


def standing_of(account: Account) -> Standing:
    return Standing(account=account, limit=account_limit(account), threshold=warning_threshold(account))


def statement(account: Account) -> QuerySet[Transfer]:
    """Every transfer into or out of the account, newest first, with what each line shows."""
    if account.pk is None:
        return Transfer.objects.none()
    return (
        Transfer.objects.filter(Q(debit_id=account.pk) | Q(credit_id=account.pk))
        .select_related(
            "debit__member__profile",
            "debit__community",
            "credit__member__profile",
            "credit__community",
            "caused_by__profile",
            "reversed_by",
        )
        .order_by("-pk")
    )


def account_name(account: Account) -> str:
    if account.community_id is not None:
        assert account.community is not None
        return _("Fund of %(community)s") % {"community": account.community.name}
    assert account.member is not None
    return account.member.display_name


@dataclass(frozen=True)
class StatementLine:
    """One transfer as the owner of an account reads it."""

    transfer: Transfer
    counterpart: str
    amount: int  # signed: more than zero came in, less than zero went out
    balance_after: int
    recorded_by: str  # who caused it, when that was someone other than the account's member
    reversed_by_id: int | None  # the transfer that reversed this one, if any

    @property
    def minutes_in(self) -> int:
        return max(self.amount, 0)

    @property
    def minutes_out(self) -> int:
        return max(-self.amount, 0)

    @property
    def is_reversible(self) -> bool:
        """A coordinator may reverse it: not a reversal itself, and not reversed already."""
        return self.transfer.kind != Transfer.Kind.REVERSAL and self.reversed_by_id is None


def statement_line(account: Account, transfer: Transfer) -> StatementLine:
    incoming = transfer.credit_id == account.pk
    other = transfer.debit if incoming else transfer.credit
    by = transfer.caused_by
    return StatementLine(
        transfer=transfer,
        counterpart=account_name(other),
        amount=transfer.amount if incoming else -transfer.amount,
        balance_after=transfer.credit_balance_after if incoming else transfer.debit_balance_after,
        recorded_by=by.display_name if by is not None and by.pk != account.member_id else "",
        reversed_by_id=reversal.pk if (reversal := getattr(transfer, "reversed_by", None)) else None,
    )


def statement_lines(account: Account, transfers: list[Transfer]) -> list[StatementLine]:
    return [statement_line(account, transfer) for transfer in transfers]


CSV_HEADER: list[str | int] = ["date", "counterpart", "kind", "reason", "minutes in", "minutes out", "balance after"]


def _cell(text: str) -> str:
    """Text that a spreadsheet will not run as a formula (CSV injection)."""
    return "'" + text if text[:1] in {"=", "+", "-", "@", "\t", "\r"} else text


def statement_rows(account: Account) -> Iterator[list[str | int]]:
    """The whole statement as CSV rows, oldest first, read in chunks so any length streams."""
    yield CSV_HEADER
    transfers = statement(account).order_by("pk").iterator(chunk_size=500)
    for transfer in transfers:
        line = statement_line(account, transfer)
        yield [
            timezone.localtime(transfer.created_at).strftime("%d/%m/%Y %H:%M"),
            _cell(line.counterpart),
            _cell(str(transfer.get_kind_display())),
            _cell(transfer.reason),
            line.minutes_in,
            line.minutes_out,
            line.balance_after,
        ]


def donation_members(donor: User) -> QuerySet[User]:
    """Members the donor may give to: those who share an active community with them (not themselves)."""
    return (
        User.objects.filter(pk__in=shared_community_member_ids(donor), is_active=True)
        .exclude(pk=donor.pk)
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )


def grant_members(community: Community) -> QuerySet[User]:
    """Members a community's fund may grant to: its active members."""
    active = Membership.objects.filter(community=community, status=Membership.Status.ACTIVE).values("member_id")
    return (
        User.objects.filter(pk__in=active, is_active=True)
        .select_related("profile")
        .order_by("profile__display_name", "pk")
    )


def waiting_approvals(community: Community) -> list[ApprovalRequest]:
    """The community's requests still waiting for a second coordinator, oldest first (one query)."""
    return list(
        ApprovalRequest.objects.filter(
            community=community, state=ApprovalRequest.State.PENDING, expires_at__gt=timezone.now()
        )
        .select_related("requested_by__profile", "member__profile")
        .order_by("pk")
    )
