"""Helpers for the credit pages' tests: set up balances through the ledger, and snapshot it."""

import itertools
import re
import uuid
from typing import Any

from django.test import Client
from django.urls import reverse

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


def balance_of(owner: User | Community) -> int:
    account = Account.objects.filter(**{"community" if isinstance(owner, Community) else "member": owner}).first()
    return account.balance if account else 0


def ledger_state() -> tuple[list[tuple[int, int, int]], list[int]]:
    """Every account's balance and earnings, and every transfer: what a refusal must leave alone."""
    accounts = list(Account.objects.order_by("pk").values_list("pk", "balance", "earned"))
    return accounts, list(Transfer.objects.order_by("pk").values_list("pk", flat=True))


def fund_url(name: str, community: Community, **kwargs: Any) -> str:
    return reverse(f"ledger:{name}", kwargs={"slug": community.slug, **kwargs})


def text(response: Any) -> str:
    """The page's text with tags removed and spaces collapsed, to read it as a member would."""
    content = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(content.replace("&#x27;", "'").replace("&quot;", '"').split())


def grant(client: Client, community: Community, member: User, hours: str, reason: str = "Help to start") -> Any:
    data = {"member": str(member.pk), "hours": hours, "reason": reason, "idempotency_key": str(uuid.uuid4())}
    return client.post(fund_url("grant", community), data, follow=True)


def limits_data(**overrides: str) -> dict[str, str]:
    """The limits form as Riverside's defaults fill it (5 h for members, 20 h cap, fund 0), with changes."""
    data = {
        "member_overdraft": "5",
        "warning_threshold": "1",
        "growth_cap": "20",
        "fund_overdraft": "0",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value != "omit"}


def fill_fund(community: Community, minutes: int) -> Transfer:
    """Donate `minutes` to the fund from a generous member of a community of their own."""
    from ledger.models import LimitPolicy
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    donors = OrganisationFactory(name="Generous Donors")
    LimitPolicy.objects.create(community=donors, member_overdraft=minutes, growth_cap=minutes)
    donor = UserFactory(profile__display_name="A Generous Donor")
    MembershipFactory(member=donor, community=donors)
    return move(donor, community, minutes, kind="donation")
