"""The national bench data set: seeded quickly, valid, visible where it should be, found by search,
idempotent; and the benchmark command runs and ends with its one-line summary."""

import re
from collections import defaultdict
from io import StringIO

import pytest
from django.core.management import call_command

from accounts.models import Profile, User
from communities.models import Community, Membership
from devtools.guard import DISPOSABLE_OPTION
from devtools.management.commands.seed_national import EMAIL_DOMAIN, NATION_SLUG
from listings import visibility
from listings.models import MAX_MINUTES, MIN_MINUTES, Listing
from listings.search import SearchFilters, search_listings

pytestmark = pytest.mark.django_db

SMALL = {"members": 300, "listings": 2000, "communities": 15}
# The test database's name does not say "bench" (tests/devtools/test_guard.py covers the refusal).
DISPOSABLE = {DISPOSABLE_OPTION: True}


def seed(**options: int) -> str:
    out = StringIO()
    call_command("seed_national", **{**SMALL, **options}, stdout=out, **DISPOSABLE)
    return out.getvalue()


@pytest.fixture
def seeded() -> str:
    return seed()


def test_counts_and_community_tree(seeded: str) -> None:
    assert "Seeded in" in seeded
    assert User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count() == 300
    assert Profile.objects.filter(user__email__endswith=f"@{EMAIL_DOMAIN}").count() == 300
    assert Listing.objects.count() == 2000
    nation = Community.objects.get(slug=NATION_SLUG, kind=Community.Kind.NATION, name="Bench England")
    regions = Community.objects.filter(parent=nation, kind=Community.Kind.REGION)
    organisations = Community.objects.filter(parent__in=regions, kind=Community.Kind.ORGANISATION)
    assert regions.count() >= 2
    assert 1 + regions.count() + organisations.count() == 15
    assert Community.objects.filter(slug__startswith="bench-").count() == 15


def test_members_belong_to_an_organisation_its_region_and_the_nation(seeded: str) -> None:
    memberships: dict[int, list[Membership]] = defaultdict(list)
    for membership in Membership.objects.select_related("community"):
        memberships[membership.member_id].append(membership)
    assert len(memberships) == 300
    for rows in memberships.values():
        assert all(row.status == Membership.Status.ACTIVE for row in rows)
        kinds = {row.community.kind: row.community for row in rows}
        assert len(rows) == 3
        assert kinds[Community.Kind.ORGANISATION].parent_id == kinds[Community.Kind.REGION].pk
        assert kinds[Community.Kind.REGION].parent_id == kinds[Community.Kind.NATION].pk
    coordinators = Membership.objects.filter(role=Membership.Role.COORDINATOR)
    coordinated = set(coordinators.values_list("community_id", flat=True))
    with_members = set(Membership.objects.values_list("community_id", flat=True))
    assert coordinated == with_members
    for user in User.objects.select_related("profile")[:50]:
        assert not user.has_usable_password()
        assert user.is_active
        assert user.profile.display_name
        assert user.profile.onboarded_at is not None
        assert 1 <= user.profile.skills.count() <= 4
        assert user.profile.role in Profile.Role.values


def test_listings_obey_the_model_and_are_visible_to_their_authors(seeded: str) -> None:
    listings = list(Listing.objects.prefetch_related("skills"))
    for listing in listings[:20]:
        listing.full_clean()  # every field's validators, lengths and choices
    scopes: dict[int, set[int]] = defaultdict(set)  # what each author may see: their communities, above
    for member_id, community_id, parent_id, grandparent_id in Membership.objects.filter(
        status=Membership.Status.ACTIVE
    ).values_list("member_id", "community_id", "community__parent_id", "community__parent__parent_id"):
        scopes[member_id] |= {pk for pk in (community_id, parent_id, grandparent_id) if pk is not None}
    for author in User.objects.filter(listings__isnull=False).distinct()[:10]:
        assert scopes[author.pk] == visibility.visible_scope_ids(author)
    for listing in listings:
        skills = list(listing.skills.all())
        assert 1 <= len(skills) <= 3
        assert listing.skills_text == ", ".join(sorted(skill.name for skill in skills))
        assert MIN_MINUTES <= listing.estimated_minutes <= MAX_MINUTES
        assert listing.estimated_minutes % 15 == 0
        assert len(listing.title) <= 120
        assert 20 <= len(listing.description.split()) <= 80
        assert len(listing.improvement) <= 300
        assert listing.expires_at > listing.created_at
        assert (listing.hidden_at is None) == (listing.hidden_reason == "")
        assert listing.scope_id in scopes[listing.author_id], "scoped to one of the author's communities"
    kinds = [listing.kind for listing in listings]
    assert 0.45 < kinds.count(Listing.Kind.OFFER) / len(kinds) < 0.65
    live = [listing for listing in listings if listing.is_live]
    assert 0.6 < len(live) / len(listings) < 0.95


def test_search_finds_seeded_listings(seeded: str) -> None:
    listing = Listing.objects.filter(visibility.live_q(), scope__slug=NATION_SLUG).order_by("pk").first()
    assert listing is not None
    member = User.objects.exclude(pk=listing.author_id).filter(email__endswith=f"@{EMAIL_DOMAIN}").first()
    assert member is not None
    page = search_listings(member, SearchFilters(q=f'"{listing.title}"'), page_size=1000)
    assert listing in [hit.listing for hit in page.hits]
    charts = search_listings(member, SearchFilters(q="charts"))
    assert charts.total > 0
    assert {hit.listing.scope_id for hit in charts.hits} <= visibility.visible_scope_ids(member)


def test_seeding_again_with_the_same_sizes_does_nothing(seeded: str) -> None:
    first = list(Listing.objects.order_by("pk").values_list("pk", "title"))
    again = seed()
    assert "already present" in again
    assert list(Listing.objects.order_by("pk").values_list("pk", "title")) == first


def test_seeding_other_sizes_replaces_the_set(seeded: str) -> None:
    seed(members=200, listings=500, communities=10)
    assert User.objects.count() == 200
    assert Listing.objects.count() == 500
    assert Community.objects.count() == 10


def test_bench_search_prints_one_summary_line() -> None:
    out = StringIO()
    call_command("bench_search", **SMALL, iterations=8, warmup=2, stdout=out, **DISPOSABLE)
    lines = out.getvalue().strip().splitlines()
    assert "common word" in out.getvalue()
    assert "match (both)" in out.getvalue()
    assert re.fullmatch(r"search_p95_ms=\d+(\.\d)? match_p95_ms=\d+(\.\d)?", lines[-1])
