"""Donations and grants tell whoever received the credits, through the HTTP client.

alice coordinates Riverside and grants from its fund; bob is a member; charlie an outsider.
A member may turn these off, or have them in the app only.
"""

import uuid

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Membership
from ledger.models import Transfer
from notifications.kinds import Kind
from notifications.models import Notification, NotificationPreference
from tests.factories import MembershipFactory, UserFactory
from tests.support.ledger import move
from tests.tasks import run_due_tasks

pytestmark = pytest.mark.django_db

DELIVERIES = [
    # (stored choice, told in the app, e-mailed at once)
    (None, True, True),
    ("email", True, True),
    ("in_app", True, False),
    ("daily", True, False),
    ("off", False, False),
]


def prefer(member: User, delivery: str | None) -> None:
    if delivery is not None:
        NotificationPreference.objects.create(member=member, kind=Kind.CREDITS_RECEIVED, delivery=delivery)


def donate(client: Client, recipient: str, hours: str = "1.5", form_key: str = "") -> None:
    form_key = form_key or str(uuid.uuid4())
    data = {"recipient": recipient, "hours": hours, "note": "Thanks for the coaching", "idempotency_key": form_key}
    response = client.post(reverse("ledger:donate"), data)
    assert response.status_code == 302, response.content.decode()[:2000]


def grant(client: Client, community: Community, member: User, hours: str = "1") -> None:
    url = reverse("ledger:grant", kwargs={"slug": community.slug})
    data = {"member": member.pk, "hours": hours, "reason": "Welcome to the timebank", "idempotency_key": uuid.uuid4()}
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]


def told() -> list[str]:
    return sorted(Notification.objects.filter(kind=Kind.CREDITS_RECEIVED).values_list("recipient__email", flat=True))


def emailed() -> list[list[str]]:
    for message in mail.outbox:
        assert (message.cc, message.bcc) == ([], [])
    return sorted(message.to for message in mail.outbox)


@pytest.mark.parametrize(("delivery", "in_app", "by_email"), DELIVERIES)
def test_a_donation_tells_the_member_who_received_it(
    alice: User,
    bob: User,
    bob_client: Client,
    charlie: User,
    delivery: str | None,
    in_app: bool,
    by_email: bool,
    django_capture_on_commit_callbacks,
) -> None:
    prefer(alice, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        donate(bob_client, f"member:{alice.pk}")
    run_due_tasks()
    assert told() == (["alice@example.org"] if in_app else [])
    assert emailed() == ([["alice@example.org"]] if by_email else [])
    if in_app:
        note = Notification.objects.get()
        assert (note.title, note.body, note.url) == (
            "Bob Brown gave you 1 h 30 min",
            "Thanks for the coaching",
            "/credits/",
        )
        assert note.event_key == f"transfer:{Transfer.objects.get().pk}:received"
    if by_email:
        message = mail.outbox[0]
        assert message.subject == "[Hexitime] Bob Brown gave you 1 h 30 min"
        assert "bob@example.org" not in f"{message.subject}{message.body}"


def test_the_same_donation_form_sent_twice_tells_once(
    alice: User, bob_client: Client, django_capture_on_commit_callbacks
) -> None:
    form_key = str(uuid.uuid4())
    with django_capture_on_commit_callbacks(execute=True):
        donate(bob_client, f"member:{alice.pk}", form_key=form_key)
        donate(bob_client, f"member:{alice.pk}", form_key=form_key)
    run_due_tasks()
    assert told() == ["alice@example.org"]
    assert emailed() == [["alice@example.org"]]


def test_a_donation_to_a_fund_tells_its_coordinators(
    alice: User, bob: User, bob_client: Client, charlie: User, community: Community, django_capture_on_commit_callbacks
) -> None:
    erin = UserFactory(email="erin@example.org", profile__display_name="Erin Evans")
    MembershipFactory(member=erin, community=community, role=Membership.Role.COORDINATOR)
    elsewhere = Membership.objects.get(member=charlie).community
    MembershipFactory(member=UserFactory(email="frank@example.org"), community=elsewhere, role="coordinator")
    with django_capture_on_commit_callbacks(execute=True):
        donate(bob_client, f"fund:{community.pk}", hours="2")
    run_due_tasks()
    assert told() == ["alice@example.org", "erin@example.org"]
    assert emailed() == [["alice@example.org"], ["erin@example.org"]]
    note = Notification.objects.filter(recipient=alice).get()
    assert note.title == "Bob Brown gave 2 h to the fund of Riverside Hospital"
    assert note.url == reverse("ledger:fund", kwargs={"slug": community.slug})


def test_a_coordinator_giving_to_their_own_fund_is_not_told(
    alice: User, alice_client: Client, community: Community, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        donate(alice_client, f"fund:{community.pk}", hours="1")
    run_due_tasks()
    assert (told(), emailed()) == ([], [])


@pytest.mark.parametrize(("delivery", "in_app", "by_email"), DELIVERIES)
def test_a_grant_tells_the_member(
    alice: User,
    alice_client: Client,
    bob: User,
    charlie: User,
    community: Community,
    delivery: str | None,
    in_app: bool,
    by_email: bool,
    django_capture_on_commit_callbacks,
) -> None:
    move(bob, community, 120, kind="donation")  # something in the fund to grant
    prefer(bob, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        grant(alice_client, community, bob, "1")
    run_due_tasks()
    assert told() == (["bob@example.org"] if in_app else [])
    assert emailed() == ([["bob@example.org"]] if by_email else [])
    if in_app:
        note = Notification.objects.get()
        assert note.title == "Alice Adams granted you 1 h from the fund of Riverside Hospital"
        assert (note.body, note.url) == ("Welcome to the timebank", "/credits/")
    if by_email:
        assert "alice@example.org" not in f"{mail.outbox[0].subject}{mail.outbox[0].body}"
