"""Reads of exchanges for pages, in a fixed number of queries."""

from dataclasses import dataclass, field

from django.db.models import Prefetch, QuerySet

from accounts.models import User
from exchanges import rules
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
            (result.waiting_on_you if rules.may_answer(member, exchange) else result.proposals).append(exchange)
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

    The rules are exchanges.rules': who an exchange waits on, and for what (rules.next_step).
    """
    waiting = rules.exchanges_waiting_on(member)
    exchanges = with_people(waiting).order_by("updated_at", "pk")[:limit]
    return [Waiting(exchange, rules.next_step(member, exchange)) for exchange in exchanges]
