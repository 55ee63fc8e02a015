"""In the browser: what waits on a member (unread messages and notifications) shows at every width.

The navigation folds links it cannot fit under "More"; once Messages and its count sat there at
1280 px and on a phone, where a member never saw that someone had written.
"""

from collections.abc import Callable

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import User
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.conversations.factories import send
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])
def test_unread_counts_are_visible_without_opening_more(
    new_page: Callable[..., Page], live_server, alice: User, bob: User, viewport: ViewportSize
) -> None:
    send(alice, bob, "Could you look at my driver diagram?")
    page = new_page(viewport)
    log_in(page, live_server.url, bob.email, PASSWORD)
    page.goto("/dashboard/")

    header = page.locator("header")
    messages = header.get_by_role("link", name="Messages 1 unread")
    notifications = header.get_by_role("link", name="Notifications 1 unread")
    expect(messages).to_be_visible()
    expect(notifications).to_be_visible()

    messages.click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Messages")
    expect(page.get_by_role("link", name="Alice Adams")).to_be_visible()
