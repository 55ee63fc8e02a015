"""Finding (and opening on first use) the account of a member or the fund of a community."""

from django.db import IntegrityError, transaction

from accounts.models import User
from communities.models import Community
from ledger.models import Account


def account_of(member: User) -> Account:
    return _get_or_open(member=member)


def fund_of(community: Community) -> Account:
    return _get_or_open(community=community)


def _get_or_open(**owner: object) -> Account:
    account = Account.objects.filter(**owner).first()
    if account is not None:
        return account
    try:
        with transaction.atomic():
            return Account.objects.create(**owner)
    except IntegrityError:  # opened in parallel
        return Account.objects.get(**owner)
