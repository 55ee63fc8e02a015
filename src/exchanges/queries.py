"""Reads of exchanges for pages, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet

from accounts.models import User
from exchanges.models import Exchange, ExchangeRecipient


@dataclass
class MemberExchanges:
    waiting_on_you: list[Exchange] = field(default_factory=list)
    proposals: list[Exchange] = field(default_factory=list)
    agreed: list[Exchange] = field(default_factory=list)
    awaiting_confirmation: list[Exchange] = field(default_factory=list)
    disputed: list[Exchange] = field(default_factory=list)
    history: list[Exchange] = field(default_factory=list)


def with_people(exchanges: QuerySet[Exchange]) -> QuerySet[Exchange]:
    return exchanges.select_related("provider__profile", "community", "recorded_by").prefetch_related(
        Prefetch("recipients", queryset=ExchangeRecipient.objects.select_related("recipient__profile"))
    )


def exchanges_of(member: User, history_limit: int = 50) -> MemberExchanges:
    """A member's exchanges grouped by what happens next."""
    mine = Exchange.objects.filter(
        pk__in=Exchange.objects.filter(provider=member).values("pk")
    ) | Exchange.objects.filter(pk__in=ExchangeRecipient.objects.filter(recipient=member).values("exchange_id"))
    result = MemberExchanges()
    open_ones = with_people(mine.filter(state__in=Exchange.OPEN_STATES)).order_by("-updated_at", "-pk")
    for exchange in open_ones:
        if exchange.state == Exchange.State.PROPOSED:
            (result.proposals if exchange.proposed_by_id == member.pk else result.waiting_on_you).append(exchange)
        elif exchange.state == Exchange.State.AGREED:
            result.agreed.append(exchange)
        elif exchange.state == Exchange.State.COMPLETED:
            result.awaiting_confirmation.append(exchange)
        else:
            result.disputed.append(exchange)
    closed = mine.exclude(state__in=Exchange.OPEN_STATES).order_by("-updated_at", "-pk")[:history_limit]
    result.history = list(with_people(closed))
    return result


def disputes_in(community_ids: list[int]) -> QuerySet[Exchange]:
    return with_people(Exchange.objects.filter(state=Exchange.State.DISPUTED, community_id__in=community_ids)).order_by(
        "updated_at"
    )


@dataclass(frozen=True)
class Waiting:
    """An exchange that waits on the member, and what they do next ("answer", "record" or "confirm")."""

    exchange: Exchange
    step: str


def waiting_on(member: User, limit: int = 10) -> list[Waiting]:
    """What the member must do next on their open exchanges, oldest first: two queries.

    The rules are the exchange page's: the other side answers a proposal; either side records the
    hours (only the provider in a group); the side that did not record confirms (each recipient
    for themselves in a group).
    """
    mine = Exchange.objects.filter(
        Q(provider=member) | Q(pk__in=ExchangeRecipient.objects.filter(recipient=member).values("exchange_id")),
        state__in=[Exchange.State.PROPOSED, Exchange.State.AGREED, Exchange.State.COMPLETED],
    )
    waiting: list[Waiting] = []
    for exchange in with_people(mine).order_by("updated_at", "pk"):
        step = _next_step(member, exchange)
        if step:
            waiting.append(Waiting(exchange, step))
    return waiting[:limit]


def _next_step(member: User, exchange: Exchange) -> str:
    rows = list(exchange.recipients.all())  # prefetched by with_people
    my_row = next((row for row in rows if row.recipient_id == member.pk), None)
    if exchange.state == Exchange.State.PROPOSED:
        return "answer" if exchange.proposed_by_id != member.pk else ""
    if exchange.state == Exchange.State.AGREED:
        return "record" if member.pk == exchange.provider_id or not exchange.is_group else ""
    if exchange.is_group:
        return "confirm" if my_row is not None and my_row.state == ExchangeRecipient.State.PENDING else ""
    return "confirm" if exchange.recorded_by_id != member.pk else ""
