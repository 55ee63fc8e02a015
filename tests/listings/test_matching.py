"""Matching suggests the right offers and members, with reasons, and never what the viewer may not see."""

from datetime import timedelta

import pytest
from django.utils import timezone

from accounts.models import Profile, User
from communities.models import Community
from listings.matching import (
    offers_for_your_requests,
    requests_you_could_help_with,
    suggest_listings,
    suggest_members,
)
from listings.models import Listing
from skills.models import Skill
from tests.factories import ListingFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


def skill(name: str) -> Skill:
    return Skill.objects.get(name=name)


@pytest.fixture
def requester(community: Community) -> User:
    user = UserFactory(profile__display_name="Rita Requester")
    MembershipFactory(member=user, community=community)
    return user


@pytest.fixture
def spc_request(requester: User, community: Community) -> Listing:
    return ListingFactory(
        author=requester,
        scope=community,
        kind="request",
        title="Help reading SPC charts for falls data",
        improvement="Fewer falls on the wards",
        skills=[skill("Statistical process control"), skill("Run charts")],
    )


def member_in(community: Community, *skills: str, name: str = "", last_login: object = None) -> User:
    user = UserFactory(profile__display_name=name or "Helper", last_login=last_login)
    Profile.objects.get(user=user).skills.set([skill(s) for s in skills])
    MembershipFactory(member=user, community=community)
    return user


def test_offers_sharing_skills_rank_first_with_reasons(
    spc_request: Listing, requester: User, community: Community
) -> None:
    helper = member_in(community, name="Sam")
    both = ListingFactory(
        author=helper,
        scope=community,
        title="SPC and run charts coaching",
        skills=[skill("Statistical process control"), skill("Run charts")],
    )
    one = ListingFactory(author=helper, scope=community, title="Run charts", skills=[skill("Run charts")])
    ListingFactory(author=helper, scope=community, title="Unrelated gardening", skills=[skill("Coaching")])
    suggestions = suggest_listings(spc_request, requester)
    assert [s.listing for s in suggestions] == [both, one]
    assert suggestions[0].reason_text.startswith("shares: Run charts, Statistical process control")
    assert "same organisation" in suggestions[0].reason_text


def test_words_in_common_find_offers_without_shared_skills(
    spc_request: Listing, requester: User, community: Community
) -> None:
    offer = ListingFactory(scope=community, title="Falls prevention data review", skills=[skill("Coaching")])
    suggestions = suggest_listings(spc_request, requester)
    assert [s.listing for s in suggestions] == [offer]
    assert suggestions[0].reason_text == "mentions: data, falls"


def test_own_requests_and_invisible_offers_are_never_suggested(
    spc_request: Listing, requester: User, community: Community
) -> None:
    ListingFactory(
        author=requester, scope=community, title="My own SPC offer", skills=[skill("Statistical process control")]
    )
    ListingFactory(scope=OrganisationFactory(), title="SPC elsewhere", skills=[skill("Statistical process control")])
    ListingFactory(scope=community, title="SPC paused", status="paused", skills=[skill("Statistical process control")])
    ListingFactory(scope=community, title="SPC request", kind="request", skills=[skill("Statistical process control")])
    assert suggest_listings(spc_request, requester) == []


def test_suggested_members_share_skills_and_are_visible(
    spc_request: Listing, requester: User, community: Community
) -> None:
    near = member_in(
        community,
        "Statistical process control",
        "Run charts",
        name="Near",
        last_login=timezone.now() - timedelta(days=1),
    )
    partial = member_in(community, "Run charts", name="Partial")
    member_in(OrganisationFactory(), "Statistical process control", name="Stranger")  # shares no community
    member_in(community, "Coaching", name="No skills in common")
    suggestions = suggest_members(spc_request, requester)
    assert [s.member for s in suggestions] == [near, partial]
    assert suggestions[0].reason_text == (
        "shares: Run charts, Statistical process control; same organisation; active recently"
    )
    assert requester not in [s.member for s in suggestions]


def test_nearer_members_rank_above_farther_ones(spc_request: Listing, requester: User, community: Community) -> None:
    region = community.parent
    assert region is not None
    sibling_org = OrganisationFactory(parent=region)
    same_region = member_in(sibling_org, "Run charts", name="Same region")
    MembershipFactory(member=same_region, community=region)
    national = member_in(region.parent, "Run charts", name="Nation only")  # type: ignore[arg-type]
    MembershipFactory(member=requester, community=region.parent)
    MembershipFactory(member=requester, community=region)
    suggestions = suggest_members(spc_request, requester)
    assert [s.member for s in suggestions] == [same_region, national]
    assert "same region" in suggestions[0].reason_text


def test_dashboard_suggestions(spc_request: Listing, requester: User, community: Community) -> None:
    helper = member_in(community, "Statistical process control", name="Helper")
    offer = ListingFactory(
        author=helper, scope=community, title="SPC clinic", skills=[skill("Statistical process control")]
    )
    assert [s.listing for s in requests_you_could_help_with(helper)] == [spc_request]
    assert [s.listing for s in offers_for_your_requests(requester)] == [offer]
    assert requests_you_could_help_with(requester) == []  # no skills in the requester's profile


def test_match_queries_do_not_grow_with_candidates(
    spc_request: Listing, requester: User, community: Community, django_assert_max_num_queries: object
) -> None:
    for n in range(30):
        helper = member_in(community, "Run charts", name=f"Helper {n}")
        ListingFactory(author=helper, scope=community, title=f"Run charts {n}", skills=[skill("Run charts")])
    with django_assert_max_num_queries(8):  # type: ignore[operator]
        assert len(suggest_listings(spc_request, requester)) == 5
    with django_assert_max_num_queries(6):  # type: ignore[operator]
        assert len(suggest_members(spc_request, requester)) == 5
