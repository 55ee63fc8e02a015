"""The exchange life cycle through the HTTP client: propose, accept, record, confirm, and every refusal."""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.models import Community
from exchanges.models import Exchange, ExchangeEvent, ExchangeRecipient
from ledger.models import LimitPolicy, Transfer
from ledger.verification import verify
from notifications.kinds import Kind
from notifications.models import Notification
from tests.factories import ListingFactory, MembershipFactory, UserFactory
from tests.support.clients import client_for
from tests.support.ledger import balance

pytestmark = pytest.mark.django_db


def act(client: Client, exchange: Exchange, action: str, **data: object) -> str:
    exchange.refresh_from_db()
    payload = {"version": exchange.version, **data}
    url = reverse("exchanges:act", kwargs={"exchange_id": exchange.pk, "action": action})
    return client.post(url, payload, follow=True).content.decode()


@pytest.fixture
def request_listing(bob: User, community: Community):
    return ListingFactory(
        author=bob, scope=community, kind="request", title="Help with run charts", estimated_minutes=90
    )


def propose_from(client: Client, listing_id: int, **data: object) -> Exchange:
    payload = {
        "title": "Run chart coaching",
        "hours": "1.5",
        "window": "Tuesday afternoon",
        "message": "Happy to!",
        "idempotency_key": str(uuid.uuid4()),
    }
    payload.update(data)  # type: ignore[arg-type]
    response = client.post(reverse("exchanges:propose") + f"?listing={listing_id}", payload)
    assert response.status_code == 302, response.content.decode()[:3000]
    return Exchange.objects.latest("pk")


def test_offer_to_help_accept_record_confirm(
    alice: User, alice_client: Client, bob: User, bob_client: Client, request_listing
) -> None:
    exchange = propose_from(alice_client, request_listing.pk)
    assert (exchange.provider, exchange.proposed_by, exchange.state) == (alice, alice, "proposed")
    assert exchange.recipients.get().recipient == bob
    assert "Only the other side can accept a proposal." in act(alice_client, exchange, "accept")
    assert "You accepted." in act(bob_client, exchange, "accept")
    assert "The hours are recorded." in act(alice_client, exchange, "record", hours="1.25")
    exchange.refresh_from_db()
    assert exchange.confirm_deadline is not None
    assert "Only the other side can confirm" in act(alice_client, exchange, "confirm")
    assert "Confirmed: the hours have moved." in act(bob_client, exchange, "confirm")
    exchange.refresh_from_db()
    assert exchange.state == Exchange.State.CONFIRMED
    assert (balance(alice), balance(bob)) == (75, -75)
    transfer = Transfer.objects.get()
    assert (transfer.kind, transfer.reference, transfer.caused_by) == ("exchange", f"exchange:{exchange.pk}", bob)
    kinds = list(exchange.events.values_list("kind", flat=True))
    assert kinds == ["proposed", "accepted", "recorded", "confirmed"]
    assert verify().ok


def test_ask_for_an_offer_makes_the_author_the_provider(
    alice: User, bob: User, bob_client: Client, community: Community
) -> None:
    offer = ListingFactory(author=alice, scope=community, kind="offer", title="SPC clinic")
    exchange = propose_from(bob_client, offer.pk, role="give")  # the role is fixed by the listing
    assert exchange.provider == alice
    assert exchange.recipients.get().recipient == bob


def test_proposal_from_a_profile(alice: User, alice_client: Client, bob: User) -> None:
    url = reverse("exchanges:propose") + f"?member={bob.pk}"
    data = {"role": "receive", "title": "Survey review", "hours": "2", "window": "May", "idempotency_key": uuid.uuid4()}
    response = alice_client.post(url, data)
    assert response.status_code == 302
    exchange = Exchange.objects.get()
    assert (exchange.provider, exchange.recipients.get().recipient) == (bob, alice)


def test_outsiders_cannot_propose_or_see(alice: User, charlie: User, charlie_client: Client, request_listing) -> None:
    assert charlie_client.get(reverse("exchanges:propose") + f"?listing={request_listing.pk}").status_code == 404
    assert charlie_client.get(reverse("exchanges:propose") + f"?member={alice.pk}").status_code == 404
    exchange = propose_from(client_for(alice), request_listing.pk)
    assert charlie_client.get(exchange.get_absolute_url()).status_code == 404
    url = reverse("exchanges:act", kwargs={"exchange_id": exchange.pk, "action": "accept"})
    assert charlie_client.post(url, {"version": 1}).status_code == 404
    exchange.refresh_from_db()
    assert exchange.state == "proposed"


def test_own_listing_and_closed_listing_cannot_be_answered(
    alice_client: Client, bob_client: Client, request_listing
) -> None:
    assert bob_client.get(reverse("exchanges:propose") + f"?listing={request_listing.pk}").status_code == 404
    request_listing.status = "closed"
    request_listing.save()
    assert alice_client.get(reverse("exchanges:propose") + f"?listing={request_listing.pk}").status_code == 404


@pytest.mark.parametrize(
    ("hours", "message"),
    [("0.3", "quarter hours"), ("100.25", "at most 100"), ("0", "at least 0.25"), ("many", "like 1.5")],
)
def test_bad_hours_are_refused_everywhere(
    alice_client: Client,
    bob_client: Client,
    request_listing,
    hours: str,
    message: str,
) -> None:
    response = alice_client.post(
        reverse("exchanges:propose") + f"?listing={request_listing.pk}",
        {"title": "x", "hours": hours, "window": "soon"},
    )
    assert message in response.content.decode()
    assert not Exchange.objects.exists()
    exchange = propose_from(alice_client, request_listing.pk)
    act(bob_client, exchange, "accept")
    assert message in act(alice_client, exchange, "record", hours=hours)
    exchange.refresh_from_db()
    assert exchange.state == "agreed"


def test_stale_forms_and_out_of_order_steps_change_nothing(
    alice_client: Client, bob_client: Client, request_listing
) -> None:
    exchange = propose_from(alice_client, request_listing.pk)
    url = reverse("exchanges:act", kwargs={"exchange_id": exchange.pk, "action": "accept"})
    stale = bob_client.post(url, {"version": exchange.version + 5}, follow=True).content.decode()
    assert "changed since you opened the page" in stale
    assert "cannot be done now" in act(bob_client, exchange, "confirm")
    assert "cannot be done now" in act(alice_client, exchange, "record", hours="1")
    exchange.refresh_from_db()
    assert exchange.state == "proposed"
    assert not Transfer.objects.exists()


def test_double_confirmation_posts_once(
    alice: User, alice_client: Client, bob: User, bob_client: Client, request_listing
) -> None:
    exchange = propose_from(alice_client, request_listing.pk)
    act(bob_client, exchange, "accept")
    act(alice_client, exchange, "record", hours="1")
    exchange.refresh_from_db()
    url = reverse("exchanges:act", kwargs={"exchange_id": exchange.pk, "action": "confirm"})
    bob_client.post(url, {"version": exchange.version})
    second = bob_client.post(url, {"version": exchange.version}, follow=True).content.decode()
    assert "changed since you opened the page" in second
    assert Transfer.objects.count() == 1
    assert (balance(alice), balance(bob)) == (60, -60)


def test_confirmation_over_the_limit_is_refused_clearly(
    alice: User, alice_client: Client, bob: User, bob_client: Client, community: Community, request_listing
) -> None:
    LimitPolicy.objects.create(community=community, member_overdraft=60)
    exchange = propose_from(alice_client, request_listing.pk)
    act(bob_client, exchange, "accept")
    act(alice_client, exchange, "record", hours="2")
    assert "below their limit of 1 hours below zero" in act(bob_client, exchange, "confirm")
    exchange.refresh_from_db()
    assert exchange.state == "completed"
    assert balance(bob) == 0


def test_decline_and_cancel(alice_client: Client, bob_client: Client, request_listing) -> None:
    first = propose_from(alice_client, request_listing.pk)
    assert "You declined" in act(bob_client, first, "decline", reason="Found help already")
    first.refresh_from_db()
    assert first.state == "declined"
    second = propose_from(alice_client, request_listing.pk)
    act(bob_client, second, "accept")
    assert "The exchange is cancelled." in act(alice_client, second, "cancel", reason="Off sick")
    assert "cannot be done now" in act(bob_client, second, "record", hours="1")


def test_dispute_goes_to_coordinators_who_change_the_hours(
    alice: User, alice_client: Client, bob: User, bob_client: Client, community: Community
) -> None:
    # carol provides to bob; alice coordinates the community and resolves.
    carol = UserFactory(profile__display_name="Carol")
    MembershipFactory(member=carol, community=community)
    offer = ListingFactory(author=carol, scope=community, kind="offer", title="Process mapping")
    exchange = propose_from(bob_client, offer.pk)
    carol_client = client_for(carol)
    act(carol_client, exchange, "accept")
    act(carol_client, exchange, "record", hours="3")
    assert "Say what is wrong" in act(bob_client, exchange, "dispute", reason="")
    assert "A coordinator will look at it." in act(bob_client, exchange, "dispute", reason="It was 2 hours")
    exchange.refresh_from_db()
    assert exchange.state == "disputed"
    disputes = alice_client.get(reverse("exchanges:disputes", kwargs={"slug": community.slug})).content.decode()
    assert "Run chart coaching" in disputes
    assert "Enter the hours to confirm instead, like 1.5 or 1:30." in act(
        alice_client, exchange, "resolve", decision="change", reason="Agreed on the phone"
    )
    assert "Give a reason" in act(alice_client, exchange, "resolve", decision="confirm", reason="")
    assert "The dispute is resolved." in act(
        alice_client, exchange, "resolve", decision="change", hours="2", reason="Agreed on the phone"
    )
    exchange.refresh_from_db()
    assert exchange.state == "confirmed"
    assert (balance(carol), balance(bob)) == (120, -120)
    page = bob_client.get(exchange.get_absolute_url()).content.decode()
    assert "confirmed different hours: Agreed on the phone" in page  # words, never the key "change: "
    assert "change:" not in page


def test_parties_cannot_resolve_their_own_dispute(
    alice: User, alice_client: Client, bob_client: Client, request_listing
) -> None:
    exchange = propose_from(alice_client, request_listing.pk)  # alice is a coordinator AND the provider
    act(bob_client, exchange, "accept")
    act(alice_client, exchange, "record", hours="1")
    act(bob_client, exchange, "dispute", reason="Not done")
    assert "Only coordinators of the communities involved" in act(
        alice_client, exchange, "resolve", decision="confirm", reason="Mine"
    )
    exchange.refresh_from_db()
    assert exchange.state == "disputed"


def test_group_exchange_each_recipient_confirms_and_pays(alice: User, bob: User, community: Community) -> None:
    from exchanges.actions import do_accept, do_confirm, do_propose, do_record_hours

    carol, dan = UserFactory(), UserFactory()
    for person in (carol, dan):
        MembershipFactory(member=person, community=community)
    exchange = do_propose(
        proposer=alice,
        provider=alice,
        recipients=[bob, carol, dan],
        community=community,
        title="Workshop",
        minutes=120,
        window="Friday",
    )
    assert exchange.is_group
    do_accept(member=bob, exchange=exchange)
    from exchanges import errors

    with pytest.raises(errors.NotAllowed, match="provider records"):
        do_record_hours(member=bob, exchange=exchange, minutes=120)
    do_record_hours(member=alice, exchange=exchange, minutes=120)
    do_confirm(member=bob, exchange=exchange)
    exchange.refresh_from_db()
    assert exchange.state == "completed"  # others still to confirm
    do_confirm(member=carol, exchange=exchange)
    do_confirm(member=dan, exchange=exchange)
    exchange.refresh_from_db()
    assert exchange.state == "confirmed"
    assert (balance(alice), balance(bob), balance(carol), balance(dan)) == (360, -120, -120, -120)


def test_silence_auto_confirms_after_the_deadline_with_a_reminder(
    alice: User,
    alice_client: Client,
    bob: User,
    bob_client: Client,
    request_listing,
    django_capture_on_commit_callbacks,
) -> None:
    from django_tasks_db.models import DBTaskResult

    exchange = propose_from(alice_client, request_listing.pk)
    act(bob_client, exchange, "accept")
    with django_capture_on_commit_callbacks(execute=True):
        act(alice_client, exchange, "record", hours="1")
    tasks = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert tasks == {
        "exchanges.tasks.auto_confirm_exchange",
        "exchanges.tasks.remind_before_auto_confirm",
        "notifications.tasks.send_email",  # bob is told the hours wait for him
    }
    exchange.refresh_from_db()
    assert exchange.confirm_deadline is not None
    assert abs((exchange.confirm_deadline - timezone.now()) - timedelta(days=14)) < timedelta(minutes=1)
    out = StringIO()
    call_command("confirm_due_exchanges", stdout=out)
    assert "Reminders sent: 0. Exchanges confirmed automatically: 0." in out.getvalue()
    Exchange.objects.filter(pk=exchange.pk).update(confirm_deadline=timezone.now() - timedelta(minutes=1))
    call_command("confirm_due_exchanges", stdout=out)
    assert "Reminders sent: 1. Exchanges confirmed automatically: 1." in out.getvalue()
    exchange.refresh_from_db()
    assert exchange.state == "confirmed"
    assert exchange.recipients.get().auto_confirmed
    assert (balance(alice), balance(bob)) == (60, -60)
    call_command("confirm_due_exchanges", stdout=StringIO())  # running again changes nothing
    assert Transfer.objects.count() == 1


def test_the_community_sets_the_auto_confirm_days(
    alice_client: Client, bob_client: Client, community: Community, request_listing
) -> None:
    Community.objects.filter(pk=community.pk).update(auto_confirm_days=3)
    exchange = propose_from(alice_client, request_listing.pk)
    act(bob_client, exchange, "accept")
    act(alice_client, exchange, "record", hours="1")
    exchange.refresh_from_db()
    assert exchange.confirm_deadline is not None
    assert (exchange.confirm_deadline - timezone.now()).days == 2  # 3 days less a few seconds


def test_coordinator_brokers_an_exchange_for_an_offline_member(
    alice: User, alice_client: Client, bob: User, bob_client: Client, community: Community
) -> None:
    """Carol agreed to be brokered: alice records it, nothing moves until bob confirms (he receives)."""
    carol = UserFactory(profile__display_name="Carol", profile__may_be_brokered=True)
    MembershipFactory(member=carol, community=community)
    url = reverse("exchanges:broker", kwargs={"slug": community.slug})
    data = {
        "provider": carol.pk,
        "recipient": bob.pk,
        "title": "Phone coaching",
        "hours": "1",
        "window": "Last week",
        "idempotency_key": str(uuid.uuid4()),
    }
    assert bob_client.post(url, data).status_code == 403
    same = alice_client.post(url, {**data, "recipient": carol.pk}).content.decode()
    assert "cannot exchange hours with themselves" in same
    response = alice_client.post(url, data)
    exchange = Exchange.objects.get()
    assert response["Location"] == exchange.get_absolute_url()
    assert (exchange.brokered_by, exchange.recorded_by, exchange.state) == (alice, alice, "completed")
    assert exchange.confirm_deadline is not None
    assert not Transfer.objects.exists()
    page = client_for(carol).get(exchange.get_absolute_url()).content.decode()
    assert "Recorded by a coordinator" in page
    assert "Confirmed: the hours have moved." in act(bob_client, exchange, "confirm")
    assert (balance(carol), balance(bob)) == (60, -60)
    assert Transfer.objects.get().caused_by == bob


def test_exchanges_page_groups_by_next_step(
    alice: User, alice_client: Client, bob_client: Client, request_listing, django_assert_num_queries
) -> None:
    exchange = propose_from(alice_client, request_listing.pk)
    content = bob_client.get(reverse("exchanges:index")).content.decode()
    assert "Waiting for your answer" in content
    assert "Your proposals, waiting for an answer" in alice_client.get(reverse("exchanges:index")).content.decode()
    act(bob_client, exchange, "accept")
    with django_assert_num_queries(7):
        alice_client.get(reverse("exchanges:index"))
    for _ in range(6):
        propose_from(alice_client, request_listing.pk)
    with django_assert_num_queries(7):
        alice_client.get(reverse("exchanges:index"))
    assert ExchangeEvent.objects.filter(kind="accepted").count() == 1
    assert ExchangeRecipient.objects.count() == 7


def test_an_auto_confirmation_refused_by_a_limit_is_told_once(
    alice: User,
    alice_client: Client,
    bob: User,
    bob_client: Client,
    community: Community,
    request_listing,
    django_capture_on_commit_callbacks,
) -> None:
    """Bob cannot pay at the deadline: both sides hear why, once, however often the sweep retries;
    the timeline says it once too."""
    LimitPolicy.objects.create(community=community, member_overdraft=60)
    exchange = propose_from(alice_client, request_listing.pk)
    act(bob_client, exchange, "accept")
    act(alice_client, exchange, "record", hours="2")
    Exchange.objects.filter(pk=exchange.pk).update(confirm_deadline=timezone.now() - timedelta(minutes=1))
    for _ in range(3):
        with django_capture_on_commit_callbacks(execute=True):
            call_command("confirm_due_exchanges", stdout=StringIO())
    exchange.refresh_from_db()
    assert exchange.state == "completed"
    assert balance(bob) == 0
    assert exchange.events.filter(kind=ExchangeEvent.Kind.AUTO_CONFIRM_FAILED).count() == 1
    told = Notification.objects.filter(kind=Kind.AUTO_CONFIRM_FAILED)
    assert sorted(note.recipient.email for note in told) == ["alice@example.org", "bob@example.org"]
    assert all("below their limit" in note.body for note in told)
