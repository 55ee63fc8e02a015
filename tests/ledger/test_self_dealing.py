"""Reversals (issue 9, finding 5): nobody acts on their own account with another's authority.

A coordinator of a community may reverse a transfer only when both of its sides are inside the part
of the tree they coordinate (the funds of the community and the communities in it, and their active
members), and never one they are a side of, made, or approved as a second coordinator.
alice and erin coordinate Riverside, rhea its region, nina its nation, sam a sibling organisation;
bob and dora are members of Riverside; charlie belongs to a community in another nation.
"""

import uuid
from typing import Any

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from communities.models import Community, Membership
from ledger import actions, approvals, errors
from ledger.models import ApprovalRequest, Transfer
from notifications.kinds import Kind
from notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory
from tests.ledger.helpers import fund_url
from tests.support.clients import client_for
from tests.support.ledger import balance, fill_fund, ledger_state, move
from tests.support.pages import text

pytestmark = pytest.mark.django_db


@pytest.fixture
def nina(region: Community) -> User:
    """A coordinator of the nation above Riverside's region."""
    assert region.parent is not None
    user = UserFactory(email="nina@example.org", profile__display_name="Nina Nash")
    MembershipFactory(member=user, community=region.parent, role=Membership.Role.COORDINATOR)
    return user


def reverse_as(user: User, community: Community, transfer: Transfer) -> Any:
    data = {"reason": "Sent by mistake", "idempotency_key": str(uuid.uuid4())}
    return client_for(user).post(fund_url("reverse", community, transfer_id=transfer.pk), data, follow=True)


def reversed_by(transfer: Transfer) -> Transfer | None:
    return Transfer.objects.filter(reverses=transfer).first()


def test_who_may_reverse_a_transfer_between_two_members(
    alice: User,
    erin: User,
    rhea: User,
    nina: User,
    sam: User,
    bob: User,
    dora: User,
    charlie: User,
    community: Community,
    region: Community,
    sibling: Community,
) -> None:
    transfer = move(bob, dora, 60)
    before = ledger_state()
    refused = [
        (bob, community, 403),  # a member of Riverside, and a side of it
        (dora, community, 403),
        (charlie, community, 403),  # an outsider
        (sam, community, 403),  # a coordinator of a sibling: not of Riverside
        (sam, sibling, 404),  # ... and the transfer is outside Hilltop
    ]
    for user, where, status in refused:
        response = reverse_as(user, where, transfer)
        assert response.status_code == status, user
    assert ledger_state() == before

    # A coordinator of Riverside, of its region, or of its nation may.
    nation = Community.objects.get(children=region)
    for user, where in ((alice, community), (rhea, region), (nina, nation)):
        page = text(client_for(user).get(fund_url("reverse", where, transfer_id=transfer.pk)))
        assert "Reverse this transfer" in page, user
    response = reverse_as(rhea, region, transfer)
    assert f"Transfer {transfer.pk} is reversed by transfer" in text(response)
    assert (balance(bob), balance(dora)) == (0, 0)
    assert reversed_by(transfer) is not None


def test_a_transfer_with_a_side_outside_the_coordinators_part_of_the_tree_is_out_of_reach(
    alice: User, rhea: User, nina: User, bob: User, charlie: User, community: Community, region: Community
) -> None:
    transfer = move(charlie, bob, 60)  # bob is in Riverside; charlie in another nation
    before = ledger_state()
    nation = Community.objects.get(children=region)
    for user, where in ((alice, community), (rhea, region), (nina, nation)):
        response = reverse_as(user, where, transfer)
        assert response.status_code == 404
        assert f"There is no transfer {transfer.pk} between the funds or the members of" in text(response)
    assert ledger_state() == before


def test_a_coordinator_cannot_reverse_a_transfer_they_are_a_side_of(
    alice: User, erin: User, bob: User, community: Community, capsys: pytest.CaptureFixture[str]
) -> None:
    payment = move(bob, alice, 120)  # bob paid alice for an exchange
    before = ledger_state()
    alice_client = client_for(alice)
    page = text(alice_client.get(fund_url("reverse", community, transfer_id=payment.pk)))
    assert "This transfer moved your own hours, so another coordinator must reverse it" in page
    assert "Reverse this transfer" not in page
    response = reverse_as(alice, community, payment)  # a forged POST
    assert "This transfer moved your own hours" in text(response)
    assert ledger_state() == before
    with pytest.raises(errors.SelfDealing):
        actions.do_reverse(coordinator=alice, community=community, transfer=payment, reason="Mine", form_key="k")
    assert ledger_state() == before

    reverse_as(erin, community, payment)
    assert (balance(bob), balance(alice)) == (0, 0)
    call_command("verify_ledger")
    assert "Ledger OK" in capsys.readouterr().out


def test_a_coordinator_cannot_take_back_a_transfer_they_made(
    alice: User, erin: User, bob: User, dora: User, community: Community
) -> None:
    donation = actions.do_donate(donor=alice, recipient=bob, minutes=60, note="", form_key="gift").transfer
    fill_fund(community, 600)
    grant = actions.do_grant(
        coordinator=alice, community=community, member=dora, minutes=120, reason="Welcome", form_key="g"
    )
    assert not isinstance(grant, approvals.Requested)
    before = ledger_state()
    assert "This transfer moved your own hours" in text(reverse_as(alice, community, donation))
    response = reverse_as(alice, community, grant.transfer)
    assert "You made this transfer, so another coordinator must reverse it if it was a mistake." in text(response)
    assert ledger_state() == before

    response = reverse_as(erin, community, grant.transfer)
    assert f"Transfer {grant.transfer.pk} is reversed by transfer" in text(response)
    reversal = reversed_by(grant.transfer)
    assert reversal is not None
    assert list(
        Notification.objects.filter(recipient=alice, kind=Kind.LEDGER_POWER_USED).values_list("title", flat=True)
    ) == [f"Erin Evans reversed transfer {grant.transfer.pk} (2 h)"]
    # erin cannot undo her own reversal either: a reversal is never reversed.
    response = reverse_as(erin, community, reversal)
    assert "so it cannot be reversed" in text(response)


def test_the_checker_cannot_reverse_a_grant_they_approved(
    alice: User, erin: User, rhea: User, bob: User, community: Community, region: Community
) -> None:
    fill_fund(community, 600)
    requested = actions.do_grant(
        coordinator=alice, community=community, member=bob, minutes=360, reason="Audit", form_key="big"
    )
    assert isinstance(requested, approvals.Requested)
    approvals.do_approve(checker=erin, approval=requested.approval)
    transfer = ApprovalRequest.objects.get().transfer
    assert transfer is not None
    before = ledger_state()
    response = reverse_as(erin, community, transfer)
    assert "You approved this grant, so another coordinator must reverse it if it was a mistake." in text(response)
    response = reverse_as(alice, community, transfer)
    assert "You made this transfer" in text(response)
    assert ledger_state() == before
    reverse_as(rhea, region, transfer)
    assert (balance(bob), balance(community)) == (0, 600)


def test_members_and_outsiders_still_cannot_reach_the_reversal_page(
    bob_client: Client, charlie_client: Client, dora: User, community: Community
) -> None:
    donation = move(dora, community, 60, kind="donation")
    for client in (bob_client, charlie_client):
        assert client.get(fund_url("reverse", community, transfer_id=donation.pk)).status_code == 403
