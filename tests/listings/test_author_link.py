"""A listing page links to its author's profile only when the viewer may open that profile."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from skills.models import Skill
from tests.factories import ListingFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def profile_url(member: User) -> str:
    return reverse("accounts:profile", kwargs={"member_id": member.pk})


def test_an_author_from_another_organisation_is_named_without_a_link(bob_client: Client, community: Community) -> None:
    # Dave works elsewhere in the same region and offers to the whole region: bob sees the offer,
    # but shares no community with Dave, so may not open his profile.
    assert community.parent is not None
    dave = UserFactory(profile__display_name="Dave Dunn", profile__organisation="Hillside Trust")
    dave.profile.skills.set([Skill.objects.get(name="Coaching")])
    MembershipFactory(member=dave, community=OrganisationFactory(name="Hillside Trust", parent=community.parent))
    listing = ListingFactory(author=dave, scope=community.parent, title="Regional coaching")
    page = bob_client.get(listing.get_absolute_url())
    content = page.content.decode()
    assert page.status_code == 200
    assert "Dave Dunn" in content
    assert profile_url(dave) not in content
    assert 'nhsuk-body-s">Coaching</p>' not in content  # the profile's skills stay on the profile
    assert bob_client.get(profile_url(dave)).status_code == 404  # the rule the page follows


def test_an_author_who_shares_a_community_is_linked(alice: User, bob_client: Client, community: Community) -> None:
    listing = ListingFactory(author=alice, scope=community, title="Alice's clinic")
    content = bob_client.get(listing.get_absolute_url()).content.decode()
    assert f'<a href="{profile_url(alice)}">Alice Adams</a>' in content
    assert bob_client.get(profile_url(alice)).status_code == 200
