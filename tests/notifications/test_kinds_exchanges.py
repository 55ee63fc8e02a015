"""Each step of an exchange tells the right people, in the app and by e-mail, through the HTTP client.

carol provides (her offer of run chart coaching), bob receives; alice coordinates Riverside, so
she resolves disputes; dave coordinates a community nobody in the exchange belongs to, and
charlie is an outsider. Exchange events cannot be switched off: a forged "off" still notifies.
"""

import uuid
from datetime import timedelta

import pytest
from django.core import mail
from django.core.mail import EmailMultiAlternatives
from django.test import Client
from django.urls import reverse
from django.utils import formats, timezone

from accounts.models import User
from communities.models import Community, Membership
from exchanges import actions, tasks
from exchanges.models import Exchange
from notifications.kinds import Kind
from notifications.models import Notification, NotificationPreference
from tests.factories import ListingFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.support.clients import client_for
from tests.tasks import run_due_tasks

pytestmark = pytest.mark.django_db

TITLE = "Run chart coaching"


@pytest.fixture
def carol(community: Community) -> User:
    user = UserFactory(email="carol@example.org", profile__display_name="Carol Clark")
    MembershipFactory(member=user, community=community)
    return user


@pytest.fixture
def carol_client(carol: User) -> Client:
    return client_for(carol)


@pytest.fixture
def dave(db: None) -> User:
    """Coordinator of a community no one in the exchange belongs to."""
    user = UserFactory(email="dave@example.org", profile__display_name="Dave Dunn")
    MembershipFactory(member=user, community=OrganisationFactory(), role=Membership.Role.COORDINATOR)
    return user


@pytest.fixture
def everyone(alice: User, bob: User, carol: User, charlie: User, dave: User) -> list[User]:
    return [alice, bob, carol, charlie, dave]


@pytest.fixture(params=[None, "in_app", "off"])
def delivery(request: pytest.FixtureRequest) -> str | None:
    """The main recipient's stored choice: none, in the app only, or a forged "off" (not allowed)."""
    return request.param


def prefer(member: User, kind: str, delivery: str | None) -> None:
    if delivery is not None:
        NotificationPreference.objects.create(member=member, kind=kind, delivery=delivery)


def emailed_unless_in_app(member: User, delivery: str | None) -> list[User]:
    return [] if delivery == "in_app" else [member]


def propose(client: Client, carol: User, community: Community) -> Exchange:
    offer = ListingFactory(author=carol, scope=community, kind="offer", title=TITLE)
    data = {
        "title": TITLE,
        "hours": "1.5",
        "window": "Tuesday afternoon",
        "message": "Could you help?",
        "idempotency_key": str(uuid.uuid4()),
    }
    response = client.post(reverse("exchanges:propose") + f"?listing={offer.pk}", data)
    assert response.status_code == 302, response.content.decode()[:2000]
    return Exchange.objects.latest("pk")


def act(client: Client, exchange: Exchange, action: str, **data: object) -> None:
    exchange.refresh_from_db()
    url = reverse("exchanges:act", kwargs={"exchange_id": exchange.pk, "action": action})
    response = client.post(url, {"version": exchange.version, **data}, follow=True)
    assert response.status_code == 200


def assert_told(kind: str, told: list[User], emailed: list[User], everyone: list[User]) -> list[Notification]:
    """Exactly these members have the notification, and exactly these got one e-mail each, to them alone."""
    notes = list(Notification.objects.filter(kind=kind).select_related("recipient"))
    assert sorted(n.recipient.email for n in notes) == sorted(p.email for p in told)
    assert sorted(m.to for m in mail.outbox) == sorted([p.email] for p in emailed)
    for message in mail.outbox:
        assert (message.cc, message.bcc) == ([], [])
        assert isinstance(message, EmailMultiAlternatives)
        html = message.alternatives[0][0]
        assert isinstance(html, str)
        text = f"{message.subject}\n{message.body}\n{html}"
        for other in everyone:
            if [other.email] != message.to:
                assert other.email not in text  # no one else's address, anywhere in the e-mail
    return notes


@pytest.fixture
def proposed(bob_client: Client, carol: User, community: Community) -> Exchange:
    return propose(bob_client, carol, community)


@pytest.fixture
def agreed(proposed: Exchange, carol_client: Client) -> Exchange:
    act(carol_client, proposed, "accept")
    return proposed


@pytest.fixture
def recorded(agreed: Exchange, carol_client: Client) -> Exchange:
    act(carol_client, agreed, "record", hours="1.25")
    agreed.refresh_from_db()
    return agreed


@pytest.fixture
def disputed(recorded: Exchange, bob_client: Client) -> Exchange:
    act(bob_client, recorded, "dispute", reason="It was one hour")
    return recorded


def test_a_proposal_tells_the_other_side(
    bob: User,
    bob_client: Client,
    carol: User,
    community: Community,
    everyone: list[User],
    delivery: str | None,
    django_capture_on_commit_callbacks,
) -> None:
    prefer(carol, Kind.EXCHANGE_PROPOSED, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        exchange = propose(bob_client, carol, community)
    run_due_tasks()
    [note] = assert_told(Kind.EXCHANGE_PROPOSED, [carol], emailed_unless_in_app(carol, delivery), everyone)
    assert note.title == f"Bob Brown proposed an exchange: “{TITLE}”"
    assert note.body == "1 h 30 min, Tuesday afternoon.\n\nCould you help?"
    assert note.url == exchange.get_absolute_url()
    assert note.event_key == f"exchange:{exchange.pk}:exchange_proposed:1"
    assert note.delivery == ("in_app" if delivery == "in_app" else "email")  # a forged "off" falls back


def test_accepting_tells_the_proposer(
    bob: User,
    carol: User,
    carol_client: Client,
    proposed: Exchange,
    everyone: list[User],
    delivery: str | None,
    django_capture_on_commit_callbacks,
) -> None:
    prefer(bob, Kind.EXCHANGE_ACCEPTED, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        act(carol_client, proposed, "accept")
    run_due_tasks()
    [note] = assert_told(Kind.EXCHANGE_ACCEPTED, [bob], emailed_unless_in_app(bob, delivery), everyone)
    assert note.title == f"Carol Clark accepted “{TITLE}”"
    assert note.url == proposed.get_absolute_url()
    assert note.event_key == f"exchange:{proposed.pk}:exchange_accepted:2"
    if delivery != "in_app":
        assert mail.outbox[0].subject == f"[Hexitime] Carol Clark accepted “{TITLE}”"
        assert proposed.get_absolute_url() in mail.outbox[0].body


def test_accepting_twice_tells_once(
    bob: User, carol_client: Client, proposed: Exchange, everyone: list[User], django_capture_on_commit_callbacks
) -> None:
    proposed.refresh_from_db()
    url = reverse("exchanges:act", kwargs={"exchange_id": proposed.pk, "action": "accept"})
    with django_capture_on_commit_callbacks(execute=True):
        carol_client.post(url, {"version": proposed.version})
        carol_client.post(url, {"version": proposed.version})  # a double click: refused as stale
    run_due_tasks()
    run_due_tasks()
    assert_told(Kind.EXCHANGE_ACCEPTED, [bob], [bob], everyone)


def test_declining_tells_the_proposer_why(
    bob: User,
    carol_client: Client,
    proposed: Exchange,
    everyone: list[User],
    delivery: str | None,
    django_capture_on_commit_callbacks,
) -> None:
    prefer(bob, Kind.EXCHANGE_DECLINED, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        act(carol_client, proposed, "decline", reason="Fully booked this month")
    run_due_tasks()
    [note] = assert_told(Kind.EXCHANGE_DECLINED, [bob], emailed_unless_in_app(bob, delivery), everyone)
    assert note.title == f"Carol Clark declined “{TITLE}”"
    assert note.body == "Fully booked this month"
    if delivery != "in_app":
        assert "Fully booked this month" in mail.outbox[0].body


def test_cancelling_tells_the_other_side(
    bob_client: Client,
    carol: User,
    agreed: Exchange,
    everyone: list[User],
    delivery: str | None,
    django_capture_on_commit_callbacks,
) -> None:
    prefer(carol, Kind.EXCHANGE_CANCELLED, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        act(bob_client, agreed, "cancel", reason="Off sick")
    run_due_tasks()
    [note] = assert_told(Kind.EXCHANGE_CANCELLED, [carol], emailed_unless_in_app(carol, delivery), everyone)
    assert (note.title, note.body) == (f"Bob Brown cancelled “{TITLE}”", "Off sick")


def test_recording_tells_who_must_confirm_and_when_it_confirms_itself(
    bob: User,
    carol_client: Client,
    agreed: Exchange,
    everyone: list[User],
    delivery: str | None,
    django_capture_on_commit_callbacks,
) -> None:
    prefer(bob, Kind.EXCHANGE_RECORDED, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        act(carol_client, agreed, "record", hours="1.25")
    run_due_tasks()  # the reminder and the auto-confirmation are not due: only the e-mail is sent
    [note] = assert_told(Kind.EXCHANGE_RECORDED, [bob], emailed_unless_in_app(bob, delivery), everyone)
    agreed.refresh_from_db()
    assert agreed.confirm_deadline is not None
    date = formats.date_format(timezone.localtime(agreed.confirm_deadline), "j F Y")
    assert note.title == f"Carol Clark recorded 1 h 15 min for “{TITLE}”"
    assert f"they will be confirmed automatically on {date}." in note.body
    assert agreed.state == Exchange.State.COMPLETED


def test_hours_recorded_by_the_recipient_go_to_the_provider_to_confirm(
    bob_client: Client, carol: User, agreed: Exchange, everyone: list[User], django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        act(bob_client, agreed, "record", hours="1")
    run_due_tasks()
    [note] = assert_told(Kind.EXCHANGE_RECORDED, [carol], [carol], everyone)
    assert note.title == f"Bob Brown recorded 1 h for “{TITLE}”"


def test_confirming_tells_the_provider(
    bob_client: Client,
    carol: User,
    recorded: Exchange,
    everyone: list[User],
    delivery: str | None,
    django_capture_on_commit_callbacks,
) -> None:
    prefer(carol, Kind.EXCHANGE_CONFIRMED, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        act(bob_client, recorded, "confirm")
    run_due_tasks()
    [note] = assert_told(Kind.EXCHANGE_CONFIRMED, [carol], emailed_unless_in_app(carol, delivery), everyone)
    assert note.title == f"Bob Brown confirmed 1 h 15 min for “{TITLE}”"
    recorded.refresh_from_db()
    assert recorded.state == Exchange.State.CONFIRMED


def test_a_dispute_tells_the_provider_and_the_coordinators_who_can_resolve_it(
    alice: User,
    bob_client: Client,
    carol: User,
    recorded: Exchange,
    everyone: list[User],
    delivery: str | None,
    django_capture_on_commit_callbacks,
) -> None:
    prefer(carol, Kind.EXCHANGE_DISPUTED, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        act(bob_client, recorded, "dispute", reason="It was one hour")
    run_due_tasks()
    emailed = [*emailed_unless_in_app(carol, delivery), alice]
    notes = assert_told(Kind.EXCHANGE_DISPUTED, [alice, carol], emailed, everyone)  # not dave, not charlie
    titles = {n.recipient_id: n.title for n in notes}
    assert titles[carol.pk] == f"Bob Brown disputed the hours of “{TITLE}”"
    assert titles[alice.pk] == f"A dispute to resolve: Bob Brown disputed the hours of “{TITLE}”"
    assert {n.body for n in notes} == {"It was one hour"}
    assert client_for(alice).get(notes[0].url).status_code == 200  # the coordinator can open it


def test_resolving_tells_both_sides(
    alice_client: Client,
    bob: User,
    carol: User,
    disputed: Exchange,
    everyone: list[User],
    delivery: str | None,
    django_capture_on_commit_callbacks,
) -> None:
    prefer(bob, Kind.EXCHANGE_RESOLVED, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        act(alice_client, disputed, "resolve", decision="change", hours="1", reason="Agreed on the phone")
    run_due_tasks()
    notes = assert_told(Kind.EXCHANGE_RESOLVED, [bob, carol], [*emailed_unless_in_app(bob, delivery), carol], everyone)
    assert {n.title for n in notes} == {f"Alice Adams resolved the dispute over “{TITLE}”"}
    assert {n.body for n in notes} == {"The hours are changed to 1 h and confirmed.\n\nReason: Agreed on the phone"}


def test_a_second_dispute_after_a_resolve_tells_again(
    alice: User,
    alice_client: Client,
    bob: User,
    bob_client: Client,
    carol: User,
    community: Community,
    django_capture_on_commit_callbacks,
) -> None:
    """In a group exchange each recipient disputes their own hours: two disputes are two events."""
    dan = UserFactory(profile__display_name="Dan Doyle")
    MembershipFactory(member=dan, community=community)
    exchange = actions.do_propose(
        proposer=carol,
        provider=carol,
        recipients=[bob, dan],
        community=community,
        title="Workshop",
        minutes=60,
        window="Friday",
    )
    actions.do_accept(member=bob, exchange=exchange)
    actions.do_record_hours(member=carol, exchange=exchange, minutes=60)
    act(bob_client, exchange, "dispute", reason="I left early")
    act(alice_client, exchange, "resolve", decision="cancel", reason="Bob left early")
    exchange.refresh_from_db()
    assert exchange.state == Exchange.State.COMPLETED  # dan has still to confirm
    with django_capture_on_commit_callbacks(execute=True):
        act(client_for(dan), exchange, "dispute", reason="Not a full hour")
    run_due_tasks()
    to_carol = Notification.objects.filter(recipient=carol, kind=Kind.EXCHANGE_DISPUTED).order_by("pk")
    assert [n.title for n in to_carol] == [
        "Bob Brown disputed the hours of “Workshop”",
        "Dan Doyle disputed the hours of “Workshop”",
    ]
    assert Notification.objects.filter(recipient=alice, kind=Kind.EXCHANGE_DISPUTED).count() == 2
    assert not Notification.objects.filter(recipient=bob, kind=Kind.EXCHANGE_DISPUTED).exists()  # dan's, not his
    assert sorted(m.to for m in mail.outbox) == [["alice@example.org"], ["carol@example.org"]]


def test_silence_confirms_automatically_and_tells_both_sides(
    bob: User,
    carol: User,
    recorded: Exchange,
    everyone: list[User],
    delivery: str | None,
    django_capture_on_commit_callbacks,
) -> None:
    prefer(bob, Kind.EXCHANGE_CONFIRMED, delivery)
    Exchange.objects.filter(pk=recorded.pk).update(confirm_deadline=timezone.now() - timedelta(minutes=1))
    with django_capture_on_commit_callbacks(execute=True):
        tasks.auto_confirm_exchange.call(recorded.pk)
        tasks.auto_confirm_exchange.call(recorded.pk)  # the cron sweep as well: nothing more
    run_due_tasks()
    notes = assert_told(Kind.EXCHANGE_CONFIRMED, [bob, carol], [*emailed_unless_in_app(bob, delivery), carol], everyone)
    titles = {n.recipient_id: n.title for n in notes}
    assert titles[bob.pk] == f"Confirmed automatically: 1 h 15 min for “{TITLE}” with Carol Clark"
    assert titles[carol.pk] == f"Confirmed automatically: 1 h 15 min for “{TITLE}” with Bob Brown"


def test_the_reminder_goes_to_whoever_has_not_confirmed(
    bob: User, recorded: Exchange, everyone: list[User], delivery: str | None, django_capture_on_commit_callbacks
) -> None:
    prefer(bob, Kind.AUTO_CONFIRM_SOON, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        tasks.remind_before_auto_confirm.call(recorded.pk)
        tasks.remind_before_auto_confirm.call(recorded.pk)
    run_due_tasks()
    [note] = assert_told(Kind.AUTO_CONFIRM_SOON, [bob], emailed_unless_in_app(bob, delivery), everyone)
    assert recorded.confirm_deadline is not None
    date = formats.date_format(timezone.localtime(recorded.confirm_deadline), "j F Y")
    assert note.title == f"Please confirm 1 h 15 min for “{TITLE}” with Carol Clark"
    assert note.body == f"Hours will be confirmed automatically on {date} unless you confirm or dispute them."


def test_a_brokered_exchange_tells_both_members_the_deadline_but_not_the_coordinator(
    alice_client: Client,
    bob: User,
    carol: User,
    community: Community,
    everyone: list[User],
    delivery: str | None,
    django_capture_on_commit_callbacks,
) -> None:
    """Nothing moves at once: each member hears what they may do, and by when."""
    prefer(bob, Kind.EXCHANGE_RECORDED, delivery)
    carol.profile.may_be_brokered = True
    carol.profile.save()
    url = reverse("exchanges:broker", kwargs={"slug": community.slug})
    data = {
        "provider": carol.pk,
        "recipient": bob.pk,
        "title": "Phone coaching",
        "hours": "1",
        "window": "Last week",
        "idempotency_key": str(uuid.uuid4()),
    }
    with django_capture_on_commit_callbacks(execute=True):
        assert alice_client.post(url, data).status_code == 302
    run_due_tasks()
    notes = assert_told(Kind.EXCHANGE_RECORDED, [bob, carol], [*emailed_unless_in_app(bob, delivery), carol], everyone)
    exchange = Exchange.objects.get()
    assert exchange.confirm_deadline is not None
    date = formats.date_format(timezone.localtime(exchange.confirm_deadline), "j F Y")
    by_member = {n.recipient_id: n for n in notes}
    assert by_member[bob.pk].title == "Alice Adams, a coordinator, recorded 1 h for “Phone coaching” with Carol Clark"
    assert by_member[carol.pk].title == "Alice Adams, a coordinator, recorded 1 h for “Phone coaching” with Bob Brown"
    assert f"confirmed automatically on {date} and the hours move" in by_member[bob.pk].body
    assert f"dispute it before {date}" in by_member[carol.pk].body
    assert not Notification.objects.filter(kind__in=[Kind.EXCHANGE_PROPOSED, Kind.EXCHANGE_CONFIRMED]).exists()
