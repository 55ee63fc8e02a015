"""One query interface over listings, whatever the database: filters, full-text search, ranking,
pagination and highlighted snippets.

PostgreSQL uses the stored ``search_vector`` (GIN index) with websearch_to_tsquery, ts_rank and
ts_headline; SQLite uses the FTS5 table with bm25() and snippet(). Both see exactly the listings
``visibility.searchable_listings`` allows, so hidden or out-of-scope listings are never shown,
found or counted.
"""

import re
from dataclasses import dataclass, field
from typing import Any

from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import BigIntegerField, BooleanField, F, Func, QuerySet, Value
from django.db.models.expressions import RawSQL
from django.db.models.lookups import In
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from accounts.models import User
from communities.models import Community
from listings import visibility
from listings.models import Campaign, Listing
from listings.search_index import TAG_PREFIXES
from listings.search_syntax import MAX_QUERY_LENGTH, parse
from skills.models import Skill

PAGE_SIZE = 20
MAX_COUNTED = 100  # beyond this, pages say "more than 100" rather than count every match
# Highlight markers, turned into <mark> after escaping. Private-use characters: member text
# cannot contain them (hexitime.text removes them on the way in).
START, STOP = "\ue000", "\ue001"
_MARKERS = re.compile(f"({START}|{STOP})")
_CONTROLS = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # in rows written before text was cleaned


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

    @property
    def applied_count(self) -> int:
        """How many filters narrow the results (the search words and the order are not filters)."""
        return sum(bool(f) for f in (self.kind, self.skills, self.community, self.mode, self.campaign))


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
    """Escape text and turn the backend's markers into <mark> elements, always in pairs.

    Everything between markers is escaped, with any control characters dropped; a marker opens
    a <mark> only when none is open and closes one only when one is, and one left open is
    closed at the end. So a listing saved before text was cleaned, with stray markers or control
    characters in it, can never unbalance or inject markup.
    """
    parts: list[str] = []
    marking = False
    for piece in _MARKERS.split(text):
        if piece == START:
            if not marking:
                parts.append("<mark>")
                marking = True
        elif piece == STOP:
            if marking:
                parts.append("</mark>")
                marking = False
        else:
            parts.append(escape(_CONTROLS.sub("", piece)))
    if marking:
        parts.append("</mark>")
    return mark_safe("".join(parts))  # noqa: S308 - every piece escaped above; only paired <mark> tags added


def filtered(member: User, filters: SearchFilters, scopes: set[int] | None = None) -> QuerySet[Listing]:
    """Visible, live listings narrowed by every filter except the words.

    On PostgreSQL the skill filter is left to the filter tags (tag_query): a semi-join on the
    skills table read thousands of rows per search. The scope test stays here as well, so what a
    member may see never rests on the tags alone.
    """
    if connection.vendor == "postgresql" and scopes is not None:
        # A plain test of the scope ("+ 0" keeps its index out): the walk reads it from the live
        # listings' index, and a full-text lookup already holds the scope among its tags.
        plain_scope = Func(F("scope_id"), template="(%(expressions)s + 0)", output_field=BigIntegerField())
        listings = Listing.objects.filter(visibility.live_q(), In(plain_scope, sorted(scopes)))
    else:
        listings = visibility.searchable_listings(member, scopes)
    if filters.kind:
        listings = listings.filter(kind=filters.kind)
    if filters.mode:
        listings = listings.filter(mode__in=[filters.mode, Listing.Mode.EITHER])
    if filters.community is not None and scopes is None:  # given scopes are already within it
        listings = listings.filter(scope_id__in=visibility.subtree_ids(filters.community))
    if filters.campaign is not None:
        listings = listings.filter(campaign=filters.campaign)
    if filters.skills and connection.vendor != "postgresql":
        with_skill = Listing.skills.through.objects.filter(skill__in=filters.skills).values("listing_id")
        listings = listings.filter(pk__in=with_skill)  # any of the chosen skills
    return listings


def with_any_word(listings: QuerySet[Listing], terms: list[str]) -> QuerySet[Listing]:
    """Listings containing any of these plain words (stemmed), unranked: for match candidates."""
    if connection.vendor == "postgresql":
        query = SearchQuery(" OR ".join(terms), search_type="websearch", config="english")
        return listings.filter(search_vector=query)
    expression = " OR ".join('"' + term.replace('"', '""') + '"' for term in terms)
    return _fts_matching(listings, expression)


def _fts_matching(listings: QuerySet[Listing], expression: str) -> QuerySet[Listing]:
    """SQLite: the listings matching an FTS5 expression.

    The unary plus on the id keeps SQLite from driving the query from the full-text matches, one
    table lookup per match (tens of thousands for a common word, seconds at national scale): it
    walks the live listings' covering index newest first and checks each id against the matches.
    """
    plain_id = Func(F("pk"), template="+%(expressions)s", output_field=BigIntegerField())
    return listings.alias(fts_id=plain_id).filter(fts_id__in=RawSQL(_FTS_IDS, [expression]))


def search_listings(member: User, filters: SearchFilters, page_size: int = PAGE_SIZE) -> SearchPage:
    backend = _postgres_search if connection.vendor == "postgresql" else _sqlite_search
    return backend(member, filters, page_size)


def _page_bounds(page: int, page_size: int) -> tuple[int, int]:
    start = (max(page, 1) - 1) * page_size
    return start, start + page_size


def _newest_ids(listings: QuerySet[Listing], limit: int) -> list[int]:
    """The ids of the ``limit`` newest listings: a walk down the live listings' date index."""
    return list(_newest(listings).values_list("pk", flat=True)[:limit])


def _counted(ids: list[int]) -> tuple[int, bool]:
    """The total a page shows: exact up to MAX_COUNTED, then "more than"."""
    return min(len(ids), MAX_COUNTED), len(ids) > MAX_COUNTED


def _in_order(listings: QuerySet[Listing], ids: list[int]) -> list[Listing]:
    """These listings (one query, plus the prefetches), in the order of ``ids``."""
    if not ids:
        return []
    by_pk = {item.pk: item for item in listings.filter(pk__in=ids)}
    return [by_pk[pk] for pk in ids if pk in by_pk]


def _plain_hits(listings: list[Listing]) -> list[SearchHit]:
    return [SearchHit(item, highlight(item.title), highlight(_trim(item.description))) for item in listings]


def _trim(text: str, words: int = 30) -> str:
    parts = text.split()
    return " ".join(parts[:words]) + (" …" if len(parts) > words else "")


def _newest(listings: QuerySet[Listing]) -> QuerySet[Listing]:
    return listings.order_by("-created_at", "-pk")


def _cards() -> QuerySet[Listing]:
    cards = Listing.objects.select_related("author__profile", "scope", "campaign")  # skills: skill_names
    return cards.defer("search_vector")  # the database's alone: a kilobyte a row nobody reads


# How many matches are ranked, and the trade-off.
#
# Every page needs the total, which stops counting at MAX_COUNTED ("more than 100"). The matches
# found for that count are also the ones ranked: the newest MAX_COUNTED + 1 matches (or more, for a
# page further on), ordered by relevance. Ranking every match instead means reading the full-text
# data of each one, and a common word ("charts") matches tens of thousands of listings: hundreds of
# milliseconds per search on PostgreSQL. The price: when more than 100 listings match, an older
# listing that would rank higher than all of the newest 100 is not on the first pages; narrowing
# the search (another word, a filter) brings it back. Up to that many matches, the order is exactly
# relevance, then newest. 100 rather than 200 halves the walk for common words (bench_search: p95
# 43 ms rather than 52 to 59 ms on PostgreSQL); five pages of 20 is as far as people page.


# PostgreSQL ------------------------------------------------------------------------------------


def _postgres_search(member: User, filters: SearchFilters, page_size: int) -> SearchPage:
    scopes = _scopes(member, filters)
    listings = filtered(member, filters, scopes)
    start, end = _page_bounds(filters.page, page_size)
    enough = max(MAX_COUNTED + 1, end)
    text = filters.q.strip()[:MAX_QUERY_LENGTH]
    tags = tag_query(filters, scopes)
    has_words, sampled = _words_and_sample(listings, text, tags) if text or _narrowed(filters) else (False, 0)
    words = SearchQuery(text, search_type="websearch", config="english") if has_words else None
    if words is None and not _narrowed(filters):  # browsing: the newest visible listings
        ids = _newest_ids(listings, enough)
        total, capped = _counted(ids)
        page = _in_order(_cards(), ids[start:end])
        return SearchPage(_plain_hits(page), total, capped, filters.page, page_size, text_ignored=bool(text))

    budget = NARROW_WALK_BUDGET if _narrowed(filters) else WALK_BUDGET
    walk = sampled * budget >= enough * SAMPLE  # enough matches among the newest: walk, else the index
    matching = listings.filter(FullTextMatch(F("search_vector"), words, tags, walk=walk))
    if words is None or filters.sort == "newest":
        ids = _newest_ids(matching, enough)
    else:
        newest = _newest(matching).values("pk")[:enough]
        ranked = Listing.objects.filter(pk__in=newest).annotate(rank=SearchRank(F("search_vector"), words))
        ids = list(ranked.order_by("-rank", "-created_at", "-pk").values_list("pk", flat=True))
    total, capped = _counted(ids)
    if words is None:
        page = _in_order(_cards(), ids[start:end])
        return SearchPage(_plain_hits(page), total, capped, filters.page, page_size, text_ignored=bool(text))
    cards = _cards().annotate(
        title_hl=SearchHeadline("title", words, config="english", start_sel=START, stop_sel=STOP, highlight_all=True),
        snippet_hl=SearchHeadline(
            "description", words, config="english", start_sel=START, stop_sel=STOP, max_words=30, min_words=15
        ),
    )
    page = _in_order(cards, ids[start:end])
    hits = [SearchHit(item, highlight(item.title_hl), highlight(item.snippet_hl)) for item in page]  # type: ignore[attr-defined]
    return SearchPage(hits, total, capped, filters.page, page_size)


def _scopes(member: User, filters: SearchFilters) -> set[int]:
    """The scopes searched: the member's visible ones, within the chosen community's tree."""
    scopes = visibility.visible_scope_ids(member)
    if filters.community is not None:
        scopes &= set(visibility.subtree_ids(filters.community))
    return scopes


def _narrowed(filters: SearchFilters) -> bool:
    """Whether the filters alone (no words) are worth a full-text lookup of their tags."""
    return bool(filters.skills) or filters.community is not None


def tag_query(filters: SearchFilters, scopes: set[int]) -> str:
    """The filters as a tsquery of filter tags (listings.search_index), e.g.
    ``('#scope1' | '#scope12' | '#scope97') & '#kindoffer' & ('#skill4' | '#skill9')``.

    With the words, the full-text index then returns only the listings the member's search can
    show: a search used to fetch every match in the country and then drop those out of scope or
    of the other kind, and a skill filter took thousands of lookups in the skills table. Only ids
    and the models' own choice values go in, so nothing typed gets here.
    """
    places = [f"{TAG_PREFIXES['scope']}{pk}" for pk in sorted(scopes)] or [f"{TAG_PREFIXES['scope']}none"]
    groups = [places]
    if filters.kind in Listing.Kind.values:
        groups.append([f"{TAG_PREFIXES['kind']}{filters.kind}"])
    if filters.mode in Listing.Mode.values:
        groups.append([f"{TAG_PREFIXES['mode']}{mode}" for mode in sorted({filters.mode, Listing.Mode.EITHER})])
    if filters.skills:
        groups.append([f"{TAG_PREFIXES['skill']}{skill.pk}" for skill in filters.skills])
    return " & ".join("(" + " | ".join(f"'{tag}'" for tag in group) + ")" for group in groups)


class FullTextMatch(Func):
    """``search_vector @@ (words && tags)``: the words, the filter tags, or both, in one lookup.

    ``walk=True`` uses ts_match_vq(), the same test but one the planner cannot answer from the
    full-text index, so it walks the live listings newest first (see WALK_BUDGET).
    """

    output_field = BooleanField()

    def __init__(self, vector: F, words: SearchQuery | None, tags: str, *, walk: bool) -> None:
        queries: list[Any] = [] if words is None else [words]
        if tags:
            queries.append(Func(Value(tags), template="%(expressions)s::tsquery"))
        super().__init__(vector, *queries)
        self.walk = walk

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> tuple[str, list[Any]]:  # type: ignore[override]
        compiled = [compiler.compile(expression) for expression in self.get_source_expressions()]
        (vector_sql, params), queries = compiled[0], compiled[1:]
        query_sql = " && ".join(sql for sql, _ in queries)
        all_params = [*params, *(p for _, query_params in queries for p in query_params)]
        if self.walk:
            return f"ts_match_vq({vector_sql}, {query_sql})", all_params
        return f"({vector_sql} @@ ({query_sql}))", all_params


# Common words are found fastest by walking the live listings newest first until enough match;
# rare ones through the full-text (GIN) index, which lists every match in the member's scopes
# wherever it is in the table. PostgreSQL chooses between the two from its estimate of how many
# listings match: good for one word, but several times too low for words that go together ("driver
# diagram", "waiting list"). So the query that checks there are words at all also counts the
# member's matches among the newest SAMPLE live listings; when that predicts the walk finds enough
# within the budget, the walk is the only way. A skill or community filter gets a smaller budget:
# its tags make the index return only the few listings that have them, so the index wins sooner
# (and a sample of a thousand says little about matches that rare). Measured with bench_search.
SAMPLE = 1000
WALK_BUDGET = 15_000
NARROW_WALK_BUDGET = 8_000
_SAMPLE_MATCHES = "(SELECT count(*) FROM ({sample}) AS sample WHERE ts_match_vq(sample.search_vector, {query}))"
_WORDS_AND_SAMPLE = {  # with search text, and without (a skill or community filter alone)
    True: "SELECT numnode(words.query), "
    f"{_SAMPLE_MATCHES.format(sample='{sample}', query='words.query && %s::tsquery')} "
    "FROM websearch_to_tsquery('english', %s) AS words(query)",
    False: f"SELECT 0, {_SAMPLE_MATCHES.format(sample='{sample}', query='%s::tsquery')}",
}


def _words_and_sample(listings: QuerySet[Listing], text: str, tags: str) -> tuple[bool, int]:
    """Whether the text has words to look for, and how many of the newest SAMPLE live listings the
    member's search (filters and words) finds."""
    newest = Listing.objects.filter(visibility.live_q()).order_by("-created_at", "-pk").values("pk")[:SAMPLE]
    try:
        sample_sql, params = listings.filter(pk__in=newest).order_by().values("search_vector").query.sql_with_params()
    except EmptyResultSet:  # no scopes
        sample_sql, params = "SELECT NULL::tsvector AS search_vector WHERE false", ()
    sql = _WORDS_AND_SAMPLE[bool(text)].format(sample=sample_sql)
    arguments = [*params, tags, *([text] if text else [])]
    with connection.cursor() as cursor:
        cursor.execute(sql, arguments)
        row = cursor.fetchone()
    if not row:
        return False, 0
    return bool(row[0]), row[1]


# SQLite ----------------------------------------------------------------------------------------


def _sqlite_search(member: User, filters: SearchFilters, page_size: int) -> SearchPage:
    listings = filtered(member, filters)
    start, end = _page_bounds(filters.page, page_size)
    enough = max(MAX_COUNTED + 1, end)
    parsed = parse(filters.q.strip())
    if parsed.is_empty and parsed.excluded:
        excluded = " OR ".join(f'"{t.replace(chr(34), chr(34) * 2)}"' for t in parsed.excluded)
        listings = listings.exclude(pk__in=RawSQL(_FTS_IDS, [excluded]))
    if parsed.is_empty:
        ids = _newest_ids(listings, enough)
        total, capped = _counted(ids)
        page = _in_order(_cards(), ids[start:end])
        return SearchPage(
            _plain_hits(page),
            total,
            capped,
            filters.page,
            page_size,
            text_ignored=bool(filters.q.strip()) and not parsed.excluded,
        )

    expression = parsed.to_fts5()
    matching = _fts_matching(listings, expression)
    if filters.sort == "newest":
        ids = _newest_ids(matching, enough)
    else:
        # bm25 is smaller for better matches; weights follow PostgreSQL's A/B/B/C.
        ids = _sqlite_ranked_ids(_newest(matching).values("pk")[:enough], expression)
    total, capped = _counted(ids)
    page = _in_order(_cards(), ids[start:end])
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
# One FTS5 query ranks every candidate. bm25() reads a term's whole index for its statistics once
# per query, so ranking row by row (a correlated subquery per listing, or the candidates' rowids
# passed into the full-text table, which runs one query per rowid) reads it once per match. The
# unary plus keeps the rowid test out of the full-text table; CROSS JOIN keeps that table outermost.
_FTS_RANKED = (
    "SELECT listings_listing.id FROM listings_listing_fts CROSS JOIN listings_listing "
    "ON listings_listing.id = listings_listing_fts.rowid "
    "WHERE listings_listing_fts MATCH %s AND +listings_listing_fts.rowid IN ({}) "
    "ORDER BY bm25(listings_listing_fts, 10.0, 4.0, 4.0, 1.0), listings_listing.created_at DESC, "
    "listings_listing.id DESC"
)


def _sqlite_ranked_ids(candidates: QuerySet[Listing, Any], expression: str) -> list[int]:
    try:
        sql, params = candidates.query.sql_with_params()
    except EmptyResultSet:  # no scopes: nothing to rank
        return []
    with connection.cursor() as cursor:
        cursor.execute(_FTS_RANKED.format(sql), [expression, *params])
        return [row[0] for row in cursor.fetchall()]


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
