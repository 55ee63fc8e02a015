"""In the browser: two members write to each other; the header counts unread conversations and the
open thread shows the reply without reloading (htmx polls it every 10 seconds)."""

import re
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, expect

from accounts.models import User
from conversations.models import Message
from tests.browser.conftest import log_in
from tests.conversations.factories import send
from tests.factories import PASSWORD

pytestmark = pytest.mark.browser

POLL_WAIT_MS = 15_000  # one 10-second poll, and time to spare on a busy machine


def messages_count(page: Page):
    """The unread count next to "Messages" in the header (the visually hidden word included)."""
    return page.locator('header a[href="/messages/"] .hx-count')


def write(page: Page, text: str) -> None:
    page.get_by_label("Your message").fill(text)
    page.get_by_role("button", name="Send", exact=True).click()


def start_a_conversation_with_bob(page: Page, bob_id: int, text: str = "Hello Bob") -> None:
    """From Bob's profile, as another member: open the form and send the first message."""
    page.goto(f"/members/{bob_id}/")
    page.get_by_role("button", name="Send a message").click()
    write(page, text)
    expect(page.get_by_role("heading", level=1)).to_have_text("Conversation with Bob Brown")


def test_two_members_write_to_each_other_and_see_replies_without_reloading(
    new_page: Callable[..., Page], live_server, alice: User, bob: User
) -> None:
    alice_page, bob_page = new_page(), new_page()
    log_in(alice_page, live_server.url, alice.email, PASSWORD)
    log_in(bob_page, live_server.url, bob.email, PASSWORD)
    expect(messages_count(bob_page)).to_have_count(0)

    start_a_conversation_with_bob(alice_page, bob.pk, "Hello Bob, could you look at my run chart?")
    expect(alice_page.get_by_role("status")).to_contain_text("Your message is sent.")
    thread = alice_page.locator("#thread-messages")
    expect(thread).to_contain_text("could you look at my run chart?")

    # Bob's header counts the conversation as unread until he opens it.
    bob_page.goto("/dashboard/")
    expect(messages_count(bob_page)).to_have_text("1 unread")
    bob_page.goto("/messages/")
    bob_page.get_by_role("link", name="Alice Adams").click()
    expect(bob_page.get_by_role("heading", level=1)).to_have_text("Conversation with Alice Adams")
    expect(messages_count(bob_page)).to_have_count(0)

    # Bob's reply is added to his page in place; Alice's open page gets it from its poll.
    alice_page.evaluate("window.hexitimeNotReloaded = true")
    bob_page.evaluate("window.hexitimeNotReloaded = true")
    write(bob_page, "Happy to help: https://example.org/run-charts")
    bob_thread = bob_page.locator("#thread-messages")
    expect(bob_thread).to_contain_text("Happy to help")
    expect(bob_page.get_by_label("Your message")).to_have_value("")
    assert bob_page.evaluate("window.hexitimeNotReloaded") is True

    expect(thread).to_contain_text("Happy to help", timeout=POLL_WAIT_MS)
    assert alice_page.evaluate("window.hexitimeNotReloaded") is True
    link = thread.get_by_role("link", name="https://example.org/run-charts")
    expect(link).to_have_attribute("rel", "nofollow noopener")
    expect(thread.locator("li")).to_have_count(2)

    # Alice answers in place too; Bob's poll brings it, and nothing shows twice.
    write(alice_page, "Thank you!")
    expect(thread.locator("li")).to_have_count(3)
    expect(bob_thread).to_contain_text("Thank you!", timeout=POLL_WAIT_MS)
    expect(bob_thread.locator("li")).to_have_count(3)
    assert list(Message.objects.order_by("pk").values_list("author_id", flat=True)) == [alice.pk, bob.pk, alice.pk]

    # Each saw the other's messages in the open thread, so neither has anything unread.
    for page in (alice_page, bob_page):
        page.goto("/dashboard/")
        expect(messages_count(page)).to_have_count(0)


def test_a_refused_message_keeps_its_text_and_says_why(
    new_page: Callable[..., Page], live_server, alice: User, bob: User
) -> None:
    alice_page, bob_page = new_page(), new_page()
    log_in(alice_page, live_server.url, alice.email, PASSWORD)
    log_in(bob_page, live_server.url, bob.email, PASSWORD)
    start_a_conversation_with_bob(alice_page, bob.pk)

    bob_page.goto("/messages/")
    bob_page.get_by_role("link", name="Alice Adams").click()
    bob_page.get_by_role("link", name="Block Alice Adams").click()
    bob_page.get_by_role("button", name="Block Alice Adams").click()
    expect(bob_page.get_by_role("heading", level=1)).to_have_text("You have blocked Alice Adams")

    write(alice_page, "Are you there?")
    expect(alice_page.get_by_role("alert")).to_contain_text("You can't send messages to this member.")
    expect(alice_page.get_by_label("Your message")).to_have_value("Are you there?")
    expect(alice_page.locator("#thread-messages li")).to_have_count(1)
    assert Message.objects.count() == 1
    expect(alice_page.locator("main")).not_to_contain_text(re.compile("blocked", re.IGNORECASE))


def test_the_header_count_updates_on_an_open_page_without_reloading(
    new_page: Callable[..., Page], live_server, alice: User, bob: User
) -> None:
    """The header asks for both unread counts every 30 seconds (the page's clock is run forward)."""
    bob_page = new_page()
    log_in(bob_page, live_server.url, bob.email, PASSWORD)
    bob_page.clock.install()
    bob_page.goto("/dashboard/")
    bob_page.evaluate("window.hexitimeNotReloaded = true")
    expect(messages_count(bob_page)).to_have_count(0)

    send(alice, bob, "Are you free on Friday?")
    bob_page.clock.run_for(31_000)
    expect(messages_count(bob_page)).to_have_text("1 unread")
    expect(bob_page.locator('header a[href="/notifications/"] .hx-count')).to_have_text("1 unread")
    assert bob_page.evaluate("window.hexitimeNotReloaded") is True
