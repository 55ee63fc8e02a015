"""Which exchanges wait on whom, and for how long: for nudges, the weekly digest and coordinators.

An exchange waits on a member when it needs their answer: a proposal waits on every party except
the one who proposed it; recorded hours wait on whoever may confirm them (the other side, or in a
group exchange each recipient for their own hours). An open exchange is stalled when nothing has
changed for STALLED_AFTER. Coordinators see counts and ages only, never what the exchange is about.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, F, Min, Q, QuerySet

from accounts.models import User
from communities.models import Community, Membership
from exchanges.models import Exchange, ExchangeRecipient

State = Exchange.State
UNANSWERED_AFTER = timedelta(days=3)
STALLED_AFTER = timedelta(days=7)


def _recipient_exchange_ids(member: User, **filters: object) -> QuerySet[ExchangeRecipient, int]:
    return ExchangeRecipient.objects.filter(recipient=member, **filters).values_list("exchange_id", flat=True)


def proposals_waiting_on(member: User) -> QuerySet[Exchange]:
    """Proposals the member must accept or decline (they are a party and did not propose)."""
    party = Q(provider=member) | Q(pk__in=_recipient_exchange_ids(member))
    return Exchange.objects.filter(party, state=State.PROPOSED).exclude(proposed_by=member)


def hours_waiting_on(member: User) -> QuerySet[Exchange]:
    """Recorded hours the member must confirm or dispute (the rule of exchanges.access.answerable_rows)."""
    own_rows = _recipient_exchange_ids(member, state=ExchangeRecipient.State.PENDING)
    group = Q(is_group=True, pk__in=own_rows)
    pair = Q(is_group=False) & (Q(provider=member) | Q(pk__in=_recipient_exchange_ids(member))) & ~Q(recorded_by=member)
    # A brokered exchange waits only on its recipient: the provider may dispute it but not confirm it.
    pair &= ~Q(brokered_by__isnull=False, provider=member)
    return Exchange.objects.filter(group | pair, state=State.COMPLETED)


def proposals_older_than(cutoff: datetime) -> QuerySet[Exchange]:
    """Proposals made at or before the cutoff and still unanswered, with what a nudge needs."""
    return (
        Exchange.objects.filter(state=State.PROPOSED, created_at__lte=cutoff)
        .select_related("proposed_by__profile")
        .prefetch_related("recipients")
    )


def must_answer(exchange: Exchange) -> set[int]:
    """Ids of the parties a proposal waits on: everyone in it except the proposer (recipients prefetched)."""
    parties = {exchange.provider_id, *(row.recipient_id for row in exchange.recipients.all())}
    return parties - {exchange.proposed_by_id}


@dataclass
class MemberWaits:
    """One member's unanswered proposals and stalled exchanges, as counts and ages in days."""

    member: User
    unanswered: int = 0
    unanswered_days: int = 0  # the age of the oldest
    stalled: int = 0
    stalled_days: int = 0

    @property
    def longest_days(self) -> int:
        return max(self.unanswered_days, self.stalled_days)


Counts = dict[int, tuple[int, datetime]]  # member id: (how many, the oldest timestamp)


def _per_member(rows: Iterable[tuple[Any, ...]]) -> Counts:
    return {member_id: (n, oldest) for member_id, n, oldest in rows}


def _counted(exchanges: QuerySet[Exchange], rows: QuerySet[ExchangeRecipient], when: str) -> Counts:
    """Count and oldest timestamp per member, as provider and as recipient, in two queries.

    Nobody is both the provider and a recipient of one exchange, so the two never count it twice.
    """
    as_provider = _per_member(
        exchanges.values("provider_id")
        .annotate(n=Count("pk"), oldest=Min(when))
        .values_list("provider_id", "n", "oldest")
        .order_by()
    )
    as_recipient = _per_member(
        rows.values("recipient_id")
        .annotate(n=Count("exchange_id"), oldest=Min(f"exchange__{when}"))
        .values_list("recipient_id", "n", "oldest")
        .order_by()
    )
    merged = dict(as_provider)
    for member_id, (n, oldest) in as_recipient.items():
        if member_id in merged:
            n, oldest = n + merged[member_id][0], min(oldest, merged[member_id][1])
        merged[member_id] = (n, oldest)
    return merged


def stalled_members(community: Community, now: datetime) -> list[MemberWaits]:
    """Active members of the community with unanswered proposals or stalled exchanges, longest first.

    Their exchanges count wherever they happen (coordinators look after their members, as they may
    resolve the disputes of any exchange one of their members is in). Five queries, whatever the size.
    """
    members = Membership.objects.filter(community=community, status=Membership.Status.ACTIVE).values("member_id")
    answer_cutoff, stall_cutoff = now - UNANSWERED_AFTER, now - STALLED_AFTER
    unanswered = _counted(
        Exchange.objects.filter(provider_id__in=members, state=State.PROPOSED, created_at__lte=answer_cutoff).exclude(
            proposed_by_id=F("provider_id")
        ),
        ExchangeRecipient.objects.filter(
            recipient_id__in=members, exchange__state=State.PROPOSED, exchange__created_at__lte=answer_cutoff
        ).exclude(recipient_id=F("exchange__proposed_by_id")),
        "created_at",
    )
    stalled = _counted(
        Exchange.objects.filter(provider_id__in=members, state__in=Exchange.OPEN_STATES, updated_at__lte=stall_cutoff),
        ExchangeRecipient.objects.filter(
            recipient_id__in=members, exchange__state__in=Exchange.OPEN_STATES, exchange__updated_at__lte=stall_cutoff
        ),
        "updated_at",
    )
    people = User.objects.filter(pk__in=unanswered.keys() | stalled.keys()).select_related("profile")
    result = []
    for person in people:
        waits = MemberWaits(person)
        if person.pk in unanswered:
            waits.unanswered, oldest = unanswered[person.pk]
            waits.unanswered_days = (now - oldest).days
        if person.pk in stalled:
            waits.stalled, oldest = stalled[person.pk]
            waits.stalled_days = (now - oldest).days
        result.append(waits)
    result.sort(key=lambda w: (-w.longest_days, w.member.display_name, w.member.pk))
    return result
