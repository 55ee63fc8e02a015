"""Who may see which exchange. Views reach exchanges only through here; who may act on one is in rules.py."""

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from communities.access import coordinated_community_ids
from communities.models import Community, Membership
from exchanges.models import Exchange, OfflineMark
from exchanges.rules import is_party, may_resolve_disputes_of


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
        is_party(member, exchange) or exchange.brokered_by_id == member.pk or may_resolve_disputes_of(member, exchange)
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
