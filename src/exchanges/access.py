"""Who may see or act on which exchange. Views reach exchanges only through here."""

from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from communities.access import coordinated_community_ids
from communities.models import Community, Membership
from exchanges.models import Exchange


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
    """Coordinators of the communities involved resolve disputes (not of their own exchanges)."""
    if is_party(member, exchange):
        return False
    return bool(set(coordinated_community_ids(member)) & involved_community_ids(exchange))


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
