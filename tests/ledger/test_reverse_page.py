"""Reversing a transfer, for coordinators, through the HTTP client.

alice coordinates Riverside, bob is a member, charlie an outsider.
Every refusal shows a message and leaves every balance and transfer as it was.
"""

import pytest
from django.test import Client

from accounts.models import User
from communities.models import Community
from ledger.models import Transfer
from tests.factories import MembershipFactory, UserFactory
from tests.ledger.helpers import fund_url, key
from tests.support.ledger import balance, ledger_state, move
from tests.support.pages import text

pytestmark = pytest.mark.django_db


# --- reversals ------------------------------------------------------------------------------------


def reverse_it(client: Client, community: Community, transfer: Transfer, reason: str = "Sent by mistake", **extra: str):
    data = {"reason": reason, "idempotency_key": key()}
    data.update(extra)
    return client.post(fund_url("reverse", community, transfer_id=transfer.pk), data, follow=True)


def test_a_coordinator_reverses_a_transfer_into_the_fund(
    alice: User, alice_client: Client, dora: User, community: Community
) -> None:
    donation = move(dora, community, 90, kind="donation")
    page = text(alice_client.get(fund_url("reverse", community, transfer_id=donation.pk)))
    assert f"Reverse transfer {donation.pk}" in page
    assert "Reversing moves 1 h 30 min back to Dora Dean" in page
    response = reverse_it(alice_client, community, donation)
    reversal = Transfer.objects.get(kind="reversal")
    assert f"Transfer {donation.pk} is reversed by transfer {reversal.pk}." in text(response)
    assert (reversal.reverses, reversal.caused_by, reversal.reason) == (donation, alice, "Sent by mistake")
    assert (balance(dora), balance(community)) == (0, 0)
    assert f"reversed by no. {reversal.pk}" in text(response)  # the fund's statement, after the redirect


def test_a_coordinator_reverses_a_transfer_of_a_member_of_their_community(
    alice_client: Client, bob: User, dora: User, community: Community
) -> None:
    transfer = move(dora, bob, 60)
    reverse_it(alice_client, community, transfer)
    assert (balance(dora), balance(bob)) == (0, 0)


def test_transfers_outside_the_community_cannot_be_reached(
    alice: User, alice_client: Client, charlie: User, community: Community
) -> None:
    stranger = UserFactory()
    elsewhere = Community.objects.get(slug="elsewhere")
    MembershipFactory(member=stranger, community=elsewhere)
    transfer = move(charlie, stranger, 60)
    before = ledger_state()
    for response in (
        alice_client.get(fund_url("reverse", community, transfer_id=transfer.pk)),
        reverse_it(alice_client, community, transfer),
        alice_client.get(fund_url("reverse", community, transfer_id=999999)),
    ):
        assert response.status_code == 404
        assert "There is no transfer" in text(response)
    assert alice_client.get(fund_url("find_transfer", community) + f"{2**64}/").status_code == 404  # no such id
    assert ledger_state() == before


def test_members_and_outsiders_cannot_reverse(
    bob_client: Client, charlie_client: Client, charlie: User, community: Community
) -> None:
    donation = move(charlie, community, 60, kind="donation")
    before = ledger_state()
    assert reverse_it(bob_client, community, donation).status_code == 403
    assert reverse_it(charlie_client, community, donation).status_code == 403
    assert ledger_state() == before


def test_refused_reversals_say_why_and_change_nothing(
    alice: User, alice_client: Client, bob: User, dora: User, community: Community
) -> None:
    donation = move(dora, community, 60, kind="donation")
    before = ledger_state()
    response = reverse_it(alice_client, community, donation, reason=" ")
    assert "Give a reason for the reversal: both sides will see it." in text(response)
    assert ledger_state() == before

    reverse_it(alice_client, community, donation)
    reversal = Transfer.objects.get(kind="reversal")
    before = ledger_state()
    response = reverse_it(alice_client, community, donation)
    assert f"This transfer was already reversed (transfer {reversal.pk})." in text(response)
    response = reverse_it(alice_client, community, reversal)
    assert "A reversal cannot itself be reversed" in text(response)
    assert ledger_state() == before

    gift = move(dora, bob, 300, kind="donation")
    move(bob, dora, 600)  # bob spent it all and more: 5 hours below zero, his limit
    before = ledger_state()
    response = reverse_it(alice_client, community, gift)
    assert "would take Bob Brown below their limit" in text(response)
    assert ledger_state() == before


def test_the_reverse_page_says_when_a_transfer_cannot_be_reversed(
    alice: User, alice_client: Client, dora: User, community: Community
) -> None:
    donation = move(dora, community, 60, kind="donation")
    reverse_it(alice_client, community, donation)
    reversal = Transfer.objects.get(kind="reversal")
    assert f"already reversed by transfer {reversal.pk}" in text(
        alice_client.get(fund_url("reverse", community, transfer_id=donation.pk))
    )
    page = text(alice_client.get(fund_url("reverse", community, transfer_id=reversal.pk)))
    assert "so it cannot be reversed" in page
    assert "Reverse this transfer" not in page


def test_a_reversal_submitted_twice_is_made_once(alice_client: Client, dora: User, community: Community) -> None:
    donation = move(dora, community, 60, kind="donation")
    form_key = key()
    reverse_it(alice_client, community, donation, idempotency_key=form_key)
    second = reverse_it(alice_client, community, donation, idempotency_key=form_key)
    assert "This reversal was already made with this form. Nothing more was moved." in text(second)
    assert Transfer.objects.filter(kind="reversal").count() == 1
    assert balance(dora) == 0


def test_a_coordinator_finds_a_transfer_by_its_number(
    alice_client: Client, bob: User, charlie: User, community: Community
) -> None:
    transfer = move(charlie, bob, 60)
    response = alice_client.get(fund_url("find_transfer", community), {"transfer": transfer.pk})
    assert response["Location"] == fund_url("reverse", community, transfer_id=transfer.pk)
    response = alice_client.get(fund_url("find_transfer", community), {"transfer": "abc"}, follow=True)
    assert "Enter the transfer number in digits, like 1234." in text(response)
    response = alice_client.get(fund_url("find_transfer", community), {"transfer": 2**64}, follow=True)
    assert "There is no transfer with a number that large." in text(response)
