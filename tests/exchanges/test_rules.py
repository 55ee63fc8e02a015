"""Issue 11: the exchange rules, written once in exchanges.rules, for every state and role.

For each exchange below and each person, the table says which predicates allow them; every other
predicate refuses. The action agrees (succeeds exactly when the predicate allows it, and changes
nothing when it refuses), the exchange page shows exactly the buttons the predicates allow,
waits_on says whose step it is, and its queryset form (exchanges_waiting_on) finds the same people.

People: bob provides, carol receives, erin is a second recipient in a group exchange (in a pair,
a member of the community outside the exchange); alice and dave coordinate the community (dave
brokers the brokered ones); frank coordinates another community; charlie is an outsider.
"""

from collections.abc import Callable
from dataclasses import dataclass, field

import pytest
from django.db import transaction
from django.urls import reverse

from accounts.models import User
from communities.models import Community, Membership
from exchanges import actions, rules
from exchanges.errors import ExchangeError
from exchanges.models import Exchange, ExchangeEvent, ExchangeRecipient
from ledger.models import Transfer
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory
from tests.support.clients import client_for

pytestmark = pytest.mark.django_db

ROLES = ("provider", "recipient", "recipient2", "broker", "coordinator", "coordinator_elsewhere", "outsider")
PREDICATES = ("answer", "cancel", "record", "amend", "confirm", "dispute", "resolve")


@dataclass
class People:
    community: Community
    by_role: dict[str, User]

    def __getattr__(self, role: str) -> User:
        return self.by_role[role]


@pytest.fixture
def people(alice: User, bob: User, charlie: User, community: Community) -> People:
    def member(name: str, role: str = Membership.Role.MEMBER, where: Community = community, **profile: object) -> User:
        user = UserFactory(email=f"{name}@example.org", profile__display_name=name.title(), **profile)
        MembershipFactory(member=user, community=where, role=role)
        return user

    bob.profile.may_be_brokered = True
    bob.profile.save()
    elsewhere = OrganisationFactory(name="Hillside Clinic", slug="hillside")
    return People(
        community,
        {
            "provider": bob,
            "recipient": member("carol", profile__may_be_brokered=True),
            "recipient2": member("erin"),
            "broker": member("dave", Membership.Role.COORDINATOR),
            "coordinator": alice,
            "coordinator_elsewhere": member("frank", Membership.Role.COORDINATOR, where=elsewhere),
            "outsider": charlie,
        },
    )


def propose(p: People, *, proposer: str = "provider", group: bool = False) -> Exchange:
    recipients = [p.recipient, p.recipient2] if group else [p.recipient]
    return actions.do_propose(
        proposer=p.by_role[proposer],
        provider=p.provider,
        recipients=recipients,
        community=p.community,
        title="Process mapping",
        minutes=60,
        window="Next week",
    )


def agreed(p: People, *, group: bool = False) -> Exchange:
    return actions.do_accept(member=p.recipient, exchange=propose(p, group=group))


def recorded(p: People, *, by: str = "provider", group: bool = False) -> Exchange:
    return actions.do_record_hours(member=p.by_role[by], exchange=agreed(p, group=group), minutes=60)


def brokered(p: People) -> Exchange:
    return actions.do_broker_exchange(
        coordinator=p.broker,
        community=p.community,
        provider=p.provider,
        recipient=p.recipient,
        title="Phone coaching",
        minutes=60,
        window="Last week",
    )


def group_partly_confirmed(p: People) -> Exchange:
    return actions.do_confirm(member=p.recipient, exchange=recorded(p, group=True))


def disputed(p: People) -> Exchange:
    return actions.do_dispute(member=p.recipient, exchange=recorded(p), reason="It was one hour less")


def brokered_disputed(p: People) -> Exchange:
    return actions.do_dispute(member=p.provider, exchange=brokered(p), reason="It never happened")


def disputed_with_recipient_elsewhere(p: People) -> Exchange:
    """The recipient is also a member of frank's community, which makes it a community involved."""
    MembershipFactory(member=p.recipient, community=Community.objects.get(slug="hillside"))
    return disputed(p)


@dataclass(frozen=True)
class Case:
    make: Callable[[People], Exchange]
    allowed: dict[str, set[str]] = field(default_factory=dict)  # predicate: the roles it allows
    waits_on: set[str] = field(default_factory=set)


BOTH = {"provider", "recipient"}
GROUP = {"provider", "recipient", "recipient2"}
CASES = {
    "proposed by the provider": Case(propose, {"answer": {"recipient"}, "cancel": BOTH}, waits_on={"recipient"}),
    "proposed by the recipient": Case(
        lambda p: propose(p, proposer="recipient"), {"answer": {"provider"}, "cancel": BOTH}, waits_on={"provider"}
    ),
    "group proposed": Case(
        lambda p: propose(p, group=True),
        {"answer": {"recipient", "recipient2"}, "cancel": GROUP},
        waits_on={"recipient", "recipient2"},
    ),
    "agreed": Case(agreed, {"cancel": BOTH, "record": BOTH}, waits_on=BOTH),
    "group agreed": Case(
        lambda p: agreed(p, group=True), {"cancel": GROUP, "record": {"provider"}}, waits_on={"provider"}
    ),
    "recorded by the provider": Case(
        recorded,
        {"amend": {"provider"}, "confirm": {"recipient"}, "dispute": {"recipient"}},
        waits_on={"recipient"},
    ),
    "recorded by the recipient": Case(
        lambda p: recorded(p, by="recipient"),
        {"amend": {"recipient"}, "confirm": {"provider"}, "dispute": {"provider"}},
        waits_on={"provider"},
    ),
    "group recorded": Case(
        lambda p: recorded(p, group=True),
        {"amend": {"provider"}, "confirm": {"recipient", "recipient2"}, "dispute": {"recipient", "recipient2"}},
        waits_on={"recipient", "recipient2"},
    ),
    "group recorded, one recipient confirmed": Case(
        group_partly_confirmed, {"confirm": {"recipient2"}, "dispute": {"recipient2"}}, waits_on={"recipient2"}
    ),
    "brokered": Case(
        brokered, {"amend": {"broker"}, "confirm": {"recipient"}, "dispute": BOTH}, waits_on={"recipient"}
    ),
    "disputed": Case(disputed, {"resolve": {"coordinator", "broker"}}),
    "brokered, disputed": Case(brokered_disputed, {"resolve": {"coordinator"}}),
    "disputed, the recipient also elsewhere": Case(
        disputed_with_recipient_elsewhere, {"resolve": {"coordinator", "broker", "coordinator_elsewhere"}}
    ),
    "confirmed": Case(lambda p: actions.do_confirm(member=p.recipient, exchange=recorded(p))),
    "declined": Case(lambda p: actions.do_decline(member=p.recipient, exchange=propose(p))),
    "cancelled": Case(lambda p: actions.do_cancel(member=p.provider, exchange=agreed(p))),
}


def predicate(name: str) -> Callable[[User, Exchange], bool]:
    return {
        "answer": rules.may_answer,
        "cancel": rules.may_cancel,
        "record": rules.may_record,
        "amend": rules.may_amend,
        "confirm": rules.may_confirm,
        "dispute": rules.may_dispute,
        "resolve": rules.may_resolve,
    }[name]


def attempts(name: str, member: User, exchange: Exchange) -> list[Callable[[], Exchange]]:
    """The actions the predicate governs (answering is accepting or declining)."""
    hours = (exchange.recorded_minutes or 60) + 15
    return {
        "answer": [
            lambda: actions.do_accept(member=member, exchange=exchange),
            lambda: actions.do_decline(member=member, exchange=exchange, reason="Not now"),
        ],
        "cancel": [lambda: actions.do_cancel(member=member, exchange=exchange, reason="Plans changed")],
        "record": [lambda: actions.do_record_hours(member=member, exchange=exchange, minutes=60)],
        "amend": [lambda: actions.do_amend_hours(member=member, exchange=exchange, minutes=hours)],
        "confirm": [lambda: actions.do_confirm(member=member, exchange=exchange)],
        "dispute": [lambda: actions.do_dispute(member=member, exchange=exchange, reason="Wrong hours")],
        "resolve": [
            lambda: actions.do_resolve(coordinator=member, exchange=exchange, decision="cancel", reason="Settled")
        ],
    }[name]


class RolledBack(Exception):
    pass


def succeeds(attempt: Callable[[], object]) -> bool:
    """Whether the action is allowed; whatever it did is rolled back. A refusal changes nothing."""
    snapshot = (Exchange.objects.values_list("pk", "state", "version").get(), ExchangeEvent.objects.count())
    rows, transfers = list(ExchangeRecipient.objects.values_list("pk", "state", "minutes")), Transfer.objects.count()
    try:
        with transaction.atomic():
            try:
                attempt()
            except ExchangeError:
                refused = True
            else:
                refused = False
            raise RolledBack
    except RolledBack:
        pass
    assert (Exchange.objects.values_list("pk", "state", "version").get(), ExchangeEvent.objects.count()) == snapshot
    assert list(ExchangeRecipient.objects.values_list("pk", "state", "minutes")) == rows
    assert Transfer.objects.count() == transfers
    return not refused


@pytest.mark.parametrize("case_name", CASES)
def test_each_role_may_do_what_the_rules_say_and_the_actions_agree(people: People, case_name: str) -> None:
    case = CASES[case_name]
    exchange = case.make(people)
    for name in PREDICATES:
        allowed = case.allowed.get(name, set())
        for role, member in people.by_role.items():
            exchange.refresh_from_db()
            said = predicate(name)(member, exchange)
            assert said == (role in allowed), (case_name, name, role)
            for attempt in attempts(name, member, exchange):
                exchange.refresh_from_db()
                assert succeeds(attempt) == said, (case_name, name, role)


@pytest.mark.parametrize("case_name", CASES)
def test_whom_an_exchange_waits_on_as_a_set_and_as_a_queryset(people: People, case_name: str) -> None:
    case = CASES[case_name]
    exchange = case.make(people)
    exchange.refresh_from_db()
    expected = {people.by_role[role].pk for role in case.waits_on}
    assert rules.waits_on(exchange) == expected
    for role, member in people.by_role.items():
        waiting = rules.exchanges_waiting_on(member).filter(pk=exchange.pk).exists()
        assert waiting == (role in case.waits_on), (case_name, role)
        step = rules.next_step(member, exchange)
        assert bool(step) == (role in case.waits_on), (case_name, role)
        if step == rules.ANSWER:
            assert rules.may_answer(member, exchange)
        elif step == rules.RECORD:
            assert rules.may_record(member, exchange)
        elif step == rules.CONFIRM:
            assert rules.may_confirm(member, exchange)


@pytest.mark.parametrize("case_name", CASES)
def test_the_exchange_page_shows_exactly_the_steps_the_rules_allow(people: People, case_name: str) -> None:
    case = CASES[case_name]
    exchange = case.make(people)
    url = reverse("exchanges:detail", kwargs={"exchange_id": exchange.pk})
    for role, member in people.by_role.items():
        response = client_for(member).get(url)
        if response.status_code == 404:
            assert not any(role in case.allowed.get(name, set()) for name in PREDICATES), (case_name, role)
            continue
        assert response.status_code == 200
        shown = {name for name in PREDICATES if response.context[f"can_{name}"]}
        assert shown == {name for name in PREDICATES if role in case.allowed.get(name, set())}, (case_name, role)


def test_the_dashboard_asks_only_whom_the_exchange_waits_on(people: People) -> None:
    """A brokered exchange waits on its recipient: the provider may dispute it but is not asked to confirm it."""
    exchange = brokered(people)
    dashboard = reverse("accounts:dashboard")
    steps = {
        role: [(w.exchange.pk, w.step) for w in client_for(member).get(dashboard).context["waiting"]]
        for role, member in people.by_role.items()
    }
    assert steps == {role: [] for role in ROLES} | {"recipient": [(exchange.pk, rules.CONFIRM)]}
