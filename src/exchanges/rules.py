"""Who may do what to an exchange, and whom it waits on: written once, here.

Actions refuse what these predicates refuse; the exchange page shows a button exactly when they
allow it; the dashboard, the digest, nudges, notices and the coordinators' stalled page read who an
exchange waits on from here, as sets of member ids (waits_on) or in the queryset form for lists
(exchanges_waiting_on, and the Q objects PROVIDER_WAITS and RECIPIENT_WAITS for counts).

The rules:
- answer (accept or decline) a proposal: a party who did not propose it;
- cancel a proposed or agreed exchange: any party;
- record the hours of an agreed exchange: any party; in a group exchange only the provider;
- change (amend) recorded hours: who recorded them, while every recipient's hours are still pending;
- confirm recorded hours: in a group exchange each recipient their own hours; otherwise the side
  that did not record them; in a brokered exchange (a coordinator recorded it) only the recipient,
  whose credits move;
- dispute recorded hours: as confirm, but in a brokered exchange either side;
- resolve a dispute: a coordinator of a community involved (the exchange's, or one where a party
  is an active member), never a party nor the coordinator who recorded it for them.

Every predicate takes the exchange's recipient rows when the caller has them (prefetched or
locked), and reads them itself otherwise.
"""

from collections.abc import Iterable

from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.utils.translation import gettext_lazy

from accounts.models import User
from communities.access import coordinated_community_ids
from communities.models import Membership
from exchanges.models import Exchange, ExchangeRecipient

State = Exchange.State
Rows = Iterable[ExchangeRecipient] | None
Pending = ExchangeRecipient.State.PENDING

# Broker mode: the action refuses these, and the broker form shows the same words by its fields.
BROKER_SAME_PERSON = gettext_lazy("Someone cannot exchange hours with themselves.")
BROKER_NOBODY_OFFLINE = gettext_lazy(
    "Neither member has agreed to have exchanges recorded for them or been marked as offline. "
    "Mark the member who is offline first."
)

ANSWER, RECORD, CONFIRM = "answer", "record", "confirm"
STEPS = (ANSWER, RECORD, CONFIRM)


def _rows(exchange: Exchange, rows: Rows) -> list[ExchangeRecipient]:
    return list(exchange.recipients.all() if rows is None else rows)


def party_ids(exchange: Exchange, rows: Rows = None) -> set[int]:
    """The provider and every recipient."""
    return {exchange.provider_id, *(row.recipient_id for row in _rows(exchange, rows))}


def is_party(member: User, exchange: Exchange, rows: Rows = None) -> bool:
    if member.pk == exchange.provider_id:
        return True
    if rows is None:
        return exchange.recipients.filter(recipient=member).exists()
    return any(row.recipient_id == member.pk for row in rows)


def may_answer(member: User, exchange: Exchange, rows: Rows = None) -> bool:
    """Accept or decline: a party of a proposal who did not propose it."""
    return (
        exchange.state == State.PROPOSED and member.pk != exchange.proposed_by_id and is_party(member, exchange, rows)
    )


def may_cancel(member: User, exchange: Exchange, rows: Rows = None) -> bool:
    """Any party, before hours are recorded."""
    return exchange.state in (State.PROPOSED, State.AGREED) and is_party(member, exchange, rows)


def may_record(member: User, exchange: Exchange, rows: Rows = None) -> bool:
    """Any party of an agreed exchange; in a group exchange only the provider."""
    if exchange.state != State.AGREED:
        return False
    if exchange.is_group:
        return member.pk == exchange.provider_id
    return is_party(member, exchange, rows)


def hours_still_open(exchange: Exchange, rows: Rows = None) -> bool:
    """Recorded hours nobody has confirmed or disputed yet."""
    return exchange.state == State.COMPLETED and all(row.state == Pending for row in _rows(exchange, rows))


def may_amend(member: User, exchange: Exchange, rows: Rows = None) -> bool:
    """Who recorded the hours, while nobody has confirmed or disputed them."""
    return member.pk == exchange.recorded_by_id and hours_still_open(exchange, rows)


def answerable_rows(
    member: User, exchange: Exchange, rows: Rows = None, *, disputing: bool = False
) -> list[ExchangeRecipient]:
    """Of the pending recipient rows of recorded hours, those this member may confirm (or, disputing, dispute).

    In a group exchange each recipient answers for their own row. Otherwise the side who did not
    record the hours answers. In a brokered exchange a coordinator recorded it, so either side
    may dispute, but only the recipient, whose credits move, may confirm it before the deadline.
    """
    return _answerable_rows(member.pk, exchange, _rows(exchange, rows), disputing=disputing)


def _answerable_rows(
    member_id: int, exchange: Exchange, rows: list[ExchangeRecipient], *, disputing: bool
) -> list[ExchangeRecipient]:
    if exchange.state != State.COMPLETED:
        return []
    pending = [row for row in rows if row.state == Pending]
    if exchange.is_group:
        return [row for row in pending if row.recipient_id == member_id]
    is_provider = member_id == exchange.provider_id
    if not (is_provider or any(row.recipient_id == member_id for row in pending)):
        return []
    if exchange.brokered_by_id is not None:
        return pending if disputing else [row for row in pending if row.recipient_id == member_id]
    return [] if member_id == exchange.recorded_by_id else pending


def may_confirm(member: User, exchange: Exchange, rows: Rows = None) -> bool:
    return bool(answerable_rows(member, exchange, rows))


def may_dispute(member: User, exchange: Exchange, rows: Rows = None) -> bool:
    return bool(answerable_rows(member, exchange, rows, disputing=True))


def involved_community_ids(exchange: Exchange, rows: Rows = None) -> set[int]:
    """The exchange's community and every community where one of its people is an active member."""
    ids = set(
        Membership.objects.filter(member_id__in=party_ids(exchange, rows), status=Membership.Status.ACTIVE).values_list(
            "community_id", flat=True
        )
    )
    return ids | {exchange.community_id}


def may_resolve_disputes_of(member: User, exchange: Exchange, rows: Rows = None) -> bool:
    """A coordinator of a community involved, neither a party nor who recorded it for them (broker
    mode), whatever the state: they also settle a failed auto-confirmation and see the exchange."""
    if member.pk == exchange.brokered_by_id or is_party(member, exchange, rows):
        return False
    return bool(set(coordinated_community_ids(member)) & involved_community_ids(exchange, rows))


def may_resolve(member: User, exchange: Exchange, rows: Rows = None) -> bool:
    """Settle a dispute: see may_resolve_disputes_of."""
    return exchange.state == State.DISPUTED and may_resolve_disputes_of(member, exchange, rows)


# Whom an exchange waits on


def waits_on(exchange: Exchange, rows: Rows = None) -> set[int]:
    """Ids of the members whose step it is: who may answer a proposal, record agreed hours, or
    confirm recorded hours. A dispute waits on coordinators (may_resolve), not on the parties."""
    rows = _rows(exchange, rows)
    people = party_ids(exchange, rows)
    if exchange.state == State.PROPOSED:
        return people - {exchange.proposed_by_id}
    if exchange.state == State.AGREED:
        return {exchange.provider_id} if exchange.is_group else people
    if exchange.state == State.COMPLETED:
        return {pk for pk in people if _answerable_rows(pk, exchange, rows, disputing=False)}
    return set()


def may_answer_hours(exchange: Exchange, rows: Rows = None) -> set[int]:
    """Ids of the members who may still confirm or dispute the recorded hours."""
    rows = _rows(exchange, rows)
    return {pk for pk in party_ids(exchange, rows) if _answerable_rows(pk, exchange, rows, disputing=True)}


def next_step(member: User, exchange: Exchange, rows: Rows = None) -> str:
    """What the member does next on this exchange: ANSWER, RECORD, CONFIRM, or "" (nothing)."""
    if member.pk not in waits_on(exchange, rows):
        return ""
    return {State.PROPOSED: ANSWER, State.AGREED: RECORD, State.COMPLETED: CONFIRM}[State(exchange.state)]


# The same rule as queries: an exchange waits on its provider where PROVIDER_WAITS[step] holds (on
# Exchange), and on a recipient where RECIPIENT_WAITS[step] holds (on that recipient's ExchangeRecipient row).

PROVIDER_WAITS: dict[str, Q] = {
    ANSWER: Q(state=State.PROPOSED) & ~Q(proposed_by_id=F("provider_id")),
    RECORD: Q(state=State.AGREED),
    CONFIRM: Q(state=State.COMPLETED, is_group=False, brokered_by__isnull=True) & ~Q(recorded_by_id=F("provider_id")),
}
RECIPIENT_WAITS: dict[str, Q] = {
    ANSWER: Q(exchange__state=State.PROPOSED) & ~Q(recipient_id=F("exchange__proposed_by_id")),
    RECORD: Q(exchange__state=State.AGREED, exchange__is_group=False),
    CONFIRM: Q(exchange__state=State.COMPLETED, state=Pending)
    & (
        Q(exchange__is_group=True)
        | Q(exchange__brokered_by__isnull=False)
        | ~Q(exchange__recorded_by_id=F("recipient_id"))
    ),
}


def exchanges_waiting_on(member: User, *steps: str) -> QuerySet[Exchange]:
    """The exchanges that wait on the member (for these steps, or any): waits_on as a queryset."""
    provider, recipient = Q(), Q()
    for step in steps or STEPS:
        provider |= PROVIDER_WAITS[step]
        recipient |= RECIPIENT_WAITS[step]
    my_rows = ExchangeRecipient.objects.filter(recipient, exchange_id=OuterRef("pk"), recipient=member)
    return Exchange.objects.filter((Q(provider=member) & provider) | Exists(my_rows))
