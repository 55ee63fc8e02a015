"""Issue 10: a request that got its help prompts its author to close it."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from exchanges.models import Exchange
from listings.models import Listing
from tests.factories import ListingFactory

pytestmark = pytest.mark.django_db

PROMPT = "Did this get the help you needed?"


def exchange_from(listing: Listing, provider: User, state: str) -> Exchange:
    return Exchange.objects.create(
        provider=provider,
        proposed_by=provider,
        listing=listing,
        community=listing.scope,
        title=listing.title,
        window="Tuesday",
        proposed_minutes=60,
        state=state,
    )


@pytest.fixture
def request_listing(alice: User, community: Community) -> Listing:
    return ListingFactory(author=alice, scope=community, kind="request", title="Need SPC help")


def test_a_confirmed_exchange_prompts_the_author_to_close(
    alice_client: Client, bob: User, bob_client: Client, request_listing: Listing
) -> None:
    exchange_from(request_listing, bob, Exchange.State.CONFIRMED)
    page = alice_client.get(request_listing.get_absolute_url()).content.decode()
    assert PROMPT in page
    close = reverse("listings:status", kwargs={"listing_id": request_listing.pk, "action": "close"})
    assert f'<form method="post" action="{close}">' in page
    assert PROMPT not in bob_client.get(request_listing.get_absolute_url()).content.decode(), "only the author"

    response = alice_client.post(close, follow=True)
    request_listing.refresh_from_db()
    assert request_listing.status == Listing.Status.CLOSED
    assert PROMPT not in response.content.decode()


@pytest.mark.parametrize("state", ["proposed", "agreed", "completed", "disputed", "declined", "cancelled"])
def test_no_prompt_before_the_help_is_confirmed(
    alice_client: Client, bob: User, request_listing: Listing, state: str
) -> None:
    exchange_from(request_listing, bob, state)
    assert PROMPT not in alice_client.get(request_listing.get_absolute_url()).content.decode()


def test_no_prompt_for_an_offer(alice: User, alice_client: Client, bob: User, community: Community) -> None:
    offer = ListingFactory(author=alice, scope=community, kind="offer")
    exchange_from(offer, alice, Exchange.State.CONFIRMED)
    assert PROMPT not in alice_client.get(offer.get_absolute_url()).content.decode()


def test_the_exchange_page_prompts_the_requests_author_too(
    alice: User, alice_client: Client, bob: User, bob_client: Client, request_listing: Listing
) -> None:
    exchange = exchange_from(request_listing, bob, Exchange.State.CONFIRMED)
    exchange.recipients.create(recipient=alice)
    url = reverse("exchanges:detail", kwargs={"exchange_id": exchange.pk})
    assert PROMPT in alice_client.get(url).content.decode()
    assert PROMPT not in bob_client.get(url).content.decode(), "the helper is not asked to close the request"
    request_listing.status = Listing.Status.CLOSED
    request_listing.save()
    assert PROMPT not in alice_client.get(url).content.decode()
