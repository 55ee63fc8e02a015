"""A community fund's page and statement, for its coordinators, through the HTTP client.

alice coordinates Riverside, bob is a member, charlie an outsider.
Every refusal shows a message and leaves every balance and transfer as it was.
"""

from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from ledger.posting import reverse_transfer
from tests.factories import MembershipFactory, UserFactory
from tests.ledger.helpers import csv_rows, fund_url
from tests.support.ledger import move
from tests.support.pages import text

pytestmark = pytest.mark.django_db


# --- the community fund ---------------------------------------------------------------------------


def test_the_fund_page_is_for_coordinators(
    alice_client: Client, bob_client: Client, charlie_client: Client, community: Community
) -> None:
    for name in ("fund", "fund_statement_csv", "grant", "limits", "find_transfer"):
        url = fund_url(name, community)
        for client in (bob_client, charlie_client):
            response = client.get(url)
            assert response.status_code == 403, url
            assert "Riverside Hospital" in text(response)
    assert "only they can see and manage it" in text(bob_client.get(fund_url("fund", community)))
    assert "Only the coordinators of Riverside Hospital can change its limits." in text(
        charlie_client.get(fund_url("limits", community))
    )
    assert alice_client.get(fund_url("fund", community)).status_code == 200
    assert alice_client.get(reverse("ledger:fund", kwargs={"slug": "nowhere"})).status_code == 404


def test_the_fund_page_shows_its_standing_and_statement(
    alice: User, bob: User, charlie: User, alice_client: Client, community: Community
) -> None:
    donation = move(charlie, community, 180, kind="donation", reason="For Riverside newcomers")
    move(community, bob, 60, kind="grant", reason="Welcome")
    response = alice_client.get(fund_url("fund", community))
    page = text(response)
    assert "The fund has received 2 h more than it has granted." in page
    assert "The fund's limit Zero: no further below zero" in page
    assert "Left to grant 2 h" in page
    assert "Members may go 5 h below zero." in page
    assert "Charlie Clark" in page  # who gave to the fund
    assert "Bob Brown" in page
    assert fund_url("reverse", community, transfer_id=donation.pk) in response.content.decode()
    assert fund_url("fund_statement_csv", community) in response.content.decode()


def test_an_empty_fund_says_it_has_nothing_to_grant(alice_client: Client, community: Community) -> None:
    page = text(alice_client.get(fund_url("fund", community)))
    assert "The fund has no hours left to grant." in page


def test_fund_page_query_count_does_not_grow_with_transfers(
    alice: User, alice_client: Client, community: Community, django_assert_num_queries: Any
) -> None:
    donor = UserFactory()
    MembershipFactory(member=donor, community=community)
    move(donor, community, 60, kind="donation")
    alice_client.get(fund_url("fund", community))
    with django_assert_num_queries(12):  # 11, and the requests waiting for a second coordinator
        alice_client.get(fund_url("fund", community))
    for n in range(15):
        member = UserFactory()
        MembershipFactory(member=member, community=community)
        transfer = move(member, community, 60, kind="donation")
        if n % 3 == 0:
            reverse_transfer(transfer=transfer, caused_by=alice, reason="Mistake", idempotency_key=f"r{n}")
    with django_assert_num_queries(12):
        response = alice_client.get(fund_url("fund", community))
    assert len(response.context["lines"]) == 21


def test_the_fund_statement_downloads_for_coordinators(
    alice_client: Client, charlie: User, community: Community
) -> None:
    move(charlie, community, 60, kind="donation")
    response = alice_client.get(fund_url("fund_statement_csv", community))
    assert response["Content-Disposition"] == 'attachment; filename="hexitime-fund-riverside.csv"'
    rows = csv_rows(response)
    assert [row[1:] for row in rows[1:]] == [["Charlie Clark", "Donation", "", "60", "0", "60"]]
