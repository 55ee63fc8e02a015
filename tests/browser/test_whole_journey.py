"""The whole journey, as two people do it in a browser, at desktop and phone widths, with axe-core on
every page they see: a new member signs up, confirms their e-mail address from the e-mail, fills in
their profile, joins a community and posts a request accepting every default the form offers; a
member of the community finds it, offers to help, is accepted, records the hours typed as "1:30",
and the new member confirms them. Both balances move by exactly 1 h 30 min."""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from django.core.mail import EmailMessage
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import User
from communities.models import Community
from listings.models import Listing
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.browser.test_accessibility import assert_accessible
from tests.factories import PASSWORD, MembershipFactory, OrganisationFactory, UserFactory
from tests.support.ledger import balance

pytestmark = pytest.mark.browser

EMAIL = "priya.shah@example.org"
NEW_PASSWORD = "Small-tests-of-change-2026"
CONFIRM_LINK = re.compile(r"https?://[^\s/]+(/accounts/confirm-email/[^\s/]+/)")
TITLE = "Help with a run chart for our falls data"


def seen(page: Page, heading: str | re.Pattern[str]) -> None:
    """The page a person reads now: its heading first (so an error page never passes), then axe."""
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)


def status(page: Page) -> str:
    """What the page's message (the green or blue box after an action) says."""
    return page.get_by_role("status").first.inner_text()


def confirmation_path(outbox: list[EmailMessage]) -> str:
    assert [message.to for message in outbox] == [[EMAIL]]
    message = outbox[0]
    assert message.subject == "[Hexitime] Confirm your e-mail address"
    body = str(message.body)
    assert body.startswith("Hello priya.shah,\n")
    match = CONFIRM_LINK.search(body)
    assert match, body
    return urlsplit(match.group(0)).path


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_sign_up_to_confirmed_exchange(
    new_page: Callable[..., Page], live_server, mailoutbox: list[EmailMessage], viewport: ViewportSize
) -> None:
    community = OrganisationFactory(name="Riverside Hospital", slug="riverside", join_policy=Community.JoinPolicy.OPEN)
    helper = UserFactory(email="bob@example.org", profile__display_name="Bob Brown")
    MembershipFactory(member=helper, community=community)

    # --- Priya signs up, confirms her address from the e-mail and fills in her profile.
    priya = new_page(viewport)
    priya.goto("/")
    seen(priya, "Give an hour of improvement, get an hour back")
    priya.locator("header").get_by_role("link", name="Sign up").click()
    seen(priya, "Sign up")
    priya.get_by_label("E-mail address").fill(EMAIL)
    priya.get_by_label("Password", exact=True).fill(NEW_PASSWORD)
    priya.get_by_label("Confirm password").fill(NEW_PASSWORD)
    priya.locator("main form").get_by_role("button", name="Sign up").click()
    seen(priya, "Verify your e-mail address")

    priya.goto(confirmation_path(mailoutbox))
    seen(priya, "Confirm your e-mail address")
    priya.locator("main form").get_by_role("button", name="Confirm").click()
    seen(priya, "Tell other members about yourself")
    expect(priya.locator("header").get_by_role("link", name="Logged in as priya.shah")).to_be_visible()
    priya.get_by_label("Display name").fill("Priya Shah")
    priya.get_by_label("Role").select_option(label="Analyst")
    priya.get_by_role("checkbox", name="Run charts", exact=True).check()
    priya.get_by_role("button", name="Save and continue").click()
    seen(priya, "Communities")
    expect(priya.locator("header").get_by_role("link", name="Logged in as Priya Shah")).to_be_visible()

    # --- She joins Riverside Hospital and posts a request, keeping every default the form offers.
    priya.get_by_role("link", name="Riverside Hospital").first.click()
    seen(priya, "Riverside Hospital")
    priya.get_by_role("button", name="Join this community").click()
    expect(priya.get_by_role("status")).to_contain_text("Welcome to Riverside Hospital.")
    assert_accessible(priya)

    priya.goto("/listings/new/")
    seen(priya, "Post an offer or a request")
    priya.get_by_label("A request: I need help").check()
    priya.get_by_label("Title").fill(TITLE)
    priya.get_by_label("Description").fill("Our falls data jumps about and we cannot tell signal from noise.")
    priya.get_by_label("The improvement it serves").fill("Fewer falls on elderly care wards")
    priya.get_by_role("checkbox", name="Run charts", exact=True).check()
    priya.get_by_role("button", name="Publish").click()
    seen(priya, TITLE)
    listing = Listing.objects.get(title=TITLE)
    assert listing.author_id == User.objects.get(email=EMAIL).pk

    # --- Bob finds it by searching, and offers to help with the hours the form offers.
    bob = new_page(viewport)
    log_in(bob, live_server.url, helper.email, PASSWORD)
    bob.goto("/listings/?q=run+chart")
    seen(bob, "Offers and requests")
    bob.get_by_role("link", name=TITLE).click()
    seen(bob, TITLE)
    bob.get_by_role("button", name="Offer to help").click()
    seen(bob, "Offer to help")
    expect(bob.get_by_label("What the work is")).to_have_value(TITLE)  # offered, kept
    expect(bob.get_by_label("Hours", exact=True)).to_have_value("1")  # the request's estimate, kept
    bob.get_by_label("When").fill("Thursday morning")
    bob.get_by_role("button", name="Send the proposal").click()
    expect(bob.locator("main")).to_contain_text("Your proposal is sent.")
    assert_accessible(bob)
    exchange_path = urlsplit(bob.url).path

    # --- Priya accepts.
    priya.goto("/exchanges/")
    seen(priya, "Your exchanges")
    priya.get_by_role("link", name=TITLE).first.click()
    seen(priya, TITLE)
    priya.get_by_role("button", name="Accept").click()
    expect(priya.locator("main")).to_contain_text("You accepted.")
    assert_accessible(priya)

    # --- Bob records the hours as he would say them: "1:30".
    bob.goto(exchange_path)
    seen(bob, TITLE)
    bob.get_by_label("Hours actually given").fill("1:30")
    bob.get_by_role("button", name="Record hours").click()
    expect(bob.locator("main")).to_contain_text("The hours are recorded.")
    assert_accessible(bob)
    before = (balance(User.objects.get(email=EMAIL)), balance(helper))

    # --- Priya confirms; the credits move.
    priya.goto(exchange_path)
    seen(priya, TITLE)
    expect(priya.locator("main")).to_contain_text("Confirming moves 1 h 30 min of credit from you to Bob Brown.")
    priya.get_by_role("button", name="Confirm", exact=True).click()
    expect(priya.locator("main")).to_contain_text("Confirmed: the hours have moved.")
    assert_accessible(priya)

    after = (balance(User.objects.get(email=EMAIL)), balance(helper))
    assert (after[0] - before[0], after[1] - before[1]) == (-90, 90)
    assert after == (-90, 90)
