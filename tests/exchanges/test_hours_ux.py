"""Hours as members meet them (issue 10): read back as typed, changed before anyone confirms, shown as they moved."""

import re
from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.models import Community
from exchanges.models import Exchange, ExchangeEvent, ExchangeRecipient
from ledger.models import Transfer
from notifications.kinds import Kind
from notifications.models import Notification
from tests.exchanges.test_life_cycle import act, propose_from
from tests.factories import ListingFactory, MembershipFactory, UserFactory
from tests.support.clients import client_for
from tests.support.ledger import balance

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed(alice: User, alice_client: Client, bob: User, bob_client: Client, community: Community) -> Exchange:
    """alice gives bob an agreed hour."""
    listing = ListingFactory(author=bob, scope=community, kind="request", title="Help with run charts")
    exchange = propose_from(alice_client, listing.pk, hours="1")
    act(bob_client, exchange, "accept")
    exchange.refresh_from_db()
    return exchange


@pytest.fixture
def recorded(agreed: Exchange, alice_client: Client) -> Exchange:
    act(alice_client, agreed, "record", hours="1:30")
    agreed.refresh_from_db()
    return agreed


def field_value(html: str, name: str) -> str:
    match = re.search(rf'<input[^>]*name="{name}"[^>]*>', html)
    assert match, f"no {name} box"
    value = re.search(r'value="([^"]*)"', match.group(0))
    return value.group(1) if value else ""


# --- the hours read back ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("typed", "shown"),
    [
        ("1:30", "That is 1 h 30 min."),
        ("1h 30m", "That is 1 h 30 min."),
        ("90 min", "That is 1 h 30 min."),
        ("1.5", "That is 1 h 30 min."),
        ("1,5", "That is 1 h 30 min."),
        ("0:45", "That is 45 min."),
        ("abc", "Enter the hours like 1.5 or 1:30."),
        ("-1", "Hours cannot be below zero."),
        ("", ""),
    ],
)
def test_the_hint_says_what_was_understood(client: Client, typed: str, shown: str) -> None:
    response = client.get(reverse("hours_hint"), {"hours": typed}, headers={"HX-Request": "true"})
    assert (response.status_code, response.content.decode()) == (200, shown)


def test_the_hint_escapes_what_it_repeats_and_reads_any_field_name(client: Client) -> None:
    assert client.get(reverse("hours_hint"), {"member_overdraft": "2h"}).content.decode() == "That is 2 h."
    assert client.get(reverse("hours_hint"), {"hours": "<b>1</b>"}).content.decode() == (
        "Enter the hours like 1.5 or 1:30."
    )


def test_every_hours_box_asks_for_the_hint_without_inline_script(
    agreed: Exchange, alice_client: Client, community: Community
) -> None:
    pages = [
        agreed.get_absolute_url(),
        reverse("ledger:donate"),
        reverse("ledger:grant", kwargs={"slug": community.slug}),
        reverse("ledger:limits", kwargs={"slug": community.slug}),
        reverse("exchanges:broker", kwargs={"slug": community.slug}),
        reverse("listings:create"),
    ]
    for url in pages:
        html = alice_client.get(url).content.decode()
        boxes = re.findall(r'<input[^>]*hx-get="/hours/understood/"[^>]*>', html)
        assert boxes, url
        assert all('hx-trigger="input changed delay:300ms, change"' in box for box in boxes), url
        assert html.count('class="nhsuk-hint hx-hours-understood"') == len(boxes), url
        assert 'aria-live="polite"' in html
        assert "onkeyup" not in html
        assert "hx-on" not in html


def test_record_box_starts_at_the_agreed_hours_written_plainly(agreed: Exchange, alice_client: Client) -> None:
    html = alice_client.get(agreed.get_absolute_url()).content.decode()
    assert field_value(html, "hours") == "1"  # not "1.0"
    assert "That is 1 h." in html


def test_a_refused_record_keeps_what_was_typed_and_says_what_it_means(agreed: Exchange, alice_client: Client) -> None:
    url = reverse("exchanges:act", kwargs={"exchange_id": agreed.pk, "action": "record"})
    html = alice_client.post(url, {"version": agreed.version, "hours": "4:30"}).content.decode()
    assert field_value(html, "hours") == "4:30"
    assert "That is 4 h 30 min." in html
    assert "These hours differ a lot from the 1 h agreed" in html
    agreed.refresh_from_db()
    assert (agreed.state, agreed.recorded_minutes) == ("agreed", None)


def test_the_messages_say_the_hours_as_understood(agreed: Exchange, alice_client: Client) -> None:
    assert "You recorded 1 h 30 min." in act(alice_client, agreed, "record", hours="1:30")


# --- changing the hours before anyone confirms --------------------------------------------------------


def test_the_recorder_changes_the_hours_and_the_other_side_is_told(
    recorded: Exchange, alice_client: Client, bob: User, bob_client: Client
) -> None:
    assert "Change the hours" in alice_client.get(recorded.get_absolute_url()).content.decode()
    assert "Change the hours" not in bob_client.get(recorded.get_absolute_url()).content.decode()
    old_deadline = recorded.confirm_deadline
    assert old_deadline is not None
    Exchange.objects.filter(pk=recorded.pk).update(confirm_deadline=old_deadline - timedelta(days=5))
    told_before = Notification.objects.filter(recipient=bob, kind=Kind.EXCHANGE_RECORDED).count()

    page = act(alice_client, recorded, "amend", **{"amend-hours": "1:15", "amend-version": recorded.version + 0})
    assert "You changed the hours to 1 h 15 min." in page

    recorded.refresh_from_db()
    assert (recorded.state, recorded.recorded_minutes) == ("completed", 75)
    assert recorded.confirm_deadline is not None
    assert recorded.confirm_deadline > timezone.now() + timedelta(days=13)
    assert set(recorded.recipients.values_list("minutes", flat=True)) == {75}
    event = recorded.events.last()
    assert event is not None
    assert (event.kind, event.note, event.minutes, event.actor) == (
        ExchangeEvent.Kind.AMENDED,
        "changed the hours from 1 h 30 min to 1 h 15 min",
        75,
        recorded.provider,
    )
    notices = Notification.objects.filter(recipient=bob, kind=Kind.EXCHANGE_RECORDED).order_by("pk")
    assert notices.count() == told_before + 1
    latest = notices.last()
    assert latest is not None
    assert "changed the hours of “Run chart coaching” from 1 h 30 min to 1 h 15 min" in latest.title
    html = bob_client.get(recorded.get_absolute_url()).content.decode()
    assert "changed the hours from 1 h 30 min to 1 h 15 min" in html
    assert "Confirming moves 1 h 15 min of credit" in html
    assert "Confirmed: the hours have moved." in act(bob_client, recorded, "confirm")
    assert balance(bob) == -75


def test_changing_to_far_hours_needs_the_box_ticked_and_then_never_confirms_itself(
    recorded: Exchange, alice_client: Client
) -> None:
    page = act(alice_client, recorded, "amend", **{"amend-hours": "5", "amend-version": recorded.version})
    assert "These hours differ a lot from the 1 h agreed" in page
    recorded.refresh_from_db()
    assert recorded.recorded_minutes == 90
    act(
        alice_client, recorded, "amend", **{"amend-hours": "5", "amend-version": recorded.version, "amend-far_ok": "on"}
    )
    recorded.refresh_from_db()
    assert (recorded.recorded_minutes, recorded.confirm_deadline) == (300, None)


@pytest.mark.parametrize("answer", ["confirm", "dispute"])
def test_no_change_after_the_other_side_answered(
    recorded: Exchange, alice_client: Client, bob_client: Client, answer: str
) -> None:
    act(bob_client, recorded, answer, reason="It was an hour")
    recorded.refresh_from_db()
    before = (recorded.state, recorded.recorded_minutes, recorded.version, Transfer.objects.count())
    assert "Change the hours" not in alice_client.get(recorded.get_absolute_url()).content.decode()
    page = act(alice_client, recorded, "amend", **{"amend-hours": "1", "amend-version": recorded.version})
    assert "The hours can no longer be changed: the other side has already confirmed or disputed them." in page
    recorded.refresh_from_db()
    assert (recorded.state, recorded.recorded_minutes, recorded.version, Transfer.objects.count()) == before


def test_only_the_recorder_changes_the_hours(recorded: Exchange, bob_client: Client, charlie_client: Client) -> None:
    page = act(bob_client, recorded, "amend", **{"amend-hours": "1", "amend-version": recorded.version})
    assert "Only the person who recorded the hours can change them." in page
    assert act(charlie_client, recorded, "amend", **{"amend-hours": "1", "amend-version": recorded.version}) != ""
    recorded.refresh_from_db()
    assert recorded.recorded_minutes == 90
    assert not recorded.events.filter(kind=ExchangeEvent.Kind.AMENDED).exists()


def test_a_stale_change_changes_nothing(recorded: Exchange, alice_client: Client) -> None:
    page = act(alice_client, recorded, "amend", **{"amend-hours": "1", "amend-version": recorded.version - 1})
    assert "This exchange changed since you opened the page." in page
    recorded.refresh_from_db()
    assert recorded.recorded_minutes == 90


def test_a_group_exchange_with_one_confirmation_cannot_change(
    alice: User, alice_client: Client, bob: User, community: Community
) -> None:
    from exchanges import actions

    dan = UserFactory(profile__display_name="Dan")
    MembershipFactory(member=dan, community=community)
    exchange = actions.do_propose(
        proposer=alice,
        provider=alice,
        recipients=[bob, dan],
        community=community,
        title="Workshop",
        minutes=60,
        window="Friday",
    )
    actions.do_accept(member=bob, exchange=exchange)
    exchange = actions.do_record_hours(member=alice, exchange=exchange, minutes=60)
    actions.do_confirm(member=bob, exchange=exchange)
    exchange.refresh_from_db()
    assert exchange.state == "completed"
    page = act(alice_client, exchange, "amend", **{"amend-hours": "2", "amend-version": exchange.version})
    assert "The hours can no longer be changed" in page
    assert ExchangeRecipient.objects.get(exchange=exchange, recipient=dan).minutes == 60


# --- the hours that moved after a dispute ------------------------------------------------------------------


def test_a_resolved_dispute_shows_the_hours_that_moved(
    recorded: Exchange, alice: User, bob_client: Client, community: Community
) -> None:
    coordinator = UserFactory(profile__display_name="Cora")
    MembershipFactory(member=coordinator, community=community, role="coordinator")
    act(bob_client, recorded, "dispute", reason="It was 1 h 15 min")
    page = act(client_for(coordinator), recorded, "resolve", decision="change", hours="1:15", reason="Checked")
    assert "You confirmed 1 h 15 min." in page
    detail = bob_client.get(recorded.get_absolute_url()).content.decode()
    assert re.search(r"Hours that moved</dt><dd[^>]*>1 h 15 min", detail)
    assert "confirmed different hours: Checked" in detail
    listing = bob_client.get(reverse("exchanges:index")).content.decode()
    assert "· 1 h 15 min" in listing
    assert "· 1 h 30 min" not in listing


# --- one specific message for each empty field ------------------------------------------------------------


def test_an_empty_resolve_says_what_each_field_needs_once(
    recorded: Exchange, bob_client: Client, community: Community
) -> None:
    coordinator = UserFactory(profile__display_name="Cora")
    MembershipFactory(member=coordinator, community=community, role="coordinator")
    act(bob_client, recorded, "dispute", reason="It was an hour")
    recorded.refresh_from_db()
    url = reverse("exchanges:act", kwargs={"exchange_id": recorded.pk, "action": "resolve"})
    html = client_for(coordinator).post(url, {"version": recorded.version}).content.decode()
    assert html.count("There is a problem") == 1
    assert "This field is required." not in html
    assert "Choose a decision: confirm the recorded hours, confirm different hours, or cancel." in html
    assert "Give a reason: both sides will see it." in html
    recorded.refresh_from_db()
    assert recorded.state == "disputed"


def test_an_empty_dispute_shows_its_error_with_the_form_open(recorded: Exchange, bob_client: Client) -> None:
    url = reverse("exchanges:act", kwargs={"exchange_id": recorded.pk, "action": "dispute"})
    html = bob_client.post(url, {"version": recorded.version, "reason": ""}).content.decode()
    assert re.search(r'<details class="nhsuk-details" open>\s*<summary[^>]*><span[^>]*>Something is wrong', html)
    assert html.count("Say what is wrong with the recorded hours, for the coordinators.") == 2  # summary and field
    assert html.count("There is a problem") == 1
    recorded.refresh_from_db()
    assert recorded.state == "completed"


def test_an_empty_proposal_says_what_each_field_needs(alice_client: Client, bob: User, community: Community) -> None:
    listing = ListingFactory(author=bob, scope=community, kind="request", title="Help")
    url = reverse("exchanges:propose") + f"?listing={listing.pk}"
    html = alice_client.post(url, {"title": "", "hours": "", "window": ""}).content.decode()
    assert "This field is required." not in html
    for message in (
        "Say what the work is, for example ‘Coaching on run charts’.",
        "Enter the hours you agree on, like 1.5 or 1:30.",
        "Say when, even roughly, for example ‘any Tuesday in March’.",
    ):
        assert message in html
    assert not Exchange.objects.exists()


def test_a_reminder_planned_before_the_change_is_not_sent(
    recorded: Exchange, alice_client: Client, bob: User, django_capture_on_commit_callbacks
) -> None:
    from exchanges import tasks

    first_deadline = recorded.confirm_deadline
    assert first_deadline is not None
    with django_capture_on_commit_callbacks(execute=True):
        act(alice_client, recorded, "amend", **{"amend-hours": "1:15", "amend-version": recorded.version})
    tasks.remind_before_auto_confirm.call(recorded.pk, first_deadline.isoformat())
    recorded.refresh_from_db()
    assert recorded.reminder_sent_at is None
    assert not Notification.objects.filter(recipient=bob, kind=Kind.AUTO_CONFIRM_SOON).exists()
    assert recorded.confirm_deadline is not None
    tasks.remind_before_auto_confirm.call(recorded.pk, recorded.confirm_deadline.isoformat())
    recorded.refresh_from_db()
    assert recorded.reminder_sent_at is not None
