# ruff: noqa: RUF001  # digits of other scripts are the point of this test
"""Fuzz every view: random query strings and random form posts never make a server error.

Every URL pattern of Hexitime's own apps is found through Django's resolver (a new view is fuzzed
without anyone listing it; a new kind of URL argument fails the test until the scene below can
fill it). For each, as alice, the coordinator, hypothesis sends:

- GET with random values for every query parameter any page reads, and junk parameters;
- POST of every form the page renders (field names read from the page's HTML), with random values
  for every field, mixed with the page's own valid choices so that later checks are reached too.

Values mix digits that `str.isdigit()` accepts but `int()` does not, ids above 64 bits, 1e309,
NaN, control characters, very long text, SQL and HTML. The test client raises any exception a
view raises, so an exception is a failure too, as is any 500.
"""

import uuid
from datetime import timedelta
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from accounts.models import User
from communities.models import Community, Membership
from conversations.models import MessageReport
from exchanges.actions import do_propose
from ledger.models import Transfer
from listings.models import Campaign
from notifications.models import Notification
from tests.conversations.factories import send
from tests.factories import ListingFactory, MembershipFactory, UserFactory
from tests.support.clients import client_for
from tests.support.ledger import move

OWN_NAMESPACES = {"accounts", "communities", "listings", "exchanges", "ledger", "conversations", "notifications"}
OWN_ROOT_NAMES = {"home", "healthz", "unread_counts"}

QUERY_PARAMETERS = [
    "page",
    "q",
    "kind",
    "skill",
    "skills",
    "community",
    "mode",
    "campaign",
    "sort",
    "name",
    "role",
    "organisation",
    "listing",
    "member",
    "before",
    "after",
    "to",
    "transfer",
    "next",
    "status",
    "state",
    "hours",
]

ODD = [
    "²",
    "٣",
    "１",
    "1²",
    "99999999999999999999",
    "9" * 29,
    "9" * 4400,  # more digits than int() converts by default
    str(2**63),
    str(2**63 - 1),
    str(2**64),
    "-1",
    "0",
    "-0",
    "1e309",
    "-1e309",
    "1E5",
    "NaN",
    "nan",
    "inf",
    "-Infinity",
    "0x10",
    "1.5",
    "1,5",
    "1:30",
    "1h 30m",
    "0.125",
    "100.25",
    "\x00",
    "1\x00",
    "\x1f\x0b\x0c",
    "\r\n",
    " ",
    "",
    "a" * 3000,
    "'; DROP TABLE accounts_user; --",
    "' OR '1'='1",
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "%00",
    "%",
    "%(pk)s",
    "{0}",
    "member:²",
    "member:99999999999999999999",
    "fund:1e309",
    "member:",
    ":",
    "2026-02-30",
    "31/12/99999",
    "../../etc/passwd",
    "\u202e\u200b",
    "\ud7ff",
    "on",
    "true",
]

odd_values = st.one_of(
    st.sampled_from(ODD),
    st.text(max_size=40),
    st.integers(min_value=-(2**70), max_value=2**70).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(str),
    st.decimals(allow_nan=True, allow_infinity=True).map(str),
)


# --- the scene: one of everything a URL can point at, visible to alice --------------------------


@pytest.fixture
def scene(alice: User, bob: User, charlie: User, community: Community) -> dict[str, Any]:
    today = timezone.localdate()
    alice_listing = ListingFactory(author=alice, scope=community, kind="offer", title="Run chart coaching")
    bob_listing = ListingFactory(author=bob, scope=community, kind="request", title="Help with a survey")
    exchange = do_propose(
        proposer=bob,
        provider=alice,
        recipients=[bob],
        community=community,
        title="Run chart coaching",
        minutes=90,
        window="Tuesday",
        message="Hello",
        listing=alice_listing,
    )
    message = send(bob, alice, "Hello Alice")
    report = MessageReport.objects.create(message=message, reporter=alice, reason="Rude")
    applicant = UserFactory(profile__display_name="Dana Applicant")
    application = MembershipFactory(member=applicant, community=community, status=Membership.Status.PENDING)
    donation = move(bob, community, 60, kind="donation")
    campaign = Campaign.objects.create(
        community=community, name="Green NHS", slug="green-nhs", starts_on=today, ends_on=today + timedelta(days=30)
    )
    notification = Notification.objects.filter(recipient=alice).first()
    return {
        "slug": [community.slug, campaign.slug, "no-such-thing"],
        "listing_id": [alice_listing.pk, bob_listing.pk],
        "exchange_id": [exchange.pk],
        "conversation_id": [message.conversation_id],
        "message_id": [message.pk],
        "report_id": [report.pk],
        "member_id": [bob.pk, charlie.pk, alice.pk],
        "membership_id": [application.pk],
        "transfer_id": [donation.pk, Transfer.objects.order_by("pk").first().pk],  # type: ignore[union-attr]
        "notification_id": [notification.pk] if notification else [1],
        "approval_id": [1],
        "mark_id": [1],
        "token": ["junk-token", "²", "a" * 300],
        "page_query": {  # pages that need a query string to show their form
            "exchanges:propose": [{"listing": bob_listing.pk}, {"member": bob.pk}],
            "conversations:start": [{"member": bob.pk}, {"listing": bob_listing.pk}],
            "conversations:poll": [{"after": 0}],
            "conversations:thread": [{}, {"before": message.pk}],
        },
        "action": {
            "exchanges:act": ["accept", "decline", "cancel", "record", "confirm", "dispute", "resolve", "nonsense"],
            "listings:status": ["pause", "resume", "close", "renew", "nonsense"],
        },
    }


def own_patterns() -> list[tuple[str, list[str]]]:
    """(name, argument names) of every URL pattern of Hexitime's own apps."""
    found: list[tuple[str, list[str]]] = []

    def walk(patterns: list[Any], namespace: str) -> None:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                if pattern.namespace in OWN_NAMESPACES:
                    walk(pattern.url_patterns, pattern.namespace)
                elif pattern.namespace is None and not namespace:
                    walk(pattern.url_patterns, namespace)
            elif isinstance(pattern, URLPattern) and pattern.name and (namespace or pattern.name in OWN_ROOT_NAMES):
                name = f"{namespace}:{pattern.name}" if namespace else pattern.name
                found.append((name, list(pattern.pattern.converters)))

    walk(get_resolver().url_patterns, "")
    return found


PATTERNS = own_patterns()


def test_every_own_app_is_fuzzed() -> None:
    namespaces = {name.split(":")[0] for name, _ in PATTERNS if ":" in name}
    assert namespaces == OWN_NAMESPACES
    assert len(PATTERNS) > 50


# --- reading the forms a page renders ----------------------------------------------------------


class FormReader(HTMLParser):
    """Each POST form on a page: its action and its fields, with the values the page offers."""

    def __init__(self) -> None:
        super().__init__()
        self.forms: list[dict[str, Any]] = []
        self._form: dict[str, Any] | None = None
        self._select: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        attr = {key: value or "" for key, value in attrs}
        if tag == "form":
            self._form = {"action": attr.get("action", ""), "method": attr.get("method", "get").lower(), "fields": {}}
            self.forms.append(self._form)
        elif self._form is not None and tag in {"input", "textarea", "select"} and attr.get("name"):
            name = attr["name"]
            offered = self._form["fields"].setdefault(name, [])
            if tag == "input" and attr.get("value"):
                offered.append(attr["value"])
            if tag == "select":
                self._select = name
        elif tag == "option" and self._form is not None and self._select and attr.get("value"):
            self._form["fields"][self._select].append(attr["value"])

    def handle_endtag(self, tag: str) -> None:
        if tag == "form":
            self._form = None
        elif tag == "select":
            self._select = None


def page_forms(client: Client, url: str, query: dict[str, Any]) -> list[tuple[str, str, dict[str, list[str]]]]:
    """(method, action, fields) of every form on the page (none when it is not a page), but log-out."""
    response = client.get(url, query)
    if response.status_code != 200 or "html" not in response.get("Content-Type", ""):
        return []
    reader = FormReader()
    reader.feed(response.content.decode())
    return [
        (form["method"], form["action"] or response.wsgi_request.get_full_path(), form["fields"])
        for form in reader.forms
        if form["action"] != reverse("account_logout")
    ]


def field_value(offered: list[str]) -> st.SearchStrategy[Any]:
    one = st.one_of(odd_values, st.sampled_from(offered)) if offered else odd_values
    return st.one_of(one, st.lists(one, min_size=2, max_size=3))


# --- the fuzz test -----------------------------------------------------------------------------


FUZZ = settings(
    max_examples=20,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


@pytest.mark.parametrize(("name", "arguments"), PATTERNS, ids=[name for name, _ in PATTERNS])
@FUZZ
@given(data=st.data())
def test_no_input_makes_a_server_error(
    scene: dict[str, Any], alice: User, name: str, arguments: list[str], data: st.DataObject
) -> None:
    cache.clear()  # rate-limit counters: every example starts afresh
    with transaction.atomic():  # and from the same rows, so that hypothesis can replay it
        fuzz_one_view(scene, alice, name, arguments, data)
        transaction.set_rollback(True)


def fuzz_one_view(scene: dict[str, Any], alice: User, name: str, arguments: list[str], data: st.DataObject) -> None:
    client = client_for(alice)
    kwargs: dict[str, Any] = {}
    for argument in arguments:
        assert argument in scene, f"the fuzz test cannot fill <{argument}> of {name}: add it to the scene"
        choices = scene[argument][name] if argument == "action" else scene[argument]
        kwargs[argument] = data.draw(st.sampled_from(choices), label=argument)
    url = reverse(name, kwargs=kwargs)
    page_query = data.draw(st.sampled_from(scene["page_query"].get(name, [{}])), label="page query")
    headers = {"HX-Request": "true"} if data.draw(st.booleans(), label="htmx") else {}
    forms = page_forms(client, url, page_query)

    get_fields = {field for method, _, fields in forms if method == "get" for field in fields}
    names = st.one_of(st.sampled_from([*QUERY_PARAMETERS, *sorted(get_fields)]), st.text(min_size=1, max_size=10))
    query = data.draw(st.dictionaries(names, field_value([]), max_size=5), label="query")
    response = client.get(url, {**page_query, **query} if data.draw(st.booleans()) else query, headers=headers)
    assert response.status_code < 500, (url, query)

    for method, action, fields in forms:
        if method != "post":
            continue
        posted = {
            field: data.draw(field_value(offered), label=field)
            for field, offered in fields.items()
            if field != "csrfmiddlewaretoken"
        }
        if "idempotency_key" in posted and data.draw(st.booleans(), label="fresh key"):
            posted["idempotency_key"] = str(uuid.uuid4())
        response = client.post(action, posted, headers=headers)
        assert response.status_code < 500, (action, posted)

    junk = data.draw(st.dictionaries(names, field_value([]), max_size=5), label="junk post")
    response = client.post(url, junk, headers=headers)  # POST-only views, and views whose form is on another page
    assert response.status_code < 500, (url, junk)


def test_the_scene_has_a_value_for_every_url_argument(scene: dict[str, Any]) -> None:
    for name, arguments in PATTERNS:
        for argument in arguments:
            assert argument in scene, f"<{argument}> of {name}"
            if argument == "action":
                assert name in scene["action"], name
