"""Issue 10: a new listing's audience defaults to the member's most local community, and the form
says who will see it."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from communities.queries import by_locality, most_local
from tests.factories import MembershipFactory, NationFactory, OrganisationFactory, RegionFactory, UserFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db


@pytest.fixture
def tree() -> dict[str, Community]:
    nation = NationFactory(name="Aardvark Nation")  # first by name, and by kind ("nation" < "organisation")
    region = RegionFactory(name="Beta Region", parent=nation)
    organisation = OrganisationFactory(name="Zed Hospital", parent=region)
    OrganisationFactory(name="Other Hospital", parent=region)
    return {"nation": nation, "region": region, "organisation": organisation}


def selected_scope(page: str) -> str:
    select = page.split('name="scope"')[1].split("</select>")[0]
    match = re.search(r'<option value="\d+" selected>([^<]+)</option>', select)
    assert match, select
    return match.group(1)


def test_the_default_audience_is_the_members_own_organisation(tree: dict[str, Community]) -> None:
    member = UserFactory()
    for community in tree.values():
        MembershipFactory(member=member, community=community)
    page = client_for(member).get(reverse("listings:create")).content.decode()
    assert selected_scope(page) == "Zed Hospital"
    assert "Members of Zed Hospital will see it." in page


def test_a_region_member_is_told_how_many_communities_see_it(tree: dict[str, Community]) -> None:
    member = UserFactory()
    MembershipFactory(member=member, community=tree["nation"])
    MembershipFactory(member=member, community=tree["region"])
    page = client_for(member).get(reverse("listings:create")).content.decode()
    assert selected_scope(page) == "Beta Region"
    assert "Members of Beta Region and the 2 communities within it will see it." in page


def test_the_nation_counts_every_community_under_it(tree: dict[str, Community]) -> None:
    member = UserFactory()
    MembershipFactory(member=member, community=tree["nation"])
    page = client_for(member).get(reverse("listings:create")).content.decode()
    assert "Members of Aardvark Nation and the 3 communities within it will see it." in page


def test_a_posted_choice_is_described_when_the_form_comes_back(tree: dict[str, Community]) -> None:
    member = UserFactory()
    for community in tree.values():
        MembershipFactory(member=member, community=community)
    page = (
        client_for(member).post(reverse("listings:create"), {"scope": tree["nation"].pk, "title": ""}).content.decode()
    )
    assert selected_scope(page) == "Aardvark Nation"
    assert "Members of Aardvark Nation and the 3 communities within it will see it." in page


def test_editing_keeps_the_listings_own_audience(alice: User, alice_client: Client, community: Community) -> None:
    from tests.factories import ListingFactory

    nation = NationFactory(name="Aardvark Nation")
    MembershipFactory(member=alice, community=nation)
    listing = ListingFactory(author=alice, scope=nation)
    page = alice_client.get(reverse("listings:edit", kwargs={"listing_id": listing.pk})).content.decode()
    assert selected_scope(page) == "Aardvark Nation"


def test_most_local_and_by_locality_agree(tree: dict[str, Community]) -> None:
    ordered = list(by_locality(Community.objects.all()))
    assert [c.name for c in ordered] == ["Other Hospital", "Zed Hospital", "Beta Region", "Aardvark Nation"]
    assert most_local([tree["nation"], tree["region"], tree["organisation"]]) == tree["organisation"]
    assert most_local([tree["nation"], tree["region"]]) == tree["region"]
    assert most_local([]) is None
