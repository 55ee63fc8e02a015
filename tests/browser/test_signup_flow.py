"""A new member signs up, confirms their e-mail address and completes their profile, all in a browser."""

import re
from collections.abc import Callable
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.core.mail import EmailMessage
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import Profile, User
from tests.browser.conftest import DESKTOP, PHONE

pytestmark = pytest.mark.browser

EMAIL = "sam.patel@example.org"
PASSWORD = "Pdsa-cycles-every-Tuesday-42"
SKILLS = ["Run charts", "Process mapping"]
CONFIRM_LINK = re.compile(r"https?://[^\s/]+/accounts/confirm-email/[^\s/]+/")


def sign_up(page: Page) -> User:
    page.goto("/accounts/signup/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Sign up")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD)
    page.locator("main form").get_by_role("button", name="Sign up").click()

    expect(page).to_have_url(re.compile(r"/accounts/confirm-email/$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Verify your e-mail address")
    user = User.objects.get(email=EMAIL)
    assert not EmailAddress.objects.get(user=user).verified
    return user


def confirmation_path(outbox: list[EmailMessage]) -> str:
    assert len(outbox) == 1, [message.subject for message in outbox]
    message = outbox[0]
    assert message.to == [EMAIL]
    assert message.subject == "[Hexitime] Confirm your e-mail address"
    # The new member is named by the start of their own address, never "Member 32", and the site is Hexitime.
    assert str(message.body).startswith("Hello sam.patel,\n")
    assert "Member" not in str(message.body)
    assert "Thank you for using Hexitime." in str(message.body)
    match = CONFIRM_LINK.search(str(message.body))
    assert match, f"No confirmation link in the e-mail:\n{message.body}"
    # The link names whichever host sent it (the live server, testserver or example.com): keep the path.
    return urlsplit(match.group(0)).path


def confirm(page: Page, live_server_url: str, outbox: list[EmailMessage]) -> None:
    page.goto(live_server_url + confirmation_path(outbox))
    expect(page.get_by_role("heading", level=1)).to_have_text("Confirm your e-mail address")
    expect(page.locator("main")).to_contain_text(EMAIL)
    page.locator("main form").get_by_role("button", name="Confirm").click()
    # Confirming logs the new member in; until they name themselves, the header uses their address's start.
    expect(page.locator("header").get_by_role("button", name="Log out")).to_be_visible()
    expect(page.locator("header").get_by_role("link", name="Logged in as sam.patel")).to_be_visible()


def test_sign_up_confirm_email_and_complete_profile(page: Page, live_server, mailoutbox) -> None:
    user = sign_up(page)
    confirm(page, live_server.url, mailoutbox)
    assert EmailAddress.objects.get(user=user).verified

    # Confirming sends the new member straight to onboarding.
    expect(page).to_have_url(f"{live_server.url}/welcome/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Tell other members about yourself")
    page.get_by_label("Display name").fill("Sam Patel")
    page.select_option("#id_role", label="Analyst")
    for skill in SKILLS:
        page.get_by_role("checkbox", name=skill, exact=True).check()
    page.get_by_role("button", name="Save and continue").click()

    expect(page).to_have_url(f"{live_server.url}/communities/")
    expect(page.get_by_role("status")).to_have_text(
        "Information: Thank you, your profile is ready. Next, join a community."
    )
    profile = Profile.objects.get(user=user)
    assert profile.onboarded_at is not None
    assert profile.display_name == "Sam Patel"
    assert profile.role == Profile.Role.ANALYST
    assert set(profile.skills.values_list("name", flat=True)) == set(SKILLS)

    page.goto("/dashboard/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Hello, Sam Patel")
    expect(page.locator("header").get_by_role("link", name="Logged in as Sam Patel")).to_be_visible()


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_a_sign_up_sent_back_shows_each_problem_once_and_links_to_its_field(
    new_page: Callable[..., Page], viewport: ViewportSize
) -> None:
    page = new_page(viewport)
    page.goto("/accounts/signup/")
    page.get_by_label("E-mail address").fill(EMAIL)
    page.get_by_label("Password", exact=True).fill(PASSWORD)
    page.get_by_label("Confirm password").fill(PASSWORD + "-typo")
    page.locator("main form").get_by_role("button", name="Sign up").click()

    summary = page.get_by_role("alert")
    expect(summary).to_have_count(1)
    expect(summary.get_by_role("heading")).to_have_text("There is a problem")
    expect(summary.get_by_role("listitem")).to_have_text(["You must type the same password each time."])
    beside = page.locator("#id_password2-error")
    expect(beside).to_have_text("Error: You must type the same password each time.")
    expect(page.locator("main")).to_contain_text("You must type the same password each time.")
    assert page.locator("main").inner_text().count("You must type the same password each time.") == 2

    summary.get_by_role("link", name="You must type the same password each time.").click()
    expect(page.get_by_label("Confirm password")).to_be_focused()
    assert not User.objects.filter(email=EMAIL).exists()
