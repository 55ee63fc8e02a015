"""Full-text search behaves the same on SQLite (FTS5) and PostgreSQL (tsvector), and never leaks."""

import pytest

from accounts.models import User
from communities.models import Community, Membership
from listings.actions import ListingData, do_update_listing
from listings.models import Listing
from listings.search import SearchFilters, search_listings
from skills.models import Skill
from tests.factories import ListingFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def searcher(community: Community) -> User:
    user = UserFactory()
    MembershipFactory(member=user, community=community)
    return user


def titles(member: User, q: str = "", **filters: object) -> list[str]:
    page = search_listings(member, SearchFilters(q=q, **filters))  # type: ignore[arg-type]
    return [hit.listing.title for hit in page.hits]


def make(community: Community, title: str, description: str = "Help offered.", **kwargs: object) -> Listing:
    return ListingFactory(scope=community, title=title, description=description, **kwargs)


def test_words_are_stemmed(searcher: User, community: Community) -> None:
    make(community, "Coaching on run charts")
    make(community, "Process mapping workshop")
    assert titles(searcher, "chart") == ["Coaching on run charts"]
    assert titles(searcher, "charting") == ["Coaching on run charts"]


def test_phrases_and_exclusions(searcher: User, community: Community) -> None:
    make(community, "Run chart clinic", "We read a run chart together.")
    make(community, "Chart review", "Run your eye over a chart and then run.")
    make(community, "Lean run chart", "Lean methods with a run chart.")
    assert sorted(titles(searcher, '"run chart"')) == ["Lean run chart", "Run chart clinic"]
    assert titles(searcher, '"run chart" -lean') == ["Run chart clinic"]


def test_or_finds_either(searcher: User, community: Community) -> None:
    make(community, "Statistical process control")
    make(community, "Driver diagrams")
    make(community, "Something else")
    assert sorted(titles(searcher, "statistical OR driver")) == ["Driver diagrams", "Statistical process control"]


def test_title_matches_rank_above_description_matches(searcher: User, community: Community) -> None:
    make(community, "Workshop", "Includes a little facilitation.")
    make(community, "Facilitation for your team")
    assert titles(searcher, "facilitation") == ["Facilitation for your team", "Workshop"]


def test_matches_are_highlighted_and_escaped(searcher: User, community: Community) -> None:
    make(community, "Run charts <b>now</b>", "Learn run charts & SPC.")
    hit = search_listings(searcher, SearchFilters(q="charts")).hits[0]
    assert "<mark>" in hit.title_html
    assert "&lt;b&gt;" in hit.title_html
    assert "<b>" not in hit.title_html
    assert "<mark>charts</mark>" in hit.snippet_html


@pytest.mark.parametrize(
    "query",
    [
        "'; DROP TABLE listings_listing; --",
        '"unbalanced',
        "🙂🙂",
        "NEAR(a b) title:x ^y * AND OR NOT",
        "-",
        '""',
        "x" * 500,
        "\\ % _ ' \" ;",
        "SELECT * FROM accounts_user",
    ],
)
def test_odd_input_is_searched_literally_and_never_fails(searcher: User, community: Community, query: str) -> None:
    make(community, "Run charts")
    page = search_listings(searcher, SearchFilters(q=query))
    assert page.total <= 1
    assert Listing.objects.count() == 1


def test_only_live_listings_are_found(searcher: User, community: Community) -> None:
    from datetime import timedelta

    from django.utils import timezone

    make(community, "Live charts")
    make(community, "Paused charts", status=Listing.Status.PAUSED)
    make(community, "Closed charts", status=Listing.Status.CLOSED)
    make(community, "Expired charts", expires_at=timezone.now() - timedelta(minutes=1))
    make(community, "Hidden charts", hidden_at=timezone.now(), hidden_reason="Spam")
    assert titles(searcher, "charts") == ["Live charts"]
    assert titles(searcher) == ["Live charts"]


def test_listings_scoped_elsewhere_are_never_shown_found_or_counted(searcher: User, community: Community) -> None:
    elsewhere = OrganisationFactory()
    make(elsewhere, "Secret charts")
    make(community, "Open charts")
    page = search_listings(searcher, SearchFilters(q="charts"))
    assert [hit.listing.title for hit in page.hits] == ["Open charts"]
    assert page.total == 1
    assert search_listings(searcher, SearchFilters()).total == 1


def test_listings_scoped_to_an_ancestor_are_visible(searcher: User, community: Community) -> None:
    region = community.parent
    assert region is not None
    assert region.parent is not None
    make(region, "Regional charts")
    make(region.parent, "National charts")
    assert sorted(titles(searcher, "charts")) == ["National charts", "Regional charts"]


def test_pending_members_see_nothing_of_the_community(community: Community) -> None:
    applicant = UserFactory()
    MembershipFactory(member=applicant, community=community, status=Membership.Status.PENDING)
    make(community, "Members-only charts")
    assert titles(applicant, "charts") == []


def test_filters_combine(searcher: User, community: Community) -> None:
    spc = Skill.objects.get(name="Statistical process control")
    coaching = Skill.objects.get(name="Coaching")
    make(community, "Remote SPC offer", skills=[spc], mode="remote")
    make(community, "SPC request", kind="request", skills=[spc], mode="in_person")
    make(community, "Coaching offer", skills=[coaching], mode="either")
    assert titles(searcher, kind="request") == ["SPC request"]
    assert sorted(titles(searcher, skills=[spc])) == ["Remote SPC offer", "SPC request"]
    assert sorted(titles(searcher, skills=[spc, coaching])) == ["Coaching offer", "Remote SPC offer", "SPC request"]
    assert sorted(titles(searcher, mode="remote")) == ["Coaching offer", "Remote SPC offer"]
    assert titles(searcher, "remote", skills=[spc]) == ["Remote SPC offer"]


def test_community_filter_includes_sub_communities(searcher: User, community: Community) -> None:
    region = community.parent
    assert region is not None
    make(community, "Organisation listing")
    make(region, "Region listing")
    assert sorted(titles(searcher, community=region)) == ["Organisation listing", "Region listing"]
    assert titles(searcher, community=community) == ["Organisation listing"]


def test_newest_sort_and_pagination(searcher: User, community: Community) -> None:
    for n in range(25):
        make(community, f"Charts {n:02d}")
    first = search_listings(searcher, SearchFilters(q="charts", sort="newest"))
    assert first.total == 25
    assert first.pages == 2
    assert first.hits[0].listing.title == "Charts 24"
    second = search_listings(searcher, SearchFilters(q="charts", sort="newest", page=2))
    assert [hit.listing.title for hit in second.hits] == [f"Charts {n:02d}" for n in range(4, -1, -1)]


def test_edits_are_searchable_at_once(searcher: User, community: Community) -> None:
    listing = make(community, "Original wording")
    listing.title = "Revised wording"
    listing.save()
    assert titles(searcher, "revised") == ["Revised wording"]
    assert titles(searcher, "original") == []
    listing.delete()
    assert titles(searcher, "revised") == []


def test_a_search_with_no_words_shows_everything_and_says_so(searcher: User, community: Community) -> None:
    make(community, "Anything")
    page = search_listings(searcher, SearchFilters(q="🙂"))
    assert page.text_ignored
    assert page.total == 1


def test_a_member_of_no_community_finds_nothing_and_no_error(db: None) -> None:
    """No scopes at all: an empty page from either database, whatever the filters."""
    loner = UserFactory(email="loner@example.org")
    ListingFactory(title="Run chart coaching")
    for filters in (SearchFilters(), SearchFilters(q="chart"), SearchFilters(q="chart", kind="offer")):
        page = search_listings(loner, filters)
        assert (page.hits, page.total) == ([], 0)


def test_filters_combine_with_words(searcher: User, community: Community) -> None:
    """Words and every filter together (on PostgreSQL: one full-text lookup with the filter tags)."""
    spc = Skill.objects.get(name="Statistical process control")
    region = community.parent
    assert region is not None
    make(community, "Chart offer here", skills=[spc], mode="remote")
    make(community, "Chart request here", kind="request", skills=[spc], mode="in_person")
    make(region, "Chart offer in the region", mode="either")
    assert titles(searcher, "chart", kind="request") == ["Chart request here"]
    assert sorted(titles(searcher, "chart", mode="remote")) == ["Chart offer here", "Chart offer in the region"]
    assert sorted(titles(searcher, "chart", skills=[spc], kind="offer")) == ["Chart offer here"]
    assert sorted(titles(searcher, "chart", community=community)) == ["Chart offer here", "Chart request here"]
    assert titles(searcher, "chart", community=community, kind="offer", mode="remote", skills=[spc]) == [
        "Chart offer here"
    ]


def test_changing_a_listings_skills_changes_what_the_skill_filter_finds(searcher: User, community: Community) -> None:
    spc = Skill.objects.get(name="Statistical process control")
    coaching = Skill.objects.get(name="Coaching")
    listing = make(community, "Chart coaching", skills=[spc])
    data = ListingData(
        kind=listing.kind,
        title=listing.title,
        description=listing.description,
        improvement=listing.improvement,
        skills=[coaching],
        scope=community,
        mode=listing.mode,
        place="",
        estimated_minutes=60,
        expires_at=listing.expires_at,
        campaign=None,
    )
    do_update_listing(listing=listing, data=data)
    assert titles(searcher, skills=[spc]) == []
    assert titles(searcher, "chart", skills=[coaching]) == ["Chart coaching"]


@pytest.mark.parametrize("query", ["#kindoffer", "#scope1", "kindoffer", "#skill1 OR #modeeither"])
def test_filter_tags_cannot_be_typed(searcher: User, community: Community, query: str) -> None:
    """The tags PostgreSQL keeps for filters are never matched by search text."""
    make(community, "Chart offer", skills=[Skill.objects.order_by("pk").first()])
    assert titles(searcher, query) == []
