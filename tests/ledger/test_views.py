"""The credit pages, through the HTTP client: alice coordinates Riverside, bob is a member, charlie an outsider.

Every refusal shows a message and leaves every balance and transfer as it was.
"""

import csv
import io
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
from ledger.accounts import account_of, fund_of
from ledger.models import Account, LimitPolicy, Transfer
from ledger.posting import reverse_transfer
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.ledger.helpers import balance_of, ledger_state, move

pytestmark = pytest.mark.django_db

BALANCE = reverse("ledger:balance")
STATEMENT_CSV = reverse("ledger:statement_csv")
DONATE = reverse("ledger:donate")


def fund_url(name: str, community: Community, **kwargs: Any) -> str:
    return reverse(f"ledger:{name}", kwargs={"slug": community.slug, **kwargs})


def text(response: Any) -> str:
    """The page's text with tags removed and spaces collapsed, to read it as a member would."""
    content = response.content.decode()
    content = re.sub(r"<[^>]+>", " ", content)
    return " ".join(content.replace("&#x27;", "'").replace("&quot;", '"').split())


def csv_rows(response: Any) -> list[list[str]]:
    return list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))


def key() -> str:
    return str(uuid.uuid4())


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


def client_for(user: User) -> Client:
    client = Client()
    client.force_login(user)
    return client


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
    from tests.factories import MembershipFactory, UserFactory

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
    assert (balance_of(bob), balance_of(alice)) == (-90, 90)
    transfer = Transfer.objects.get()
    assert (transfer.kind, transfer.caused_by, transfer.reason) == ("donation", bob, "Thank you for the coaching")
    assert transfer.idempotency_key.startswith(f"donate:{bob.pk}:")
    assert Account.objects.get(member=alice).earned == 0  # a gift is not hours earned through exchanges


def test_a_member_gives_hours_to_any_community_fund(bob: User, charlie: User, bob_client: Client) -> None:
    elsewhere = Community.objects.get(slug="elsewhere")
    response = donate(bob_client, f"fund:{elsewhere.pk}", "2")
    assert "You gave 2 h to the fund of Elsewhere Trust. Thank you." in text(response)
    assert (balance_of(bob), balance_of(elsewhere)) == (-120, 120)


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
    assert balance_of(community) == 15


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
    assert (balance_of(bob), balance_of(alice)) == (-60, 60)


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


# --- grants ---------------------------------------------------------------------------------------


def grant(client: Client, community: Community, member: User | int, hours: str = "1", **extra: str) -> Any:
    member_id = member if isinstance(member, int) else member.pk
    data = {"member": str(member_id), "hours": hours, "reason": "Help to start", "idempotency_key": key()}
    data.update(extra)
    return client.post(fund_url("grant", community), data, follow=True)


def test_the_grant_form_suggests_ten_members_in_a_fixed_number_of_queries(
    alice: User, alice_client: Client, community: Community, django_assert_num_queries: Any
) -> None:
    from tests.factories import MembershipFactory, UserFactory

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
    assert (balance_of(community), balance_of(bob)) == (45, 75)
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
    assert balance_of(bob) == 60


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
    assert (balance_of(dora), balance_of(community)) == (0, 0)
    assert f"reversed by no. {reversal.pk}" in text(response)  # the fund's statement, after the redirect


def test_a_coordinator_reverses_a_transfer_of_a_member_of_their_community(
    alice_client: Client, bob: User, dora: User, community: Community
) -> None:
    transfer = move(dora, bob, 60)
    reverse_it(alice_client, community, transfer)
    assert (balance_of(dora), balance_of(bob)) == (0, 0)


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
    assert balance_of(dora) == 0


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


# --- limits ---------------------------------------------------------------------------------------


def limits_data(**overrides: str) -> dict[str, str]:
    data = {
        "member_overdraft": "8",
        "warning_threshold": "1.5",
        "grows_with_given": "on",
        "growth_cap": "20",
        "fund_overdraft": "0",
    }
    data.update(overrides)
    return {name: value for name, value in data.items() if value != "omit"}


def test_a_coordinator_sees_the_current_limits(alice_client: Client, community: Community) -> None:
    form = alice_client.get(fund_url("limits", community)).context["form"]
    assert {name: str(form[name].value()) for name in form.fields} == {
        "member_overdraft": "5",
        "warning_threshold": "1",
        "grows_with_given": "False",
        "growth_cap": "20",
        "fund_overdraft": "0",
    }


def test_a_coordinator_sets_the_limits(alice: User, alice_client: Client, bob: User, community: Community) -> None:
    response = alice_client.post(fund_url("limits", community), limits_data(), follow=True)
    assert "The limits of Riverside Hospital are saved." in text(response)
    policy = LimitPolicy.objects.get(community=community)
    assert (
        policy.member_overdraft,
        policy.warning_threshold,
        policy.grows_with_given,
        policy.growth_cap,
        policy.fund_overdraft,
        policy.updated_by,
    ) == (480, 90, True, 1200, 0, alice)
    assert "Your limit 8 h below zero" in text(client_for(bob).get(BALANCE))
    assert "8 hours, growing with the hours you give, up to 20 hours." in text(client_for(bob).get(BALANCE))
    form = alice_client.get(fund_url("limits", community)).context["form"]
    assert str(form["warning_threshold"].value()) == "1.5"


def test_a_cap_below_the_limit_is_raised_when_the_limit_does_not_grow(
    alice_client: Client, community: Community
) -> None:
    alice_client.post(
        fund_url("limits", community), limits_data(member_overdraft="10", growth_cap="4", grows_with_given="omit")
    )
    policy = LimitPolicy.objects.get(community=community)
    assert (policy.member_overdraft, policy.grows_with_given, policy.growth_cap) == (600, False, 600)


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"member_overdraft": "2.1"}, "Hours go in quarter hours"),
        ({"member_overdraft": "-1"}, "Enter at least 0 hours."),
        ({"member_overdraft": "51"}, "Enter at most 50 hours."),
        ({"warning_threshold": "26"}, "Enter at most 25 hours."),
        ({"fund_overdraft": "50.25"}, "Enter at most 50 hours."),
        ({"growth_cap": "4"}, "The largest limit must be at least the limit members start with (8 hours)."),
        ({"fund_overdraft": ""}, "Enter the number of hours."),
    ],
)
def test_refused_limits_say_why_and_change_nothing(
    alice_client: Client, community: Community, overrides: dict[str, str], message: str
) -> None:
    response = alice_client.post(fund_url("limits", community), limits_data(**overrides))
    assert response.status_code == 200
    assert message in text(response)
    assert not LimitPolicy.objects.exists()


def test_members_and_outsiders_cannot_set_limits(
    bob_client: Client, charlie_client: Client, community: Community
) -> None:
    for client in (bob_client, charlie_client):
        assert client.post(fund_url("limits", community), limits_data()).status_code == 403
    assert not LimitPolicy.objects.exists()


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
