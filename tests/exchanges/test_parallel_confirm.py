"""Confirming the same exchange from many connections at once (a double click, the auto-confirm task
and the member together) moves the credits exactly once."""

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

import pytest
from django.db import connections
from django.utils import timezone

from accounts.models import User
from communities.models import Community
from exchanges import actions, errors
from exchanges.models import Exchange
from ledger.accounts import account_of
from ledger.models import Account, Transfer
from ledger.verification import verify
from tests.support.markers import postgres_only

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]


def test_parallel_confirmations_post_once(alice: User, bob: User, community: Community) -> None:
    exchange = actions.do_propose(
        proposer=alice,
        provider=alice,
        recipients=[bob],
        community=community,
        title="Coaching",
        minutes=60,
        window="Now",
    )
    actions.do_accept(member=bob, exchange=exchange)
    actions.do_record_hours(member=alice, exchange=exchange, minutes=60)
    Exchange.objects.filter(pk=exchange.pk).update(confirm_deadline=timezone.now() - timedelta(seconds=1))
    barrier = threading.Barrier(6)

    def confirm(worker: int) -> str:
        try:
            barrier.wait()
            if worker % 2:
                actions.do_auto_confirm(exchange_id=exchange.pk)
                return "auto"
            actions.do_confirm(member=bob, exchange=exchange)
            return "confirmed"
        except errors.ExchangeError:
            return "refused"
        finally:
            connections.close_all()

    with ThreadPoolExecutor(6) as pool:
        outcomes = list(pool.map(confirm, range(6)))

    assert Transfer.objects.count() == 1
    assert Account.objects.get(pk=account_of(bob).pk).balance == -60
    exchange.refresh_from_db()
    assert exchange.state == Exchange.State.CONFIRMED
    assert outcomes.count("confirmed") <= 1
    assert verify().ok


def test_parallel_identical_proposals_make_one(alice: User, bob: User, community: Community) -> None:
    """The same propose form sent from six connections at once: one proposal, one notice; the others
    find it (errors.AlreadySent) through the unique key, and nobody hears twice."""
    from notifications.kinds import Kind
    from notifications.models import Notification

    barrier = threading.Barrier(6)

    def propose(_worker: int) -> int:
        try:
            barrier.wait()
            exchange = actions.do_propose(
                proposer=alice,
                provider=alice,
                recipients=[bob],
                community=community,
                title="Coaching",
                minutes=60,
                window="Now",
                form_key="a-form-key",
            )
            return exchange.pk
        except errors.AlreadySent as repeat:
            return repeat.exchange.pk
        finally:
            connections.close_all()

    with ThreadPoolExecutor(6) as pool:
        pks = list(pool.map(propose, range(6)))

    exchange = Exchange.objects.get()
    assert pks == [exchange.pk] * 6
    assert Notification.objects.filter(kind=Kind.EXCHANGE_PROPOSED).count() == 1
