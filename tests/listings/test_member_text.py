"""Member text in listings: cleaned on the way in, and search highlights that it cannot forge."""

import re

import pytest
from django.test import Client
from django.urls import reverse

from accounts.models import User
from communities.models import Community
from listings.models import Listing
from tests.factories import ListingFactory
from tests.listings.test_views import form_data

pytestmark = pytest.mark.django_db


def results_html(client: Client, query: str) -> str:
    content = client.get(reverse("listings:search") + query).content.decode()
    start = content.index('<div id="results"')
    return content[start:]


def assert_balanced(html: str) -> None:
    """Every <mark> closes before the next opens, and none is left open."""
    depth = 0
    for tag in re.findall(r"</?mark>", html):
        depth += 1 if tag == "<mark>" else -1
        assert depth in (0, 1), html
    assert depth == 0, html


def test_old_rows_with_control_characters_show_balanced_escaped_marks(bob_client: Client, community: Community) -> None:
    # Written straight to the database, as rows saved before text was cleaned may be.
    ListingFactory(
        scope=community,
        title="Run\x03 charts\x02 <b>clinic</b>",
        description="Stray\x03 markers\x02 around charts & SPC\x02 left open",
    )
    response = bob_client.get(reverse("listings:search") + "?q=charts")
    (hit,) = response.context["results"].hits
    assert hit.title_html == "Run <mark>charts</mark> &lt;b&gt;clinic&lt;/b&gt;"
    assert hit.snippet_html == "Stray markers around <mark>charts</mark> &amp; SPC left open"
    html = results_html(bob_client, "?q=charts")
    assert_balanced(html)
    assert "<b>" not in html
    assert "\x02" not in html
    assert "\x03" not in html


def test_old_rows_with_marker_characters_cannot_unbalance_the_page(bob_client: Client, community: Community) -> None:
    # The highlight markers themselves, in a row saved before text was cleaned: still one pair at a time.
    ListingFactory(scope=community, title="\ue001Run \ue000\ue000charts", description="Open \ue000 never closed charts")
    response = bob_client.get(reverse("listings:search") + "?q=charts")
    (hit,) = response.context["results"].hits
    assert_balanced(hit.title_html)
    assert_balanced(hit.snippet_html)
    assert re.sub(r"</?mark>", "", hit.title_html) == "Run charts"
    assert_balanced(results_html(bob_client, "?q=charts"))


def test_browsing_without_words_shows_no_marks_from_old_rows(bob_client: Client, community: Community) -> None:
    ListingFactory(scope=community, title="Run\x02 charts", description="Help\x02 with charts\x03\x03")
    response = bob_client.get(reverse("listings:search"))
    (hit,) = response.context["results"].hits
    assert (hit.title_html, hit.snippet_html) == ("Run charts", "Help with charts")
    assert "<mark>" not in results_html(bob_client, "")


def test_listing_text_is_cleaned_on_the_way_in(alice: User, alice_client: Client, community: Community) -> None:
    data = form_data(
        community,
        title="Run\x02 charts\x03\u202e\nBcc: x",
        description="Line one\r\nLine two\x02\u200b\ue000",
        improvement="Fewer\tfalls\x1b",
        mode="in_person",
        place="Ward\u20287",
    )
    response = alice_client.post(reverse("listings:create"), data)
    listing = Listing.objects.get()
    assert response["Location"] == listing.get_absolute_url()
    assert (listing.title, listing.description) == ("Run charts Bcc: x", "Line one\nLine two")
    assert (listing.improvement, listing.place) == ("Fewer falls", "Ward 7")


def test_a_title_of_only_invisible_characters_is_refused(alice_client: Client, community: Community) -> None:
    response = alice_client.post(reverse("listings:create"), form_data(community, title="\x02\u200b\u202e"))
    assert response.status_code == 200
    assert "Enter a title." in response.content.decode()
    assert not Listing.objects.exists()
