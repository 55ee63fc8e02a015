"""The directory and community pages: what each visitor sees, and a fixed number of queries."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Membership
from tests.factories import MembershipFactory, NationFactory, OrganisationFactory, RegionFactory

pytestmark = pytest.mark.django_db


def build_tree(regions: int, organisations_per_region: int) -> Community:
    nation = NationFactory(name="England")
    for _ in range(regions):
        region = RegionFactory(parent=nation)
        for _ in range(organisations_per_region):
            org = OrganisationFactory(parent=region)
            MembershipFactory(community=org)
    return nation


def test_directory_shows_the_tree_with_member_counts(db: None) -> None:
    build_tree(2, 2)
    response = Client().get(reverse("communities:directory"))
    tree = response.context["tree"]
    assert [node.community.name for node in tree] == ["England"]
    assert len(tree[0].children) == 2
    assert all(len(region.children) == 2 for region in tree[0].children)
    assert all(org.community.member_count == 1 for region in tree[0].children for org in region.children)


@pytest.mark.parametrize("size", [(1, 1), (5, 6)])
def test_directory_query_count_is_fixed(db: None, size: tuple[int, int], django_assert_num_queries: object) -> None:
    build_tree(*size)
    with django_assert_num_queries(1):  # type: ignore[operator]
        Client().get(reverse("communities:directory"))


def test_community_page_for_anonymous_hides_coordinator_names(alice: User, community: Community) -> None:
    response = Client().get(community.get_absolute_url())
    content = response.content.decode()
    assert response.status_code == 200
    assert "Riverside Hospital" in content
    assert "Alice Adams" not in content
    assert "Log in to see who coordinates this community" in content


def test_community_page_for_members_shows_coordinators_counts_and_children(
    alice: User, bob: User, bob_client: Client, community: Community
) -> None:
    content = bob_client.get(community.get_absolute_url()).content.decode()
    assert "Alice Adams" in content
    assert reverse("accounts:profile", kwargs={"member_id": alice.pk}) in content
    assert "Leave this community" in content
    region = community.parent
    assert region is not None
    region_page = bob_client.get(region.get_absolute_url()).content.decode()
    assert "Riverside Hospital" in region_page


def test_coordinator_sees_coordination_links(alice_client: Client, community: Community) -> None:
    content = alice_client.get(community.get_absolute_url()).content.decode()
    assert reverse("communities:applications", kwargs={"slug": community.slug}) in content
    assert reverse("communities:edit", kwargs={"slug": community.slug}) in content


def test_outsider_sees_the_page_and_can_apply(alice: User, charlie_client: Client, community: Community) -> None:
    content = charlie_client.get(community.get_absolute_url()).content.decode()
    assert "Apply to join" in content
    assert "Alice Adams" in content  # a coordinator's name, but no link to a profile the outsider may not see
    assert reverse("accounts:profile", kwargs={"member_id": alice.pk}) not in content


def test_member_list_is_for_members(bob_client: Client, charlie_client: Client, community: Community) -> None:
    url = reverse("communities:members", kwargs={"slug": community.slug})
    assert bob_client.get(url).status_code == 200
    response = charlie_client.get(url)
    assert response.status_code == 403
    assert "Only members of Riverside Hospital can see who belongs to it." in response.content.decode()


def test_member_list_query_count_is_fixed(
    bob_client: Client, community: Community, django_assert_num_queries: object
) -> None:
    url = reverse("communities:members", kwargs={"slug": community.slug})
    bob_client.get(url)
    with django_assert_num_queries(7):  # type: ignore[operator]
        bob_client.get(url)
    for _ in range(15):
        MembershipFactory(community=community)
    with django_assert_num_queries(7):  # type: ignore[operator]
        response = bob_client.get(url)
    assert len(response.context["memberships"]) == 16


def test_applications_list_query_count_is_fixed(
    alice_client: Client, community: Community, django_assert_num_queries: object
) -> None:
    url = reverse("communities:applications", kwargs={"slug": community.slug})
    MembershipFactory(community=community, status=Membership.Status.PENDING)
    with django_assert_num_queries(8):  # type: ignore[operator]
        alice_client.get(url)
    for _ in range(10):
        MembershipFactory(community=community, status=Membership.Status.PENDING)
    with django_assert_num_queries(8):  # type: ignore[operator]
        response = alice_client.get(url)
    assert len(response.context["applications"]) == 11


def test_community_tree_rules_are_validated(db: None) -> None:
    from django.core.exceptions import ValidationError

    nation = NationFactory()
    region = RegionFactory(parent=nation)
    with pytest.raises(ValidationError, match="A region belongs to a nation"):
        Community(name="Bad", slug="bad", kind="region", parent=OrganisationFactory(parent=region)).full_clean()
    with pytest.raises(ValidationError, match="A nation is not part of another community"):
        Community(name="Bad", slug="bad2", kind="nation", parent=nation).full_clean()
    nation.kind = Community.Kind.ORGANISATION
    nation.parent = OrganisationFactory(parent=region)
    with pytest.raises(ValidationError):
        nation.full_clean()
