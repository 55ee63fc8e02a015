"""In the browser: a request answered, accepted, hours recorded and confirmed; balances move by exactly those hours."""

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from communities.models import Community
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, ListingFactory
from tests.support.ledger import balance

pytestmark = pytest.mark.browser


def test_request_answered_accepted_recorded_and_confirmed(
    page: Page, live_server, alice: User, bob: User, community: Community
) -> None:
    request = ListingFactory(
        author=bob, scope=community, kind="request", title="Help with our run chart", estimated_minutes=60
    )
    before = (balance(alice), balance(bob))

    log_in(page, live_server.url, alice.email, PASSWORD)
    page.goto(f"{live_server.url}{request.get_absolute_url()}")
    page.get_by_role("button", name="Offer to help").click()
    page.fill("#id_hours", "1.5")
    page.fill("#id_window", "Thursday morning")
    page.fill("#id_message", "I can look at it with you.")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.locator("main")).to_contain_text("Your proposal is sent.")
    exchange_url = page.url
    log_out(page)

    log_in(page, live_server.url, bob.email, PASSWORD)
    page.goto(f"{live_server.url}/exchanges/")
    expect(page.locator("main")).to_contain_text("Waiting for your answer")
    page.get_by_role("link", name="Help with our run chart").click()
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("main")).to_contain_text("You accepted.")
    log_out(page)

    log_in(page, live_server.url, alice.email, PASSWORD)
    page.goto(exchange_url)
    page.fill("#id_hours", "1.25")
    page.get_by_role("button", name="Record hours").click()
    expect(page.locator("main")).to_contain_text("The hours are recorded.")
    log_out(page)

    log_in(page, live_server.url, bob.email, PASSWORD)
    page.goto(exchange_url)
    expect(page.locator("main")).to_contain_text("Confirming moves 1 h 15 min of credit from you to Alice Adams.")
    page.get_by_role("button", name="Confirm", exact=True).click()
    expect(page.locator("main")).to_contain_text("Confirmed: the hours have moved.")

    assert (balance(alice) - before[0], balance(bob) - before[1]) == (75, -75)
