"""Seed a national-scale bench data set: one nation, its regions and organisations, members and listings.

Defaults: 100,000 members, 500,000 listings, 200 communities (the nation "Bench England", about a
dozen regions, the rest organisations under the regions). Every slug starts with ``bench-`` and
every e-mail address ends with ``@bench.hexitime.test``, so the set never mixes with real data; it
runs only on a database of its own whose name contains "bench" (devtools.guard; ``make bench-search``
uses var/bench.sqlite3), or with ``--i-know-this-database-is-disposable``.

The rows are generated in Python from a seeded random generator, with realistic improvement text,
and written in bulk in one transaction: PostgreSQL through psycopg's COPY, with the plain indexes
and foreign keys of the loaded tables dropped for the load and rebuilt (and checked) once after
it; SQLite through executemany, with a large page cache and the full-text index rebuilt once at
the end. The search vector is filled by the database's own trigger, as for any other insert. Then
ANALYZE. Running it again with the same sizes does nothing; with other sizes it replaces the set.
"""

import random
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager, nullcontext
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from itertools import accumulate, product
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.core.management.color import no_style
from django.db import connection, transaction
from django.utils import timezone
from django.utils.text import slugify

from accounts.models import Profile, User
from communities.models import Community, Membership
from devtools.guard import add_disposable_argument, require_bench_database
from listings import search_index
from listings.models import Listing
from skills.models import Skill

SLUG_PREFIX = "bench-"
NATION_SLUG = "bench-england"
NATION_NAME = "Bench England"
EMAIL_DOMAIN = "bench.hexitime.test"
DEFAULTS = {"members": 100_000, "listings": 500_000, "communities": 200, "seed": 1}
MAX_REGIONS = 12
CHUNK = 50_000  # listings generated and written per batch (progress is printed per batch)

# Vocabulary ------------------------------------------------------------------------------------

REGIONS = [
    "North East and Cumbria",
    "Yorkshire and the Humber",
    "Greater Manchester",
    "Cheshire and Merseyside",
    "Lancashire and South Cumbria",
    "West Midlands",
    "East Midlands",
    "East of England",
    "London",
    "Kent, Surrey and Sussex",
    "Thames Valley and Wessex",
    "South West Peninsula",
]
TOWNS = [
    "Ashford", "Barnsley", "Bath", "Bedford", "Blackburn", "Bolton", "Bradford", "Brighton", "Bristol",
    "Burnley", "Cambridge", "Canterbury", "Carlisle", "Chester", "Colchester", "Coventry", "Croydon",
    "Darlington", "Derby", "Doncaster", "Dudley", "Durham", "Exeter", "Gateshead", "Gloucester",
    "Grimsby", "Harrogate", "Hereford", "Huddersfield", "Hull", "Ipswich", "Kendal", "Kingston",
    "Lancaster", "Leeds", "Leicester", "Lewisham", "Lincoln", "Liverpool", "Luton", "Maidstone",
    "Manchester", "Middlesbrough", "Milton Keynes", "Newcastle", "Northampton", "Norwich", "Nottingham",
    "Oldham", "Oxford", "Peterborough", "Plymouth", "Portsmouth", "Preston", "Reading", "Rotherham",
    "Salford", "Salisbury", "Sheffield", "Shrewsbury", "Southampton", "Southend", "Stockport", "Stoke",
    "Sunderland", "Swindon", "Taunton", "Telford", "Torbay", "Truro", "Wakefield", "Walsall",
    "Warrington", "Watford", "Wigan", "Winchester", "Wolverhampton", "Worcester", "York",
]  # fmt: skip
ORGANISATION_KINDS = [
    "{town} Teaching Hospitals NHS Foundation Trust",
    "{town} and District Hospitals NHS Trust",
    "{town} Community Healthcare NHS Trust",
    "{town} Mental Health NHS Foundation Trust",
    "{town} Primary Care Network",
    "{town} Hospice",
    "{town} Health and Care Partnership",
    "{town} Patient and Carer Forum",
]
FIRST_NAMES = [
    "Aisha", "Alex", "Amara", "Amir", "Anna", "Ben", "Bethany", "Callum", "Carys", "Chen", "Chloe",
    "Daniel", "David", "Deepa", "Eleanor", "Emeka", "Emma", "Fatima", "Finn", "Grace", "Hannah",
    "Harriet", "Imran", "Isla", "Jack", "James", "Jasmine", "Joseph", "Kavya", "Kemi", "Laura", "Leah",
    "Liam", "Lucy", "Maria", "Mark", "Mei", "Mohammed", "Naomi", "Nathan", "Niamh", "Oliver", "Olu",
    "Priya", "Rachel", "Rhys", "Rosa", "Ruth", "Sam", "Sarah", "Sean", "Sofia", "Sunil", "Tariq",
    "Thomas", "Tom", "Yasmin", "Zainab", "Zoe",
]  # fmt: skip
LAST_NAMES = [
    "Adams", "Ahmed", "Ali", "Bailey", "Baker", "Begum", "Bennett", "Brown", "Campbell", "Chen", "Clarke",
    "Collins", "Cooper", "Davies", "Edwards", "Evans", "Green", "Hall", "Harris", "Hughes", "Hussain",
    "Jackson", "James", "Jones", "Kaur", "Khan", "King", "Lewis", "Martin", "Mensah", "Morgan", "Murphy",
    "Nguyen", "Okafor", "Owen", "Parker", "Patel", "Phillips", "Price", "Roberts", "Robinson", "Shah",
    "Singh", "Smith", "Taylor", "Thomas", "Thompson", "Turner", "Walker", "Ward", "Watson", "White",
    "Williams", "Wilson", "Wood", "Wright", "Young",
]  # fmt: skip
ROLE_WEIGHTS = {
    Profile.Role.CLINICIAN: 15,
    Profile.Role.NURSE_MIDWIFE: 20,
    Profile.Role.AHP: 12,
    Profile.Role.MANAGER: 12,
    Profile.Role.ANALYST: 10,
    Profile.Role.QI_LEAD: 12,
    Profile.Role.PATIENT: 8,
    Profile.Role.CARER: 5,
    Profile.Role.OTHER: 6,
}
PRONOUNS = ["she/her", "he/him", "they/them", "", "", ""]
AVAILABILITY = ["Weekday mornings", "Tuesday and Thursday afternoons", "Evenings after 6pm", "Flexible", "Fridays", ""]
# Skills members and listings name most often (others are named a quarter as often).
POPULAR_SKILLS = {
    "Run charts", "PDSA cycles", "Process mapping", "Coaching", "Facilitation", "Measurement for improvement",
    "Model for Improvement", "Patient and public involvement", "Data visualisation", "Clinical audit",
    "Driver diagrams", "Project management", "Patient safety",
}  # fmt: skip
# What people call the work a skill covers, in titles and descriptions.
SKILL_TOPICS = {
    "Run charts": ["run charts", "reading run charts", "annotated run charts"],
    "Statistical process control": ["SPC charts", "statistical process control", "control limits"],
    "PDSA cycles": ["PDSA cycles", "small tests of change", "testing change ideas"],
    "Model for Improvement": ["the Model for Improvement", "aims and measures"],
    "Process mapping": ["process mapping", "mapping the patient pathway"],
    "Value stream mapping": ["value stream mapping", "removing waste from the pathway"],
    "Demand and capacity": ["demand and capacity modelling", "waiting list modelling"],
    "Driver diagrams": ["driver diagrams", "a driver diagram"],
    "Root cause analysis": ["root cause analysis", "learning from incidents"],
    "Data visualisation": ["data visualisation", "dashboards", "charts for the board"],
    "Survey design": ["survey design", "patient questionnaires"],
    "Spreadsheet and BI tools": ["Excel and Power BI", "spreadsheets", "BI dashboards"],
    "Statistics": ["statistics", "sample sizes"],
    "Coaching": ["improvement coaching", "coaching project leads"],
    "Facilitation": ["facilitating workshops", "running a design session"],
    "Experience-based co-design": ["experience-based co-design", "co-design with patients"],
    "Patient and public involvement": ["patient involvement", "recruiting patient partners"],
    "Clinical audit": ["clinical audit", "audit and re-audit"],
    "Human factors": ["human factors", "safety huddles"],
    "Health economics": ["health economics", "cost-benefit analysis"],
    "Bid and funding applications": ["funding bids", "grant applications"],
    "Writing and publishing": ["writing up for publication", "SQUIRE reporting"],
    "Green and sustainable healthcare": ["green healthcare", "carbon reduction"],
}
CONTEXTS = [
    "sepsis audit", "falls prevention project", "discharge planning work", "outpatient waiting list",
    "emergency department flow project", "medicines safety project", "pressure ulcer campaign",
    "end-of-life care review", "maternity triage", "diabetes clinic redesign", "frailty pathway",
    "stroke rehabilitation service", "mental health crisis team", "children's asthma clinic",
    "theatre utilisation project", "cancer pathway", "virtual ward", "community nursing caseloads",
    "GP appointment access", "staff wellbeing programme", "handover improvement", "nutrition and hydration work",
    "catheter infection project", "deteriorating patient programme", "hip fracture pathway", "dementia care",
    "annual health checks", "anticoagulation clinic", "radiology turnaround", "pharmacy dispensing times",
    "clinic letters backlog", "net zero theatres", "inhaler carbon footprint", "smoking cessation service",
    "bed management", "same-day emergency care", "paediatric early warning scores", "delirium screening",
    "antimicrobial stewardship", "venous thromboembolism assessment", "surgical site infections",
    "ambulance handover delays", "health inequalities project", "social prescribing", "care home support",
]  # fmt: skip
# Rare words, for searches that match a few hundred listings rather than tens of thousands.
RARE_CONTEXTS = [
    "haemovigilance reporting", "tracheostomy safety", "bronchiolitis admissions", "hyperkalaemia alerts",
    "phlebotomy queues", "orthoptics referrals", "podiatry waiting list", "audiology follow-up",
    "lithium monitoring", "neonatal hypothermia",
]  # fmt: skip
RARE_SHARE = 0.01  # of listings that name a rare context
ARTEFACTS = [
    "driver diagram", "project charter", "survey questions", "evaluation plan", "process map",
    "funding bid", "poster abstract", "measurement plan", "SPC charts", "patient information leaflet",
]  # fmt: skip
TEAMS = [
    "ward teams", "primary care teams", "the patient panel", "junior doctors", "practice nurses",
    "the divisional board", "our project group", "therapy teams", "care home staff",
]  # fmt: skip
MEASURES = [
    "length of stay", "time to antibiotics", "falls per 1,000 bed days", "did-not-attend rates",
    "time to first assessment", "readmissions within 30 days", "staff turnover", "patient experience scores",
    "waiting times", "medication errors", "discharges before noon", "pressure ulcer incidence",
]  # fmt: skip
METHODS = ["Lean", "the Model for Improvement", "Six Sigma", "experience-based co-design", "PDSA cycles"]
HARMS = [
    "falls", "pressure ulcers", "medication errors", "hospital-acquired infections", "missed doses",
    "emergency readmissions", "delayed discharges", "cancelled operations", "missed appointments",
    "avoidable admissions", "waiting times",
]  # fmt: skip
GOODS = [
    "patient experience", "staff wellbeing", "timely discharge", "sepsis screening", "access to appointments",
    "early warning score compliance", "medicines reconciliation", "end-of-life care planning",
    "carer involvement", "continuity of care",
]  # fmt: skip
PLACES = [
    "on elderly care wards", "in the emergency department", "across the trust", "in primary care",
    "in care homes", "on surgical wards", "in community services", "in maternity",
    "for children and young people", "in mental health inpatient units", "in outpatients",
]  # fmt: skip
OFFER_TITLES = [
    "Coaching on {topic} for {context}",
    "{Topic} support for your {context}",
    "I can help with {topic}",
    "Facilitating a session on {topic}",
    "Mentoring in {topic}",
    "Review of your {artefact}",
    "{Topic} workshop for {team}",
    "An hour of advice on {topic} for a {context}",
]
REQUEST_TITLES = [
    "Help with {topic} for our {context}",
    "Looking for coaching on {topic}",
    "Need someone to review our {artefact}",
    "Advice on {topic} for a {context}",
    "Support setting up {topic} for {context}",
    "Can anyone teach {team} {topic}?",
]
SENTENCES = [
    "We are running a {context} and want to use {topic} to understand the variation we see.",
    "I have led several improvement projects using {method} and {topic2}.",
    "Our team has collected six months of data on {measure} but is unsure how to present it.",
    "I can walk you through building a run chart, annotating the changes and applying the rules.",
    "The aim is to improve {measure} within twelve months.",
    "Happy to work remotely over video or to meet on site.",
    "We would value an outside view from someone who has done this before.",
    "Sessions can be one to one or with the whole project team.",
    "I trained as an improvement coach and have supported teams across the region.",
    "Our driver diagram is drafted, but the change ideas need testing through PDSA cycles.",
    "Patients and carers are part of the project group and should be involved from the start.",
    "We want to spread what worked on one ward to the rest of the division.",
    "Baseline data show wide variation in {measure} between sites.",
    "I can share templates, worked examples and a short reading list on {topic}.",
    "The project is part of our quality strategy and has an executive sponsor.",
    "We need help to choose outcome, process and balancing measures.",
    "A short session of an hour or two would get us started.",
    "I have used {topic} with {team} and know the common pitfalls.",
    "The {context} is in its second year and needs fresh ideas.",
    "We would like to learn {topic2} ourselves rather than hand it over.",
    "Any experience of {topic} in a busy clinical setting would help.",
    "I can also help with writing up the results for the board.",
    "Feedback from {team} suggests the current process is confusing.",
    "Please get in touch if you have tried something similar elsewhere.",
]
LISTING_MINUTES = [30, 45, 60, 60, 60, 90, 120, 120, 180, 240, 360, 480, 900]


def bench_email(n: int) -> str:
    return f"bench-{n}@{EMAIL_DOMAIN}"


# Generation ------------------------------------------------------------------------------------


@dataclass
class Org:
    pk: int
    name: str
    town: str
    region_id: int


@dataclass
class Plan:
    """What has been generated so far and the ids the next rows refer to."""

    nation_id: int
    region_ids: list[int]
    orgs: list[Org]
    member_ids: list[int] = field(default_factory=list)
    member_org: dict[int, Org] = field(default_factory=dict)
    member_skills: dict[int, list[int]] = field(default_factory=dict)
    coordinators: dict[int, list[int]] = field(default_factory=dict)  # community id -> member ids


class Writer:
    """Bulk inserts on the current connection and transaction: COPY on PostgreSQL, executemany on SQLite."""

    def __init__(self) -> None:
        connection.ensure_connection()
        self.raw: Any = connection.connection
        self.postgres = connection.vendor == "postgresql"

    def value(self, moment: datetime | None) -> Any:
        """A datetime as the backend stores it (SQLite: naive UTC text, as Django writes it)."""
        if moment is None or self.postgres:
            return moment
        return moment.astimezone(UTC).replace(tzinfo=None).isoformat(" ")

    def insert(self, table: str, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> int:
        names = ", ".join(connection.ops.quote_name(column) for column in columns)
        count = 0

        def counted() -> Iterator[Sequence[Any]]:
            nonlocal count
            for row in rows:
                count += 1
                yield row

        if self.postgres:
            with self.raw.cursor() as cursor, cursor.copy(f"COPY {table} ({names}) FROM STDIN") as copy:
                for row in counted():
                    copy.write_row(row)
        else:
            marks = ", ".join("?" for _ in columns)
            self.raw.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", counted())  # noqa: S608
        return count


def _next_id(model: type[Any]) -> int:
    last = model.objects.order_by("-pk").values_list("pk", flat=True).first()
    return (last or 0) + 1


def _weighted(rng: random.Random, cum_weights: list[float], items: Sequence[Any], k: int) -> list[Any]:
    return rng.choices(items, cum_weights=cum_weights, k=k)


def _distinct(rng: random.Random, items: Sequence[int], cum_weights: list[float], k: int) -> list[int]:
    """k distinct items, more popular ones more often."""
    chosen: list[int] = []
    while len(chosen) < k:
        item = rng.choices(items, cum_weights=cum_weights)[0]
        if item not in chosen:
            chosen.append(item)
    return chosen


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:]


class Generator:
    def __init__(self, rng: random.Random, writer: Writer, skills: list[Skill], now: datetime) -> None:
        self.rng = rng
        self.writer = writer
        self.now = now
        self.skill_ids = [skill.pk for skill in skills]
        self.skill_names = {skill.pk: skill.name for skill in skills}
        self.skill_cum = list(accumulate(4.0 if skill.name in POPULAR_SKILLS else 1.0 for skill in skills))
        self.topics = {skill.pk: SKILL_TOPICS.get(skill.name, [skill.name.lower()]) for skill in skills}

    # Communities: few rows, written through the ORM for their ids.

    def communities(self, total: int) -> Plan:
        regions_count = min(MAX_REGIONS, max(1, (total - 1) // 4))
        orgs_count = total - 1 - regions_count
        nation = Community.objects.create(
            name=NATION_NAME,
            slug=NATION_SLUG,
            kind=Community.Kind.NATION,
            join_policy=Community.JoinPolicy.OPEN,
            description="The national bench community: generated data for measuring search and matching.",
        )
        regions = Community.objects.bulk_create(
            Community(
                name=f"{name} (bench)",
                slug=f"{SLUG_PREFIX}region-{slugify(name)}",
                kind=Community.Kind.REGION,
                parent=nation,
                join_policy=Community.JoinPolicy.OPEN,
                description=f"Improvers across {name}.",
            )
            for name in REGIONS[:regions_count]
        )
        combos = list(product(TOWNS, ORGANISATION_KINDS))
        self.rng.shuffle(combos)
        orgs: list[Community] = []
        towns: list[str] = []
        for n in range(orgs_count):
            town, pattern = combos[n % len(combos)]
            name = pattern.format(town=town) + (f" {n // len(combos) + 1}" if n >= len(combos) else "")
            region = regions[n % len(regions)]
            towns.append(town)
            orgs.append(
                Community(
                    name=name,
                    slug=f"{SLUG_PREFIX}org-{n + 1}-{slugify(name)}"[:80],
                    kind=Community.Kind.ORGANISATION,
                    parent=region,
                    join_policy=self.rng.choice([Community.JoinPolicy.OPEN, Community.JoinPolicy.APPROVAL]),
                    description=f"Improvement work at {name}.",
                )
            )
        created = Community.objects.bulk_create(orgs)
        return Plan(
            nation_id=nation.pk,
            region_ids=[region.pk for region in regions],
            orgs=[Org(org.pk, org.name, town, org.parent_id or 0) for org, town in zip(created, towns, strict=True)],
        )

    # Members: users, profiles, their skills and memberships.

    def members(self, plan: Plan, count: int) -> None:
        rng, value, now = self.rng, self.writer.value, self.now
        first_id = _next_id(User)
        plan.member_ids = list(range(first_id, first_id + count))
        org_cum = list(accumulate(rng.lognormvariate(0, 0.7) for _ in plan.orgs))
        orgs = _weighted(rng, org_cum, plan.orgs, count)
        plan.member_org = dict(zip(plan.member_ids, orgs, strict=True))
        roles = list(ROLE_WEIGHTS)
        role_cum = list(accumulate(float(weight) for weight in ROLE_WEIGHTS.values()))
        users: list[tuple[Any, ...]] = []
        profiles: list[tuple[Any, ...]] = []
        profile_skills: list[tuple[int, int]] = []
        joined: dict[int, datetime] = {}
        letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"
        # Members joined over two years, in id order, as rows are written in real life.
        days_ago = sorted((rng.uniform(60, 730) for _ in plan.member_ids), reverse=True)
        for n, (member_id, age) in enumerate(zip(plan.member_ids, days_ago, strict=True), start=1):
            org = plan.member_org[member_id]
            date_joined = now - timedelta(days=age)
            joined[member_id] = date_joined
            last_login = None if rng.random() < 0.1 else now - timedelta(seconds=rng.uniform(0, 60 * 86400))
            password = "!" + "".join(rng.choices(letters, k=40))  # unusable, as set_unusable_password makes
            users.append(
                (member_id, password, value(last_login), False, False, True, value(date_joined), bench_email(n))
            )
            skills = _distinct(rng, self.skill_ids, self.skill_cum, rng.randint(1, 4))
            plan.member_skills[member_id] = skills
            profile_skills.extend((member_id, skill) for skill in skills)
            role = _weighted(rng, role_cum, roles, 1)[0]
            topic = rng.choice(self.topics[skills[0]])
            onboarded = date_joined + timedelta(minutes=rng.uniform(2, 600))
            profiles.append(
                (
                    member_id,
                    f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}",
                    rng.choice(PRONOUNS),
                    role,
                    org.name,
                    f"{Profile.Role(role).label} at {org.name}. Interested in {topic} and {rng.choice(CONTEXTS)}.",
                    rng.choice(AVAILABILITY),
                    rng.choice(Profile.Mode.values),
                    value(onboarded),
                    value(onboarded),
                    org.region_id,
                )
            )
        self.writer.insert(
            User._meta.db_table,
            ["id", "password", "last_login", "is_superuser", "is_staff", "is_active", "date_joined", "email"],
            users,
        )
        self.writer.insert(
            Profile._meta.db_table,
            [
                "user_id",
                "display_name",
                "pronouns",
                "role",
                "organisation",
                "bio",
                "availability",
                "preferred_mode",
                "onboarded_at",
                "updated_at",
                "region_id",
            ],
            profiles,
        )
        self.writer.insert(Profile.skills.through._meta.db_table, ["profile_id", "skill_id"], profile_skills)
        self.memberships(plan, joined)

    def memberships(self, plan: Plan, joined: dict[int, datetime]) -> None:
        """Each member is active in their organisation, its region and the nation; a few coordinate each."""
        rng, value = self.rng, self.writer.value
        by_community: dict[int, list[int]] = {}
        for member_id, org in plan.member_org.items():
            for community_id in (org.pk, org.region_id, plan.nation_id):
                by_community.setdefault(community_id, []).append(member_id)
        coordinating: set[tuple[int, int]] = set()
        for community_id, members in by_community.items():
            wanted = 5 if community_id == plan.nation_id else 3 if community_id in plan.region_ids else 2
            chosen = rng.sample(members, min(wanted, len(members)))
            plan.coordinators[community_id] = chosen
            coordinating.update((member_id, community_id) for member_id in chosen)
        rows = []
        for member_id, org in plan.member_org.items():
            since = value(joined[member_id])
            for community_id in (org.pk, org.region_id, plan.nation_id):
                role = (
                    Membership.Role.COORDINATOR if (member_id, community_id) in coordinating else Membership.Role.MEMBER
                )
                rows.append((role, Membership.Status.ACTIVE, "", "", since, since, community_id, None, member_id))
        self.writer.insert(
            Membership._meta.db_table,
            [
                "role",
                "status",
                "application_note",
                "decision_reason",
                "created_at",
                "updated_at",
                "community_id",
                "decided_by_id",
                "member_id",
            ],
            rows,
        )

    # Listings.

    def listings(self, plan: Plan, count: int, progress: Any) -> None:
        rng = self.rng
        activity = list(accumulate(rng.lognormvariate(0, 1.0) for _ in plan.member_ids))
        next_id = _next_id(Listing)
        # Posted over the last year, in id order (the table's physical order follows time, as in real life).
        seconds_ago = sorted((rng.uniform(0, 365 * 86400) for _ in range(count)), reverse=True)
        written = 0
        while written < count:
            size = min(CHUNK, count - written)
            authors = _weighted(rng, activity, plan.member_ids, size)
            rows: list[tuple[Any, ...]] = []
            skill_rows: list[tuple[int, int]] = []
            for author_id, age in zip(authors, seconds_ago[written : written + size], strict=True):
                listing_id = next_id
                next_id += 1
                row, skills = self.listing(plan, listing_id, author_id, self.now - timedelta(seconds=age))
                rows.append(row)
                skill_rows.extend((listing_id, skill) for skill in skills)
            self.writer.insert(Listing._meta.db_table, LISTING_COLUMNS, rows)
            self.writer.insert(Listing.skills.through._meta.db_table, ["listing_id", "skill_id"], skill_rows)
            written += size
            progress(written)

    def listing(
        self, plan: Plan, listing_id: int, author_id: int, created_at: datetime
    ) -> tuple[tuple[Any, ...], list[int]]:
        rng, value, now = self.rng, self.writer.value, self.now
        org = plan.member_org[author_id]
        kind = Listing.Kind.OFFER if rng.random() < 0.55 else Listing.Kind.REQUEST
        count = rng.randint(1, 3)
        if kind == Listing.Kind.OFFER:  # people offer what their profile names, mostly
            own = plan.member_skills[author_id]
            skills = rng.sample(own, min(count, len(own)))
        else:
            skills = _distinct(rng, self.skill_ids, self.skill_cum, count)
        context = rng.choice(RARE_CONTEXTS) if rng.random() < RARE_SHARE else rng.choice(CONTEXTS)
        topic = rng.choice(self.topics[skills[0]])
        slots = {
            "topic": topic,
            "Topic": _capitalise(topic),
            "topic2": rng.choice(self.topics[skills[-1]]),
            "context": context,
            "artefact": rng.choice(ARTEFACTS),
            "team": rng.choice(TEAMS),
            "measure": rng.choice(MEASURES),
            "method": rng.choice(METHODS),
        }
        title = rng.choice(OFFER_TITLES if kind == Listing.Kind.OFFER else REQUEST_TITLES).format(**slots)
        title = _capitalise(title)[:120]
        target = rng.randint(20, 80)
        words: list[str] = []
        while len(words) < target:
            words.extend(rng.choice(SENTENCES).format(**slots).split())
        if len(words) > 80:
            words = words[:80]
            words[-1] = words[-1].rstrip(".,") + "."
        if rng.random() < 0.6:
            improvement = f"{rng.choice(['Reduce', 'Cut', 'Prevent'])} {rng.choice(HARMS)} {rng.choice(PLACES)}"
        else:
            improvement = f"Improve {rng.choice(GOODS)} {rng.choice(PLACES)}"
        roll = rng.random()
        scope = org.pk if roll < 0.5 else org.region_id if roll < 0.8 else plan.nation_id
        mode = rng.choices(Listing.Mode.values, weights=[4, 2, 4])[0]
        if rng.random() < 0.1:  # expired some time between posting and now
            expires_at = created_at + (now - created_at) * rng.uniform(0.05, 0.99)
        else:
            room = min(timedelta(days=180), created_at + timedelta(days=365) - now)
            expires_at = now + room * rng.uniform(0.01, 1)
        roll = rng.random()
        status = Listing.Status.ACTIVE
        if roll < 0.1:
            status = Listing.Status.PAUSED if roll < 0.05 else Listing.Status.CLOSED
        hidden_at, hidden_by, reason = None, None, ""
        if rng.random() < 0.005:
            hidden_at = created_at + (now - created_at) * rng.uniform(0.1, 0.9)
            hidden_by = rng.choice(plan.coordinators.get(scope) or [None])
            reason = "Not an improvement exchange (bench data)."
        minutes = rng.choice(LISTING_MINUTES)
        row = (
            listing_id,
            kind,
            title,
            " ".join(words),
            improvement,
            ", ".join(sorted(self.skill_names[skill] for skill in skills)),
            search_index.skill_ids_text(skills),
            mode,
            org.town if mode != Listing.Mode.REMOTE else "",
            minutes,
            status,
            value(expires_at),
            value(hidden_at),
            reason,
            value(created_at),
            value(created_at),
            author_id,
            None,
            hidden_by,
            scope,
        )
        return row, skills


LISTING_COLUMNS = [
    "id",
    "kind",
    "title",
    "description",
    "improvement",
    "skills_text",
    "skill_ids",
    "mode",
    "place",
    "estimated_minutes",
    "status",
    "expires_at",
    "hidden_at",
    "hidden_reason",
    "created_at",
    "updated_at",
    "author_id",
    "campaign_id",
    "hidden_by_id",
    "scope_id",
]


# The command -----------------------------------------------------------------------------------


def add_size_arguments(parser: CommandParser) -> None:
    parser.add_argument("--members", type=int, default=DEFAULTS["members"], help="members (default 100,000)")
    parser.add_argument("--listings", type=int, default=DEFAULTS["listings"], help="listings (default 500,000)")
    parser.add_argument(
        "--communities", type=int, default=DEFAULTS["communities"], help="communities, the nation included (200)"
    )
    parser.add_argument("--seed", type=int, default=DEFAULTS["seed"], help="random seed (default 1)")


def bench_counts() -> tuple[int, int, int] | None:
    """(members, listings, communities) of the bench set, or None when there is none."""
    nation = Community.objects.filter(slug=NATION_SLUG).first()
    if nation is None:
        return None
    members = User.objects.filter(email__endswith=f"@{EMAIL_DOMAIN}").count()
    listings = Listing.objects.filter(author__email__endswith=f"@{EMAIL_DOMAIN}").count()
    communities = Community.objects.filter(slug__startswith=SLUG_PREFIX).count()
    return members, listings, communities


# Deleting a previous bench set (and only it), in SQL: the ORM would load every row first.
_REMOVE_BENCH_DATA = [
    "DELETE FROM listings_listing_skills WHERE listing_id IN (SELECT id FROM listings_listing "
    "WHERE author_id IN (SELECT id FROM accounts_user WHERE email LIKE %(users)s) "
    "OR scope_id IN (SELECT id FROM communities_community WHERE slug LIKE %(communities)s))",
    "DELETE FROM listings_listing WHERE author_id IN (SELECT id FROM accounts_user WHERE email LIKE %(users)s) "
    "OR scope_id IN (SELECT id FROM communities_community WHERE slug LIKE %(communities)s)",
    "DELETE FROM communities_membershipevent WHERE membership_id IN (SELECT id FROM communities_membership "
    "WHERE member_id IN (SELECT id FROM accounts_user WHERE email LIKE %(users)s) "
    "OR community_id IN (SELECT id FROM communities_community WHERE slug LIKE %(communities)s))",
    "DELETE FROM communities_membership WHERE member_id IN (SELECT id FROM accounts_user WHERE email LIKE %(users)s) "
    "OR community_id IN (SELECT id FROM communities_community WHERE slug LIKE %(communities)s)",
    "DELETE FROM accounts_profile_skills WHERE profile_id IN (SELECT id FROM accounts_user WHERE email LIKE %(users)s)",
    "DELETE FROM accounts_profile WHERE user_id IN (SELECT id FROM accounts_user WHERE email LIKE %(users)s)",
    "DELETE FROM accounts_user WHERE email LIKE %(users)s",
    "DELETE FROM communities_community WHERE slug LIKE %(communities)s",
]


def remove_bench_data() -> None:
    """Delete a previous bench set (and only it), in SQL: the ORM would load every row first."""
    params = {"users": f"%@{EMAIL_DOMAIN}", "communities": f"{SLUG_PREFIX}%"}
    with connection.cursor() as cursor:
        for sql in _REMOVE_BENCH_DATA:
            cursor.execute(sql, params)


@contextmanager
def sqlite_bulk_load(say: Callable[[str], None]) -> Iterator[None]:
    """SQLite: a 1 GiB page cache for the load, and the full-text index rebuilt once at the end.

    The FTS5 triggers are dropped for the load and put back afterwards (rebuilding the index in one
    pass is about six times faster than updating it row by row); all in the caller's transaction.
    """
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA cache_size")
        (previous,) = cursor.fetchone()
        cursor.execute("PRAGMA cache_size = -1048576")
        for statement in search_index.SQLITE_UNINSTALL:
            if statement.startswith("DROP TRIGGER"):
                cursor.execute(statement)
    try:
        yield
        say("rebuilding the SQLite full-text index")
        with connection.cursor() as cursor:
            for statement in search_index.SQLITE_INSTALL:
                cursor.execute(statement)
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(previous)}")


BULK_TABLES = [
    User._meta.db_table,
    Profile._meta.db_table,
    Profile.skills.through._meta.db_table,
    Membership._meta.db_table,
    Listing._meta.db_table,
    Listing.skills.through._meta.db_table,
]


@contextmanager
def postgres_bulk_load(tables: list[str], say: Callable[[str], None]) -> Iterator[None]:
    """PostgreSQL: drop the plain indexes and foreign keys of these tables, load, then put them back.

    As the PostgreSQL manual advises for populating a database: building an index once is much
    faster than updating it row by row, and adding a foreign key checks every row in one join
    instead of one query per row at commit. Unique and primary keys stay. Everything happens in the
    caller's transaction, so a failure leaves the schema as it was.
    """
    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")  # run checks still pending: ALTER TABLE needs none
        cursor.execute("SET CONSTRAINTS ALL DEFERRED")
        cursor.execute(
            "SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid) FROM pg_constraint c "
            "WHERE c.contype = 'f' AND c.conrelid = ANY(%s::regclass[]) ORDER BY 1, 2",
            [tables],
        )
        foreign_keys = cursor.fetchall()
        cursor.execute(
            "SELECT i.indexrelid::regclass::text, pg_get_indexdef(i.indexrelid) FROM pg_index i "
            "WHERE i.indrelid = ANY(%s::regclass[]) AND NOT EXISTS "
            "(SELECT 1 FROM pg_constraint c WHERE c.conindid = i.indexrelid) ORDER BY 1",
            [tables],
        )
        indexes = cursor.fetchall()
        for table, name, _definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {name}")
    yield
    say(f"building {len(indexes)} indexes and checking {len(foreign_keys)} foreign keys")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL maintenance_work_mem = '512MB'")
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition in foreign_keys:
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")


def analyze() -> None:
    """Fresh planner statistics (and, on PostgreSQL outside a transaction, a vacuum for the visibility map)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM (ANALYZE)")
        elif connection.vendor == "sqlite":
            cursor.execute("INSERT INTO listings_listing_fts(listings_listing_fts) VALUES ('optimize')")
            cursor.execute("ANALYZE")
            cursor.execute("PRAGMA optimize")


class Command(BaseCommand):
    help = "Seed the national-scale bench data set (idempotent). Never run it on a database with real members."

    def add_arguments(self, parser: CommandParser) -> None:
        add_size_arguments(parser)
        add_disposable_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        require_bench_database(options=options, command="seed_national")
        members, listings, communities = options["members"], options["listings"], options["communities"]
        if members < 1 or listings < 0 or communities < 3:
            raise CommandError("Seed at least 1 member and 3 communities (a nation, a region, an organisation).")
        wanted = (members, listings, communities)
        existing = bench_counts()
        if existing == wanted:
            self.stdout.write(
                f"Bench data set already present: {members:,} members, {listings:,} listings, "
                f"{communities} communities. Nothing to do."
            )
            return
        started = time.perf_counter()

        def say(message: str) -> None:
            self.stdout.write(f"[{time.perf_counter() - started:7.1f} s] {message}")
            self.stdout.flush()

        say(
            f"Seeding {members:,} members, {listings:,} listings and {communities} communities "
            f"on {connection.vendor} (seed {options['seed']})."
        )
        postgres, sqlite = connection.vendor == "postgresql", connection.vendor == "sqlite"
        with transaction.atomic(), sqlite_bulk_load(say) if sqlite else nullcontext():
            if existing is not None or Community.objects.filter(slug__startswith=SLUG_PREFIX).exists():
                say(f"Removing the previous bench data set {existing}.")
                remove_bench_data()
            rng = random.Random(options["seed"])  # noqa: S311 - made-up data, not secrets
            generator = Generator(rng, Writer(), list(Skill.objects.all()), timezone.now())
            plan = generator.communities(communities)
            say(f"communities: 1 nation, {len(plan.region_ids)} regions, {len(plan.orgs)} organisations")
            with postgres_bulk_load(BULK_TABLES, say) if postgres else nullcontext():
                generator.members(plan, members)
                say(f"members: {members:,} with profiles, skills and {members * 3:,} memberships")
                generator.listings(plan, listings, lambda done: say(f"listings: {done:,} of {listings:,}"))
            statements = connection.ops.sequence_reset_sql(no_style(), [User, Listing])
            with connection.cursor() as cursor:
                for statement in statements:
                    cursor.execute(statement)
        say("committed; analysing")
        analyze()
        say(f"Seeded in {time.perf_counter() - started:.1f} s.")
