"""Joining, applying, withdrawing and leaving communities, with a clear message for every refusal."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Membership, MembershipEvent
from tests.factories import MembershipFactory, OrganisationFactory, RegionFactory, UserFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


def join(client: Client, community: Community, note: str = "") -> str:
    response = client.post(reverse("communities:join", kwargs={"slug": community.slug}), {"note": note}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def test_joining_an_open_community_is_immediate(charlie: User, charlie_client: Client) -> None:
    region = RegionFactory(join_policy=Community.JoinPolicy.OPEN, name="North West")
    content = join(charlie_client, region)
    assert "Welcome to North West." in content
    membership = Membership.objects.get(member=charlie, community=region)
    assert membership.status == Membership.Status.ACTIVE
    assert list(membership.events.values_list("kind", flat=True)) == [MembershipEvent.Kind.JOINED]


def test_applying_to_an_approval_community_waits_for_coordinators(
    charlie: User, charlie_client: Client, community: Community
) -> None:
    content = join(charlie_client, community, note="I run a QI team.")
    assert "has been sent to its coordinators" in content
    assert "waiting for a coordinator" in content
    membership = Membership.objects.get(member=charlie, community=community)
    assert (membership.status, membership.application_note) == (Membership.Status.PENDING, "I run a QI team.")


def test_applying_twice_is_refused_and_makes_no_duplicate(
    charlie: User, charlie_client: Client, community: Community
) -> None:
    join(charlie_client, community)
    content = join(charlie_client, community)
    assert "You have already applied to join Riverside Hospital" in content
    assert Membership.objects.filter(member=charlie, community=community).count() == 1
    assert MembershipEvent.objects.filter(membership__member=charlie, membership__community=community).count() == 1


def test_joining_again_as_an_active_member_is_refused(bob: User, bob_client: Client, community: Community) -> None:
    assert "You are already a member of Riverside Hospital" in join(bob_client, community)


def test_suspended_member_cannot_rejoin(community: Community) -> None:
    dave = UserFactory()
    MembershipFactory(member=dave, community=community, status=Membership.Status.SUSPENDED)
    content = join(client_for(dave), community)
    assert "Your membership of Riverside Hospital is suspended" in content
    assert Membership.objects.get(member=dave, community=community).status == Membership.Status.SUSPENDED


def test_over_long_application_note_is_refused(charlie: User, charlie_client: Client, community: Community) -> None:
    content = join(charlie_client, community, note="x" * 1001)
    assert "Ensure this value has at most 1000 characters" in content
    assert not Membership.objects.filter(member=charlie, community=community).exists()


def test_withdrawing_an_application_then_reapplying_reuses_the_row(
    charlie: User, charlie_client: Client, community: Community
) -> None:
    join(charlie_client, community)
    response = charlie_client.post(reverse("communities:leave", kwargs={"slug": community.slug}), follow=True)
    assert "You are no longer a member" in response.content.decode()
    assert Membership.objects.get(member=charlie, community=community).status == Membership.Status.LEFT
    join(charlie_client, community)
    assert Membership.objects.filter(member=charlie, community=community).get().status == Membership.Status.PENDING


def test_member_leaves(bob: User, bob_client: Client, community: Community) -> None:
    bob_client.post(reverse("communities:leave", kwargs={"slug": community.slug}))
    assert Membership.objects.get(member=bob, community=community).status == Membership.Status.LEFT


def test_leaving_a_community_you_are_not_in_is_refused(
    charlie: User, charlie_client: Client, community: Community
) -> None:
    response = charlie_client.post(reverse("communities:leave", kwargs={"slug": community.slug}), follow=True)
    assert "You are not a member of Riverside Hospital." in response.content.decode()
    assert not Membership.objects.filter(member=charlie, community=community).exists()


def test_the_last_coordinator_cannot_leave(alice: User, alice_client: Client, community: Community) -> None:
    response = alice_client.post(reverse("communities:leave", kwargs={"slug": community.slug}), follow=True)
    assert "You are the only coordinator of Riverside Hospital" in response.content.decode()
    assert Membership.objects.get(member=alice, community=community).is_coordinator


def test_a_coordinator_can_leave_when_another_remains(alice: User, alice_client: Client, community: Community) -> None:
    MembershipFactory(community=community, role=Membership.Role.COORDINATOR)
    alice_client.post(reverse("communities:leave", kwargs={"slug": community.slug}))
    membership = Membership.objects.get(member=alice, community=community)
    assert (membership.status, membership.role) == (Membership.Status.LEFT, Membership.Role.MEMBER)


def test_join_and_leave_need_a_signed_in_member_and_post(community: Community) -> None:
    url = reverse("communities:join", kwargs={"slug": community.slug})
    assert Client().post(url)["Location"].startswith(reverse("account_login"))
    user = UserFactory()
    assert client_for(user).get(url)["Location"] == community.get_absolute_url()  # a GET joins nothing
    assert not Membership.objects.filter(member=user).exists()


def test_unknown_community_is_a_404_in_the_site_design(charlie_client: Client) -> None:
    response = charlie_client.post(reverse("communities:join", kwargs={"slug": "no-such-place"}))
    assert response.status_code == 404
    assert "There is no community at this address." in response.content.decode()


def test_a_member_can_belong_to_several_communities(charlie: User, charlie_client: Client) -> None:
    for community in [OrganisationFactory(join_policy="open"), RegionFactory(join_policy="open")]:
        join(charlie_client, community)
    assert Membership.objects.filter(member=charlie, status=Membership.Status.ACTIVE).count() == 3


def test_forms_without_a_csrf_token_are_refused(charlie: User, community: Community) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(charlie)
    response = client.post(reverse("communities:join", kwargs={"slug": community.slug}))
    assert response.status_code == 403
    assert "This form has expired" in response.content.decode()
    assert not Membership.objects.filter(member=charlie, community=community).exists()
