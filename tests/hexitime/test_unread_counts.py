"""The header's unread counts: on every page, and kept current by htmx every 30 seconds."""

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from notifications.actions import Note, notify
from notifications.kinds import Kind
from tests.conversations.factories import send

URL = reverse("unread_counts")


def count_span(element_id: str, count: int, *, oob: bool) -> str:
    swap = ' hx-swap-oob="true"' if oob else ""
    return (
        f'<span id="{element_id}"{swap}> <span class="hx-count">{count}'
        '<span class="nhsuk-u-visually-hidden"> unread</span></span></span>'
    )


@pytest.fixture
def bob_has_news(alice: User, bob: User) -> None:
    send(alice, bob, "Hello Bob")  # one unread conversation, and a notification of it
    notify(bob, Note(kind=Kind.CREDITS_RECEIVED, title="You received 1 hour", url="/credits/", event_key="t:1"))


@pytest.mark.usefixtures("bob_has_news")
def test_the_counts_fragment_gives_the_members_own_counts_out_of_band(
    bob_client: Client, django_assert_num_queries
) -> None:
    with django_assert_num_queries(3):  # session, member, both counts
        body = bob_client.get(URL, headers={"HX-Request": "true"}).content.decode()
    assert count_span("hx-unread-messages", 1, oob=True) in body
    assert count_span("hx-unread-notifications", 2, oob=True) in body


@pytest.mark.usefixtures("bob_has_news")
def test_other_members_see_only_their_own_counts(alice_client: Client, charlie_client: Client) -> None:
    for client in (alice_client, charlie_client):
        body = client.get(URL).content.decode()
        assert '<span id="hx-unread-messages" hx-swap-oob="true"></span>' in body
        assert '<span id="hx-unread-notifications" hx-swap-oob="true"></span>' in body


def test_visitors_are_sent_to_log_in(db: None) -> None:
    response = Client().get(URL)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.usefixtures("bob_has_news")
def test_every_page_shows_the_counts_and_polls_for_them(bob_client: Client) -> None:
    body = bob_client.get(reverse("accounts:dashboard")).content.decode()
    assert count_span("hx-unread-messages", 1, oob=False) in body
    assert count_span("hx-unread-notifications", 2, oob=False) in body
    assert f'hx-get="{URL}" hx-trigger="every 30s" hx-swap="none"' in body
