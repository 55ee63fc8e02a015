"""post_transfer: the only way credits move. Every refusal changes nothing."""

import pytest
from django.core.management import call_command
from django.db import DatabaseError, IntegrityError, connection, transaction

from accounts.models import User
from communities.models import Community
from ledger import errors
from ledger.accounts import account_of, fund_of
from ledger.models import Account, LimitPolicy, Transfer
from ledger.posting import post_transfer, reverse_transfer
from ledger.verification import verify

pytestmark = pytest.mark.django_db


def balances(*accounts: Account) -> list[int]:
    return [Account.objects.get(pk=a.pk).balance for a in accounts]


def post(debit: Account, credit: Account, amount: int, key: str, kind: str = "donation", **kw: object) -> Transfer:
    return post_transfer(debit=debit, credit=credit, amount=amount, kind=kind, idempotency_key=key, **kw)  # type: ignore[arg-type]


def test_a_transfer_moves_credit_and_records_balances(alice: User, bob: User) -> None:
    a, b = account_of(alice), account_of(bob)
    transfer = post(
        a, b, 90, "k1", kind="exchange", caused_by=alice, reason="Run chart coaching", reference="exchange:1"
    )
    assert balances(a, b) == [-90, 90]
    assert (transfer.debit_balance_after, transfer.credit_balance_after, transfer.debit_limit) == (-90, 90, 300)
    assert Account.objects.get(pk=b.pk).earned == 90
    assert verify().ok


def test_the_same_key_posts_once(alice: User, bob: User) -> None:
    a, b = account_of(alice), account_of(bob)
    first = post(a, b, 60, "same")
    second = post(a, b, 60, "same")
    assert first.pk == second.pk
    assert balances(a, b) == [-60, 60]


def test_the_same_key_for_a_different_transfer_is_refused(alice: User, bob: User) -> None:
    a, b = account_of(alice), account_of(bob)
    post(a, b, 60, "same")
    with pytest.raises(errors.IdempotencyConflict):
        post(a, b, 120, "same")
    assert balances(a, b) == [-60, 60]


@pytest.mark.parametrize("amount", [0, -60, 1.5, True])
def test_zero_negative_or_fractional_amounts_are_refused(alice: User, bob: User, amount: object) -> None:
    a, b = account_of(alice), account_of(bob)
    with pytest.raises(errors.InvalidAmount, match="more than zero"):
        post(a, b, amount, "k")  # type: ignore[arg-type]
    assert balances(a, b) == [0, 0]
    assert not Transfer.objects.exists()


def test_a_transfer_to_oneself_is_refused(alice: User) -> None:
    a = account_of(alice)
    with pytest.raises(errors.SameAccount):
        post(a, a, 60, "k")
    assert not Transfer.objects.exists()


def test_the_limit_is_refused_with_its_name(alice: User, bob: User) -> None:
    a, b = account_of(alice), account_of(bob)
    post(a, b, 300, "to-the-limit")
    with pytest.raises(errors.LimitExceeded, match="below their limit of 5 hours below zero"):
        post(a, b, 1, "over")
    assert balances(a, b) == [-300, 300]


def test_a_closed_account_takes_nothing(alice: User, bob: User) -> None:
    a, b = account_of(alice), account_of(bob)
    Account.objects.filter(pk=b.pk).update(is_closed=True)
    with pytest.raises(errors.AccountClosed):
        post(a, b, 60, "k")
    assert balances(a, b) == [0, 0]


def test_members_get_the_most_generous_limit_of_their_communities(alice: User, bob: User, community: Community) -> None:
    from tests.factories import MembershipFactory, OrganisationFactory

    generous = OrganisationFactory()
    LimitPolicy.objects.create(community=generous, member_overdraft=10 * 60, growth_cap=10 * 60)
    LimitPolicy.objects.create(community=community, member_overdraft=60)
    MembershipFactory(member=alice, community=generous)
    a, b = account_of(alice), account_of(bob)
    post(a, b, 600, "ten-hours")
    with pytest.raises(errors.LimitExceeded, match="10 hours"):
        post(a, b, 15, "more")


def test_limits_can_grow_with_hours_given(alice: User, bob: User, community: Community) -> None:
    LimitPolicy.objects.create(community=community, member_overdraft=60, grows_with_given=True, growth_cap=180)
    a, b = account_of(alice), account_of(bob)
    post(b, a, 60, "bob-pays-alice", kind="exchange")  # alice earns an hour: her limit becomes 2 hours
    post(a, b, 60 + 120, "alice-spends")
    assert balances(a, b) == [-120, 120]
    with pytest.raises(errors.LimitExceeded, match="2 hours"):
        post(a, b, 15, "over")


def test_funds_cannot_go_below_zero_unless_coordinators_allow(alice: User, community: Community) -> None:
    fund, a = fund_of(community), account_of(alice)
    with pytest.raises(errors.LimitExceeded, match="fund of Riverside Hospital"):
        post(fund, a, 60, "grant", kind="grant")
    LimitPolicy.objects.create(community=community, fund_overdraft=120)
    post(fund, a, 60, "grant", kind="grant")
    assert balances(fund, a) == [-60, 60]


def test_reversal_mirrors_the_transfer_once(alice: User, bob: User) -> None:
    a, b = account_of(alice), account_of(bob)
    original = post(a, b, 60, "k", kind="exchange")
    reversal = reverse_transfer(transfer=original, caused_by=alice, reason="Recorded twice", idempotency_key="rev")
    assert (reversal.debit_id, reversal.credit_id, reversal.amount, reversal.reverses) == (b.pk, a.pk, 60, original)
    assert balances(a, b) == [0, 0]
    assert reverse_transfer(transfer=original, caused_by=alice, reason="again", idempotency_key="rev") == reversal
    with pytest.raises(errors.NotReversible, match="already reversed"):
        reverse_transfer(transfer=original, caused_by=alice, reason="again", idempotency_key="rev-2")
    with pytest.raises(errors.NotReversible, match="cannot itself be reversed"):
        reverse_transfer(transfer=reversal, caused_by=alice, reason="undo", idempotency_key="rev-3")
    with pytest.raises(errors.NotReversible, match="Give a reason"):
        reverse_transfer(transfer=original, caused_by=alice, reason=" ", idempotency_key="rev-4")
    assert verify().ok


def test_transfers_are_append_only_in_the_database(alice: User, bob: User) -> None:
    transfer = post(account_of(alice), account_of(bob), 60, "k")
    with pytest.raises((DatabaseError, IntegrityError), match="append-only"), transaction.atomic():
        Transfer.objects.filter(pk=transfer.pk).update(amount=1)
    if connection.vendor == "postgresql":  # SQLite empties tables for tests with DELETE, so only PostgreSQL refuses it
        with pytest.raises((DatabaseError, IntegrityError), match="append-only"), transaction.atomic():
            Transfer.objects.filter(pk=transfer.pk).delete()
    assert Transfer.objects.get(pk=transfer.pk).amount == 60


def test_the_database_refuses_bad_rows_the_code_would_never_write(alice: User, bob: User) -> None:
    a, b = account_of(alice), account_of(bob)
    base = {
        "kind": "donation",
        "fingerprint": "x",
        "debit_balance_after": 0,
        "credit_balance_after": 0,
        "debit_limit": 0,
    }
    for n, bad in enumerate(
        [
            {"debit": a, "credit": a, "amount": 1},
            {"debit": a, "credit": b, "amount": 0},
            {"debit": a, "credit": b, "amount": 1, "debit_balance_after": -1},
        ]
    ):
        with pytest.raises(IntegrityError), transaction.atomic():
            Transfer.objects.create(idempotency_key=f"bad-{n}", **{**base, **bad})


def test_verify_ledger_names_each_violation(alice: User, bob: User, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = account_of(alice), account_of(bob)
    post(a, b, 60, "k")
    call_command("verify_ledger")
    assert "Ledger OK: 2 accounts, 1 transfers" in capsys.readouterr().out
    Account.objects.filter(pk=b.pk).update(balance=75)
    with pytest.raises(Exception, match="ledger rule violations"):
        call_command("verify_ledger")
    err = capsys.readouterr().err
    assert "sum of balances is 15 minutes, not 0" in err
    assert f"account {b.pk}: stored balance 75 but its transfers add up to 60" in err


@pytest.mark.parametrize("seed", range(12))
def test_the_limit_in_sql_says_what_account_limit_says(seed: int) -> None:
    """post_transfer reads limits with LOCKED_LIMIT_SQL; the pages use account_limit(). They must agree."""
    import random

    from django.db import connection as db

    from ledger.limits import LOCKED_LIMIT_SQL, account_limit, locked_limit_params
    from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

    rng = random.Random(seed)
    member = UserFactory()
    for _ in range(rng.randint(0, 3)):
        community = OrganisationFactory()
        status = rng.choice(["active", "active", "pending", "left"])
        MembershipFactory(member=member, community=community, status=status)
        if rng.random() < 0.7:
            overdraft = rng.choice([0, 60, 300, 600])
            LimitPolicy.objects.create(
                community=community,
                member_overdraft=overdraft,
                grows_with_given=rng.random() < 0.5,
                growth_cap=overdraft + rng.choice([0, 120, 900]),
                fund_overdraft=rng.choice([0, 60]),
            )
        fund_of(community)
    account = account_of(member)
    Account.objects.filter(pk=account.pk).update(earned=rng.choice([0, 45, 500, 5000]))
    for checked in Account.objects.all():
        with db.cursor() as cursor:
            cursor.execute(
                f"SELECT {LOCKED_LIMIT_SQL} FROM ledger_account a WHERE a.id = %s",  # noqa: S608
                [*locked_limit_params(), checked.pk],
            )
            assert cursor.fetchone()[0] == account_limit(checked)
