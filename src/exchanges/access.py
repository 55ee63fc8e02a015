"""Who may see or act on which exchange. Views reach exchanges only through here."""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from communities.access import coordinated_community_ids
from communities.models import Community, Membership
from exchanges.models import Exchange, ExchangeRecipient, OfflineMark


def involved_community_ids(exchange: Exchange) -> set[int]:
    """The exchange's community and every community where one of its people is an active member."""
    people = [exchange.provider_id, *exchange.recipients.values_list("recipient_id", flat=True)]
    ids = set(
        Membership.objects.filter(member_id__in=people, status=Membership.Status.ACTIVE).values_list(
            "community_id", flat=True
        )
    )
    return ids | {exchange.community_id}


def is_party(member: User, exchange: Exchange) -> bool:
    return member.pk == exchange.provider_id or exchange.recipients.filter(recipient=member).exists()


def can_resolve(member: User, exchange: Exchange) -> bool:
    """Coordinators of the communities involved resolve disputes, but not of their own exchanges
    nor of exchanges they recorded for others (broker mode)."""
    if is_party(member, exchange) or member.pk == exchange.brokered_by_id:
        return False
    return bool(set(coordinated_community_ids(member)) & involved_community_ids(exchange))


def answerable_rows(
    member: User, exchange: Exchange, rows: Iterable[ExchangeRecipient], *, disputing: bool = False
) -> list[ExchangeRecipient]:
    """Of the pending recipient rows, those this member may confirm (or, disputing, dispute).

    In a group exchange each recipient answers for their own row. Otherwise the side who did not
    record the hours answers. In a brokered exchange a coordinator recorded it, so either side
    may dispute, but only the recipient, whose credits move, may confirm it before the deadline.
    """
    pending = [row for row in rows if row.state == ExchangeRecipient.State.PENDING]
    if exchange.is_group:
        return [row for row in pending if row.recipient_id == member.pk]
    is_provider = member.pk == exchange.provider_id
    if not (is_provider or any(row.recipient_id == member.pk for row in pending)):
        return []
    if exchange.brokered_by_id is not None:
        return pending if disputing else [row for row in pending if row.recipient_id == member.pk]
    return [] if member.pk == exchange.recorded_by_id else pending


def active_offline_marks(community: Community) -> QuerySet[OfflineMark]:
    return OfflineMark.objects.filter(community=community, withdrawn_at__isnull=True)


def brokerable_members(community: Community) -> QuerySet[User]:
    """Active members of the community a coordinator may record exchanges for: those who agreed on
    their profile, and those a coordinator marked as offline (until they withdraw it)."""
    marked = active_offline_marks(community).filter(member_id=OuterRef("pk"))
    return User.objects.filter(
        Q(profile__may_be_brokered=True) | Exists(marked),
        is_active=True,
        memberships__community=community,
        memberships__status=Membership.Status.ACTIVE,
    )


def access_offline_mark(member: User, mark_id: int) -> OfflineMark:
    """An offline mark the member may withdraw: their own, or one in a community they coordinate."""
    mark = (
        OfflineMark.objects.select_related("community", "member__profile")
        .filter(Q(member=member) | Q(community_id__in=coordinated_community_ids(member)), pk=mark_id)
        .first()
    )
    if mark is None:
        raise Http404(_("This is not available to you."))
    return mark


def is_brokerable(member: User, community: Community) -> bool:
    return brokerable_members(community).filter(pk=member.pk).exists()


def visible_exchanges(member: User) -> QuerySet[Exchange]:
    """Exchanges the member takes part in, brokered, or coordinates a community of."""
    return Exchange.objects.filter(
        Q(provider=member)
        | Q(recipients__recipient=member)
        | Q(brokered_by=member)
        | Q(community_id__in=coordinated_community_ids(member))
    ).distinct()


def access_exchange(member: User, exchange_id: int) -> Exchange:
    exchange = (
        Exchange.objects.select_related("provider__profile", "proposed_by__profile", "community", "listing")
        .filter(pk=exchange_id)
        .first()
    )
    if exchange is None or not (
        is_party(member, exchange) or exchange.brokered_by_id == member.pk or can_resolve(member, exchange)
    ):
        raise Http404(_("This exchange is not available to you."))
    return exchange


def shared_community(a: User, b: User) -> Community | None:
    """The most local community two members both belong to (organisation, then region, then nation)."""
    theirs = Membership.objects.filter(member=b, status=Membership.Status.ACTIVE).values("community_id")
    shared = Community.objects.filter(
        memberships__member=a, memberships__status=Membership.Status.ACTIVE, pk__in=theirs
    )
    order = {Community.Kind.ORGANISATION: 0, Community.Kind.REGION: 1, Community.Kind.NATION: 2}
    return min(shared, key=lambda c: (order[Community.Kind(c.kind)], c.name), default=None)
