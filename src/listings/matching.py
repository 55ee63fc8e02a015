"""Suggestions that connect people: who could help with a request, and what a member could help with.

Every suggestion carries its reasons ("shares: run charts, SPC; same region"), because a reason
is what makes a member act on it. Candidates come from bounded, indexed queries (listings or
members sharing a skill, listings sharing words, the newest CANDIDATES of each); scoring happens
in Python over those few dozen rows, with a fixed number of queries whatever the data size.
CANDIDATES = 50 keeps matching p95 under 100 ms at national scale (README, "Benchmarks"); at 200
it was 233 ms, most of it Python scoring.

Score: 3 per skill in common, 1 per word in common (at most 3), 2 for the same organisation or
1 for the same region, 1 for activity in the last fortnight.
"""

import re
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.access import shared_community_member_ids
from accounts.models import Profile, User
from communities.models import Community, Membership
from listings import visibility
from listings.models import Listing
from listings.search import with_any_word
from skills.models import Skill

CANDIDATES = 50  # newest candidates per source (skills, words, members) that are scored
RECENT = timedelta(days=14)
STOP_WORDS = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "by",
        "can",
        "for",
        "from",
        "help",
        "i",
        "in",
        "is",
        "it",
        "me",
        "my",
        "need",
        "needs",
        "of",
        "on",
        "or",
        "our",
        "the",
        "to",
        "we",
        "with",
        "you",
        "your",
    ]
)
WORD = re.compile(r"[a-z0-9]+")


@dataclass
class Suggestion:
    score: float
    reasons: list[str]
    listing: Listing | None = None
    member: User | None = None

    @property
    def reason_text(self) -> str:
        return "; ".join(self.reasons)


@dataclass
class Neighbourhood:
    """Where a member sits in the community tree: their organisations and regions."""

    organisations: set[int] = field(default_factory=set)
    regions: set[int] = field(default_factory=set)


def words(text: str) -> set[str]:
    return {w for w in WORD.findall(text.lower()) if w not in STOP_WORDS and len(w) > 2}


def _neighbourhoods(member_ids: set[int]) -> dict[int, Neighbourhood]:
    """Each member's organisations and regions, in one query."""
    rows = Membership.objects.filter(member_id__in=member_ids, status=Membership.Status.ACTIVE).values_list(
        "member_id", "community_id", "community__kind", "community__parent_id"
    )
    result: dict[int, Neighbourhood] = defaultdict(Neighbourhood)
    for member_id, community_id, kind, parent_id in rows:
        place = result[member_id]
        if kind == Community.Kind.ORGANISATION:
            place.organisations.add(community_id)
            if parent_id:
                place.regions.add(parent_id)
        elif kind == Community.Kind.REGION:
            place.regions.add(community_id)
    return result


def _nearness(a: Neighbourhood, b: Neighbourhood) -> tuple[int, str | None]:
    if a.organisations & b.organisations:
        return 2, _("same organisation")
    if a.regions & b.regions:
        return 1, _("same region")
    return 0, None


def _score(
    *,
    shared_skills: list[str],
    shared_words: set[str],
    nearness: tuple[int, str | None],
    last_active: object,
) -> tuple[float, list[str]]:
    reasons = []
    score = 3.0 * len(shared_skills) + min(len(shared_words), 3) + nearness[0]
    if shared_skills:
        reasons.append(_("shares: %(skills)s") % {"skills": ", ".join(shared_skills)})
    if shared_words:
        reasons.append(_("mentions: %(words)s") % {"words": ", ".join(sorted(shared_words)[:3])})
    if nearness[1]:
        reasons.append(nearness[1])
    if last_active and last_active >= timezone.now() - RECENT:  # type: ignore[operator]
        score += 1
        reasons.append(_("active recently"))
    return score, reasons


def _skill_ids(rows: QuerySet[Any], owner: str) -> dict[int, list[int]]:
    """Skill ids per owner (listing or profile) from rows of a skills through table, in one query."""
    skills_of: dict[int, list[int]] = defaultdict(list)
    for owner_id, skill_id in rows.values_list(owner, "skill_id"):
        skills_of[owner_id].append(skill_id)
    return skills_of


def _skill_names(skills: list[Skill]) -> dict[int, str]:
    return {skill.pk: skill.name for skill in skills}


def _listing_candidates(pool: QuerySet[Listing], skill_ids: set[int], text: str) -> list[Listing]:
    """Live listings sharing a skill, newest first, plus the newest sharing a word of the text."""
    through = Listing.skills.through.objects.filter(skill_id__in=skill_ids).values("listing_id")
    by_skill = _newest(pool.filter(pk__in=through), CANDIDATES)
    seen = {item.pk for item in by_skill}
    terms = sorted(words(text))[:6]
    if not terms:
        return by_skill
    by_words = _newest(with_any_word(pool, terms), CANDIDATES // 4)
    return by_skill + [item for item in by_words if item.pk not in seen]


def _newest(pool: QuerySet[Listing], limit: int) -> list[Listing]:
    """The ``limit`` newest listings of the pool, with their authors and scopes, in one query.

    The ids come from a subquery that tests only indexed columns, so the database walks the live
    listings' date index without reading the table (an index-only scan); then just those rows.
    """
    newest = pool.order_by("-created_at").values("pk")[:limit]
    rows = Listing.objects.filter(pk__in=newest).select_related("author__profile", "scope")
    return list(rows.defer("search_vector").order_by("-created_at"))  # the database's alone


def _rank_listings(source: Listing, candidates: list[Listing], limit: int) -> list[Suggestion]:
    if not candidates:
        return []
    ids = [item.pk for item in candidates]
    skills_of = _skill_ids(Listing.skills.through.objects.filter(listing_id__in=ids), "listing_id")
    source_skills = _skill_names(list(source.skills.all()))
    places = _neighbourhoods({source.author_id, *(item.author_id for item in candidates)})
    source_words = words(f"{source.title} {source.improvement}")
    suggestions = []
    for item in candidates:
        shared = sorted(source_skills[s] for s in skills_of[item.pk] if s in source_skills)
        score, reasons = _score(
            shared_skills=shared,
            shared_words=source_words & words(f"{item.title} {item.improvement}"),
            nearness=_nearness(places[source.author_id], places[item.author_id]),
            last_active=item.author.last_login,
        )
        if score > 0 and reasons:
            suggestions.append(Suggestion(score, reasons, listing=item))
    suggestions.sort(key=lambda s: (-s.score, -(s.listing.pk if s.listing else 0)))
    return suggestions[:limit]


def suggest_listings(source: Listing, viewer: User, limit: int = 5) -> list[Suggestion]:
    """For a request, offers that could answer it; for an offer, requests it could answer."""
    wanted = Listing.Kind.OFFER if source.kind == Listing.Kind.REQUEST else Listing.Kind.REQUEST
    pool = visibility.searchable_listings(viewer).filter(kind=wanted).exclude(author_id=source.author_id)
    skill_ids = {skill.pk for skill in source.skills.all()}
    candidates = _listing_candidates(pool, skill_ids, f"{source.title} {source.improvement}")
    return _rank_listings(source, candidates, limit)


def suggest_members(request: Listing, viewer: User, limit: int = 5) -> list[Suggestion]:
    """Members the viewer may see who have the skills a request needs, nearest and most active first."""
    skill_ids = {skill.pk for skill in request.skills.all()}
    if not skill_ids:
        return []
    holders = Profile.skills.through.objects.filter(skill_id__in=skill_ids).values("profile_id")
    # "Shares a community with the viewer", asked of each candidate (EXISTS) rather than as the list of
    # everyone who does: a member of a national community shares it with every other member.
    shares_a_community = Exists(shared_community_member_ids(viewer).filter(member_id=OuterRef("pk")))
    candidates = list(
        User.objects.filter(pk__in=holders, is_active=True)
        .filter(shares_a_community)
        .exclude(pk__in={request.author_id, viewer.pk})
        .select_related("profile")
        .order_by("-last_login", "-pk")[:CANDIDATES]
    )
    if not candidates:
        return []
    ids = [user.pk for user in candidates]
    skills_of = _skill_ids(Profile.skills.through.objects.filter(profile_id__in=ids), "profile_id")
    request_skills = _skill_names(list(request.skills.all()))
    places = _neighbourhoods({request.author_id, *ids})
    request_words = words(f"{request.title} {request.improvement}")
    suggestions = []
    for user in candidates:
        shared = sorted(request_skills[s] for s in skills_of[user.pk] if s in request_skills)
        profile = user.profile
        score, reasons = _score(
            shared_skills=shared,
            shared_words=request_words & words(profile.bio),
            nearness=_nearness(places[request.author_id], places[user.pk]),
            last_active=user.last_login,
        )
        suggestions.append(Suggestion(score, reasons, member=user))
    suggestions.sort(key=lambda s: (-s.score, -(s.member.pk if s.member else 0)))
    return suggestions[:limit]


def requests_you_could_help_with(member: User, limit: int = 5) -> list[Suggestion]:
    """Live requests the member may see that need skills in their profile."""
    profile = Profile.objects.filter(user=member).prefetch_related("skills").first()
    skill_ids = {skill.pk for skill in profile.skills.all()} if profile else set()
    if not skill_ids:
        return []
    pool = visibility.searchable_listings(member).filter(kind=Listing.Kind.REQUEST).exclude(author=member)
    through = Listing.skills.through.objects.filter(skill_id__in=skill_ids).values("listing_id")
    candidates = _newest(pool.filter(pk__in=through), CANDIDATES)
    pseudo = Listing(author=member, kind=Listing.Kind.OFFER, title="", improvement=profile.bio if profile else "")
    return _rank_member_skills(
        pseudo, {s.pk: s.name for s in profile.skills.all()} if profile else {}, candidates, limit
    )


def _rank_member_skills(
    pseudo: Listing, member_skills: dict[int, str], candidates: list[Listing], limit: int
) -> list[Suggestion]:
    ids = [item.pk for item in candidates]
    skills_of = _skill_ids(Listing.skills.through.objects.filter(listing_id__in=ids), "listing_id")
    places = _neighbourhoods({pseudo.author_id, *(item.author_id for item in candidates)})
    suggestions = []
    for item in candidates:
        shared = sorted(member_skills[s] for s in skills_of[item.pk] if s in member_skills)
        score, reasons = _score(
            shared_skills=shared,
            shared_words=set(),
            nearness=_nearness(places[pseudo.author_id], places[item.author_id]),
            last_active=item.author.last_login,
        )
        suggestions.append(Suggestion(score, reasons, listing=item))
    suggestions.sort(key=lambda s: (-s.score, -(s.listing.pk if s.listing else 0)))
    return suggestions[:limit]


def offers_for_your_requests(member: User, limit: int = 5) -> list[Suggestion]:
    """The best offers for the member's own live requests (the five newest requests)."""
    requests = list(
        Listing.objects.filter(visibility.live_q(), author=member, kind=Listing.Kind.REQUEST)
        .prefetch_related("skills")
        .order_by("-created_at")[:5]
    )
    best: dict[int, Suggestion] = {}
    for request in requests:
        for suggestion in suggest_listings(request, member, limit):
            assert suggestion.listing is not None
            known = best.get(suggestion.listing.pk)
            if known is None or suggestion.score > known.score:
                best[suggestion.listing.pk] = suggestion
    return sorted(best.values(), key=lambda s: -s.score)[:limit]


@dataclass
class WeeklySuggestions:
    """What the weekly digest tells a member; empty means there is nothing to send."""

    requests_you_could_help_with: list[Suggestion]
    offers_for_your_requests: list[Suggestion]

    @property
    def is_empty(self) -> bool:
        return not (self.requests_you_could_help_with or self.offers_for_your_requests)


def weekly_suggestions(member: User, limit: int = 5) -> WeeklySuggestions:
    """The same suggestions as the dashboard, for the weekly digest e-mail."""
    return WeeklySuggestions(
        requests_you_could_help_with=requests_you_could_help_with(member, limit),
        offers_for_your_requests=offers_for_your_requests(member, limit),
    )
