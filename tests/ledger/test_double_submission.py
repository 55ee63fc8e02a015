"""A double click that arrives in parallel: the same form, on real connections at once, posts once.

PostgreSQL only: SQLite serialises every writer, so nothing there runs in parallel.
"""

import threading
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

import pytest
from django.db import connections
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from ledger.models import Transfer
from tests.support.ledger import balance, move
from tests.support.markers import postgres_only

pytestmark = [postgres_only, pytest.mark.django_db(transaction=True)]
THREADS = 4
ROUNDS = 5


def submit_in_parallel(member: User, url: str, data: dict[str, str]) -> list[int]:
    """THREADS signed-in clients post the same form at the same moment; their status codes."""
    clients = []
    for _ in range(THREADS):
        client = Client()
        client.force_login(member)
        clients.append(client)
    barrier = threading.Barrier(THREADS)

    def post(client: Client) -> int:
        try:
            barrier.wait()
            return client.post(url, data).status_code
        finally:
            connections.close_all()

    run: Callable[[Client], int] = post
    with ThreadPoolExecutor(THREADS) as pool:
        return list(pool.map(run, clients))


def test_a_donation_submitted_in_parallel_gives_once(alice: User, bob: User) -> None:
    for n in range(ROUNDS):
        data = {"recipient": f"member:{alice.pk}", "hours": "0.5", "note": "", "idempotency_key": str(uuid.uuid4())}
        statuses = submit_in_parallel(bob, reverse("ledger:donate"), data)
        assert statuses == [302] * THREADS  # every submission sees the one donation
        assert Transfer.objects.count() == n + 1
    assert (balance(bob), balance(alice)) == (-30 * ROUNDS, 30 * ROUNDS)


def test_a_grant_submitted_in_parallel_is_made_once(
    alice: User, bob: User, charlie: User, community: Community
) -> None:
    move(charlie, community, 300, kind="donation")
    url = reverse("ledger:grant", kwargs={"slug": community.slug})
    for _ in range(ROUNDS):
        data = {"member": str(bob.pk), "hours": "0.25", "reason": "Welcome", "idempotency_key": str(uuid.uuid4())}
        assert submit_in_parallel(alice, url, data) == [302] * THREADS
    assert Transfer.objects.filter(kind="grant").count() == ROUNDS
    assert (balance(community), balance(bob)) == (300 - 15 * ROUNDS, 15 * ROUNDS)
