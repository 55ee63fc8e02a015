"""In the browser, issue 10: what members hit on the search page, listing pages, giving hours and messages."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import User
from communities.models import Community
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.factories import PASSWORD, ListingFactory

pytestmark = pytest.mark.browser

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


@VIEWPORTS
def test_search_results_come_first_and_the_filters_still_work(
    new_page: Callable[..., Page], live_server, alice: User, bob: User, community: Community, viewport: ViewportSize
) -> None:
    ListingFactory(author=alice, scope=community, kind="offer", title="Coaching on run charts")
    ListingFactory(author=alice, scope=community, kind="request", title="Help with a patient survey")
    page = new_page(viewport)
    log_in(page, live_server.url, bob.email, PASSWORD)
    page.goto(f"{live_server.url}/listings/")

    first = page.locator("#results .hx-listing").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None
    assert box["y"] < viewport["height"], f"the first result starts at {box['y']}px, below the first screen"

    expect(page.get_by_label("Offers or requests")).to_be_hidden()  # behind the disclosure
    page.get_by_text("Filter results").click()
    page.get_by_label("Offers or requests").select_option(label="Requests")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results .hx-listing")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Help with a patient survey")
    expect(page.locator("#results")).not_to_contain_text("Coaching on run charts")


@VIEWPORTS
def test_the_search_filters_work_without_javascript(
    browser, live_server, alice: User, bob: User, community: Community, viewport: ViewportSize
) -> None:
    ListingFactory(author=alice, scope=community, kind="offer", title="Coaching on run charts")
    ListingFactory(author=alice, scope=community, kind="request", title="Help with a patient survey")
    context = browser.new_context(base_url=live_server.url, viewport=viewport, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail address").fill(bob.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.locator("main form").get_by_role("button", name="Log in").click()
        page.goto(f"{live_server.url}/listings/")
        page.get_by_text("Filter results").click()
        page.get_by_label("Offers or requests").select_option(label="Offers")
        page.get_by_role("button", name="Search").click()
        expect(page.locator("#results .hx-listing")).to_have_count(1)
        expect(page.locator("#results")).to_contain_text("Coaching on run charts")
        expect(page.get_by_text("Filter results (1 filter on)")).to_be_visible()
    finally:
        context.close()
