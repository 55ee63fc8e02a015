"""Balances and ledger set-up for any test: move hours as the rest of Hexitime would, read a
balance, and snapshot the whole ledger to show a refusal changed nothing."""

import itertools

from accounts.models import User
from communities.models import Community
from ledger.accounts import account_of, fund_of
from ledger.models import Account, Transfer
from ledger.posting import post_transfer

_keys = itertools.count()


def move(
    debit: User | Community, credit: User | Community, minutes: int, kind: str = "exchange", reason: str = ""
) -> Transfer:
    """Post a transfer between two members or funds, as the rest of Hexitime would."""

    def account(owner: User | Community) -> Account:
        return fund_of(owner) if isinstance(owner, Community) else account_of(owner)

    return post_transfer(
        debit=account(debit),
        credit=account(credit),
        amount=minutes,
        kind=kind,
        idempotency_key=f"setup-{next(_keys)}",
        reason=reason,
    )


def balance(owner: User | Community) -> int:
    """A member's or a fund's balance in minutes, read fresh from the database; 0 with no account yet
    (reading opens no account)."""
    account = Account.objects.filter(**{"community" if isinstance(owner, Community) else "member": owner}).first()
    return account.balance if account else 0


def ledger_state() -> tuple[list[tuple[int, int, int]], list[int]]:
    """Every account's balance and earnings, and every transfer: what a refusal must leave alone."""
    accounts = list(Account.objects.order_by("pk").values_list("pk", "balance", "earned"))
    return accounts, list(Transfer.objects.order_by("pk").values_list("pk", flat=True))


def fill_fund(community: Community, minutes: int) -> Transfer:
    """Donate `minutes` to the fund from a generous member of a community of their own."""
    from ledger.models import LimitPolicy
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    donors = OrganisationFactory(name="Generous Donors")
    LimitPolicy.objects.create(community=donors, member_overdraft=minutes, growth_cap=minutes)
    donor = UserFactory(profile__display_name="A Generous Donor")
    MembershipFactory(member=donor, community=donors)
    return move(donor, community, minutes, kind="donation")
