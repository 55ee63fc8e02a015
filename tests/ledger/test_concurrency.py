"""The bank test on PostgreSQL: parallel transfers on real connections lose or create nothing.

Many threads, each with its own database connection, post random transfers among a few member
accounts and into one hot fund account, with limits tight enough that some are refused. After
they finish, verify_ledger passes, every success is posted exactly once and every refusal changed
nothing. An idempotency storm then fires many parallel calls over few keys.
"""

import random
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections

from communities.models import Community
from ledger import errors
from ledger.accounts import account_of, fund_of
from ledger.models import Account, LimitPolicy, Transfer
from ledger.posting import post_transfer
from ledger.verification import verify
from tests.factories import MembershipFactory, UserFactory
from tests.support.markers import postgres_only

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]
THREADS = 8


def make_accounts(community: Community, members: int) -> tuple[list[Account], Account]:
    LimitPolicy.objects.create(community=community, member_overdraft=600, growth_cap=600)
    accounts = []
    for _ in range(members):
        user = UserFactory()
        MembershipFactory(member=user, community=community)
        accounts.append(account_of(user))
    return accounts, fund_of(community)


def in_thread(work):
    def run(*args):
        try:
            return work(*args)
        finally:
            connections.close_all()

    return run


def test_bank_parallel_random_transfers_and_a_hot_fund(community: Community) -> None:
    accounts, fund = make_accounts(community, 5)
    rng = random.Random(7)
    jobs = []
    for n in range(400):
        debit = rng.choice(accounts)
        credit = fund if n % 3 == 0 else rng.choice([a for a in accounts if a != debit])
        jobs.append((f"bank-{n}", debit, credit, rng.choice([15, 30, 60, 90])))

    @in_thread
    def attempt(job):
        key, debit, credit, amount = job
        try:
            post_transfer(debit=debit, credit=credit, amount=amount, kind="donation", idempotency_key=key)
            return key, "posted"
        except errors.LimitExceeded:
            return key, "refused"

    with ThreadPoolExecutor(THREADS) as pool:
        outcomes = dict(pool.map(attempt, jobs))

    counts = Counter(outcomes.values())
    assert counts["posted"] > 100
    assert counts["refused"] > 10  # the limits really were reached
    posted = set(Transfer.objects.values_list("idempotency_key", flat=True))
    assert posted == {key for key, outcome in outcomes.items() if outcome == "posted"}
    report = verify()
    assert report.ok, report.violations
    assert all(a.balance >= -600 for a in Account.objects.filter(member__isnull=False))
    assert Account.objects.get(pk=fund.pk).balance == sum(
        Transfer.objects.filter(credit=fund).values_list("amount", flat=True)
    )


def test_idempotency_storm_posts_each_key_once(community: Community) -> None:
    accounts, _fund = make_accounts(community, 2)
    payer, payee = accounts
    keys = [f"storm-{n}" for n in range(5)]
    barrier = threading.Barrier(THREADS)

    @in_thread
    def hammer(worker: int) -> list[int]:
        barrier.wait()
        return [
            post_transfer(debit=payer, credit=payee, amount=15, kind="donation", idempotency_key=key).pk
            for key in keys * 3
        ]

    with ThreadPoolExecutor(THREADS) as pool:
        results = list(pool.map(hammer, range(THREADS)))

    assert Transfer.objects.count() == len(keys)
    assert {pk for result in results for pk in result} == set(Transfer.objects.values_list("pk", flat=True))
    assert Account.objects.get(pk=payer.pk).balance == -15 * len(keys)
    assert verify().ok
