"""Measure search and matching on the national-scale bench data set (seeded first when missing).

A fixed, seeded mix of requests goes through the functions the pages call (``search_listings``,
``suggest_listings`` and ``suggest_members``), as members chosen at random, after a warm-up that is
not measured. Per category it prints the count, the 50th and 95th percentile latency and the
queries per request; the last line is ``search_p95_ms=<n> match_p95_ms=<n>``.

A match look-up is what a request's page does: ``suggest_listings`` then ``suggest_members`` for
the same request, viewed by its author; its latency is the two together.
"""

import math
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection
from django.test.utils import CaptureQueriesContext

from accounts.models import User
from communities.models import Community, Membership
from devtools.guard import DISPOSABLE_OPTION, add_disposable_argument, require_bench_database
from devtools.management.commands.seed_national import (
    DEFAULTS,
    EMAIL_DOMAIN,
    RARE_CONTEXTS,
    add_size_arguments,
)
from listings import visibility
from listings.matching import suggest_listings, suggest_members
from listings.models import Listing
from listings.search import SearchFilters, search_listings
from skills.models import Skill

SEARCHES = 200  # per --iterations 200 (the default); match look-ups are half as many
COMMON_WORDS = ["charts", "audit", "coaching", "falls", "discharge", "patients", "workshop", "data"]
RARE_WORDS = sorted({word for context in RARE_CONTEXTS for word in context.split()} - {"waiting", "list"})
TWO_WORDS = ["run charts", "sepsis audit", "driver diagram", "patient experience", "waiting list", "dementia care"]
PHRASES = ['"run charts"', '"process mapping"', '"patient safety"', '"length of stay"', '"small tests of change"']
EXCLUSIONS = ["charts -sepsis", "coaching -lean", "audit -falls", '"process mapping" -workshop']
ORS = ["sepsis OR falls", 'lean OR "six sigma"', "dementia OR delirium", "haemovigilance OR tracheostomy"]

# category: share of the search mix (sums to 200)
MIX = {
    "common word": 30,
    "rare word": 20,
    "two words": 25,
    "phrase": 15,
    "exclusion": 15,
    "OR": 15,
    "kind filter": 15,
    "skill filter": 15,
    "community filter": 10,
    "mode filter": 10,
    "sort newest": 10,
    "page 2": 10,
    "browse (no words)": 10,
}


@dataclass
class Sample:
    ms: float
    queries: int


@dataclass
class Results:
    by_category: dict[str, list[Sample]] = field(default_factory=dict)

    def add(self, category: str, sample: Sample) -> None:
        self.by_category.setdefault(category, []).append(sample)


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.1f} / {five:.1f} / {fifteen:.1f} (1 / 5 / 15 min)"


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile."""
    ordered = sorted(values)
    return ordered[max(0, math.ceil(p / 100 * len(ordered)) - 1)]


def measure(call: Callable[[], object]) -> Sample:
    with CaptureQueriesContext(connection) as captured:
        started = time.perf_counter()
        call()
        elapsed = time.perf_counter() - started
    return Sample(elapsed * 1000, len(captured.captured_queries))


class Workload:
    """The mix: every member, filter and request is drawn from a seeded generator, so it is fixed."""

    def __init__(self) -> None:
        self.rng = random.Random()  # noqa: S311 - replaced by a seeded one before each run
        self.member_ids = list(
            User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").order_by("pk").values_list("pk", flat=True)
        )
        self.skills = list(Skill.objects.order_by("pk"))
        self.request_ids = list(
            Listing.objects.filter(visibility.live_q(), kind=Listing.Kind.REQUEST, author__email__endswith=EMAIL_DOMAIN)
            .order_by("pk")
            .values_list("pk", flat=True)
        )

    def member(self) -> User:
        return User.objects.get(pk=self.rng.choice(self.member_ids))

    def search(self, category: str) -> tuple[User, SearchFilters]:
        rng = self.rng
        member = self.member()
        choice = rng.choice
        filters = SearchFilters(q=choice(COMMON_WORDS))
        if category == "rare word":
            filters.q = choice(RARE_WORDS)
        elif category == "two words":
            filters.q = choice(TWO_WORDS)
        elif category == "phrase":
            filters.q = choice(PHRASES)
        elif category == "exclusion":
            filters.q = choice(EXCLUSIONS)
        elif category == "OR":
            filters.q = choice(ORS)
        elif category == "kind filter":
            filters.kind = choice(Listing.Kind.values)
        elif category == "skill filter":
            filters.q = choice(["", *COMMON_WORDS])
            filters.skills = [choice(self.skills)]
        elif category == "community filter":
            communities = list(
                Community.objects.filter(
                    memberships__member=member,
                    memberships__status=Membership.Status.ACTIVE,
                    kind__in=[Community.Kind.REGION, Community.Kind.ORGANISATION],
                ).order_by("pk")
            )
            filters.community = choice(communities) if communities else None
        elif category == "mode filter":
            filters.mode = choice(Listing.Mode.values)
        elif category == "sort newest":
            filters.sort = "newest"
        elif category == "page 2":
            filters.page = 2
        elif category == "browse (no words)":
            filters.q = ""
            filters.kind = choice(["", *Listing.Kind.values])
        return member, filters

    def searches(self, count: int) -> list[tuple[str, User, SearchFilters]]:
        categories = [
            category for category, share in MIX.items() for _ in range(max(1, round(share * count / SEARCHES)))
        ]
        self.rng.shuffle(categories)
        return [(category, *self.search(category)) for category in categories]

    def requests(self, count: int) -> list[Listing]:
        chosen = self.rng.sample(self.request_ids, min(count, len(self.request_ids)))
        by_pk = Listing.objects.select_related("author").in_bulk(chosen)
        return [by_pk[pk] for pk in chosen]


def run(workload: Workload, searches: int, lookups: int, results: Results | None) -> None:
    for category, member, filters in workload.searches(searches):
        sample = measure(partial(search_listings, member, filters))
        if results is not None:
            results.add(category, sample)
            results.add("search (all)", sample)
    for request in workload.requests(lookups):
        offers = measure(partial(suggest_listings, request, request.author))
        members = measure(partial(suggest_members, request, request.author))
        if results is not None:
            results.add("suggest_listings", offers)
            results.add("suggest_members", members)
            results.add("match (both)", Sample(offers.ms + members.ms, offers.queries + members.queries))


class Command(BaseCommand):
    help = "Seed the bench data set if missing, then measure search and matching latency."

    def add_arguments(self, parser: CommandParser) -> None:
        add_size_arguments(parser)
        parser.add_argument(
            "--iterations",
            type=int,
            default=SEARCHES,
            help="search requests in the measured mix (default 200); match look-ups are half as many",
        )
        parser.add_argument("--warmup", type=int, default=20, help="unmeasured searches first (default 20)")
        add_disposable_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        require_bench_database(options=options, command="bench_search")
        sizes = {name: options[name] for name in DEFAULTS}
        call_command("seed_national", **sizes, **{DISPOSABLE_OPTION: True}, stdout=self.stdout, stderr=self.stderr)
        workload = Workload()
        searches = max(1, options["iterations"])
        lookups = max(1, searches // 2)
        self.stdout.write(
            f"\nBenchmark on {connection.vendor}: {len(workload.member_ids):,} members, "
            f"{Listing.objects.count():,} listings ({len(workload.request_ids):,} live requests); "
            f"{searches} searches and {lookups} match look-ups after a warm-up of {options['warmup']}."
        )
        workload.rng = random.Random(options["seed"] + 1)  # noqa: S311 - the warm-up: other members, same mix
        run(workload, options["warmup"], max(1, options["warmup"] // 2), None)
        self.stdout.write(f"Machine: {os.cpu_count()} CPUs, {_load()} before")
        workload.rng = random.Random(options["seed"])  # noqa: S311 - the measured mix is the same every run
        results = Results()
        run(workload, searches, lookups, results)
        self.stdout.write(f"Machine: {_load()} after (other work on the machine slows every figure)")
        self.report(results)

    def report(self, results: Results) -> None:
        self.stdout.write(f"\n{'category':<20} {'count':>5} {'p50 ms':>8} {'p95 ms':>8} {'max ms':>8} {'queries':>8}")
        order = [*MIX, "search (all)", "suggest_listings", "suggest_members", "match (both)"]
        for category in order:
            samples = results.by_category.get(category)
            if not samples:
                continue
            if category in {"search (all)", "suggest_listings"}:
                self.stdout.write("")
            times = [sample.ms for sample in samples]
            queries = sum(sample.queries for sample in samples) / len(samples)
            self.stdout.write(
                f"{category:<20} {len(samples):>5} {percentile(times, 50):>8.1f} {percentile(times, 95):>8.1f} "
                f"{max(times):>8.1f} {queries:>8.1f}"
            )
        search = percentile([s.ms for s in results.by_category["search (all)"]], 95)
        match = percentile([s.ms for s in results.by_category.get("match (both)", [Sample(0, 0)])], 95)
        self.stdout.write(f"\nsearch_p95_ms={search:.1f} match_p95_ms={match:.1f}")
