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
from django.db import connections
from playwright.sync_api import Browser, Page, Playwright, ViewportSize, expect, sync_playwright

from skills.models import Skill

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 375, "height": 812}
# Long enough for a slow or busy CI machine, short enough that a missing element fails quickly.
TIMEOUT_MS = 10_000
expect.set_options(timeout=TIMEOUT_MS)


@pytest.fixture(scope="package")
def playwright(django_db_setup: None) -> Iterator[Playwright]:
    if not CHROMIUM.exists():
        reason = f"The browser tests need Debian's Chromium at {CHROMIUM}: sudo apt-get install chromium"
        if os.environ.get("CI"):
            pytest.fail(f"{reason} (CI is set, so a missing browser is an error, not a skip).", pytrace=False)
        pytest.skip(reason)
    # Playwright's sync API keeps an asyncio loop "running" on the main thread while a test runs.
    # Two consequences for Django:
    # 1. Its async-safety check refuses database access from the test. Tests and the live server
    #    never use one connection at the same time, so switch the check off, for the browser tests
    #    only (package scope: the loop stops and the check returns after the last of them).
    # 2. `connections` (a thread-critical asgiref Local) now keeps connections per context, not per
    #    thread, so the tests get new connection objects without the database contents serialised
    #    at setup, and serialised rollback would silently restore nothing. Hand the contents over.
    serialized = {alias: getattr(connections[alias], "_test_serialized_contents", None) for alias in connections}
    with pytest.MonkeyPatch.context() as monkeypatch, sync_playwright() as driver:
        monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        for alias, contents in serialized.items():
            if contents is not None:
                setattr(connections[alias], "_test_serialized_contents", contents)  # noqa: B010
        yield driver


@pytest.fixture(scope="package")
def browser(playwright: Playwright) -> Iterator[Browser]:
    chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True, args=CHROMIUM_ARGS)
    yield chromium
    chromium.close()


@pytest.fixture(autouse=True)
def _browser_db(transactional_db: None, django_db_serialized_rollback: None) -> None:
    """Every browser test commits its rows so that the live server's thread can read them, and
    starts with what the data migrations load (the skills taxonomy), which the flush after each
    transactional test removes."""
    assert Skill.objects.exists(), "The skills taxonomy from the data migration was not restored."


@pytest.fixture
def new_page(browser: Browser, live_server) -> Iterator[Callable[..., Page]]:
    """Open a page in a fresh browser context (no cookies shared with other pages), at a viewport."""
    contexts = []

    def open_page(viewport: ViewportSize | None = None) -> Page:
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
    page.get_by_label("E-mail address").fill(email)
    page.get_by_label("Password", exact=True).fill(password)
    page.locator("main form").get_by_role("button", name="Log in").click()
    expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
    expect(page.locator("header").get_by_role("button", name="Log out")).to_be_visible()


def log_out(page: Page) -> None:
    """Log out with the header's button; allauth then shows the home page to an anonymous visitor."""
    page.locator("header").get_by_role("button", name="Log out").click()
    expect(page.locator("header").get_by_role("link", name="Log in")).to_be_visible()
