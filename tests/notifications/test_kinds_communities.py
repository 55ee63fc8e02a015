"""Applications to join a community tell its coordinators, and decisions tell the applicant.

Riverside needs approval: alice coordinates it, bob is a member, charlie (an outsider) applies.
"""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Membership
from notifications.kinds import Kind
from notifications.models import Notification, NotificationPreference
from tests.factories import MembershipFactory, RegionFactory, UserFactory
from tests.tasks import run_due_tasks

pytestmark = pytest.mark.django_db

DELIVERIES = [
    # (stored choice, told in the app, e-mailed at once)
    (None, True, True),
    ("in_app", True, False),
    ("weekly", True, False),
    ("off", False, False),
]


def prefer(member: User, kind: str, delivery: str | None) -> None:
    if delivery is not None:
        NotificationPreference.objects.create(member=member, kind=kind, delivery=delivery)


def join(client: Client, community: Community, note: str = "") -> None:
    url = reverse("communities:join", kwargs={"slug": community.slug})
    assert client.post(url, {"note": note}).status_code == 302


def decide(client: Client, membership: Membership, decision: str, reason: str = "") -> None:
    url = reverse("communities:decide", kwargs={"slug": membership.community.slug, "membership_id": membership.pk})
    assert client.post(url, {"decision": decision, "reason": reason}).status_code == 302


def told(kind: str) -> list[str]:
    return sorted(Notification.objects.filter(kind=kind).values_list("recipient__email", flat=True))


def emailed() -> list[list[str]]:
    for message in mail.outbox:
        assert (message.cc, message.bcc) == ([], [])
    return sorted(message.to for message in mail.outbox)


@pytest.mark.parametrize(("delivery", "in_app", "by_email"), DELIVERIES)
def test_an_application_tells_the_coordinators(
    alice: User,
    bob: User,
    charlie: User,
    charlie_client: Client,
    community: Community,
    delivery: str | None,
    in_app: bool,
    by_email: bool,
    django_capture_on_commit_callbacks,
) -> None:
    erin = UserFactory(email="erin@example.org", profile__display_name="Erin Evans")
    MembershipFactory(member=erin, community=community, role=Membership.Role.COORDINATOR)
    MembershipFactory(
        member=UserFactory(email="gone@example.org"),
        community=community,
        role=Membership.Role.COORDINATOR,
        status=Membership.Status.LEFT,
    )
    prefer(alice, Kind.MEMBERSHIP_APPLICATION, delivery)
    with django_capture_on_commit_callbacks(execute=True):
        join(charlie_client, community, note="I run a QI team.")
    run_due_tasks()
    assert told(Kind.MEMBERSHIP_APPLICATION) == (["alice@example.org"] if in_app else []) + ["erin@example.org"]
    assert emailed() == ([["alice@example.org"]] if by_email else []) + [["erin@example.org"]]
    note = Notification.objects.get(recipient=erin)
    assert (note.title, note.body) == ("Charlie Clark applied to join Riverside Hospital", "I run a QI team.")
    assert note.url == reverse("communities:applications", kwargs={"slug": community.slug})
    for message in mail.outbox:
        assert "charlie@example.org" not in f"{message.subject}{message.body}"


def test_joining_an_open_community_tells_nobody(charlie_client: Client, django_capture_on_commit_callbacks) -> None:
    region = RegionFactory(join_policy=Community.JoinPolicy.OPEN)
    MembershipFactory(community=region, role=Membership.Role.COORDINATOR)
    with django_capture_on_commit_callbacks(execute=True):
        join(charlie_client, region)
    run_due_tasks()
    assert (told(Kind.MEMBERSHIP_APPLICATION), emailed()) == ([], [])


def test_applying_again_after_a_decline_tells_again(
    alice: User, alice_client: Client, charlie: User, charlie_client: Client, community: Community
) -> None:
    join(charlie_client, community)
    decide(alice_client, Membership.objects.get(member=charlie, community=community), "decline", "Not yet")
    join(charlie_client, community)
    join(charlie_client, community)  # refused: already applied
    assert Notification.objects.filter(recipient=alice, kind=Kind.MEMBERSHIP_APPLICATION).count() == 2


@pytest.mark.parametrize(("delivery", "in_app", "by_email"), DELIVERIES)
def test_approval_tells_the_applicant(
    alice: User,
    alice_client: Client,
    bob: User,
    charlie: User,
    charlie_client: Client,
    community: Community,
    delivery: str | None,
    in_app: bool,
    by_email: bool,
    django_capture_on_commit_callbacks,
) -> None:
    join(charlie_client, community)
    prefer(charlie, Kind.MEMBERSHIP_DECIDED, delivery)
    membership = Membership.objects.get(member=charlie, community=community)
    with django_capture_on_commit_callbacks(execute=True):
        decide(alice_client, membership, "approve")
        decide(alice_client, membership, "approve")  # a second click: already decided
    run_due_tasks()
    assert told(Kind.MEMBERSHIP_DECIDED) == (["charlie@example.org"] if in_app else [])
    assert emailed() == ([["charlie@example.org"]] if by_email else [])
    if in_app:
        note = Notification.objects.get(kind=Kind.MEMBERSHIP_DECIDED)
        assert note.title == "Welcome to Riverside Hospital: your application was approved"
        assert (note.body, note.url) == ("", community.get_absolute_url())


def test_a_decline_tells_the_applicant_why(
    alice: User,
    alice_client: Client,
    charlie: User,
    charlie_client: Client,
    community: Community,
    django_capture_on_commit_callbacks,
) -> None:
    join(charlie_client, community)
    membership = Membership.objects.get(member=charlie, community=community)
    with django_capture_on_commit_callbacks(execute=True):
        decide(alice_client, membership, "decline", "This community is for Riverside staff.")
    run_due_tasks()
    note = Notification.objects.get(kind=Kind.MEMBERSHIP_DECIDED)
    assert note.recipient == charlie
    assert note.title == "Your application to join Riverside Hospital was declined"
    assert note.body == "Reason: This community is for Riverside staff."
    assert emailed() == [["charlie@example.org"]]
    assert "This community is for Riverside staff." in mail.outbox[0].body
    assert "alice@example.org" not in mail.outbox[0].body
