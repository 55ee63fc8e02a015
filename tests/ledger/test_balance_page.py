"""The balance page and statement, and where the credit pages are linked from, through the HTTP client.

alice coordinates Riverside, bob is a member, charlie an outsider.
Every refusal shows a message and leaves every balance and transfer as it was.
"""

import re
import uuid
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.models import Community
from hexitime.templatetags.hexitime import MINUS
from ledger.accounts import fund_of
from ledger.models import Account
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.ledger.helpers import csv_rows, fund_url
from tests.support.clients import client_for
from tests.support.ledger import move
from tests.support.pages import text

pytestmark = pytest.mark.django_db

BALANCE = reverse("ledger:balance")
STATEMENT_CSV = reverse("ledger:statement_csv")
DONATE = reverse("ledger:donate")


# --- the balance page -----------------------------------------------------------------------------


def test_credit_pages_need_a_signed_in_member(community: Community) -> None:
    for url in [BALANCE, STATEMENT_CSV, DONATE, fund_url("fund", community), fund_url("limits", community)]:
        response = Client().get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))


def test_a_new_member_sees_an_even_balance_and_their_limit(bob: User, bob_client: Client) -> None:
    page = text(bob_client.get(BALANCE))
    assert "Your balance is zero. It goes up when you give time or are given hours" in page
    assert "Balance 0 min" in page
    assert "Your limit 5 h below zero" in page
    assert "Left to use 5 h" in page
    assert "You can receive help before you give any" in page  # the rule, from limit_explanation
    assert "Riverside Hospital: 5 hours." in page
    assert "Nothing yet." in page
    assert "close to your limit" not in page
    assert not Account.objects.exists()  # reading a page opens no account


def test_a_gift_from_zero_is_not_called_receiving_help(bob: User, bob_client: Client, alice: User) -> None:
    """Giving 1 h from zero leaves the balance below zero: said plainly, never as help received."""
    response = bob_client.post(
        DONATE, {"recipient": f"member:{alice.pk}", "hours": "1", "note": "", "idempotency_key": str(uuid.uuid4())}
    )
    assert response.status_code == 302
    page = text(bob_client.get(BALANCE))
    assert f"Balance {MINUS}1 h" in page
    assert "Your balance is 1 h below zero. That is fine" in page
    assert "give hours away" in page
    assert "received" not in page.split("Balance")[0]


def test_balance_speaks_of_hours_given_and_received(alice: User, bob: User, alice_client: Client) -> None:
    move(alice, bob, 120, reason="Process mapping")  # bob gave alice two hours of help
    bob_page = text(client_for(bob).get(BALANCE))
    assert "Your balance is 2 h above zero." in bob_page
    assert "Balance +2 h" in bob_page
    alice_page = text(alice_client.get(BALANCE))
    assert "Your balance is 2 h below zero. That is fine: members may go below zero, up to their limit." in alice_page
    assert f"Balance {MINUS}2 h" in alice_page
    assert "Left to use 3 h" in alice_page
    for page in (bob_page, alice_page):
        assert "debt" not in page.lower()


def test_a_soft_warning_near_the_limit(alice: User, bob: User, alice_client: Client) -> None:
    move(alice, bob, 210)  # 3 h 30 min below zero: 1 h 30 min left, more than the 1 h threshold
    assert "close to your limit" not in text(alice_client.get(BALANCE))
    move(alice, bob, 60)
    page = text(alice_client.get(BALANCE))
    assert "You are close to your limit" in page
    assert "You can use 30 min more, to receive help or to give to others." in page


def test_the_statement_lists_every_transfer_newest_first_with_running_balances(
    alice: User, bob: User, community: Community, bob_client: Client
) -> None:
    first = move(alice, bob, 90, reason="Run chart coaching")
    second = move(bob, community, 30, kind="donation", reason="For newcomers")
    third = move(bob, alice, 15, kind="donation")
    response = bob_client.get(BALANCE)
    lines = response.context["lines"]
    assert [line.transfer.pk for line in lines] == [third.pk, second.pk, first.pk]
    assert [(line.counterpart, line.amount, line.balance_after) for line in lines] == [
        ("Alice Adams", -15, 45),
        ("Fund of Riverside Hospital", -30, 60),
        ("Alice Adams", 90, 90),
    ]
    page = text(response)
    assert "Exchange “Run chart coaching”" in page
    assert "Donation “For newcomers”" in page
    assert "+1 h 30 min" in page
    assert f"{MINUS}30 min" in page
    assert f"No. {first.pk}" in page
    assert page.index(f"{MINUS}15 min") < page.index(f"{MINUS}30 min") < page.index("+1 h 30 min")


def test_the_statement_is_paginated_fifty_to_a_page(alice: User, bob: User, bob_client: Client) -> None:
    transfers = [move(alice, bob, 1) for _ in range(51)]
    first_page = bob_client.get(BALANCE)
    assert len(first_page.context["lines"]) == 50
    assert first_page.context["lines"][0].transfer.pk == transfers[-1].pk
    assert "?page=2" in first_page.content.decode()
    second_page = bob_client.get(BALANCE, {"page": 2})
    assert [line.transfer.pk for line in second_page.context["lines"]] == [transfers[0].pk]
    assert bob_client.get(BALANCE, {"page": "nonsense"}).status_code == 200


def test_a_member_sees_only_their_own_transfers(alice: User, bob: User, charlie: User, charlie_client: Client) -> None:
    move(alice, bob, 60, reason="Private to alice and bob")
    page = text(charlie_client.get(BALANCE))
    assert "Private to alice and bob" not in page
    assert "Nothing yet." in page


def test_statement_query_count_does_not_grow_with_transfers(
    alice: User, bob: User, bob_client: Client, community: Community, django_assert_num_queries: Any
) -> None:
    move(alice, bob, 60)
    bob_client.get(BALANCE)
    with django_assert_num_queries(13):
        bob_client.get(BALANCE)
    for n in range(20):
        other = UserFactory()
        MembershipFactory(member=other, community=community)
        move(other, bob, 15) if n % 2 else move(bob, OrganisationFactory(), 15, kind="donation")
    with django_assert_num_queries(13):
        response = bob_client.get(BALANCE)
    assert len(response.context["lines"]) == 21


def test_statement_csv_has_every_transfer_oldest_first(
    alice: User, bob: User, community: Community, bob_client: Client
) -> None:
    first = move(alice, bob, 90, reason="Run chart coaching")
    move(bob, community, 30, kind="donation", reason="=HYPERLINK(1)")
    response = bob_client.get(STATEMENT_CSV)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="hexitime-statement.csv"'
    rows = csv_rows(response)
    assert rows[0] == ["date", "counterpart", "kind", "reason", "minutes in", "minutes out", "balance after"]
    assert [row[1:] for row in rows[1:]] == [
        ["Alice Adams", "Exchange", "Run chart coaching", "90", "0", "90"],
        ["Fund of Riverside Hospital", "Donation", "'=HYPERLINK(1)", "0", "30", "60"],  # never run as a formula
    ]
    assert re.fullmatch(r"\d\d/\d\d/\d{4} \d\d:\d\d", rows[1][0])
    assert rows[1][0] == timezone.localtime(first.created_at).strftime("%d/%m/%Y %H:%M")


def test_statement_csv_of_a_member_without_transfers_is_just_the_header(charlie_client: Client) -> None:
    response = charlie_client.get(STATEMENT_CSV)
    assert csv_rows(response) == [
        ["date", "counterpart", "kind", "reason", "minutes in", "minutes out", "balance after"]
    ]


# --- where the pages are linked from ----------------------------------------------------------------


def test_the_header_dashboard_and_community_page_link_to_credits(
    alice: User, bob: User, alice_client: Client, bob_client: Client, community: Community
) -> None:
    move(alice, bob, 60)
    dashboard = bob_client.get(reverse("accounts:dashboard"))
    assert f'href="{BALANCE}"' in dashboard.content.decode()
    assert "Your credits +1 h Your balance is 1 h above zero." in text(dashboard)
    fund_link = fund_url("fund", community)
    assert fund_link in alice_client.get(community.get_absolute_url()).content.decode()
    assert fund_link not in bob_client.get(community.get_absolute_url()).content.decode()
    assert "Your credits" not in Client().get(reverse("home")).content.decode()
    assert fund_of(community).balance == 0
