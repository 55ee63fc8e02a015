"""Which exchanges wait on whom, and for how long: for nudges, the weekly digest and coordinators.

Whom an exchange waits on is exchanges.rules' (waits_on, and its queryset forms): a proposal waits
on every party except the one who proposed it; recorded hours wait on whoever may confirm them.
An open exchange is stalled when nothing has changed for STALLED_AFTER. Coordinators
see counts and ages only, never what the exchange is about.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from django.db.models import Count, Min, QuerySet

from accounts.models import User
from communities.models import Community, Membership
from exchanges import rules
from exchanges.models import Exchange, ExchangeRecipient

State = Exchange.State
UNANSWERED_AFTER = timedelta(days=3)
STALLED_AFTER = timedelta(days=7)


def proposals_waiting_on(member: User) -> QuerySet[Exchange]:
    """Proposals the member must accept or decline (rules.may_answer)."""
    return rules.exchanges_waiting_on(member, rules.ANSWER)


def hours_waiting_on(member: User) -> QuerySet[Exchange]:
    """Recorded hours the member must confirm (rules.may_confirm); a brokered exchange waits only on its recipient."""
    return rules.exchanges_waiting_on(member, rules.CONFIRM)


def proposals_older_than(cutoff: datetime) -> QuerySet[Exchange]:
    """Proposals made at or before the cutoff and still unanswered, with what a nudge needs."""
    return (
        Exchange.objects.filter(state=State.PROPOSED, created_at__lte=cutoff)
        .select_related("proposed_by__profile")
        .prefetch_related("recipients")
    )


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
        Exchange.objects.filter(
            rules.PROVIDER_WAITS[rules.ANSWER], provider_id__in=members, created_at__lte=answer_cutoff
        ),
        ExchangeRecipient.objects.filter(
            rules.RECIPIENT_WAITS[rules.ANSWER], recipient_id__in=members, exchange__created_at__lte=answer_cutoff
        ),
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
