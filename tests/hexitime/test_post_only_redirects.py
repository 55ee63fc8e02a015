"""Every action URL answers GET with a redirect to its object's page, never "405 Method Not Allowed".

A GET reaches an action URL when the session was lost between showing a page and pressing its
button: the log-in page sends the member back to the action's URL with a GET.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.urls.resolvers import RoutePattern

from accounts.models import User
from communities.models import Community
from exchanges.models import Exchange
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db

# Every action URL in the project and the page its GET lands on (with the arguments used below).
EXPECTED = {
    "exchanges:act": "/exchanges/7/",
    "exchanges:withdraw_offline": "/exchanges/brokering/",
    "ledger:approve": "/communities/riverside/fund/approvals/7/",
    "ledger:reject": "/communities/riverside/fund/approvals/7/",
    "ledger:cancel": "/communities/riverside/fund/approvals/7/",
    "conversations:send": "/messages/7/",
    "conversations:unblock": "/messages/members/7/block/",
    "conversations:resolve_report": "/messages/reports/",
    "communities:join": "/communities/riverside/",
    "communities:leave": "/communities/riverside/",
    "communities:decide": "/communities/riverside/applications/",
    "listings:status": "/listings/7/",
    "listings:hide": "/listings/7/",
    "listings:unhide": "/listings/7/",
    "notifications:mark_all_read": "/notifications/",
}
ARGUMENTS = {
    "exchange_id": 7,
    "mark_id": 7,
    "approval_id": 7,
    "conversation_id": 7,
    "member_id": 7,
    "report_id": 7,
    "membership_id": 7,
    "listing_id": 7,
    "message_id": 7,
    "transfer_id": 7,
    "notification_id": 7,
    "slug": "riverside",
    "action": "accept",
    "token": "x",
}


def _patterns(resolver: URLResolver, namespace: str = "") -> Iterator[tuple[str, URLPattern]]:
    for entry in resolver.url_patterns:
        if isinstance(entry, URLResolver):
            inner = f"{namespace}{entry.namespace}:" if entry.namespace else namespace
            yield from _patterns(entry, inner)
        elif entry.name:
            yield f"{namespace}{entry.name}", entry


def _url(name: str, pattern: URLPattern) -> str:
    kwargs: dict[str, Any] = {key: ARGUMENTS[key] for key in pattern.pattern.converters}
    return reverse(name, kwargs=kwargs)


def test_every_action_url_is_listed() -> None:
    """The action URLs are exactly those above: a new one must be added here (and so be tested)."""
    found = {name for name, pattern in _patterns(get_resolver()) if hasattr(pattern.callback, "post_only_redirects_to")}
    assert found == set(EXPECTED)


def test_get_on_every_action_url_redirects_to_its_page(bob_client: Client) -> None:
    patterns = dict(_patterns(get_resolver()))
    for name, landing in EXPECTED.items():
        response = bob_client.get(_url(name, patterns[name]))
        assert (name, response.status_code, response.headers.get("Location")) == (name, 302, landing)


def test_other_methods_are_still_refused(bob_client: Client) -> None:
    patterns = dict(_patterns(get_resolver()))
    for name in EXPECTED:
        assert bob_client.put(_url(name, patterns[name])).status_code == 405, name


def test_no_page_answers_get_with_405(bob_client: Client) -> None:
    """Every URL of the site, opened by a signed-in member: a page, a redirect or a "not found", never 405."""
    for name, pattern in _patterns(get_resolver()):
        if name.startswith("admin:") or not isinstance(pattern.pattern, RoutePattern):
            continue  # the admin has its own log-in; allauth's regular-expression URLs are its own
        assert bob_client.get(_url(name, pattern)).status_code != 405, name


def test_signed_out_action_logs_in_then_lands_on_the_exchange(
    alice: User, bob: User, community: Community, bob_client: Client
) -> None:
    """The issue's journey: the session is lost, Accept is pressed, the member logs in again."""
    listing = ListingFactory(author=bob, scope=community, kind="request", title="Help with run charts")
    exchange = Exchange.objects.create(
        provider=alice,
        proposed_by=alice,
        community=community,
        listing=listing,
        title="Run charts",
        window="Tuesday",
        proposed_minutes=60,
    )
    exchange.recipients.create(recipient=bob)
    accept = reverse("exchanges:act", kwargs={"exchange_id": exchange.pk, "action": "accept"})
    signed_out = Client()
    response = signed_out.post(accept, {"version": exchange.version})
    assert response.status_code == 302
    assert response.headers["Location"].startswith(reverse("account_login"))
    # After logging in, allauth sends the member to `next` (the action URL) with a GET.
    signed_out.force_login(bob)
    response = signed_out.get(accept, follow=True)
    assert response.redirect_chain == [(exchange.get_absolute_url(), 302)]
    assert "Accept" in response.content.decode()
    exchange.refresh_from_db()
    assert (exchange.state, exchange.version) == ("proposed", 1)  # a GET changed nothing
