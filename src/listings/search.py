"""One query interface over listings, whatever the database: filters, full-text search, ranking,
pagination and highlighted snippets.

PostgreSQL uses the stored ``search_vector`` (GIN index) with websearch_to_tsquery, ts_rank and
ts_headline; SQLite uses the FTS5 table with bm25() and snippet(). Both see exactly the listings
``visibility.searchable_listings`` allows, so hidden or out-of-scope listings are never shown,
found or counted.
"""

from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.db import connection
from django.db.models import F, QuerySet
from django.db.models.expressions import RawSQL
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from communities.models import Community
from listings import visibility
from listings.models import Campaign, Listing
from listings.search_syntax import MAX_QUERY_LENGTH, parse
from skills.models import Skill

PAGE_SIZE = 20
MAX_COUNTED = 1000  # beyond this, pages say "more than 1,000" rather than count every match
START, STOP = "\x02", "\x03"  # highlight markers, replaced by <mark> after escaping


@dataclass
class SearchFilters:
    q: str = ""
    kind: str = ""
    skills: list[Skill] = field(default_factory=list)
    community: Community | None = None
    mode: str = ""
    campaign: Campaign | None = None
    sort: str = "relevance"
    page: int = 1


@dataclass
class SearchHit:
    listing: Listing
    title_html: SafeString
    snippet_html: SafeString


@dataclass
class SearchPage:
    hits: list[SearchHit]
    total: int
    total_is_capped: bool
    page: int
    page_size: int
    text_ignored: bool = False  # the search text had no words to look for

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.page_size))

    @property
    def has_next(self) -> bool:
        return self.page < self.pages

    @property
    def has_previous(self) -> bool:
        return self.page > 1


def highlight(text: str) -> SafeString:
    """Escape text, then turn the backend's markers into <mark> elements."""
    safe = escape(text).replace(START, "<mark>").replace(STOP, "</mark>")
    return mark_safe(safe)  # noqa: S308 - escaped above; only our own markers become tags


def filtered(member: User, filters: SearchFilters) -> QuerySet[Listing]:
    """Visible, live listings narrowed by every filter except the words."""
    listings = visibility.searchable_listings(member)
    if filters.kind:
        listings = listings.filter(kind=filters.kind)
    if filters.mode:
        listings = listings.filter(mode__in=[filters.mode, Listing.Mode.EITHER])
    if filters.community is not None:
        listings = listings.filter(scope_id__in=visibility.subtree_ids(filters.community))
    if filters.campaign is not None:
        listings = listings.filter(campaign=filters.campaign)
    if filters.skills:
        with_skill = Listing.skills.through.objects.filter(skill__in=filters.skills).values("listing_id")
        listings = listings.filter(pk__in=with_skill)  # any of the chosen skills
    return listings


def with_any_word(listings: QuerySet[Listing], terms: list[str]) -> QuerySet[Listing]:
    """Listings containing any of these plain words (stemmed), unranked: for match candidates."""
    if connection.vendor == "postgresql":
        query = SearchQuery(" OR ".join(terms), search_type="websearch", config="english")
        return listings.filter(search_vector=query)
    expression = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return listings.filter(pk__in=RawSQL(_FTS_IDS, [expression]))


def search_listings(member: User, filters: SearchFilters, page_size: int = PAGE_SIZE) -> SearchPage:
    backend = _postgres_search if connection.vendor == "postgresql" else _sqlite_search
    return backend(member, filters, page_size)


def _page_bounds(page: int, page_size: int) -> tuple[int, int]:
    start = (max(page, 1) - 1) * page_size
    return start, start + page_size


def _count(listings: QuerySet[Listing]) -> tuple[int, bool]:
    counted = listings.order_by()[: MAX_COUNTED + 1].count()
    return min(counted, MAX_COUNTED), counted > MAX_COUNTED


def _plain_hits(listings: list[Listing]) -> list[SearchHit]:
    return [SearchHit(item, highlight(item.title), highlight(_trim(item.description))) for item in listings]


def _trim(text: str, words: int = 30) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _newest(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    return listings.order_by("-created_at", "-pk")


def _with_cards(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    return listings.select_related("author__profile", "scope", "campaign").prefetch_related("skills")


# PostgreSQL ------------------------------------------------------------------------------------


def _postgres_search(member: User, filters: SearchFilters, page_size: int) -> SearchPage:
    listings = filtered(member, filters)
    start, end = _page_bounds(filters.page, page_size)
    text = filters.q.strip()[:MAX_QUERY_LENGTH]
    query = SearchQuery(text, search_type="websearch", config="english") if text else None
    if query is not None and not _has_lexemes(text):
        query = None
    if query is None:
        total, capped = _count(listings)
        page = list(_with_cards(_newest(listings))[start:end])
        return SearchPage(_plain_hits(page), total, capped, filters.page, page_size, text_ignored=bool(text))

    matching = listings.filter(search_vector=query)
    total, capped = _count(matching)
    if filters.sort == "newest":
        ordered = _newest(matching)
    else:
        ordered = matching.annotate(rank=SearchRank(F("search_vector"), query)).order_by("-rank", "-created_at")
    page = list(
        _with_cards(ordered).annotate(
            title_hl=SearchHeadline(
                "title", query, config="english", start_sel=START, stop_sel=STOP, highlight_all=True
            ),
            snippet_hl=SearchHeadline(
                "description", query, config="english", start_sel=START, stop_sel=STOP, max_words=30, min_words=15
            ),
        )[start:end]
    )
    hits = [SearchHit(item, highlight(item.title_hl), highlight(item.snippet_hl)) for item in page]  # type: ignore[attr-defined]
    return SearchPage(hits, total, capped, filters.page, page_size)


def _has_lexemes(text: str) -> bool:
    """False when websearch_to_tsquery finds nothing to look for (only stop words or symbols)."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT numnode(websearch_to_tsquery('english', %s))", [text])
        row = cursor.fetchone()
    return bool(row and row[0])


# SQLite ----------------------------------------------------------------------------------------


def _sqlite_search(member: User, filters: SearchFilters, page_size: int) -> SearchPage:
    listings = filtered(member, filters)
    start, end = _page_bounds(filters.page, page_size)
    parsed = parse(filters.q.strip())
    if parsed.is_empty and parsed.excluded:
        excluded = " OR ".join(f'"{t.replace(chr(34), chr(34) * 2)}"' for t in parsed.excluded)
        listings = listings.exclude(pk__in=RawSQL(_FTS_IDS, [excluded]))
    if parsed.is_empty:
        total, capped = _count(listings)
        page = list(_with_cards(_newest(listings))[start:end])
        return SearchPage(
            _plain_hits(page),
            total,
            capped,
            filters.page,
            page_size,
            text_ignored=bool(filters.q.strip()) and not parsed.excluded,
        )

    expression = parsed.to_fts5()
    matching = listings.filter(pk__in=RawSQL(_FTS_IDS, [expression]))
    total, capped = _count(matching)
    if filters.sort == "newest":
        ordered = _newest(matching)
    else:
        # bm25 is smaller for better matches; weights follow PostgreSQL's A/B/B/C.
        ordered = matching.annotate(rank=RawSQL(_FTS_RANK, [expression])).order_by("rank", "-created_at")
    page = list(_with_cards(ordered)[start:end])
    snippets = _sqlite_snippets([item.pk for item in page], expression)
    hits = [
        SearchHit(
            item,
            highlight(snippets.get(item.pk, ("", ""))[0] or item.title),
            highlight(snippets.get(item.pk, ("", ""))[1] or _trim(item.description)),
        )
        for item in page
    ]
    return SearchPage(hits, total, capped, filters.page, page_size)


_FTS_IDS = "SELECT rowid FROM listings_listing_fts WHERE listings_listing_fts MATCH %s"
_FTS_RANK = (
    "SELECT bm25(listings_listing_fts, 10.0, 4.0, 4.0, 1.0) FROM listings_listing_fts "
    "WHERE listings_listing_fts MATCH %s AND rowid = listings_listing.id"
)


def _sqlite_snippets(ids: list[int], expression: str) -> dict[int, tuple[str, str]]:
    if not ids:
        return {}
    placeholders = ", ".join("%s" for _ in ids)
    sql = (
        f"SELECT rowid, highlight(listings_listing_fts, 0, %s, %s), "
        f"snippet(listings_listing_fts, 3, %s, %s, '…', 30) "
        f"FROM listings_listing_fts WHERE listings_listing_fts MATCH %s AND rowid IN ({placeholders})"
    )
    params: list[Any] = [START, STOP, START, STOP, expression, *ids]
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {row[0]: (row[1], row[2]) for row in cursor.fetchall()}
