"""Hiding a listing holds until a coordinator of the community that hid it shows it again.

bob's listing is hidden by alice, coordinator of Riverside. bob also coordinates a community of
his own ("Bob's Group"): moving the listing there and back must not let him lift the hide.
"""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Membership
from listings.models import Listing
from notifications.models import Notification
from tests.factories import ListingFactory, MembershipFactory, OrganisationFactory, UserFactory
from tests.listings.test_views import form_data
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def bobs_group(bob: User) -> Community:
    group = OrganisationFactory(name="Bob's Group", slug="bobs-group")
    MembershipFactory(member=bob, community=group, role=Membership.Role.COORDINATOR)
    return group


@pytest.fixture
def hidden(alice_client: Client, bob: User, community: Community) -> Listing:
    listing = ListingFactory(author=bob, scope=community, title="Bob's offer")
    alice_client.post(reverse("listings:hide", kwargs={"listing_id": listing.pk}), {"reason": "Not QI work."})
    listing.refresh_from_db()
    assert (listing.is_hidden, listing.hidden_in) == (True, community)
    return listing


def unhide_url(listing: Listing) -> str:
    return reverse("listings:unhide", kwargs={"listing_id": listing.pk})


def hide_url(listing: Listing) -> str:
    return reverse("listings:hide", kwargs={"listing_id": listing.pk})


def hide_state(listing: Listing) -> tuple[object, ...]:
    listing.refresh_from_db()
    return (listing.hidden_at, listing.hidden_by_id, listing.hidden_reason, listing.hidden_in_id)


def move(client: Client, listing: Listing, to: Community) -> None:
    edit = reverse("listings:edit", kwargs={"listing_id": listing.pk})
    response = client.post(edit, form_data(to, title=listing.title))
    assert response.status_code == 302
    listing.refresh_from_db()
    assert listing.scope == to


def test_the_author_cannot_lift_a_hide_by_moving_the_listing_to_a_community_they_coordinate(
    hidden: Listing, bob_client: Client, bobs_group: Community, community: Community
) -> None:
    before = hide_state(hidden)
    move(bob_client, hidden, bobs_group)
    assert hide_state(hidden) == before  # moving it does not move the hide
    response = bob_client.post(unhide_url(hidden))
    assert response.status_code == 403
    assert "You cannot show your own listing again: a coordinator of Riverside Hospital" in response.content.decode()
    move(bob_client, hidden, community)
    assert hide_state(hidden) == before
    assert not Notification.objects.filter(title__contains="visible again").exists()


def test_the_author_cannot_take_the_hide_over_by_hiding_it_again_elsewhere(
    hidden: Listing, bob_client: Client, bobs_group: Community
) -> None:
    before = hide_state(hidden)
    move(bob_client, hidden, bobs_group)
    response = bob_client.post(hide_url(hidden), {"reason": "Mine now"}, follow=True)
    assert "This is your own listing: pause or close it instead." in response.content.decode()
    assert hide_state(hidden) == before


def test_another_communitys_coordinator_can_neither_lift_nor_rehide(
    hidden: Listing, bob_client: Client, bobs_group: Community
) -> None:
    move(bob_client, hidden, bobs_group)
    dave = UserFactory(profile__display_name="Dave Dunn")
    MembershipFactory(member=dave, community=bobs_group, role=Membership.Role.COORDINATOR)
    dave_client = client_for(dave)
    before = hide_state(hidden)
    response = dave_client.post(unhide_url(hidden))
    assert response.status_code == 403
    assert "hidden by the coordinators of Riverside Hospital" in response.content.decode()
    response = dave_client.post(hide_url(hidden), {"reason": "Taking this over"}, follow=True)
    assert "hidden by the coordinators of Riverside Hospital" in response.content.decode()
    assert hide_state(hidden) == before
    page = dave_client.get(hidden.get_absolute_url()).content.decode()
    assert "Make it visible again" not in page
    assert "Only the coordinators of Riverside Hospital, or of a community above it" in page


def test_the_hiding_communitys_coordinator_lifts_it_wherever_it_moved_and_the_author_is_told(
    hidden: Listing, alice_client: Client, bob: User, bob_client: Client, bobs_group: Community
) -> None:
    move(bob_client, hidden, bobs_group)
    page = alice_client.get(hidden.get_absolute_url())  # alice is not in Bob's Group, but hid it
    assert page.status_code == 200
    assert "Make it visible again" in page.content.decode()
    response = alice_client.post(unhide_url(hidden), follow=True)
    assert "The listing is visible again. Its author has been told." in response.content.decode()
    assert hide_state(hidden) == (None, None, "", None)
    (note,) = Notification.objects.filter(recipient=bob, title__contains="visible again")
    assert note.title == "Alice Adams made your offer “Bob's offer” visible again"
    assert note.url == hidden.get_absolute_url()


def test_a_coordinator_of_a_community_above_can_lift_it(hidden: Listing, community: Community) -> None:
    assert community.parent is not None
    regional = UserFactory()
    MembershipFactory(member=regional, community=community.parent, role=Membership.Role.COORDINATOR)
    response = client_for(regional).post(unhide_url(hidden))
    assert response.status_code == 302
    assert hide_state(hidden) == (None, None, "", None)


def test_a_coordinator_cannot_lift_a_hide_on_their_own_listing(alice: User, community: Community) -> None:
    erin = UserFactory(profile__display_name="Erin Evans")
    MembershipFactory(member=erin, community=community, role=Membership.Role.COORDINATOR)
    alices = ListingFactory(author=alice, scope=community, title="Alice's offer")
    client_for(erin).post(hide_url(alices), {"reason": "Duplicate."})
    before = hide_state(alices)
    alice_client = client_for(alice)
    assert alice_client.post(unhide_url(alices)).status_code == 403
    page = alice_client.get(alices.get_absolute_url()).content.decode()
    assert "Make it visible again" not in page
    assert "Only a coordinator of Riverside Hospital can make it visible again" in page
    assert hide_state(alices) == before


def test_a_coordinator_cannot_hide_their_own_listing(alice: User, alice_client: Client, community: Community) -> None:
    alices = ListingFactory(author=alice, scope=community)
    response = alice_client.post(hide_url(alices), {"reason": "Oops"}, follow=True)
    assert "This is your own listing: pause or close it instead." in response.content.decode()
    assert hide_state(alices) == (None, None, "", None)


def test_showing_a_listing_that_is_not_hidden_is_refused_and_changes_nothing(
    alice_client: Client, bob: User, community: Community
) -> None:
    listing = ListingFactory(author=bob, scope=community)
    assert alice_client.post(unhide_url(listing)).status_code == 403
    assert not Notification.objects.exists()
