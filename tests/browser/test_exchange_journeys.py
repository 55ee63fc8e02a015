"""In the browser, as members meet exchanges (issue 10): a lost session on Accept, and hours read back as typed."""

import re

import pytest
from django.conf import settings
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import User
from communities.models import Community
from exchanges import actions
from exchanges.models import Exchange
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.factories import PASSWORD, ListingFactory

pytestmark = pytest.mark.browser


def proposal(alice: User, bob: User, community: Community) -> Exchange:
    """alice offers bob an hour, answering his request."""
    listing = ListingFactory(author=bob, scope=community, kind="request", title="Help with our run chart")
    return actions.do_propose(
        proposer=alice,
        provider=alice,
        recipients=[bob],
        community=community,
        title="Run chart coaching",
        minutes=60,
        window="Thursday morning",
        listing=listing,
    )


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_accept_after_the_session_is_lost_returns_to_the_exchange(
    new_page, live_server, alice: User, bob: User, community: Community, viewport: ViewportSize
) -> None:
    exchange = proposal(alice, bob, community)
    page: Page = new_page(viewport)
    log_in(page, live_server.url, bob.email, PASSWORD)
    page.goto(f"{live_server.url}{exchange.get_absolute_url()}")
    expect(page.get_by_role("heading", name="Run chart coaching")).to_be_visible()

    page.context.clear_cookies(name=settings.SESSION_COOKIE_NAME)  # logged out elsewhere, or the session expired
    page.get_by_role("button", name="Accept").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/"))
    page.get_by_label("E-mail address").fill(bob.email)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.locator("main form").get_by_role("button", name=re.compile("Log in|Sign in", re.IGNORECASE)).click()

    expect(page).to_have_url(f"{live_server.url}{exchange.get_absolute_url()}")  # not "405 Method Not Allowed"
    expect(page.get_by_role("heading", name="Run chart coaching")).to_be_visible()
    exchange.refresh_from_db()
    assert exchange.state == "proposed"  # coming back changed nothing
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("main")).to_contain_text("You accepted.")
    exchange.refresh_from_db()
    assert exchange.state == "agreed"


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_hours_are_read_back_warned_and_changed_before_anyone_confirms(
    new_page, live_server, alice: User, bob: User, community: Community, viewport: ViewportSize
) -> None:
    exchange = proposal(alice, bob, community)
    actions.do_accept(member=bob, exchange=exchange)
    page: Page = new_page(viewport)
    log_in(page, live_server.url, alice.email, PASSWORD)
    page.goto(f"{live_server.url}{exchange.get_absolute_url()}")

    hours = page.get_by_label("Hours actually given")
    expect(hours).to_have_value("1")  # the agreed hour, never "1.0"
    hint = page.locator("#id_hours-understood")
    expect(hint).to_have_text("That is 1 h.")
    expect(hint).to_have_attribute("aria-live", "polite")
    hours.fill("")
    hours.press_sequentially("0:45")
    expect(hint).to_have_text("That is 45 min.")
    hours.fill("")
    hours.press_sequentially("4:30")
    expect(hint).to_have_text("That is 4 h 30 min.")
    page.get_by_role("button", name="Record hours").click()

    # Far from the agreed hour: refused once, with what was typed kept and read back.
    expect(page.get_by_role("alert")).to_contain_text("These hours differ a lot from the 1 h agreed")
    expect(page.get_by_label("Hours actually given")).to_have_value("4:30")
    expect(page.locator("#id_hours-understood")).to_have_text("That is 4 h 30 min.")
    page.get_by_label("Yes, record these hours.").check()
    page.get_by_role("button", name="Record hours").click()
    expect(page.locator("main")).to_contain_text("You recorded 4 h 30 min.")

    # The recorder changes them before bob answers.
    page.get_by_text("Change the hours", exact=True).first.click()
    amend = page.get_by_label("Hours actually given")
    expect(amend).to_have_value("4.5")
    amend.fill("")
    amend.press_sequentially("1h 15m")
    expect(page.locator("#id_amend-hours-understood")).to_have_text("That is 1 h 15 min.")
    page.get_by_role("button", name="Change the hours").click()
    expect(page.locator("main")).to_contain_text("You changed the hours to 1 h 15 min.")
    expect(page.locator("main")).to_contain_text("changed the hours from 4 h 30 min to 1 h 15 min")
    exchange.refresh_from_db()
    assert (exchange.state, exchange.recorded_minutes) == ("completed", 75)
    assert exchange.confirm_deadline is not None
