"""In the browser: the dashboard leads a member to what waits on them, and a dispute resolved to
other hours shows the hours that moved (issue 10, items 5 and 6)."""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import User
from communities.models import Community, Membership
from exchanges import actions
from tests.browser.conftest import DESKTOP, PHONE, log_in, log_out
from tests.conversations.factories import exchange_between
from tests.factories import PASSWORD, MembershipFactory, UserFactory
from tests.support.ledger import balance

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_the_dashboard_leads_to_each_step_that_waits(
    new_page: Callable[..., Page], live_server, alice: User, bob: User, community: Community, viewport: ViewportSize
) -> None:
    exchange_between(alice, bob, community, title="Run chart coaching")
    page = new_page(viewport)
    log_in(page, live_server.url, bob.email, PASSWORD)
    page.goto("/dashboard/")

    waiting = page.get_by_role("region", name="Waiting for you")
    expect(waiting).to_be_visible()
    waiting.get_by_role("link", name="Answer the proposal “Run chart coaching”").click()
    expect(page.get_by_role("heading", name="Run chart coaching")).to_be_visible()
    page.get_by_role("button", name="Accept").click()
    expect(page.locator("main")).to_contain_text("You accepted.")

    page.goto("/dashboard/")
    waiting.get_by_role("link", name="Record the hours of “Run chart coaching” when the work is done").click()
    expect(page.get_by_role("heading", name="Run chart coaching")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_dispute_resolved_to_other_hours_shows_the_hours_that_moved(
    new_page: Callable[..., Page], live_server, alice: User, bob: User, community: Community, viewport: ViewportSize
) -> None:
    dora = UserFactory(email="dora@example.org", profile__display_name="Dora Dent")
    MembershipFactory(member=dora, community=community, role=Membership.Role.COORDINATOR)
    exchange = exchange_between(alice, bob, community, title="Process mapping session")
    actions.do_accept(member=bob, exchange=exchange)
    actions.do_record_hours(member=alice, exchange=exchange, minutes=180)
    actions.do_dispute(member=bob, exchange=exchange, reason="It was an hour and a quarter, not three.")
    before = (balance(alice), balance(bob))

    page = new_page(viewport)
    log_in(page, live_server.url, dora.email, PASSWORD)
    page.goto(exchange.get_absolute_url())
    page.get_by_label("Confirm different hours").check()
    page.get_by_label("Hours, if different").fill("1:15")
    expect(page.get_by_text("That is 1 h 15 min")).to_be_visible()
    page.get_by_label("Reason (both sides see it)").fill("Both agree it was an hour and a quarter.")
    page.get_by_role("button", name="Resolve").click()
    expect(page.locator("main")).to_contain_text("The dispute is resolved.")
    log_out(page)

    log_in(page, live_server.url, bob.email, PASSWORD)
    page.goto(exchange.get_absolute_url())
    expect(page.locator("main")).to_contain_text("1 h 15 min · changed by a coordinator who resolved a dispute")
    page.goto("/exchanges/")
    row = page.locator("li.hx-listing", has=page.get_by_role("link", name="Process mapping session"))
    expect(row).to_contain_text("1 h 15 min")
    expect(row).not_to_contain_text("3 h")
    assert (balance(alice) - before[0], balance(bob) - before[1]) == (75, -75)
