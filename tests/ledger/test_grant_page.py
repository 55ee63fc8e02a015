"""Granting hours from a community's fund, through the HTTP client.

alice coordinates Riverside, bob is a member, charlie an outsider.
Every refusal shows a message and leaves every balance and transfer as it was.
"""

import re
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from ledger.models import LimitPolicy, Transfer
from tests.factories import MembershipFactory, UserFactory
from tests.ledger.helpers import fund_url, key
from tests.support.clients import client_for
from tests.support.ledger import balance, ledger_state, move
from tests.support.pages import text

pytestmark = pytest.mark.django_db

BALANCE = reverse("ledger:balance")


# --- grants ---------------------------------------------------------------------------------------


def grant(client: Client, community: Community, member: User | int, hours: str = "1", **extra: str) -> Any:
    member_id = member if isinstance(member, int) else member.pk
    data = {"member": str(member_id), "hours": hours, "reason": "Help to start", "idempotency_key": key()}
    data.update(extra)
    return client.post(fund_url("grant", community), data, follow=True)


def test_the_grant_form_suggests_ten_members_in_a_fixed_number_of_queries(
    alice: User, alice_client: Client, community: Community, django_assert_num_queries: Any
) -> None:

    for n in range(12):
        MembershipFactory(member=UserFactory(profile__display_name=f"Nurse {n:02d}"), community=community)
    htmx = {"HX-Request": "true"}
    url = fund_url("grant", community)
    alice_client.get(url, {"find": "nurse"}, headers=htmx)
    with django_assert_num_queries(5):  # session, user, the community, alice's coordination, the members
        content = alice_client.get(url, {"find": "nurse"}, headers=htmx).content.decode()
    assert content.lstrip().startswith('<div id="member-choices"')
    assert content.count('name="member"') == 10
    assert "More members match" in content


def test_a_coordinator_grants_hours_from_the_fund(
    alice: User, bob: User, charlie: User, alice_client: Client, community: Community
) -> None:
    move(charlie, community, 120, kind="donation")
    assert 'name="member"' not in alice_client.get(fund_url("grant", community)).content.decode()  # none listed
    form = alice_client.get(fund_url("grant", community), {"find": "b"}).content.decode()  # Bob Brown, Charlie Clark
    assert re.search(rf'value="{bob.pk}">\s*<label [^>]*>Bob Brown</label>', form)
    assert f'value="{charlie.pk}"' not in form  # not a member of Riverside
    assert "No active member of Riverside Hospital has a name like “Zebedee”." in (
        alice_client.get(fund_url("grant", community), {"find": "Zebedee"}).content.decode()
    )
    response = grant(alice_client, community, bob, "1.25")
    assert response.redirect_chain[-1][0] == fund_url("fund", community)
    assert "You granted 1 h 15 min from the fund to Bob Brown." in text(response)
    assert (balance(community), balance(bob)) == (45, 75)
    transfer = Transfer.objects.get(kind="grant")
    assert (transfer.caused_by, transfer.reason) == (alice, "Help to start")
    bob_page = text(client_for(bob).get(BALANCE))
    assert "Grant “Help to start” by Alice Adams" in bob_page


@pytest.mark.parametrize(
    ("member", "hours", "reason", "message"),
    [
        ("bob", "3", "Help", "The fund can grant up to 2 h at the moment: 3 h would take it past its limit"),
        ("bob", "1", "", "Give a reason for the grant: the member will see it."),
        ("bob", "1", "   ", "Give a reason for the grant: the member will see it."),
        ("charlie", "1", "Help", "Choose an active member of Riverside Hospital."),
        ("unknown", "1", "Help", "Choose an active member of Riverside Hospital."),
        ("bob", "0", "Help", "Enter at least 0.25 hours."),
        ("bob", "0.1", "Help", "Hours go in quarter hours"),
    ],
)
def test_refused_grants_say_why_and_change_nothing(
    alice: User,
    bob: User,
    charlie: User,
    alice_client: Client,
    community: Community,
    member: str,
    hours: str,
    reason: str,
    message: str,
) -> None:
    LimitPolicy.objects.create(community=community, fund_overdraft=60)
    move(charlie, community, 60, kind="donation")  # one hour in the fund, one more below zero allowed
    before = ledger_state()
    target = {"bob": bob.pk, "charlie": charlie.pk, "unknown": 999999}[member]
    response = grant(alice_client, community, target, hours, reason=reason)
    assert response.redirect_chain == []
    assert message in text(response)
    assert ledger_state() == before


def test_an_empty_fund_with_no_overdraft_grants_nothing(alice_client: Client, bob: User, community: Community) -> None:
    response = grant(alice_client, community, bob, "1")
    assert "The fund has 0 min to grant at the moment, less than 1 h, and may not go below zero." in text(response)
    assert not Transfer.objects.exists()


def test_members_and_outsiders_cannot_grant(
    bob: User, bob_client: Client, charlie: User, charlie_client: Client, community: Community
) -> None:
    move(charlie, community, 120, kind="donation")
    before = ledger_state()
    assert grant(bob_client, community, bob).status_code == 403
    assert grant(charlie_client, community, bob).status_code == 403
    assert ledger_state() == before


def test_a_grant_submitted_twice_is_made_once(
    alice_client: Client, bob: User, charlie: User, community: Community
) -> None:
    move(charlie, community, 120, kind="donation")
    form_key = key()
    grant(alice_client, community, bob, "1", idempotency_key=form_key)
    second = grant(alice_client, community, bob, "1", idempotency_key=form_key)
    assert "This grant was already made with this form. Nothing more was moved." in text(second)
    assert Transfer.objects.filter(kind="grant").count() == 1
    assert balance(bob) == 60
