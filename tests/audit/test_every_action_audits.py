"""Every change leaves an audit event: each public do_* action, called as its page would call it,
writes at least one AuditEvent row in its own transaction.

The test finds the actions itself (every `do_*` in every app's actions.py, and ledger.approvals), so
a new action with no entry in CALLS fails here until someone adds it and makes it write a row."""

import importlib
import inspect
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.utils import timezone

import accounts.actions
import communities.actions
import conversations.actions
import exchanges.actions
import ledger.actions
import ledger.approvals
import listings.actions
import notifications.actions
from accounts.forms import ProfileForm
from accounts.models import User
from audit.models import AuditEvent
from communities.models import Community, Membership
from conversations.models import Message
from exchanges.models import Exchange, OfflineMark
from ledger.approvals import Limits
from ledger.models import Transfer
from listings.actions import ListingData
from listings.models import Listing
from tests.factories import ListingFactory, MembershipFactory, UserFactory
from tests.support.ledger import fill_fund, move

SRC = Path(__file__).resolve().parents[2] / "src"

# Actions that change only the member's own reading position: no audit row, on purpose (a row per
# page view would bury the changes an operator looks for). Anything else listed here needs a reason.
NOT_AUDITED = {
    "conversations.actions.do_mark_read": "the member's own read marker",
    "notifications.actions.do_mark_read": "the member's own read marker",
    "notifications.actions.do_mark_all_read": "the member's own read markers",
}


def action_names() -> list[str]:
    """Every public do_* function defined in an app's actions.py, and in ledger.approvals."""
    modules = [
        f"{info.name}.actions" for info in pkgutil.iter_modules([str(SRC)]) if (SRC / info.name / "actions.py").exists()
    ]
    names = []
    for module_name in [*modules, "ledger.approvals"]:
        module = importlib.import_module(module_name)
        for name, function in inspect.getmembers(module, inspect.isfunction):
            if name.startswith("do_") and function.__module__ == module_name:
                names.append(f"{module_name}.{name}")
    return sorted(names)


@dataclass
class World:
    alice: User  # coordinator
    bob: User  # member
    charlie: User  # outsider
    community: Community
    dave: User  # a second coordinator
    erin: User  # another member


# --- set-ups: each builds the state an action needs, through the actions themselves -----------------


def proposed(w: World) -> Exchange:
    return exchanges.actions.do_propose(
        proposer=w.bob,
        provider=w.bob,
        recipients=[w.erin],
        community=w.community,
        title="Process map",
        minutes=60,
        window="Next week",
    )


def agreed(w: World) -> Exchange:
    return exchanges.actions.do_accept(member=w.erin, exchange=proposed(w))


def completed(w: World) -> Exchange:
    return exchanges.actions.do_record_hours(member=w.bob, exchange=agreed(w), minutes=60)


def disputed(w: World) -> Exchange:
    return exchanges.actions.do_dispute(member=w.erin, exchange=completed(w), reason="It was half an hour")


def past_deadline(w: World) -> int:
    exchange = completed(w)
    Exchange.objects.filter(pk=exchange.pk).update(confirm_deadline=timezone.now() - timedelta(minutes=1))
    return exchange.pk


def offline_mark(w: World) -> OfflineMark:
    return exchanges.actions.do_mark_offline(
        coordinator=w.alice, community=w.community, member=w.erin, reason="No computer at work"
    )


def listing_data(w: World) -> ListingData:
    return ListingData(
        kind="offer",
        title="Run a PDSA cycle with you",
        description="I have run several.",
        improvement="Fewer missed appointments",
        skills=[],
        scope=w.community,
        mode="either",
        place="",
        estimated_minutes=60,
        expires_at=timezone.now() + timedelta(days=30),
        campaign=None,
    )


def bobs_listing(w: World) -> Listing:
    return ListingFactory(author=w.bob, scope=w.community)


def message(w: World) -> Message:
    return conversations.actions.do_send_direct(sender=w.bob, recipient=w.erin, body="Hello Erin")


def granted(w: World) -> Transfer:
    """Bob has an hour from the fund, granted by nobody in particular (so alice may reverse it)."""
    fill_fund(w.community, 60)
    return move(w.community, w.bob, 60, kind="grant")


def big_grant(w: World) -> object:
    fill_fund(w.community, 600)
    requested = ledger.actions.do_grant(
        coordinator=w.alice, community=w.community, member=w.bob, minutes=360, reason="A big start", form_key="big"
    )
    assert isinstance(requested, ledger.approvals.Requested)
    return requested.approval


def applied(w: World) -> Membership:
    return communities.actions.do_join_community(member=w.charlie, community=w.community, note="Please")


def profile_form(w: World) -> ProfileForm:
    form = ProfileForm(
        data={"display_name": "Bob B. Brown", "role": "analyst", "preferred_mode": "remote"}, instance=w.bob.profile
    )
    assert form.is_valid(), form.errors
    return form


# For each action: (a set-up run before counting, the call itself given the set-up's result).
CALLS: dict[str, tuple[Callable[[World], Any], Callable[[World, Any], object]]] = {
    "accounts.actions.do_update_profile": (profile_form, lambda w, f: accounts.actions.do_update_profile(form=f)),
    "communities.actions.do_join_community": (
        lambda w: None,
        lambda w, _: communities.actions.do_join_community(member=w.charlie, community=w.community),
    ),
    "communities.actions.do_leave_community": (
        lambda w: None,
        lambda w, _: communities.actions.do_leave_community(member=w.bob, community=w.community),
    ),
    "communities.actions.do_decide_application": (
        applied,
        lambda w, m: communities.actions.do_decide_application(coordinator=w.alice, membership=m, approve=True),
    ),
    "communities.actions.do_update_community": (
        lambda w: None,
        lambda w, _: communities.actions.do_update_community(
            coordinator=w.alice, community=w.community, description="Quality improvers of Riverside", join_policy="open"
        ),
    ),
    "listings.actions.do_create_listing": (
        listing_data,
        lambda w, d: listings.actions.do_create_listing(author=w.bob, data=d),
    ),
    "listings.actions.do_update_listing": (
        bobs_listing,
        lambda w, x: listings.actions.do_update_listing(listing=x, data=listing_data(w)),
    ),
    "listings.actions.do_pause_listing": (bobs_listing, lambda w, x: listings.actions.do_pause_listing(listing=x)),
    "listings.actions.do_resume_listing": (
        lambda w: listings.actions.do_pause_listing(listing=bobs_listing(w)),
        lambda w, x: listings.actions.do_resume_listing(listing=x),
    ),
    "listings.actions.do_close_listing": (bobs_listing, lambda w, x: listings.actions.do_close_listing(listing=x)),
    "listings.actions.do_renew_listing": (bobs_listing, lambda w, x: listings.actions.do_renew_listing(listing=x)),
    "listings.actions.do_hide_listing": (
        bobs_listing,
        lambda w, x: listings.actions.do_hide_listing(coordinator=w.alice, listing=x, reason="Not QI"),
    ),
    "listings.actions.do_unhide_listing": (
        lambda w: listings.actions.do_hide_listing(coordinator=w.alice, listing=bobs_listing(w), reason="Not QI"),
        lambda w, x: listings.actions.do_unhide_listing(coordinator=w.alice, listing=x),
    ),
    "listings.actions.do_create_campaign": (
        lambda w: None,
        lambda w, _: listings.actions.do_create_campaign(
            coordinator=w.alice,
            community=w.community,
            name="Green NHS",
            description="Lower-carbon care",
            starts_on=date(2026, 1, 1),
            ends_on=date(2026, 12, 31),
        ),
    ),
    "exchanges.actions.do_propose": (lambda w: None, lambda w, _: proposed(w)),
    "exchanges.actions.do_accept": (proposed, lambda w, e: exchanges.actions.do_accept(member=w.erin, exchange=e)),
    "exchanges.actions.do_decline": (
        proposed,
        lambda w, e: exchanges.actions.do_decline(member=w.erin, exchange=e, reason="Too busy"),
    ),
    "exchanges.actions.do_cancel": (
        agreed,
        lambda w, e: exchanges.actions.do_cancel(member=w.bob, exchange=e, reason="Plans changed"),
    ),
    "exchanges.actions.do_record_hours": (
        agreed,
        lambda w, e: exchanges.actions.do_record_hours(member=w.bob, exchange=e, minutes=60),
    ),
    "exchanges.actions.do_amend_hours": (
        completed,
        lambda w, e: exchanges.actions.do_amend_hours(member=w.bob, exchange=e, minutes=75),
    ),
    "exchanges.actions.do_confirm": (completed, lambda w, e: exchanges.actions.do_confirm(member=w.erin, exchange=e)),
    "exchanges.actions.do_dispute": (
        completed,
        lambda w, e: exchanges.actions.do_dispute(member=w.erin, exchange=e, reason="Half an hour"),
    ),
    "exchanges.actions.do_resolve": (
        disputed,
        lambda w, e: exchanges.actions.do_resolve(coordinator=w.alice, exchange=e, decision="cancel", reason="Agreed"),
    ),
    "exchanges.actions.do_auto_confirm": (
        past_deadline,
        lambda w, pk: exchanges.actions.do_auto_confirm(exchange_id=pk),
    ),
    "exchanges.actions.do_broker_exchange": (
        offline_mark,
        lambda w, _: exchanges.actions.do_broker_exchange(
            coordinator=w.alice,
            community=w.community,
            provider=w.bob,
            recipient=w.erin,
            title="Coaching on the phone",
            minutes=60,
            window="Last Tuesday",
        ),
    ),
    "exchanges.actions.do_mark_offline": (lambda w: None, lambda w, _: offline_mark(w)),
    "exchanges.actions.do_withdraw_offline_mark": (
        offline_mark,
        lambda w, m: exchanges.actions.do_withdraw_offline_mark(member=w.erin, mark=m),
    ),
    "ledger.actions.do_donate": (
        granted,
        lambda w, _: ledger.actions.do_donate(donor=w.bob, recipient=w.erin, minutes=30, note="Thanks", form_key="d"),
    ),
    "ledger.actions.do_grant": (
        lambda w: fill_fund(w.community, 600),
        lambda w, _: ledger.actions.do_grant(
            coordinator=w.alice, community=w.community, member=w.bob, minutes=60, reason="Start", form_key="g"
        ),
    ),
    "ledger.actions.do_reverse": (
        granted,
        lambda w, t: ledger.actions.do_reverse(
            coordinator=w.alice,
            community=w.community,
            transfer=t,
            reason="Granted twice",
            form_key="r",
        ),
    ),
    "ledger.actions.do_update_limits": (
        lambda w: None,
        lambda w, _: ledger.actions.do_update_limits(
            coordinator=w.alice,
            community=w.community,
            limits=Limits(
                member_overdraft=120, warning_threshold=30, grows_with_given=False, growth_cap=600, fund_overdraft=0
            ),
        ),
    ),
    "ledger.approvals.do_approve": (
        big_grant,
        lambda w, a: ledger.approvals.do_approve(checker=w.dave, approval=a),
    ),
    "ledger.approvals.do_reject": (
        big_grant,
        lambda w, a: ledger.approvals.do_reject(checker=w.dave, approval=a, reason="Too much at once"),
    ),
    "ledger.approvals.do_cancel": (
        big_grant,
        lambda w, a: ledger.approvals.do_cancel(maker=w.alice, approval=a),
    ),
    "conversations.actions.do_send_direct": (lambda w: None, lambda w, _: message(w)),
    "conversations.actions.do_post_message": (
        message,
        lambda w, m: conversations.actions.do_post_message(author=w.erin, conversation=m.conversation, body="Hi Bob"),
    ),
    "conversations.actions.do_send_about_exchange": (
        agreed,
        lambda w, e: conversations.actions.do_send_about_exchange(sender=w.erin, exchange=e, body="See you Tuesday"),
    ),
    "conversations.actions.do_block": (
        lambda w: None,
        lambda w, _: conversations.actions.do_block(blocker=w.erin, blocked=w.bob),
    ),
    "conversations.actions.do_unblock": (
        lambda w: conversations.actions.do_block(blocker=w.erin, blocked=w.bob),
        lambda w, _: conversations.actions.do_unblock(blocker=w.erin, blocked=w.bob),
    ),
    "conversations.actions.do_report_message": (
        message,
        lambda w, m: conversations.actions.do_report_message(reporter=w.erin, message=m, reason="Rude"),
    ),
    "conversations.actions.do_resolve_report": (
        lambda w: conversations.actions.do_report_message(reporter=w.erin, message=message(w), reason="Rude"),
        lambda w, r: conversations.actions.do_resolve_report(coordinator=w.alice, report=r, note="Spoke to Bob"),
    ),
    "notifications.actions.do_update_preferences": (
        lambda w: None,
        lambda w, _: notifications.actions.do_update_preferences(member=w.bob, choices={"message": "in_app"}),
    ),
    "notifications.actions.do_unsubscribe": (
        lambda w: None,
        lambda w, _: notifications.actions.do_unsubscribe(member=w.bob, topic="message"),
    ),
}


@pytest.fixture
def world(alice: User, bob: User, charlie: User, community: Community) -> World:
    dave = UserFactory(profile__display_name="Dave Davies")
    MembershipFactory(member=dave, community=community, role=Membership.Role.COORDINATOR)
    erin = UserFactory(profile__display_name="Erin Evans")
    MembershipFactory(member=erin, community=community)
    return World(alice=alice, bob=bob, charlie=charlie, community=community, dave=dave, erin=erin)


def test_every_action_is_in_the_table() -> None:
    found = set(action_names())
    assert len(found) > 40  # the discovery works
    missing = sorted(found - CALLS.keys() - NOT_AUDITED.keys())
    assert not missing, f"add {', '.join(missing)} to the audit test (tests/audit/test_every_action_audits.py)"
    assert not (CALLS.keys() - found), "the audit test lists actions that no longer exist"


@pytest.mark.parametrize("name", sorted(CALLS))
def test_action_writes_an_audit_event(name: str, world: World) -> None:
    set_up, call = CALLS[name]
    prepared = set_up(world)
    before = AuditEvent.objects.count()
    call(world, prepared)
    new = list(AuditEvent.objects.order_by("pk")[before:])
    assert new, f"{name} wrote no audit event"
    app = name.split(".")[0]
    assert all(event.verb.startswith(f"{app}.") for event in new)
    assert all(event.target_type and event.target_id for event in new)
