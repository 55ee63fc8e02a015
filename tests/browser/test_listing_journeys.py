"""In the browser, issue 10: what members hit on the search page, listing pages, giving hours and messages."""

import itertools
from collections.abc import Callable

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import User
from communities.models import Community
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.factories import PASSWORD, ListingFactory

pytestmark = pytest.mark.browser

VIEWPORTS = pytest.mark.parametrize("viewport", [DESKTOP, PHONE], ids=["desktop", "phone"])


@VIEWPORTS
def test_search_results_come_first_and_the_filters_still_work(
    new_page: Callable[..., Page], live_server, alice: User, bob: User, community: Community, viewport: ViewportSize
) -> None:
    ListingFactory(author=alice, scope=community, kind="offer", title="Coaching on run charts")
    ListingFactory(author=alice, scope=community, kind="request", title="Help with a patient survey")
    page = new_page(viewport)
    log_in(page, live_server.url, bob.email, PASSWORD)
    page.goto(f"{live_server.url}/listings/")

    first = page.locator("#results .hx-listing").first
    expect(first).to_be_visible()
    box = first.bounding_box()
    assert box is not None
    assert box["y"] < viewport["height"], f"the first result starts at {box['y']}px, below the first screen"

    expect(page.get_by_label("Offers or requests")).to_be_hidden()  # behind the disclosure
    page.get_by_text("Filter results").click()
    page.get_by_label("Offers or requests").select_option(label="Requests")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("#results .hx-listing")).to_have_count(1)
    expect(page.locator("#results")).to_contain_text("Help with a patient survey")
    expect(page.locator("#results")).not_to_contain_text("Coaching on run charts")


@VIEWPORTS
def test_the_search_filters_work_without_javascript(
    browser, live_server, alice: User, bob: User, community: Community, viewport: ViewportSize
) -> None:
    ListingFactory(author=alice, scope=community, kind="offer", title="Coaching on run charts")
    ListingFactory(author=alice, scope=community, kind="request", title="Help with a patient survey")
    context = browser.new_context(base_url=live_server.url, viewport=viewport, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail address").fill(bob.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.locator("main form").get_by_role("button", name="Log in").click()
        page.goto(f"{live_server.url}/listings/")
        page.get_by_text("Filter results").click()
        page.get_by_label("Offers or requests").select_option(label="Offers")
        page.get_by_role("button", name="Search").click()
        expect(page.locator("#results .hx-listing")).to_have_count(1)
        expect(page.locator("#results")).to_contain_text("Coaching on run charts")
        expect(page.get_by_text("Filter results (1 filter on)")).to_be_visible()
    finally:
        context.close()


@VIEWPORTS
def test_give_hours_by_typing_a_name(
    new_page: Callable[..., Page], live_server, alice: User, bob: User, viewport: ViewportSize
) -> None:
    from ledger.models import Transfer

    page = new_page(viewport)
    log_in(page, live_server.url, bob.email, PASSWORD)
    page.goto(f"{live_server.url}/credits/donate/")
    page.get_by_label("Who to give hours to").press_sequentially("alic")
    alice_choice = page.get_by_role("radio", name="Alice Adams")
    expect(alice_choice).to_be_visible()  # suggested as the name is typed, before any button is pressed
    alice_choice.check()
    page.get_by_label("Hours to give").fill("1")
    page.locator("main form").get_by_role("button", name="Give hours").click()
    expect(page.get_by_role("status")).to_contain_text("You gave 1 h to Alice Adams")
    transfer = Transfer.objects.get()
    assert (transfer.kind, transfer.amount, transfer.caused_by) == ("donation", 60, bob)


def test_give_hours_without_javascript_finds_then_chooses(browser, live_server, alice: User, bob: User) -> None:
    from ledger.models import Transfer

    context = browser.new_context(base_url=live_server.url, viewport=PHONE, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("E-mail address").fill(bob.email)
        page.get_by_label("Password", exact=True).fill(PASSWORD)
        page.locator("main form").get_by_role("button", name="Log in").click()
        page.goto(f"{live_server.url}/credits/donate/")
        page.get_by_label("Who to give hours to").fill("Riverside")
        page.get_by_role("button", name="Find").click()
        page.get_by_role("radio", name="The Riverside Hospital fund").check()
        page.get_by_label("Hours to give").fill("0.5")
        page.locator("main form").get_by_role("button", name="Give hours").click()
        expect(page.get_by_role("status")).to_contain_text("You gave 30 min to the fund of Riverside Hospital")
        assert Transfer.objects.get().amount == 30
    finally:
        context.close()


@VIEWPORTS
def test_new_message_by_typing_a_name(
    new_page: Callable[..., Page], live_server, alice: User, bob: User, viewport: ViewportSize
) -> None:
    page = new_page(viewport)
    log_in(page, live_server.url, bob.email, PASSWORD)
    page.goto(f"{live_server.url}/messages/")
    page.get_by_role("button", name="New message").click()
    page.get_by_label("Who to write to").press_sequentially("Ali")
    page.get_by_role("link", name="Write to Alice Adams").click()
    page.get_by_label("Your message").fill("Hello Alice, can we talk about run charts?")
    page.get_by_role("button", name="Send").click()
    expect(page.get_by_text("Hello Alice, can we talk about run charts?")).to_be_visible()


@VIEWPORTS
def test_manage_buttons_do_not_touch(
    new_page: Callable[..., Page], live_server, alice: User, community: Community, viewport: ViewportSize
) -> None:
    listing = ListingFactory(author=alice, scope=community, kind="request", title="Need SPC help")
    page = new_page(viewport)
    log_in(page, live_server.url, alice.email, PASSWORD)
    page.goto(f"{live_server.url}/listings/{listing.pk}/")
    boxes = []
    for name in ["Edit", "Pause", "Renew for 90 days", "Close"]:
        box = page.get_by_role("button", name=name, exact=True).bounding_box()
        assert box is not None
        boxes.append(box)
    for a, b in itertools.pairwise(boxes):
        apart = b["x"] >= a["x"] + a["width"] + 8 or b["y"] >= a["y"] + a["height"] + 8
        assert apart, f"{a} and {b} touch"


@VIEWPORTS
def test_grant_hours_by_typing_a_name(
    new_page: Callable[..., Page], live_server, alice: User, bob: User, community: Community, viewport: ViewportSize
) -> None:
    from ledger.models import Transfer
    from tests.support.ledger import move

    move(alice, community, 120, kind="donation")
    page = new_page(viewport)
    log_in(page, live_server.url, alice.email, PASSWORD)
    page.goto(f"{live_server.url}/communities/riverside/fund/grant/")
    page.get_by_label("Who to grant hours to").press_sequentially("bo")
    page.get_by_role("radio", name="Bob Brown").check()
    page.get_by_label("Hours to grant").fill("1")
    page.get_by_label("Reason").fill("Help to start")
    page.get_by_role("button", name="Grant hours").click()
    expect(page.get_by_role("status")).to_contain_text("You granted 1 h from the fund to Bob Brown.")
    assert Transfer.objects.get(kind="grant").amount == 60
