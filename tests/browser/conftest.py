"""Browser tests: Debian's Chromium, driven by Playwright's sync API, against pytest-django's live server.

Every test here runs in a transactional database (the live server answers from another thread,
so it must see committed rows) with serialised rollback, so the QI skills taxonomy that a data
migration seeds is back for each test after the flush that ends the one before.

Run only these with ``pytest -m browser``; leave them out with ``pytest -m "not browser"``.
"""

import os
import re
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Playwright, expect, sync_playwright

# Playwright's sync API keeps an asyncio loop on the main thread, which trips Django's
# async-safety check when a test (or the live server sharing an in-memory SQLite connection)
# touches the database. Nothing here is concurrent on one connection, so this is safe.
os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 375, "height": 812}
# Long enough for a slow CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000


@pytest.fixture(scope="session")
def playwright() -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        reason = f"The browser tests need Debian's Chromium at {CHROMIUM}: sudo apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so a missing browser is an error, not a skip).", pytrace=False)
        pytest.skip(reason)
    with sync_playwright() as driver:
        yield driver


@pytest.fixture(scope="session")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(autouse=True)
def _browser_db(transactional_db: None, django_db_serialized_rollback: None) -> None:
    """Every browser test commits its rows so that the live server's thread can read them."""


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (no cookies shared with other pages), at a viewport."""
    contexts = []

    def open_page(viewport: dict[str, int] | None = None) -> Page:
        context = browser.new_context(
            base_url=live_server.url,
            viewport=viewport or DESKTOP,
            is_mobile=viewport == PHONE,
            has_touch=viewport == PHONE,
            locale="en-GB",
        )
        context.set_default_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def page(new_page: Callable[..., Page]) -> Page:
    """A desktop-sized page whose relative URLs (``page.goto("/communities/")``) go to the live server."""
    return new_page()


def log_in(page: Page, live_server_url: str, email: str, password: str) -> None:
    """Log in through the login form, as a member would, and wait to leave the login page."""
    page.goto(f"{live_server_url}/accounts/login/")
    page.fill("#id_login", email)
    page.fill("#id_password", password)
    page.locator("main form").get_by_role("button", name="Sign In").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("header").get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Page) -> None:
    """Log out with the header's button; allauth then shows the home page to an anonymous visitor."""
    page.locator("header").get_by_role("button", name="Log out").click()
    expect(page.locator("header").get_by_role("link", name="Log in")).to_be_visible()
