"""A hypothesis state machine drives the ledger with random posts, reversals and limit changes,
checks it against a simple model after every step, and every ledger rule holds throughout."""

import itertools

import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)

from ledger import errors
from ledger.accounts import account_of, fund_of
from ledger.models import Account, LimitPolicy, Transfer
from ledger.posting import post_transfer, reverse_transfer
from ledger.verification import verify
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db
MEMBERS = 3
run_ids = itertools.count()


class LedgerMachine(RuleBasedStateMachine):
    @initialize()
    def open_accounts(self) -> None:
        self.run = next(run_ids)
        self.community = OrganisationFactory(slug=f"sm-{self.run}")
        self.policy = LimitPolicy.objects.create(community=self.community, member_overdraft=120, growth_cap=600)
        self.accounts: list[Account] = []
        for _ in range(MEMBERS):
            user = UserFactory()
            MembershipFactory(member=user, community=self.community)
            self.accounts.append(account_of(user))
        self.accounts.append(fund_of(self.community))
        self.model = {a.pk: 0 for a in self.accounts}
        self.earned = {a.pk: 0 for a in self.accounts}
        self.posted: list[Transfer] = []
        self.reversed: set[int] = set()
        self.keys = itertools.count()

    def limit(self, account: Account) -> int:
        if account.community_id:
            return self.policy.fund_overdraft
        return self.policy.member_limit(self.earned[account.pk])

    @rule(
        debit=st.integers(0, MEMBERS),
        credit=st.integers(0, MEMBERS),
        amount=st.sampled_from([-15, 0, 15, 45, 60, 150]),
        kind=st.sampled_from(["exchange", "donation", "grant"]),
        retry=st.booleans(),
    )
    def post(self, debit: int, credit: int, amount: int, kind: str, retry: bool) -> None:
        d, c = self.accounts[debit], self.accounts[credit]
        key = f"sm-{self.run}-{next(self.keys)}"
        expected_ok = amount > 0 and d.pk != c.pk and self.model[d.pk] - amount >= -self.limit(d)
        try:
            transfer = post_transfer(debit=d, credit=c, amount=amount, kind=kind, idempotency_key=key)
        except (errors.InvalidAmount, errors.SameAccount, errors.LimitExceeded):
            assert not expected_ok
            return
        assert expected_ok
        if retry:  # a double submission changes nothing
            assert post_transfer(debit=d, credit=c, amount=amount, kind=kind, idempotency_key=key).pk == transfer.pk
        self.model[d.pk] -= amount
        self.model[c.pk] += amount
        if kind == "exchange":
            self.earned[c.pk] += amount
        self.posted.append(transfer)

    @precondition(lambda self: bool(self.posted))
    @rule(index=st.integers(0, 1000))
    def reverse(self, index: int) -> None:
        original = self.posted[index % len(self.posted)]
        key = f"sm-{self.run}-{next(self.keys)}"
        payer = next(a for a in self.accounts if a.pk == original.credit_id)
        expected_ok = original.pk not in self.reversed and self.model[payer.pk] - original.amount >= -self.limit(payer)
        try:
            reverse_transfer(transfer=original, caused_by=None, reason="state machine", idempotency_key=key)  # type: ignore[arg-type]
        except (errors.NotReversible, errors.LimitExceeded):
            assert not expected_ok
            return
        assert expected_ok
        self.reversed.add(original.pk)
        self.model[original.credit_id] -= original.amount
        self.model[original.debit_id] += original.amount

    @rule(overdraft=st.sampled_from([0, 60, 120, 300]), grows=st.booleans(), fund=st.sampled_from([0, 60]))
    def change_limits(self, overdraft: int, grows: bool, fund: int) -> None:
        self.policy.member_overdraft = overdraft
        self.policy.grows_with_given = grows
        self.policy.fund_overdraft = fund
        self.policy.save()

    @invariant()
    def balances_match_the_model(self) -> None:
        if not hasattr(self, "model"):
            return
        stored = dict(Account.objects.filter(pk__in=self.model).values_list("pk", "balance"))
        assert stored == self.model
        assert sum(stored.values()) == 0

    @invariant()
    def every_rule_holds(self) -> None:
        report = verify()
        assert report.ok, report.violations


def test_ledger_state_machine() -> None:
    run_state_machine_as_test(
        LedgerMachine,
        settings=settings(
            max_examples=25,
            stateful_step_count=25,
            deadline=None,
            suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
        ),
    )
