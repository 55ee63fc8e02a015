"""A member applies to join a community that needs approval, and its coordinator approves them."""

import re

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from communities.models import Community, Membership
from tests.browser.conftest import log_in, log_out
from tests.factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

NOTE = "I lead the falls-prevention project on ward 7 and would like help with run charts."


@pytest.fixture
def dave(transactional_db: None) -> User:
    """A member with a completed profile who belongs to no community yet."""
    return UserFactory(email="dave@example.org", profile__display_name="Dave Davies")


def test_apply_to_join_and_coordinator_approves(
    page: Page, live_server, community: Community, alice: User, dave: User
) -> None:
    assert community.join_policy == Community.JoinPolicy.APPROVAL
    community_url = f"{live_server.url}/communities/{community.slug}/"

    log_in(page, live_server.url, dave.email, PASSWORD)
    page.goto(community_url)
    expect(page.get_by_role("heading", level=1)).to_have_text("Riverside Hospital")
    page.get_by_label("Why would you like to join? (optional)").fill(NOTE)
    page.get_by_role("button", name="Apply to join").click()

    expect(page).to_have_url(community_url)
    expect(page.get_by_role("status")).to_contain_text(
        "Your application to join Riverside Hospital has been sent to its coordinators."
    )
    expect(page.locator("main")).to_contain_text("Your application is waiting for a coordinator's decision.")
    expect(page.get_by_role("button", name="Withdraw your application")).to_be_visible()
    application = Membership.objects.get(member=dave, community=community)
    assert application.status == Membership.Status.PENDING
    assert application.application_note == NOTE

    log_out(page)
    log_in(page, live_server.url, alice.email, PASSWORD)
    expect(page).to_have_url(f"{live_server.url}/dashboard/")
    page.get_by_role("link", name="1 application to Riverside Hospital").click()

    expect(page).to_have_url(f"{community_url}applications/")
    card = page.get_by_role("region", name="Dave Davies")
    expect(card).to_contain_text(NOTE)
    card.get_by_role("button", name="Approve Dave Davies").click()

    expect(page).to_have_url(f"{community_url}applications/")
    expect(page.get_by_role("status")).to_contain_text("Dave Davies is now a member of Riverside Hospital.")
    expect(page.get_by_role("region", name="Dave Davies")).to_have_count(0)
    expect(page.locator("main")).to_contain_text("There are no applications waiting.")
    application.refresh_from_db()
    assert application.status == Membership.Status.ACTIVE
    assert application.role == Membership.Role.MEMBER
    assert application.decided_by == alice

    log_out(page)
    log_in(page, live_server.url, dave.email, PASSWORD)
    page.goto(community_url)
    expect(page.locator("main")).to_contain_text("You are a member of this community.")
    expect(page.get_by_role("link", name="see who belongs")).to_have_attribute(
        "href", re.compile(rf"/communities/{community.slug}/members/$")
    )
