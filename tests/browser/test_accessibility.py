"""Every page scanned with axe-core in Chromium, and the keyboard paths a sighted keyboard user takes.

A page fails on any "serious" or "critical" violation. Each page is reached as the member who
would see it, and the test checks the page's heading first, so a redirect to the login page or
an error page can never pass for the page it replaced.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import Page, ViewportSize, expect

from accounts.models import User
from communities.models import Community, Membership
from skills.models import Skill
from tests.browser.conftest import DESKTOP, PHONE, log_in
from tests.factories import PASSWORD, ListingFactory, MembershipFactory, OrganisationFactory, UserFactory

pytestmark = pytest.mark.browser

FAILING_IMPACTS = {"serious", "critical"}
AXE = Axe()


@dataclass(frozen=True)
class Cast:
    """The people and communities the pages are built from."""

    community: Community
    open_community: Community
    alice: User  # coordinator of the community
    bob: User  # an active member of it
    charlie: User  # an outsider
    dave: User  # applied to join the community; waiting
    newcomer: User  # confirmed their e-mail address, has not completed onboarding
    listing_id: int  # alice's offer to the community

    def user(self, persona: str) -> User:
        return getattr(self, persona)


@pytest.fixture
def cast(transactional_db: None) -> Cast:
    """A nation > region > organisation tree with a coordinator, a member, an outsider and an applicant."""
    community = OrganisationFactory(
        name="Riverside Hospital",
        slug="riverside",
        description="Improvement work at Riverside: falls, discharge and patient experience.",
    )
    open_community = OrganisationFactory(
        name="Hillside Health Centre",
        slug="hillside",
        parent=community.parent,
        join_policy=Community.JoinPolicy.OPEN,
    )
    alice = UserFactory(email="alice@example.org", profile__display_name="Alice Adams")
    MembershipFactory(member=alice, community=community, role=Membership.Role.COORDINATOR)
    bob = UserFactory(
        email="bob@example.org",
        profile__display_name="Bob Brown",
        profile__organisation="Riverside Hospital",
        profile__bio="Ward manager; I like process maps.",
    )
    MembershipFactory(member=bob, community=community)
    charlie = UserFactory(email="charlie@example.org", profile__display_name="Charlie Clark")
    MembershipFactory(member=charlie, community=open_community)
    dave = UserFactory(email="dave@example.org", profile__display_name="Dave Davies")
    MembershipFactory(
        member=dave,
        community=community,
        status=Membership.Status.PENDING,
        application_note="I would like help with run charts for our falls project.",
    )
    newcomer = UserFactory(email="newcomer@example.org", profile__display_name="", profile__onboarded_at=None)
    listing = ListingFactory(
        author=alice,
        scope=community,
        title="Coaching on run charts",
        skills=list(Skill.objects.filter(name__in=["Run charts", "Statistical process control"])),
    )
    return Cast(community, open_community, alice, bob, charlie, dave, newcomer, listing.pk)


def submit_empty_login_form(page: Page) -> None:
    page.locator("main form").get_by_role("button", name="Log in").click()
    expect(page.locator(".nhsuk-error-message").first).to_be_visible()


def submit_empty_name(page: Page) -> None:
    page.fill("#id_display_name", "")
    page.get_by_role("button", name="Save your profile").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")


def reauthenticate(page: Page) -> None:
    """allauth asks for the password again before two-factor authentication is set up."""
    expect(page).to_have_url(re.compile(r"/accounts/reauthenticate/"))
    page.fill("#id_password", PASSWORD)
    page.locator("main form").get_by_role("button", name="Confirm").click()


def give_an_hour(page: Page, recipient: str) -> None:
    """Give an hour through the donation form; the credits page then shows it on the statement."""
    page.goto("/credits/donate/")
    page.get_by_label("Who to give hours to").fill(recipient)
    page.get_by_role("button", name="Find").click()
    page.get_by_role("radio", name=recipient).check()
    page.get_by_label("Hours to give").fill("1")
    page.get_by_label("A note").fill("Thank you for the run chart coaching")
    page.locator("main form").get_by_role("button", name="Give hours").click()
    expect(page.get_by_role("status")).to_contain_text("You gave 1 h")


def give_alice_an_hour(page: Page) -> None:
    give_an_hour(page, "Alice Adams")


def open_the_fund_with_a_donation(page: Page) -> None:
    give_an_hour(page, "Riverside Hospital")
    page.goto("/communities/riverside/fund/")


def open_a_reversal(page: Page) -> None:
    open_the_fund_with_a_donation(page)
    page.locator("main table").get_by_role("link", name=re.compile(r"^Reverse")).first.click()


def submit_empty_donation(page: Page) -> None:
    page.locator("main form").get_by_role("button", name="Give hours").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")


def submit_bad_limits(page: Page) -> None:
    page.get_by_label("How far below zero a member may go, in hours").fill("2.1")
    page.get_by_role("button", name="Save limits").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")


def ask_for_alices_offer(page: Page) -> None:
    """Propose an exchange from alice's offer; the exchange page opens."""
    page.get_by_label("Hours").fill("1")
    page.get_by_label("When").fill("Next Tuesday")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.get_by_role("status")).to_contain_text("Your proposal is sent.")


def submit_empty_proposal(page: Page) -> None:
    page.get_by_label("Hours").fill("")
    page.get_by_role("button", name="Send the proposal").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")


def record_then_change_the_hours_badly(page: Page) -> None:
    """Bob asks for alice's offer, she accepts, he records 1:30, then sends "abc" as changed hours."""
    from exchanges.actions import do_accept
    from exchanges.models import Exchange

    ask_for_alices_offer(page)
    do_accept(member=User.objects.get(email="alice@example.org"), exchange=Exchange.objects.latest("pk"))
    page.reload()
    page.get_by_label("Hours actually given").fill("1:30")
    page.get_by_role("button", name="Record hours").click()
    page.get_by_text("Change the hours", exact=True).first.click()
    page.get_by_label("Hours actually given").fill("abc")
    page.get_by_role("button", name="Change the hours").click()
    expect(page.get_by_role("alert")).to_contain_text("There is a problem")


def send_an_empty_dispute(page: Page) -> None:
    """Alice records the hours of bob's request; bob disputes them without saying why."""
    from exchanges.actions import do_accept, do_record_hours
    from exchanges.models import Exchange

    ask_for_alices_offer(page)
    alice = User.objects.get(email="alice@example.org")
    exchange = do_accept(member=alice, exchange=Exchange.objects.latest("pk"))
    do_record_hours(member=alice, exchange=exchange, minutes=60)
    page.reload()
    page.get_by_text("Something is wrong with these hours").click()
    page.get_by_role("button", name="Dispute").click()
    expect(page.get_by_role("alert")).to_contain_text("Say what is wrong with the recorded hours")


def list_exchanges_after_asking(page: Page) -> None:
    ask_for_alices_offer(page)
    page.goto("/exchanges/")


def show_bob_some_notifications(page: Page) -> None:
    """Two notifications for bob, one of them read, then the page again."""
    from django.utils import timezone

    from notifications.actions import Note, notify

    bob = User.objects.get(email="bob@example.org")
    for n in (1, 2):
        note = Note(kind="credits_received", title=f"You received {n} hour", url="/credits/", event_key=f"a11y:{n}")
        notify(bob, note)
    bob.notifications.filter(event_key="a11y:1").update(read_at=timezone.now())
    page.reload()


def open_bobs_unsubscribe_link(page: Page) -> None:
    """The link in bob's e-mails, opened with nobody logged in."""
    from django.urls import reverse

    from notifications.tokens import make_token

    bob = User.objects.get(email="bob@example.org")
    page.goto(reverse("notifications:unsubscribe", kwargs={"token": make_token(bob, "message")}))


def unsubscribe_bob(page: Page) -> None:
    open_bobs_unsubscribe_link(page)
    page.get_by_role("button", name="Stop these e-mails").click()


def show_alice_a_stalled_proposal(page: Page) -> None:
    """A proposal bob has left unanswered for five days, then the coordinators' page again."""
    from datetime import timedelta

    from django.utils import timezone

    from exchanges.actions import do_propose
    from exchanges.models import Exchange

    alice, bob = User.objects.get(email="alice@example.org"), User.objects.get(email="bob@example.org")
    community = Community.objects.get(slug="riverside")
    exchange = do_propose(
        proposer=alice, provider=alice, recipients=[bob], community=community, title="SPC", minutes=60, window="Soon"
    )
    five_days_ago = timezone.now() - timedelta(days=5)
    Exchange.objects.filter(pk=exchange.pk).update(created_at=five_days_ago, updated_at=five_days_ago)
    page.reload()


def show_bob_a_message(page: Page) -> None:
    """Alice writes to bob (with a long web address, for reflow), then the page again."""
    from conversations.actions import do_send_direct

    alice, bob = User.objects.get(email="alice@example.org"), User.objects.get(email="bob@example.org")
    long_address = "https://example.org/improvement/" + "run-charts-and-statistical-process-control/" * 3
    do_send_direct(sender=alice, recipient=bob, body=f"Could you look at our falls run chart?\n{long_address}")
    page.reload()


def open_bobs_thread_with_alice(page: Page) -> None:
    show_bob_a_message(page)
    page.get_by_role("link", name="Alice Adams").click()


def send_bob_an_empty_reply(page: Page) -> None:
    open_bobs_thread_with_alice(page)
    page.get_by_role("button", name="Send", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Write a message before sending it.")


def open_a_report_form(page: Page) -> None:
    open_bobs_thread_with_alice(page)
    page.get_by_role("link", name="Report this message from Alice Adams").click()


def show_alice_a_reported_message(page: Page) -> None:
    """Bob writes something alice reports; she coordinates riverside, and the author is not her."""
    from conversations.actions import do_report_message, do_send_direct

    alice, bob = User.objects.get(email="alice@example.org"), User.objects.get(email="bob@example.org")
    message = do_send_direct(sender=bob, recipient=alice, body="Something unkind about the ward.")
    do_report_message(reporter=alice, message=message, reason="This is not how we speak to each other.")
    page.reload()


@dataclass(frozen=True)
class Scene:
    """A page to scan: where to go, as whom, what to do there first, and the heading it must show."""

    id: str
    path: str
    heading: str | re.Pattern[str]
    persona: str | None = None
    act: Callable[[Page], None] | None = None
    viewports: tuple[ViewportSize, ...] = field(default=(DESKTOP,))


BOTH = (DESKTOP, PHONE)
SCENES = [
    Scene("home", "/", "Give an hour of improvement, get an hour back", viewports=BOTH),
    Scene("login", "/accounts/login/", "Log in"),
    Scene("login-errors", "/accounts/login/", "Log in", act=submit_empty_login_form),
    Scene("signup", "/accounts/signup/", "Sign up", viewports=BOTH),
    Scene("password-reset", "/accounts/password/reset/", "Reset password"),
    Scene("directory", "/communities/", "Communities", viewports=BOTH),
    Scene("community-anonymous", "/communities/riverside/", "Riverside Hospital", viewports=BOTH),
    Scene("community-outsider", "/communities/riverside/", "Riverside Hospital", persona="charlie"),
    Scene("community-applicant", "/communities/riverside/", "Riverside Hospital", persona="dave"),
    Scene("community-member", "/communities/riverside/", "Riverside Hospital", persona="bob", viewports=BOTH),
    Scene("community-coordinator", "/communities/riverside/", "Riverside Hospital", persona="alice", viewports=BOTH),
    Scene("community-region", "/communities/{region}/", "{region_name}", persona="bob"),
    Scene("members", "/communities/riverside/members/", "Members", persona="bob"),
    Scene("community-edit", "/communities/riverside/edit/", "Edit description and joining", persona="alice"),
    Scene("applications", "/communities/riverside/applications/", "Applications to join", persona="alice"),
    Scene("dashboard", "/dashboard/", "Hello, Alice Adams", persona="alice", viewports=BOTH),
    Scene("profile", "/members/{bob}/", "Bob Brown", persona="alice", viewports=BOTH),
    Scene("profile-edit", "/profile/edit/", "Edit your profile", persona="bob"),
    Scene("profile-edit-errors", "/profile/edit/", "Edit your profile", persona="bob", act=submit_empty_name),
    Scene("welcome", "/welcome/", "Tell other members about yourself", persona="newcomer", viewports=BOTH),
    Scene("email", "/accounts/email/", "E-mail address", persona="bob"),
    Scene("password-change", "/accounts/password/change/", "Change password", persona="bob"),
    Scene("mfa", "/accounts/2fa/", "Two-factor authentication", persona="bob"),
    Scene("reauthenticate", "/accounts/2fa/totp/activate/", "Confirm it is you", persona="bob"),
    Scene(
        "mfa-totp-activate",
        "/accounts/2fa/totp/activate/",
        "Activate an authenticator app",
        persona="bob",
        act=reauthenticate,
    ),
    Scene("members-directory", "/members/", "Members", persona="bob"),
    Scene("listings", "/listings/?q=run+charts", "Offers and requests", persona="bob", viewports=BOTH),
    Scene("listing", "/listings/{listing}/", "Coaching on run charts", persona="bob", viewports=BOTH),
    Scene("listing-new", "/listings/new/", "Post an offer or a request", persona="bob"),
    Scene("listings-mine", "/listings/mine/", "Your offers and requests", persona="alice"),
    Scene("404", "/communities/does-not-exist/", "Page not found", persona="bob"),
    Scene("403", "/communities/riverside/edit/", "You cannot see this page", persona="bob"),
    Scene("credits-empty", "/credits/", "Your credits", persona="charlie"),
    Scene("credits", "/credits/", "Your credits", persona="bob", act=give_alice_an_hour, viewports=BOTH),
    Scene("donate", "/credits/donate/", "Give hours", persona="bob", viewports=BOTH),
    Scene("donate-errors", "/credits/donate/", "Give hours", persona="bob", act=submit_empty_donation),
    Scene("donate-find", "/credits/donate/?find=a", "Give hours", persona="bob", viewports=BOTH),
    Scene("message-new", "/messages/new/?name=alice", "New message", persona="bob", viewports=BOTH),
    Scene(
        "fund",
        "/communities/riverside/fund/",
        "Community fund",
        persona="alice",
        act=open_the_fund_with_a_donation,
        viewports=BOTH,
    ),
    Scene("fund-grant", "/communities/riverside/fund/grant/", "Grant hours to a member", persona="alice"),
    Scene("fund-grant-find", "/communities/riverside/fund/grant/?find=b", "Grant hours to a member", persona="alice"),
    Scene(
        "fund-reverse",
        "/communities/riverside/fund/",
        re.compile(r"Reverse transfer \d+"),
        persona="alice",
        act=open_a_reversal,
    ),
    Scene("limits", "/communities/riverside/limits/", "Limits", persona="alice"),
    Scene("limits-errors", "/communities/riverside/limits/", "Limits", persona="alice", act=submit_bad_limits),
    Scene("fund-403", "/communities/riverside/fund/", "You cannot see this page", persona="bob"),
    Scene("exchange-propose", "/exchanges/new/?listing={listing}", "Ask for this", persona="bob", viewports=BOTH),
    Scene(
        "exchange-propose-errors",
        "/exchanges/new/?listing={listing}",
        "Ask for this",
        persona="bob",
        act=submit_empty_proposal,
    ),
    Scene(
        "exchange",
        "/exchanges/new/?listing={listing}",
        "Coaching on run charts",
        persona="bob",
        act=ask_for_alices_offer,
        viewports=BOTH,
    ),
    Scene(
        "exchanges",
        "/exchanges/new/?listing={listing}",
        "Your exchanges",
        persona="bob",
        act=list_exchanges_after_asking,
    ),
    Scene(
        "exchange-change-hours-errors",
        "/exchanges/new/?listing={listing}",
        "Coaching on run charts",
        persona="bob",
        act=record_then_change_the_hours_badly,
        viewports=BOTH,
    ),
    Scene(
        "exchange-dispute-errors",
        "/exchanges/new/?listing={listing}",
        "Coaching on run charts",
        persona="bob",
        act=send_an_empty_dispute,
    ),
    Scene("broker", "/communities/riverside/broker/", "Record an exchange for a member", persona="alice"),
    Scene("offline", "/communities/riverside/offline/", "Members who are offline", persona="alice"),
    Scene("brokering", "/exchanges/brokering/", "Exchanges recorded for you", persona="bob"),
    Scene("disputes", "/communities/riverside/disputes/", "Disputed exchanges", persona="alice"),
    Scene(
        "stalled",
        "/communities/riverside/stalled/",
        "Stalled exchanges and unanswered proposals",
        persona="alice",
        act=show_alice_a_stalled_proposal,
        viewports=BOTH,
    ),
    Scene("campaign-new", "/communities/riverside/campaigns/new/", "Start a campaign", persona="alice"),
    Scene(
        "notifications",
        "/notifications/",
        "Notifications",
        persona="bob",
        act=show_bob_some_notifications,
        viewports=BOTH,
    ),
    Scene("notifications-settings", "/notifications/settings/", "Notification settings", persona="bob", viewports=BOTH),
    Scene("notifications-unsubscribe", "/", "Stop e-mails about “New message”?", act=open_bobs_unsubscribe_link),
    Scene("notifications-unsubscribed", "/", "You will not get these e-mails any more", act=unsubscribe_bob),
    Scene(
        "notifications-unsubscribe-invalid", "/notifications/unsubscribe/forged/", "This unsubscribe link does not work"
    ),
    Scene("messages-empty", "/messages/", "Messages", persona="charlie"),
    Scene("messages", "/messages/", "Messages", persona="bob", act=show_bob_a_message, viewports=BOTH),
    Scene(
        "messages-thread",
        "/messages/",
        "Conversation with Alice Adams",
        persona="bob",
        act=open_bobs_thread_with_alice,
        viewports=BOTH,
    ),
    Scene(
        "messages-thread-errors",
        "/messages/",
        "Conversation with Alice Adams",
        persona="bob",
        act=send_bob_an_empty_reply,
    ),
    Scene("messages-start", "/messages/new/?listing={listing}", "Send a message to Alice Adams", persona="bob"),
    Scene("messages-block", "/messages/members/{bob}/block/", "Block Bob Brown", persona="alice"),
    Scene("messages-report", "/messages/", "Report a message", persona="bob", act=open_a_report_form),
    Scene(
        "messages-reports",
        "/messages/reports/",
        "Reported messages",
        persona="alice",
        act=show_alice_a_reported_message,
    ),
]
CASES = [
    pytest.param(scene, viewport, id=f"{scene.id}-{'phone' if viewport == PHONE else 'desktop'}")
    for scene in SCENES
    for viewport in scene.viewports
]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"[{violation['impact']}] {violation['id']}: {violation['help']} ({violation['helpUrl']})")
        for node in violation["nodes"]:
            lines.append(f"    at {' '.join(map(str, node['target']))}: {node['html'][:200]}")
            if summary := node.get("failureSummary"):
                lines.extend(f"        {line}" for line in summary.splitlines())
    return "\n".join(lines)


def assert_accessible(page: Page, context: dict | None = None) -> None:
    results = AXE.run(page, context=context)
    failing = [v for v in results.response["violations"] if v["impact"] in FAILING_IMPACTS]
    assert not failing, f"axe-core found serious or critical violations on {page.url}:\n{format_violations(failing)}"


@pytest.mark.parametrize(("scene", "viewport"), CASES)
def test_page_has_no_serious_accessibility_violations(
    new_page: Callable[..., Page], live_server, cast: Cast, scene: Scene, viewport: ViewportSize
) -> None:
    page = new_page(viewport)
    if scene.persona:
        log_in(page, live_server.url, cast.user(scene.persona).email, PASSWORD)
    region = cast.community.parent
    assert region is not None
    values = {"bob": cast.bob.pk, "listing": cast.listing_id, "region": region.slug, "region_name": region.name}
    page.goto(scene.path.format(**values))
    if scene.act:
        scene.act(page)
    heading = scene.heading.format(**values) if isinstance(scene.heading, str) else scene.heading
    expect(page.get_by_role("heading", level=1)).to_have_text(heading)
    assert_accessible(page)
    if viewport == PHONE:
        # WCAG 1.4.10 Reflow: at 320 CSS pixels and up, nothing needs scrolling sideways.
        widths = page.evaluate("[document.documentElement.scrollWidth, document.documentElement.clientWidth]")
        assert widths[0] <= widths[1], f"{page.url} scrolls sideways on a phone: {widths[0]}px wide in {widths[1]}px"


def test_every_header_link_is_reachable_on_a_phone(new_page: Callable[..., Page], live_server, cast: Cast) -> None:
    """The header's navigation does not fit a phone; the links that overflow move into a "More" menu."""
    page = new_page(PHONE)
    log_in(page, live_server.url, cast.alice.email, PASSWORD)
    page.goto("/dashboard/")
    navigation = page.get_by_role("navigation", name="Menu")
    links = navigation.locator("a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert {"/dashboard/", "/communities/", f"/members/{cast.alice.pk}/"} <= set(hrefs)
    hidden = [href for href in hrefs if not navigation.locator(f'a[href="{href}"]').is_visible()]
    assert hidden, "all the links fit on one line at 375px: this test no longer tests the menu"
    more = navigation.get_by_role("button", name="Browse More")
    expect(more).to_have_attribute("aria-expanded", "false")
    more.click()
    expect(more).to_have_attribute("aria-expanded", "true")
    for href in hidden:
        link = navigation.locator(f'a[href="{href}"]')
        expect(link).to_be_visible()
        expect(link).to_be_in_viewport()
    # The open menu's white backdrop is the navigation's border, which axe cannot see: it would
    # measure the blue links against the indigo bar behind them. Scan everything else.
    assert_accessible(page, context={"exclude": [[".nhsuk-header__menu-list"]]})
    page.keyboard.press("Escape")
    expect(more).to_have_attribute("aria-expanded", "false")
    expect(navigation.locator(f'a[href="{hidden[0]}"]')).to_be_hidden()


def test_skip_link_is_the_first_tab_stop_and_moves_focus_to_the_main_content(page: Page, live_server) -> None:
    page.goto("/")
    page.keyboard.press("Tab")
    skip_link = page.get_by_role("link", name="Skip to main content")
    expect(skip_link).to_be_focused()
    expect(skip_link).to_be_in_viewport()  # visible when focused, though hidden until then
    page.keyboard.press("Enter")
    expect(page).to_have_url(f"{live_server.url}/#maincontent")
    expect(page.locator("main#maincontent")).to_be_focused()
    # The next Tab goes to the first link inside the main content, not back into the header.
    page.keyboard.press("Tab")
    expect(page.locator("main").get_by_role("button", name="Join Hexitime")).to_be_focused()


def tab_to(page: Page, accessible_name: str, limit: int = 40) -> None:
    """Press Tab until the element with this accessible name has focus, as a keyboard user would."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        name = page.evaluate(
            """() => {
                const el = document.activeElement;
                if (!el) return "";
                if (el.labels && el.labels.length) return el.labels[0].textContent.trim();
                return (el.getAttribute("aria-label") || el.textContent || "").trim();
            }"""
        )
        if name == accessible_name:
            return
    pytest.fail(f"{accessible_name!r} was not reached in {limit} presses of Tab")


def test_sign_up_form_works_with_the_keyboard_alone(page: Page, live_server, mailoutbox) -> None:
    page.goto("/accounts/signup/")
    tab_to(page, "E-mail address")
    expect(page.locator("#id_email")).to_be_focused()
    page.keyboard.type("keyboard.user@example.org")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password1")).to_be_focused()
    page.keyboard.type("Keyboard-only-4-improvement")
    page.keyboard.press("Tab")
    expect(page.locator("#id_password2")).to_be_focused()
    page.keyboard.type("Keyboard-only-4-improvement-typo")
    page.keyboard.press("Tab")
    expect(page.locator("main form").get_by_role("button", name="Sign up")).to_be_focused()
    page.keyboard.press("Enter")

    # The error summary takes focus, so the error is the next thing announced and read.
    expect(page).to_have_url(f"{live_server.url}/accounts/signup/")
    summary = page.get_by_role("alert")
    expect(summary).to_be_focused()
    expect(summary).to_contain_text("There is a problem")
    expect(page.locator("#id_password2-error")).to_be_visible()
    assert not User.objects.filter(email="keyboard.user@example.org").exists()
    assert mailoutbox == []

    # Its link takes the keyboard to the field in error.
    page.keyboard.press("Tab")
    error_link = summary.get_by_role("link")
    expect(error_link).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#id_password2")).to_be_focused()
    # Passwords are not sent back: type both again, then submit with Enter from the field.
    page.keyboard.type("Keyboard-only-4-improvement")
    page.keyboard.press("Shift+Tab")
    expect(page.locator("#id_password1")).to_be_focused()
    page.keyboard.type("Keyboard-only-4-improvement")
    page.keyboard.press("Enter")

    expect(page).to_have_url(f"{live_server.url}/accounts/confirm-email/")
    assert User.objects.filter(email="keyboard.user@example.org").exists()
    assert [message.to for message in mailoutbox] == [["keyboard.user@example.org"]]
