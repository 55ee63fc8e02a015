# ruff: noqa: RUF001  # digits of other scripts are the point of these tests
"""hexitime.parsing: ids and hours as members and browsers send them, and the crashes they used to cause.

The HTTP tests at the end each send one input that used to end in a server error (issue 9,
finding 8): digits that `str.isdigit()` accepts but `int()` refuses, ids above 64 bits, hours
such as 1e309 or 29 digits, and two campaigns with the same name made at once.
"""

import threading
import uuid
from datetime import timedelta
from typing import Any

import pytest
from django.db import connection, connections
from django.db.models.signals import pre_save
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from communities.models import Community
from conversations.models import Message
from exchanges.models import Exchange
from hexitime.durations import duration
from hexitime.parsing import MAX_ID, HoursError, parse_hours, parse_id, parse_position
from ledger.forms import hours_of
from ledger.models import LimitPolicy
from listings.models import Campaign, Listing
from skills.models import Skill
from tests.conversations.factories import send
from tests.factories import ListingFactory
from tests.ledger.helpers import fund_url, grant, limits_data
from tests.support.clients import client_for
from tests.support.ledger import ledger_state
from tests.support.pages import text

ODD_DIGITS = ["²", "٣", "１", "৪", "1²", "²1"]
HUGE_ID = "99999999999999999999"  # 20 digits: above 2**63 - 1
BAD_HOURS = ["1e309", "9" * 29, "1E5", "NaN", "nan", "inf", "-inf", "Infinity", "²", "１", "1\x00", "0x10"]


# --- parse_id --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("1", 1),
        ("42", 42),
        (" 42 ", 42),
        ("007", 7),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (HUGE_ID, None),
        ("0", None),
        ("-1", None),
        ("+1", None),
        ("1.0", None),
        ("1e3", None),
        ("", None),
        ("  ", None),
        ("1 2", None),
        ("1\x00", None),
        (None, None),
        *[(odd, None) for odd in ODD_DIGITS],
    ],
)
def test_parse_id(text: str | None, expected: int | None) -> None:
    assert parse_id(text) == expected


def test_parse_position_allows_zero_for_before_the_first() -> None:
    assert parse_position("0") == 0
    assert parse_position("12") == 12
    assert parse_position("²") is None
    assert parse_position(HUGE_ID) is None
    assert parse_position(None) is None


@given(st.text())
def test_parse_id_never_raises_and_stays_in_range(text: str) -> None:
    number = parse_id(text)
    assert number is None or 1 <= number <= MAX_ID


@given(st.integers(min_value=1, max_value=MAX_ID))
def test_parse_id_reads_back_every_id(number: int) -> None:
    assert parse_id(str(number)) == number
    assert parse_id(f" {number}\n") == number


@given(st.integers(min_value=MAX_ID + 1) | st.integers(max_value=0))
def test_parse_id_refuses_every_number_out_of_range(number: int) -> None:
    assert parse_id(str(number)) is None


# --- parse_hours -----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "minutes"),
    [
        ("1.5", 90),
        ("1,5", 90),
        ("1:30", 90),
        ("0:45", 45),
        ("1h 30m", 90),
        ("1h30", 90),
        ("1 h 30 min", 90),
        ("1 hour 30 minutes", 90),
        ("1 hour and 30 minutes", 90),
        ("90 min", 90),
        ("90m", 90),
        ("90 mins", 90),
        ("2h", 120),
        ("2 hrs", 120),
        ("1.5 hours", 90),
        ("45 minutes", 45),
        ("1 hour", 60),
        ("1H 30M", 90),
        ("  2  ", 120),
        (".5", 30),
        ("1.", 60),
        ("0", 0),
        ("0.25", 15),
        ("100", 6000),
        ("1.50", 90),
        ("0.1", 6),
    ],
)
def test_parse_hours_reads_what_people_type(text: str, minutes: int) -> None:
    assert parse_hours(text) == minutes


@pytest.mark.parametrize(
    ("text", "code", "message"),
    [
        ("", "required", "Enter the number of hours."),
        ("   ", "required", "Enter the number of hours."),
        ("lots", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("1e309", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("1E5", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("NaN", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("inf", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("-inf", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("²", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("１", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("1\x00", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("1\t30", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("1:5", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("1:60", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("1.5.5", "invalid", "Enter the hours like 1.5 or 1:30."),
        ("1,000", "invalid", "Enter the hours like 1.5 or 1:30."),  # a thousand, or one? Ask again.
        ("x" * 41, "invalid", "Enter the hours like 1.5 or 1:30."),
        ("9" * 29, "too_large", "That is far more hours than anyone can give."),
        ("9999999", "too_large", "That is far more hours than anyone can give."),
        ("999999999 min", "too_large", "That is far more hours than anyone can give."),
        ("-1", "negative", "Hours cannot be below zero."),
        ("\u22121.5", "negative", "Hours cannot be below zero."),
        ("0.125", "fraction", "Enter the hours to the nearest minute, like 1.5 or 1:30."),
        ("0.0000001", "invalid", "Enter the hours like 1.5 or 1:30."),
    ],
)
def test_parse_hours_refuses_with_a_message(text: str, code: str, message: str) -> None:
    with pytest.raises(HoursError) as caught:
        parse_hours(text)
    assert caught.value.code == code
    assert str(caught.value) == message
    assert isinstance(caught.value, ValueError)


def test_a_thousand_with_a_comma_is_read_as_a_decimal_comma() -> None:
    """ "1,000" is refused above, but "1,25" (a European decimal comma) is an hour and a quarter."""
    assert parse_hours("1,25") == 75
    assert parse_hours("1.000") == 60


quarter_hours = st.integers(min_value=0, max_value=1000 * 4).map(lambda quarters: quarters * 15)


@given(quarter_hours)
def test_hours_round_trip_through_every_way_they_are_shown(minutes: int) -> None:
    assert parse_hours(duration(minutes)) == minutes  # "1 h 30 min", as pages show them
    assert parse_hours(str(hours_of(minutes))) == minutes  # "1.5", as forms fill them in
    assert parse_hours(str(hours_of(minutes)).replace(".", ",")) == minutes
    assert parse_hours(f"{minutes // 60}:{minutes % 60:02d}") == minutes


def parses_or_says_why(text: str) -> None:
    try:
        minutes = parse_hours(text)
    except HoursError as error:
        message = str(error)
        assert message.startswith(("Enter", "Hours", "That"))
    else:
        assert isinstance(minutes, int)
        assert 0 <= minutes < 10**9


@given(st.text(max_size=60))
def test_parse_hours_raises_nothing_but_its_own_error(text: str) -> None:
    parses_or_says_why(text)


@given(
    st.text(
        alphabet=st.sampled_from("0123456789.,:hminutesor -\u2212²١１e+\x00\x1f NaNinf"),
        max_size=30,
    )
)
def test_parse_hours_on_hour_like_junk(text: str) -> None:
    parses_or_says_why(text)


# --- crashes found by the probe, through the HTTP client -------------------------------------------


@pytest.fixture
def listing(alice: User, community: Community) -> Listing:
    return ListingFactory(author=alice, scope=community, kind="offer", title="Run chart coaching")


@pytest.mark.parametrize("value", [*ODD_DIGITS, HUGE_ID])
def test_odd_digits_and_huge_ids_in_proposal_links_are_not_found(
    bob_client: Client, listing: Listing, value: str
) -> None:
    for parameter in ("listing", "member"):
        response = bob_client.get(reverse("exchanges:propose"), {parameter: value})
        assert response.status_code == 404
    assert not Exchange.objects.exists()


@pytest.mark.parametrize("value", [*ODD_DIGITS, HUGE_ID])
def test_odd_digits_and_huge_ids_in_message_links_are_not_found(
    bob_client: Client, listing: Listing, value: str
) -> None:
    for parameter in ("listing", "member"):
        response = bob_client.get(reverse("conversations:start"), {parameter: value})
        assert response.status_code == 404
    assert not Message.objects.exists()


@pytest.mark.parametrize("value", [*ODD_DIGITS, HUGE_ID])
def test_odd_digits_and_huge_ids_in_a_thread_are_ignored(alice: User, bob: User, value: str) -> None:
    message = send(bob, alice, "Hello Alice")
    client = client_for(alice)
    thread = reverse("conversations:thread", kwargs={"conversation_id": message.conversation_id})
    response = client.get(thread, {"before": value})
    assert response.status_code == 200
    assert "Hello Alice" in response.content.decode()
    poll = reverse("conversations:poll", kwargs={"conversation_id": message.conversation_id})
    assert client.get(poll, {"after": value}).status_code == 400
    assert client.get(poll, {"after": "0"}).status_code == 200


@pytest.mark.parametrize("path", ["/members/{}/", "/listings/{}/", "/exchanges/{}/", "/messages/{}/"])
def test_ids_above_64_bits_in_paths_are_not_found(alice_client: Client, path: str) -> None:
    for number in (HUGE_ID, str(MAX_ID + 1), "9" * 40):
        assert alice_client.get(path.format(number)).status_code == 404
    assert alice_client.get(path.format(MAX_ID)).status_code == 404  # in range, but no such row


@pytest.mark.parametrize("value", [*ODD_DIGITS, HUGE_ID, "0", "-1", "x"])
def test_odd_donation_recipients_get_a_message(bob_client: Client, alice: User, value: str) -> None:
    before = ledger_state()
    for kind in ("member", "fund"):
        response = bob_client.post(
            reverse("ledger:donate"),
            {"recipient": f"{kind}:{value}", "hours": "1", "idempotency_key": str(uuid.uuid4())},
        )
        assert response.status_code == 200
        assert "Choose a member or a community fund from the list." in text(response)
    assert ledger_state() == before


@pytest.mark.parametrize("value", [HUGE_ID, *ODD_DIGITS])
def test_odd_skill_ids_get_a_message(alice_client: Client, alice: User, community: Community, value: str) -> None:
    skill = Skill.objects.first()
    assert skill is not None
    profile_before = alice.profile.skills.count()
    response = alice_client.post(
        reverse("accounts:profile_edit"),
        {"display_name": "Alice Adams", "role": "qi_lead", "skills": [str(skill.pk), value]},
    )
    assert response.status_code == 200
    assert alice.profile.skills.count() == profile_before
    response = alice_client.post(reverse("listings:create"), {"title": "Help", "skills": [value], "hours": "1"})
    assert response.status_code == 200
    assert not Listing.objects.exists()


def hours_forms(alice: User, bob: User, community: Community) -> dict[str, Any]:
    """Every form with hours: who sends it, where, the other fields, and what must stay unchanged."""
    listing = ListingFactory(author=bob, scope=community, kind="request", title="Help with run charts")
    alice_client, bob_client = client_for(alice), client_for(bob)
    proposed = alice_client.post(
        reverse("exchanges:propose") + f"?listing={listing.pk}",
        {"title": "Charts", "hours": "1", "window": "soon", "idempotency_key": str(uuid.uuid4())},
    )
    assert proposed.status_code == 302
    exchange = Exchange.objects.get()
    exchange_url = reverse("exchanges:act", kwargs={"exchange_id": exchange.pk, "action": "accept"})
    assert bob_client.post(exchange_url, {"version": exchange.version}).status_code == 302
    exchange.refresh_from_db()
    key = str(uuid.uuid4())
    return {
        "donate": (bob_client, reverse("ledger:donate"), {"recipient": f"member:{alice.pk}", "idempotency_key": key}),
        "grant": (
            alice_client,
            fund_url("grant", community),
            {"member": bob.pk, "reason": "x", "idempotency_key": key},
        ),
        "propose": (
            alice_client,
            reverse("exchanges:propose") + f"?listing={listing.pk}",
            {"title": "Charts", "window": "soon", "idempotency_key": key},
        ),
        "record": (
            alice_client,
            reverse("exchanges:act", kwargs={"exchange_id": exchange.pk, "action": "record"}),
            {"version": exchange.version},
        ),
        "listing": (
            alice_client,
            reverse("listings:create"),
            {"kind": "offer", "title": "x", "description": "x", "improvement": "x", "scope": community.pk},
        ),
        **{
            f"limits-{name}": (alice_client, fund_url("limits", community), limits_data(**{name: "omit"}))
            for name in ("member_overdraft", "warning_threshold", "growth_cap", "fund_overdraft")
        },
    }


def state() -> tuple[Any, ...]:
    return (
        ledger_state(),
        list(Exchange.objects.values_list("pk", "state", "version")),
        Listing.objects.count(),
        list(LimitPolicy.objects.values_list("pk", "member_overdraft", "fund_overdraft")),
    )


@pytest.mark.parametrize("hours", BAD_HOURS)
def test_impossible_hours_get_a_message_on_every_hours_field(
    alice: User, bob: User, community: Community, hours: str
) -> None:
    forms = hours_forms(alice, bob, community)
    before = state()
    for name, (client, url, data) in forms.items():
        field = name.removeprefix("limits-") if name.startswith("limits-") else "hours"
        response = client.post(url, {**data, field: hours}, follow=True)
        assert response.status_code == 200, name
        page = text(response)
        assert "Enter the hours like 1.5 or 1:30." in page or "Enter at most" in page or "at most 100" in page, name
    assert state() == before


def test_hours_fields_take_what_people_type(alice: User, bob: User, community: Community) -> None:
    forms = hours_forms(alice, bob, community)
    client, url, data = forms["donate"]
    response = client.post(url, {**data, "hours": "1:30"})
    assert response.status_code == 302
    assert text(client.get(reverse("ledger:balance"))).count("1 h 30 min") >= 1
    client, url, data = forms["record"]
    assert client.post(url, {**data, "hours": "1h 15m"}).status_code == 302
    exchange = Exchange.objects.get()
    assert (exchange.state, exchange.recorded_minutes) == ("completed", 75)
    response = grant(client_for(alice), community, bob, "0:45")
    assert "Enter at most" not in text(response)
    page = client_for(bob).get(reverse("ledger:donate")).content.decode()
    assert 'inputmode="decimal"' in page
    assert 'type="number"' not in page
    assert "Like 1.5 or 1:30." in page


def test_listing_hours_take_what_people_type(alice_client: Client, community: Community) -> None:
    skill = Skill.objects.first()
    assert skill is not None
    response = alice_client.post(
        reverse("listings:create"),
        {
            "kind": "offer",
            "title": "Run chart coaching",
            "description": "An hour and a half on run charts.",
            "improvement": "Fewer falls",
            "skills": [skill.pk],
            "scope": community.pk,
            "mode": "remote",
            "hours": "1h 30m",
            "expires_on": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert response.status_code == 302, text(response)
    assert Listing.objects.get().estimated_minutes == 90


# --- two campaigns with the same name at once ------------------------------------------------------


def campaign_data(name: str = "Green NHS") -> dict[str, str]:
    today = timezone.localdate()
    return {"name": name, "description": "", "starts_on": today.isoformat(), "ends_on": str(today + timedelta(days=30))}


@pytest.mark.django_db(transaction=True)
def test_two_campaigns_with_one_name_at_once_both_get_made(alice: User, community: Community) -> None:
    """Two coordinators submit the same name at the same moment: both choose the free slug, then
    meet at the insert. One waits for the other's commit, breaks the unique slug, and retries."""
    if connection.vendor != "postgresql":
        pytest.skip("two real connections at once need PostgreSQL (SQLite serialises every writer)")
    url = reverse("listings:campaign_create", kwargs={"slug": community.slug})
    both_chose = threading.Barrier(2, timeout=10)
    first_insert = threading.local()

    def wait_for_the_other(sender: type, instance: Campaign, **kwargs: Any) -> None:
        if not getattr(first_insert, "done", False):
            first_insert.done = True
            both_chose.wait()

    results: list[Any] = []

    def submit() -> None:
        try:
            results.append(client_for(alice).post(url, campaign_data()).status_code)
        except Exception as error:  # a 500 in the client: what this test guards against
            results.append(error)
        finally:
            connections.close_all()

    pre_save.connect(wait_for_the_other, sender=Campaign)
    try:
        threads = [threading.Thread(target=submit) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    finally:
        pre_save.disconnect(wait_for_the_other, sender=Campaign)
    assert results == [302, 302]
    assert sorted(Campaign.objects.values_list("slug", flat=True)) == ["green-nhs", "green-nhs-2"]


def test_a_slug_taken_between_choice_and_insert_is_retried(
    alice_client: Client, community: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The same race on one connection: another campaign takes the slug just before the insert."""
    from listings import actions

    choose = actions._free_campaign_slug
    taken: list[str] = []

    def choose_then_lose_it(base: str) -> str:
        slug = choose(base)
        if not taken:
            today = timezone.localdate()
            Campaign.objects.create(community=community, name="Green NHS", slug=slug, starts_on=today, ends_on=today)
            taken.append(slug)
        return slug

    monkeypatch.setattr(actions, "_free_campaign_slug", choose_then_lose_it)
    url = reverse("listings:campaign_create", kwargs={"slug": community.slug})
    response = alice_client.post(url, campaign_data())
    assert response.status_code == 302
    assert sorted(Campaign.objects.values_list("slug", flat=True)) == ["green-nhs", "green-nhs-2"]


def test_a_slug_lost_every_time_gets_a_form_error(
    alice_client: Client, community: Community, monkeypatch: pytest.MonkeyPatch
) -> None:
    from listings import actions

    def always_taken(base: str) -> str:
        today = timezone.localdate()
        defaults = {"community": community, "name": "x", "starts_on": today, "ends_on": today}
        Campaign.objects.get_or_create(slug=base, defaults=defaults)
        return base

    monkeypatch.setattr(actions, "_free_campaign_slug", always_taken)
    response = alice_client.post(reverse("listings:campaign_create", kwargs={"slug": community.slug}), campaign_data())
    assert response.status_code == 200
    assert "Another campaign with this name was created at the same moment. Try again." in text(response)
    assert not Campaign.objects.exists()  # the whole attempt is rolled back
