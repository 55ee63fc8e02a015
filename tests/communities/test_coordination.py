"""Coordinators approve or decline applications and edit their community; nobody else can."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Membership, MembershipEvent
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def application(community: Community) -> Membership:
    return MembershipFactory(
        community=community, status=Membership.Status.PENDING, member__profile__display_name="Dave Davis"
    )


def decide_url(application: Membership) -> str:
    return reverse("communities:decide", kwargs={"slug": application.community.slug, "membership_id": application.pk})


def test_coordinator_sees_applications(alice_client: Client, application: Membership) -> None:
    response = alice_client.get(reverse("communities:applications", kwargs={"slug": "riverside"}))
    assert response.status_code == 200
    assert "Dave Davis" in response.content.decode()


@pytest.mark.parametrize("persona", ["bob_client", "charlie_client"])
def test_others_cannot_see_applications(persona: str, request: pytest.FixtureRequest, application: Membership) -> None:
    client: Client = request.getfixturevalue(persona)
    response = client.get(reverse("communities:applications", kwargs={"slug": "riverside"}))
    assert response.status_code == 403
    assert "Only the coordinators of Riverside Hospital can do this." in response.content.decode()
    assert "Dave Davis" not in response.content.decode()


def test_coordinator_approves(alice: User, alice_client: Client, application: Membership) -> None:
    response = alice_client.post(decide_url(application), {"decision": "approve"}, follow=True)
    assert "Dave Davis is now a member of Riverside Hospital." in response.content.decode()
    application.refresh_from_db()
    assert (application.status, application.decided_by) == (Membership.Status.ACTIVE, alice)
    assert application.events.get().kind == MembershipEvent.Kind.APPROVED


def test_coordinator_declines_with_a_reason_the_applicant_sees(
    alice_client: Client, application: Membership, community: Community
) -> None:
    alice_client.post(decide_url(application), {"decision": "decline", "reason": "Staff of this trust only."})
    application.refresh_from_db()
    assert application.status == Membership.Status.DECLINED
    applicant = Client()
    applicant.force_login(application.member)
    content = applicant.get(community.get_absolute_url()).content.decode()
    assert "Your last application was declined." in content
    assert "Staff of this trust only." in content


@pytest.mark.parametrize("persona", ["bob_client", "charlie_client"])
def test_others_cannot_decide(persona: str, request: pytest.FixtureRequest, application: Membership) -> None:
    client: Client = request.getfixturevalue(persona)
    assert client.post(decide_url(application), {"decision": "approve"}).status_code == 403
    application.refresh_from_db()
    assert application.status == Membership.Status.PENDING


def test_coordinator_of_another_community_cannot_decide(charlie: User, application: Membership) -> None:
    other = Membership.objects.get(member=charlie)
    other.role = Membership.Role.COORDINATOR
    other.save()
    client = Client()
    client.force_login(charlie)
    assert client.post(decide_url(application), {"decision": "approve"}).status_code == 403
    # Reaching the application through the coordinator's own community finds nothing either.
    url = reverse("communities:decide", kwargs={"slug": "elsewhere", "membership_id": application.pk})
    assert client.post(url, {"decision": "approve"}).status_code == 404
    application.refresh_from_db()
    assert application.status == Membership.Status.PENDING


def test_deciding_twice_is_refused_clearly(alice_client: Client, application: Membership) -> None:
    alice_client.post(decide_url(application), {"decision": "approve"})
    response = alice_client.post(decide_url(application), {"decision": "decline"}, follow=True)
    assert "already been decided or withdrawn; nothing was changed" in response.content.decode()
    application.refresh_from_db()
    assert application.status == Membership.Status.ACTIVE


def test_a_bad_decision_value_changes_nothing(alice_client: Client, application: Membership) -> None:
    response = alice_client.post(decide_url(application), {"decision": "maybe"}, follow=True)
    assert "Choose whether to approve or decline the application." in response.content.decode()
    application.refresh_from_db()
    assert application.status == Membership.Status.PENDING


def test_coordinator_edits_description_and_policy(alice_client: Client, community: Community) -> None:
    url = reverse("communities:edit", kwargs={"slug": community.slug})
    assert alice_client.get(url).status_code == 200
    response = alice_client.post(url, {"description": "  Improvers at Riverside.  ", "join_policy": "open"})
    assert response.status_code == 302
    community.refresh_from_db()
    assert (community.description, community.join_policy) == ("Improvers at Riverside.", "open")


def test_bad_community_edit_shows_messages_and_changes_nothing(alice_client: Client, community: Community) -> None:
    url = reverse("communities:edit", kwargs={"slug": community.slug})
    response = alice_client.post(url, {"description": "x" * 4001, "join_policy": "anyone"})
    content = response.content.decode()
    assert response.status_code == 200
    assert "Ensure this value has at most 4000 characters" in content
    assert "Select a valid choice. anyone is not one of the available choices." in content
    community.refresh_from_db()
    assert (community.description, community.join_policy) == ("A national community.", "approval")


@pytest.mark.parametrize("persona", ["bob_client", "charlie_client"])
def test_others_cannot_edit(persona: str, request: pytest.FixtureRequest, community: Community) -> None:
    client: Client = request.getfixturevalue(persona)
    url = reverse("communities:edit", kwargs={"slug": community.slug})
    assert client.get(url).status_code == 403
    assert client.post(url, {"description": "Hacked", "join_policy": "open"}).status_code == 403
    community.refresh_from_db()
    assert community.description == "A national community."


def test_anonymous_coordinator_pages_send_to_log_in(community: Community) -> None:
    for name in ["edit", "applications", "members"]:
        response = Client().get(reverse(f"communities:{name}", kwargs={"slug": community.slug}))
        assert response["Location"].startswith(reverse("account_login"))
