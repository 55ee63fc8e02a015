"""Giving hours to a member or a community fund, through the HTTP client.

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
from ledger.accounts import account_of
from ledger.models import Account, Transfer
from tests.factories import MembershipFactory, UserFactory
from tests.ledger.helpers import key
from tests.support.ledger import balance, ledger_state, move
from tests.support.pages import text

pytestmark = pytest.mark.django_db

BALANCE = reverse("ledger:balance")
DONATE = reverse("ledger:donate")


# --- donations ------------------------------------------------------------------------------------


def donate(client: Client, recipient: str, hours: str = "1.5", **extra: str) -> Any:
    data = {"recipient": recipient, "hours": hours, "note": "Thank you for the coaching", "idempotency_key": key()}
    data.update(extra)
    return client.post(DONATE, data, follow=True)


def test_the_donation_form_finds_visible_members_and_every_fund(
    alice: User, bob: User, charlie: User, bob_client: Client
) -> None:
    response = bob_client.get(DONATE)
    content = response.content.decode()
    assert re.search(r'<input type="hidden" name="idempotency_key" value="[0-9a-f-]{36}"', content)
    assert 'name="recipient"' not in content  # nobody listed until the donor types a name
    assert '<label class="nhsuk-label" for="id_find">Who to give hours to</label>' in content
    found = bob_client.get(DONATE, {"find": "a"}).content.decode()  # every name here has an "a"
    assert f'value="member:{alice.pk}"' in found
    assert f'value="member:{bob.pk}"' not in found  # not to oneself
    assert f'value="member:{charlie.pk}"' not in found  # shares no community with bob
    assert "The Elsewhere Trust fund" in bob_client.get(DONATE, {"find": "elsewhere"}).content.decode()
    assert "The Riverside Hospital fund" in bob_client.get(DONATE, {"find": "RIVER"}).content.decode()
    assert "no community, has a name like “Zebedee”" in bob_client.get(DONATE, {"find": "Zebedee"}).content.decode()
    assert (
        bob_client.get(DONATE).context["form"]["idempotency_key"].value()
        != response.context["form"]["idempotency_key"].value()
    )


def test_htmx_gets_ten_matching_members_and_the_funds_in_a_fixed_number_of_queries(
    bob: User, bob_client: Client, community: Community, django_assert_num_queries: Any
) -> None:

    for n in range(12):
        MembershipFactory(member=UserFactory(profile__display_name=f"Nurse {n:02d}"), community=community)
    htmx = {"HX-Request": "true"}
    bob_client.get(DONATE, {"find": "nurse"}, headers=htmx)
    with django_assert_num_queries(4):  # session, user, a page of members, the funds
        content = bob_client.get(DONATE, {"find": "nurse"}, headers=htmx).content.decode()
    assert content.lstrip().startswith('<div id="recipient-choices"')
    assert content.count('name="recipient"') == 10
    assert "More members match: type more of the name" in content


def test_a_member_gives_hours_to_another_member(alice: User, bob: User, bob_client: Client) -> None:
    response = donate(bob_client, f"member:{alice.pk}", "1.5")
    assert response.redirect_chain[-1][0] == BALANCE
    assert "You gave 1 h 30 min to Alice Adams. Thank you." in text(response)
    assert (balance(bob), balance(alice)) == (-90, 90)
    transfer = Transfer.objects.get()
    assert (transfer.kind, transfer.caused_by, transfer.reason) == ("donation", bob, "Thank you for the coaching")
    assert transfer.idempotency_key.startswith(f"donate:{bob.pk}:")
    assert Account.objects.get(member=alice).earned == 0  # a gift is not hours earned through exchanges


def test_a_member_gives_hours_to_any_community_fund(bob: User, charlie: User, bob_client: Client) -> None:
    elsewhere = Community.objects.get(slug="elsewhere")
    response = donate(bob_client, f"fund:{elsewhere.pk}", "2")
    assert "You gave 2 h to the fund of Elsewhere Trust. Thank you." in text(response)
    assert (balance(bob), balance(elsewhere)) == (-120, 120)


def test_an_outsider_can_give_to_a_fund_but_not_to_members_they_cannot_see(
    alice: User, bob: User, charlie_client: Client, community: Community
) -> None:
    content = charlie_client.get(DONATE, {"find": "b"}).content.decode()  # Alice Adams, Bob Brown
    assert f'value="member:{alice.pk}"' not in content
    assert f'value="member:{bob.pk}"' not in content
    assert f'value="fund:{community.pk}"' in charlie_client.get(DONATE, {"find": "Riverside"}).content.decode()
    linked = charlie_client.get(DONATE, {"to": f"member:{alice.pk}"}).content.decode()
    assert f'value="member:{alice.pk}"' not in linked, "a link does not reveal a member one cannot see"
    response = donate(charlie_client, f"fund:{community.pk}", "0.25")
    assert "You gave 15 min to the fund of Riverside Hospital. Thank you." in text(response)
    assert balance(community) == 15


def test_the_recipient_can_be_chosen_from_a_link(alice: User, bob_client: Client) -> None:
    response = bob_client.get(DONATE, {"to": f"member:{alice.pk}"})
    assert re.search(
        rf'value="member:{alice.pk}" checked>\s*<label [^>]*>Alice Adams</label>', response.content.decode()
    )


@pytest.mark.parametrize(
    ("recipient", "hours", "message"),
    [
        ("alice", "5.25", "You can give up to 5 h at the moment: giving 5 h 15 min would take you past your limit"),
        ("bob", "1", "You cannot give hours to yourself."),
        ("alice", "0", "Enter at least 0.25 hours."),
        ("alice", "-1", "Enter at least 0.25 hours."),
        ("alice", "0.3", "Hours go in quarter hours: 0.25, 0.5, 0.75, 1 and so on."),
        ("alice", "0.125", "Hours go in quarter hours: 0.25, 0.5, 0.75, 1 and so on."),
        ("alice", "100.25", "Enter at most 100 hours."),
        ("alice", "lots", "Enter the hours like 1.5 or 1:30."),
        ("alice", "", "Enter the number of hours."),
        ("charlie", "1", "You can give hours to members who share a community with you."),
        ("unknown", "1", "You can give hours to members who share a community with you."),
        ("no-fund", "1", "Choose a member or a community fund from the list."),
        ("nobody", "1", "Choose a member or a community fund to give hours to."),
        ("nonsense", "1", "Choose a member or a community fund from the list."),
    ],
)
def test_refused_donations_say_why_and_change_nothing(
    alice: User, bob: User, charlie: User, bob_client: Client, recipient: str, hours: str, message: str
) -> None:
    move(alice, bob, 0 + 60)  # some history, so that "nothing changed" means something
    values = {
        "alice": f"member:{alice.pk}",
        "bob": f"member:{bob.pk}",
        "charlie": f"member:{charlie.pk}",
        "unknown": "member:999999",
        "no-fund": "fund:999999",
        "nobody": "",
        "nonsense": "everyone",
    }
    move(bob, alice, 60)  # back to zero: bob may give 5 hours
    before = ledger_state()
    response = donate(bob_client, values[recipient], hours)
    assert response.status_code == 200
    assert response.redirect_chain == []
    assert message in text(response)
    assert "There is a problem" in text(response)
    assert ledger_state() == before


def test_a_closed_account_receives_nothing(alice: User, bob: User, bob_client: Client) -> None:
    Account.objects.filter(pk=account_of(alice).pk).update(is_closed=True)
    before = ledger_state()
    response = donate(bob_client, f"member:{alice.pk}", "1")
    assert "Account of Alice Adams is closed; no credits can move in or out." in text(response)
    assert ledger_state() == before


@pytest.mark.parametrize("bad_key", ["", "not-a-uuid"])
def test_a_donation_without_a_good_key_is_refused(alice: User, bob_client: Client, bad_key: str) -> None:
    response = donate(bob_client, f"member:{alice.pk}", "1", idempotency_key=bad_key)
    assert "This form is out of date. Reload the page and try again." in text(response)
    assert not Transfer.objects.exists()


def test_the_same_form_submitted_twice_gives_once(alice: User, bob: User, bob_client: Client) -> None:
    form_key = key()
    first = donate(bob_client, f"member:{alice.pk}", "1", idempotency_key=form_key)
    second = donate(bob_client, f"member:{alice.pk}", "1", idempotency_key=form_key)
    assert "You gave 1 h to Alice Adams." in text(first)
    assert "You had already given 1 h with this form. Nothing more was moved." in text(second)
    assert second.redirect_chain[-1][0] == BALANCE
    assert Transfer.objects.count() == 1
    assert (balance(bob), balance(alice)) == (-60, 60)


def test_the_same_form_changed_and_resubmitted_is_refused_with_a_fresh_form(
    alice: User, bob: User, bob_client: Client
) -> None:
    form_key = key()
    donate(bob_client, f"member:{alice.pk}", "1", idempotency_key=form_key)
    before = ledger_state()
    response = donate(bob_client, f"member:{alice.pk}", "2", idempotency_key=form_key)
    assert "This form was already used for a different transfer." in text(response)
    assert ledger_state() == before
    assert response.context["form"]["idempotency_key"].value() != form_key  # the next try can go through
    assert response.context["form"]["hours"].value() == "2"


def test_a_refused_donation_keeps_what_was_typed(alice: User, bob_client: Client) -> None:
    response = donate(bob_client, f"member:{alice.pk}", "6", note="All my hours")
    form = response.context["form"]
    assert (form["hours"].value(), form["note"].value()) == ("6", "All my hours")
