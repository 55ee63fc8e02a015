"""Issue 9: broker mode needs consent and never confirms at once, forms that create exchanges are
idempotent, blocks stop proposals, a listing's title shows only to who may see it, and hours far
from those agreed never confirm themselves.

alice coordinates Riverside; bob and carol are members; dave is Riverside's other coordinator.
"""

import uuid
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from accounts.models import User
from communities.models import Community, Membership
from conversations.models import Block
from exchanges import actions, errors, tasks
from exchanges.models import Exchange, ExchangeEvent, OfflineMark, far_from_agreed
from exchanges.stalled import hours_waiting_on
from ledger.models import Transfer
from notifications.kinds import Kind
from notifications.models import Notification
from tests.factories import ListingFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.support.clients import client_for
from tests.support.ledger import balance

pytestmark = pytest.mark.django_db


def act(client: Client, exchange: Exchange, action: str, **data: object) -> str:
    exchange.refresh_from_db()
    url = reverse("exchanges:act", kwargs={"exchange_id": exchange.pk, "action": action})
    return client.post(url, {"version": exchange.version, **data}, follow=True).content.decode()


@pytest.fixture
def carol(community: Community) -> User:
    user = UserFactory(email="carol@example.org", profile__display_name="Carol Clark")
    MembershipFactory(member=user, community=community)
    return user


@pytest.fixture
def dave(community: Community) -> User:
    user = UserFactory(email="dave@example.org", profile__display_name="Dave Dunn")
    MembershipFactory(member=user, community=community, role=Membership.Role.COORDINATOR)
    return user


def broker_url(community: Community) -> str:
    return reverse("exchanges:broker", kwargs={"slug": community.slug})


def broker_data(provider: User, recipient: User, **overrides: object) -> dict[str, object]:
    data: dict[str, object] = {
        "provider": provider.pk,
        "recipient": recipient.pk,
        "title": "Phone coaching",
        "hours": "2",
        "window": "Last week",
        "idempotency_key": str(uuid.uuid4()),
    }
    data.update(overrides)
    return data


def mark_offline(client: Client, community: Community, member: User, reason: str = "No computer at home") -> str:
    url = reverse("exchanges:offline", kwargs={"slug": community.slug})
    return client.post(url, {"member": member.pk, "reason": reason}, follow=True).content.decode()


def assert_nothing_moved(*people: User) -> None:
    assert not Exchange.objects.exists()
    assert not Transfer.objects.exists()
    assert [balance(person) for person in people] == [0] * len(people)


# Finding 3: broker mode


def test_a_coordinator_cannot_broker_an_exchange_they_take_part_in(
    alice: User, alice_client: Client, bob: User, community: Community
) -> None:
    """The probe recorded "provider = me" and was paid at once. The form does not offer the
    coordinator, and the action refuses them even when bob agreed to be brokered."""
    bob.profile.may_be_brokered = True
    bob.profile.save()
    for data in (broker_data(alice, bob), broker_data(bob, alice)):
        page = alice_client.post(broker_url(community), data).content.decode()
        assert "Choose an active member of the community other than you." in page
    with pytest.raises(errors.NotAllowed, match="an exchange you take part in"):
        actions.do_broker_exchange(
            coordinator=alice, community=community, provider=alice, recipient=bob, title="x", minutes=60, window="x"
        )
    assert_nothing_moved(alice, bob)


def test_broker_mode_needs_a_member_who_agreed_or_is_marked_offline(
    alice: User, alice_client: Client, bob: User, carol: User, charlie: User, community: Community
) -> None:
    page = alice_client.post(broker_url(community), broker_data(carol, bob)).content.decode()
    assert "Neither member has agreed to have exchanges recorded for them or been marked as offline." in page
    with pytest.raises(errors.NotAllowed, match="Neither member has agreed"):
        actions.do_broker_exchange(
            coordinator=alice, community=community, provider=carol, recipient=bob, title="x", minutes=60, window="x"
        )
    # An outsider is neither offered nor accepted, even one who agreed to be brokered.
    charlie.profile.may_be_brokered = True
    charlie.profile.save()
    page = alice_client.post(broker_url(community), broker_data(charlie, bob)).content.decode()
    assert "Choose an active member of the community other than you." in page
    with pytest.raises(errors.NotAllowed, match="Charlie Clark is not an active member of Riverside Hospital"):
        actions.do_broker_exchange(
            coordinator=alice, community=community, provider=charlie, recipient=bob, title="x", minutes=60, window="x"
        )
    assert_nothing_moved(bob, carol, charlie)


def test_a_member_agrees_on_their_profile_page(
    alice: User, alice_client: Client, bob: User, bob_client: Client, carol: User, community: Community
) -> None:
    profile = {"display_name": "Bob Brown", "role": "analyst", "preferred_mode": "remote", "may_be_brokered": "on"}
    edit_page = bob_client.get(reverse("accounts:profile_edit")).content.decode()
    assert "Coordinators may record exchanges for me, because I am often offline" in edit_page
    assert bob_client.post(reverse("accounts:profile_edit"), profile).status_code == 302
    bob.profile.refresh_from_db()
    assert bob.profile.may_be_brokered
    assert "Bob Brown (offline or agreed)" in alice_client.get(broker_url(community)).content.decode()
    assert alice_client.post(broker_url(community), broker_data(carol, bob)).status_code == 302
    assert Exchange.objects.get().brokered_by == alice
    # Withdrawn on the same page: no more records for him.
    assert bob_client.post(reverse("accounts:profile_edit"), {**profile, "may_be_brokered": ""}).status_code == 302
    page = alice_client.post(broker_url(community), broker_data(carol, bob)).content.decode()
    assert "Neither member has agreed" in page
    assert Exchange.objects.count() == 1


def test_a_brokered_exchange_waits_for_the_window_and_the_coordinator_cannot_settle_it(
    alice: User,
    alice_client: Client,
    bob: User,
    bob_client: Client,
    carol: User,
    dave: User,
    community: Community,
) -> None:
    """Carol is offline; bob is online. Nothing moves at once; carol (provider) may dispute but not
    confirm; alice, who recorded it, can neither confirm nor resolve it; dave can resolve it."""
    mark_offline(alice_client, community, carol)
    response = alice_client.post(broker_url(community), broker_data(carol, bob))
    exchange = Exchange.objects.get()
    assert response["Location"] == exchange.get_absolute_url()
    assert (exchange.state, exchange.brokered_by, exchange.recorded_by) == ("completed", alice, alice)
    assert exchange.recorded_minutes == 120
    assert exchange.confirm_deadline is not None
    assert abs(exchange.confirm_deadline - timezone.now() - timedelta(days=14)) < timedelta(minutes=1)
    assert list(exchange.events.values_list("kind", flat=True)) == ["brokered"]
    assert not Transfer.objects.exists()
    assert (balance(carol), balance(bob)) == (0, 0)
    assert Notification.objects.filter(recipient=bob, kind=Kind.EXCHANGE_RECORDED).exists()
    assert list(hours_waiting_on(bob)) == [exchange]  # for digests and nudges: bob confirms, carol may dispute
    assert not hours_waiting_on(carol).exists()
    assert not hours_waiting_on(alice).exists()

    carol_client = client_for(carol)
    assert "Only the other side can confirm" in act(carol_client, exchange, "confirm")
    assert "Only the other side can confirm" in act(alice_client, exchange, "confirm")
    exchange.refresh_from_db()
    assert exchange.state == "completed"
    assert not Transfer.objects.exists()

    assert "A coordinator will look at it." in act(carol_client, exchange, "dispute", reason="It was one hour")
    exchange.refresh_from_db()
    assert exchange.state == "disputed"
    assert "Resolve the dispute" not in alice_client.get(exchange.get_absolute_url()).content.decode()
    assert "Only coordinators of the communities involved" in act(
        alice_client, exchange, "resolve", decision="confirm", reason="I recorded it"
    )
    exchange.refresh_from_db()
    assert exchange.state == "disputed"
    assert not Transfer.objects.exists()
    assert "The dispute is resolved." in act(
        client_for(dave), exchange, "resolve", decision="change", hours="1", reason="Agreed with both"
    )
    assert (balance(carol), balance(bob)) == (60, -60)
    assert Transfer.objects.get().caused_by == dave


def test_a_brokered_exchange_nobody_disputes_confirms_itself_at_the_deadline(
    alice: User, alice_client: Client, bob: User, carol: User, community: Community
) -> None:
    """Bob (the recipient) is offline and carol is online: carol hears of it, cannot confirm it for
    bob, and the hours move only at the deadline."""
    mark_offline(alice_client, community, bob)
    alice_client.post(broker_url(community), broker_data(carol, bob))
    exchange = Exchange.objects.get()
    call_command("confirm_due_exchanges", stdout=StringIO())
    exchange.refresh_from_db()
    assert exchange.state == "completed"
    assert not Transfer.objects.exists()
    Exchange.objects.filter(pk=exchange.pk).update(confirm_deadline=timezone.now() - timedelta(minutes=1))
    call_command("confirm_due_exchanges", stdout=StringIO())
    exchange.refresh_from_db()
    assert exchange.state == "confirmed"
    assert (balance(carol), balance(bob)) == (120, -120)


def test_marking_a_member_offline_is_told_and_the_member_can_withdraw_it(
    alice: User,
    alice_client: Client,
    bob: User,
    bob_client: Client,
    carol: User,
    dave: User,
    charlie_client: Client,
    community: Community,
) -> None:
    offline_url = reverse("exchanges:offline", kwargs={"slug": community.slug})
    assert bob_client.get(offline_url).status_code == 403
    assert "Give a reason: the member will see it." in mark_offline(alice_client, community, bob, reason="  ")
    assert not OfflineMark.objects.exists()
    assert "Bob Brown is marked as offline." in mark_offline(alice_client, community, bob)
    assert "already marked as offline" in mark_offline(alice_client, community, bob)
    mark = OfflineMark.objects.get()
    assert (mark.member, mark.marked_by, mark.reason, mark.withdrawn_at) == (bob, alice, "No computer at home", None)

    told = Notification.objects.filter(kind=Kind.MARKED_OFFLINE).order_by("recipient_id")
    assert [(n.recipient, n.delivery) for n in told] == [(bob, "email"), (dave, "email")]
    to_bob = told.get(recipient=bob)
    assert to_bob.title == "Alice Adams marked you as offline in Riverside Hospital"
    assert "Reason given: No computer at home" in to_bob.body
    assert to_bob.url == reverse("exchanges:brokering")
    assert told.get(recipient=dave).title == "Alice Adams marked Bob Brown as offline in Riverside Hospital"

    page = bob_client.get(reverse("exchanges:brokering")).content.decode()
    assert "No computer at home" in page
    withdraw = reverse("exchanges:withdraw_offline", kwargs={"mark_id": mark.pk})
    assert charlie_client.post(withdraw).status_code == 404
    assert client_for(carol).post(withdraw).status_code == 404
    mark.refresh_from_db()
    assert mark.withdrawn_at is None
    assert "Withdrawn." in bob_client.post(withdraw, follow=True).content.decode()
    mark.refresh_from_db()
    assert (mark.withdrawn_by, mark.withdrawn_at is not None) == (bob, True)
    withdrawn = Notification.objects.filter(kind=Kind.MARKED_OFFLINE, title__contains="withdrew").order_by("recipient")
    assert [n.recipient for n in withdrawn] == [alice, dave]
    page = alice_client.post(broker_url(community), broker_data(carol, bob)).content.decode()
    assert "Neither member has agreed" in page
    assert not Exchange.objects.exists()


def test_a_coordinator_cannot_mark_themselves_or_outsiders(
    alice: User, alice_client: Client, charlie: User, community: Community
) -> None:
    assert "Choose an active member of the community other than you." in mark_offline(alice_client, community, alice)
    assert "Choose an active member of the community other than you." in mark_offline(alice_client, community, charlie)
    with pytest.raises(errors.NotAllowed, match="not an active member"):
        actions.do_mark_offline(coordinator=alice, community=community, member=charlie, reason="Away")
    assert not OfflineMark.objects.exists()
    assert not Notification.objects.exists()


# Finding 4: idempotency keys


def test_four_identical_proposals_make_one(alice: User, alice_client: Client, bob: User, community: Community) -> None:
    listing = ListingFactory(author=bob, scope=community, kind="request", title="Help with run charts")
    url = reverse("exchanges:propose") + f"?listing={listing.pk}"
    data = {"title": "Run charts", "hours": "1", "window": "Tuesday", "idempotency_key": str(uuid.uuid4())}
    responses = [alice_client.post(url, data) for _ in range(4)]
    exchange = Exchange.objects.get()
    assert [r["Location"] for r in responses] == [exchange.get_absolute_url()] * 4
    assert Notification.objects.filter(kind=Kind.EXCHANGE_PROPOSED).count() == 1
    assert ExchangeEvent.objects.count() == 1
    repeated = alice_client.post(url, data, follow=True).content.decode()
    assert "You already sent this proposal; here it is. Nothing was sent twice." in repeated
    # A fresh form is a fresh proposal; a form without its key is refused.
    assert alice_client.post(url, {**data, "idempotency_key": str(uuid.uuid4())}).status_code == 302
    stale = alice_client.post(url, {**data, "idempotency_key": ""}).content.decode()
    assert "This form is out of date. Reload the page and try again." in stale
    assert Exchange.objects.count() == 2


def test_the_same_key_from_another_member_is_theirs_alone(
    alice: User, alice_client: Client, bob: User, bob_client: Client, carol: User, community: Community
) -> None:
    key = str(uuid.uuid4())
    data = {"role": "give", "title": "Survey", "hours": "1", "window": "May", "idempotency_key": key}
    alice_client.post(reverse("exchanges:propose") + f"?member={carol.pk}", data)
    bob_client.post(reverse("exchanges:propose") + f"?member={carol.pk}", data)
    assert sorted(Exchange.objects.values_list("proposed_by_id", flat=True)) == sorted([alice.pk, bob.pk])


def test_four_identical_broker_posts_make_one_exchange(
    alice: User, alice_client: Client, bob: User, carol: User, community: Community
) -> None:
    mark_offline(alice_client, community, carol)
    data = broker_data(carol, bob)
    responses = [alice_client.post(broker_url(community), data) for _ in range(4)]
    exchange = Exchange.objects.get()
    assert [r["Location"] for r in responses] == [exchange.get_absolute_url()] * 4
    assert Notification.objects.filter(kind=Kind.EXCHANGE_RECORDED).count() == 2  # bob and carol, once
    repeated = alice_client.post(broker_url(community), data, follow=True).content.decode()
    assert "You already recorded this exchange; here it is." in repeated
    assert not Transfer.objects.exists()


# Finding 6: blocks


@pytest.mark.parametrize("blocker", ["bob", "alice"])
def test_a_block_either_way_stops_proposals(
    alice: User, alice_client: Client, bob: User, community: Community, blocker: str
) -> None:
    people = {"alice": alice, "bob": bob}
    Block.objects.create(blocker=people[blocker], blocked=people["bob" if blocker == "alice" else "alice"])
    listing = ListingFactory(author=bob, scope=community, kind="request", title="Help with run charts")
    data = {"role": "give", "title": "Run charts", "hours": "1", "window": "Tuesday", "message": "Hello Bob"}
    for url in (
        reverse("exchanges:propose") + f"?member={bob.pk}",
        reverse("exchanges:propose") + f"?listing={listing.pk}",
    ):
        page = alice_client.get(url, follow=True).content.decode()
        assert "You can&#x27;t propose an exchange to this member." in page
        response = alice_client.post(url, {**data, "idempotency_key": str(uuid.uuid4())}, follow=True)
        assert "You can&#x27;t propose an exchange to this member." in response.content.decode()
        assert "blocked" not in response.content.decode().lower()
    with pytest.raises(errors.NotAllowed, match="You can't propose an exchange to this member"):
        actions.do_propose(
            proposer=alice, provider=alice, recipients=[bob], community=community, title="x", minutes=60, window="x"
        )
    assert not Exchange.objects.exists()
    assert not Notification.objects.exists()


def test_a_block_stops_a_group_proposal(alice: User, bob: User, carol: User, community: Community) -> None:
    Block.objects.create(blocker=carol, blocked=alice)
    with pytest.raises(errors.NotAllowed, match="You can't propose an exchange to this member"):
        actions.do_propose(
            proposer=alice,
            provider=alice,
            recipients=[bob, carol],
            community=community,
            title="Workshop",
            minutes=60,
            window="Friday",
            message="For you both",
        )
    assert not Exchange.objects.exists()
    assert not Notification.objects.exists()


# Finding 10: a listing outside the viewer's communities


def test_the_listing_shows_only_to_who_may_see_it(alice: User, bob: User, bob_client: Client) -> None:
    """Erin coordinates Elsewhere, where bob is also a member: she may resolve bob's dispute, but the
    listing is scoped to Riverside, so she does not see its title or link."""
    elsewhere = OrganisationFactory(name="Elsewhere Trust", slug="elsewhere-trust")
    MembershipFactory(member=bob, community=elsewhere)
    erin = UserFactory(profile__display_name="Erin Evans")
    MembershipFactory(member=erin, community=elsewhere, role=Membership.Role.COORDINATOR)
    listing = ListingFactory(author=bob, scope=alice.memberships.get().community, kind="request", title="Secret plan")
    exchange = actions.do_propose(
        proposer=alice,
        provider=alice,
        recipients=[bob],
        community=listing.scope,
        title="Coaching",
        minutes=60,
        window="May",
        listing=listing,
    )
    actions.do_accept(member=bob, exchange=exchange)
    actions.do_record_hours(member=alice, exchange=exchange, minutes=60)
    actions.do_dispute(member=bob, exchange=exchange, reason="Not done")
    theirs = bob_client.get(exchange.get_absolute_url()).content.decode()
    assert "Secret plan" in theirs
    assert listing.get_absolute_url() in theirs
    response = client_for(erin).get(exchange.get_absolute_url())
    assert response.status_code == 200
    page = response.content.decode()
    assert "Resolve the dispute" in page
    assert "Secret plan" not in page
    assert listing.get_absolute_url() not in page


# Finding 12: hours far from those agreed


@pytest.mark.parametrize(
    ("agreed", "recorded", "far"),
    [
        (15, 30, False),
        (15, 45, True),  # more than double
        (600, 720, False),
        (600, 735, True),  # more than two hours over
        (60, 30, False),
        (60, 15, True),  # less than half
    ],
)
def test_the_rule_for_hours_far_from_agreed(agreed: int, recorded: int, far: bool) -> None:
    assert far_from_agreed(agreed=agreed, recorded=recorded) is far


def agreed_quarter_hour(alice_client: Client, bob_client: Client, bob: User, community: Community) -> Exchange:
    listing = ListingFactory(author=bob, scope=community, kind="request", title="Quick look", estimated_minutes=15)
    url = reverse("exchanges:propose") + f"?listing={listing.pk}"
    data = {"title": "Quick look", "hours": "0.25", "window": "Today", "idempotency_key": str(uuid.uuid4())}
    assert alice_client.post(url, data).status_code == 302
    exchange = Exchange.objects.get()
    act(bob_client, exchange, "accept")
    return exchange


def test_hours_far_from_agreed_warn_and_never_confirm_themselves(
    alice: User,
    alice_client: Client,
    bob: User,
    bob_client: Client,
    community: Community,
    django_capture_on_commit_callbacks,
) -> None:
    """The probe: 0.25 h agreed, 100 h recorded, paid by silence after 14 days. Here 2 h, which bob's
    limit allows, so only the rule stops it."""
    from django_tasks_db.models import DBTaskResult

    exchange = agreed_quarter_hour(alice_client, bob_client, bob, community)
    warned = act(alice_client, exchange, "record", hours="2")
    assert "These hours differ a lot from the 15 min agreed, so they will not confirm themselves" in warned
    assert 'type="checkbox" name="far_ok"' in warned
    exchange.refresh_from_db()
    assert (exchange.state, exchange.recorded_minutes) == ("agreed", None)

    with django_capture_on_commit_callbacks(execute=True):
        recorded = act(alice_client, exchange, "record", hours="2", far_ok="on")
    assert "They differ a lot from those agreed, so they will not confirm themselves" in recorded
    exchange.refresh_from_db()
    assert (exchange.state, exchange.recorded_minutes, exchange.confirm_deadline) == ("completed", 120, None)
    task_paths = set(DBTaskResult.objects.values_list("task_path", flat=True))
    assert "exchanges.tasks.auto_confirm_exchange" not in task_paths
    note = Notification.objects.get(recipient=bob, kind=Kind.EXCHANGE_RECORDED)
    assert "differ a lot from the 15 min agreed, so they will not confirm themselves" in note.body
    said = "These hours differ a lot from the 15 min agreed, so they will not confirm themselves; Bob Brown must"
    for client in (alice_client, bob_client):
        assert said in client.get(exchange.get_absolute_url()).content.decode()

    # Neither the sweep nor the task pays, even a month later or with a deadline forced in.
    Exchange.objects.filter(pk=exchange.pk).update(recorded_at=timezone.now() - timedelta(days=30))
    out = StringIO()
    call_command("confirm_due_exchanges", stdout=out)
    assert "Exchanges confirmed automatically: 0." in out.getvalue()
    Exchange.objects.filter(pk=exchange.pk).update(confirm_deadline=timezone.now() - timedelta(days=1))
    tasks.auto_confirm_exchange.call(exchange.pk)
    call_command("confirm_due_exchanges", stdout=StringIO())
    exchange.refresh_from_db()
    assert exchange.state == "completed"
    assert not Transfer.objects.exists()
    assert (balance(alice), balance(bob)) == (0, 0)

    # An explicit confirmation still settles it.
    assert "Confirmed: the hours have moved." in act(bob_client, exchange, "confirm")
    assert (balance(alice), balance(bob)) == (120, -120)


def test_hours_close_to_agreed_still_confirm_themselves(
    alice: User, alice_client: Client, bob: User, bob_client: Client, community: Community
) -> None:
    exchange = agreed_quarter_hour(alice_client, bob_client, bob, community)
    assert "The hours are recorded. The other side now confirms them." in act(
        alice_client, exchange, "record", hours="0.5"
    )
    exchange.refresh_from_db()
    assert exchange.confirm_deadline is not None
    assert "differ a lot" not in bob_client.get(exchange.get_absolute_url()).content.decode()
    Exchange.objects.filter(pk=exchange.pk).update(confirm_deadline=timezone.now() - timedelta(minutes=1))
    call_command("confirm_due_exchanges", stdout=StringIO())
    exchange.refresh_from_db()
    assert exchange.state == "confirmed"
    assert (balance(alice), balance(bob)) == (30, -30)
