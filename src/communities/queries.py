"""Reads of communities for pages: a fixed number of queries whatever the size of the list."""

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db.models import Case, Count, IntegerField, Q, QuerySet, Value, When

from accounts.models import User
from communities.models import Community, Membership

ACTIVE = Membership.Status.ACTIVE

# The most local community comes first: an organisation, then a region, then the nation.
LOCALITY = {Community.Kind.ORGANISATION: 0, Community.Kind.REGION: 1, Community.Kind.NATION: 2}


def by_locality(queryset: QuerySet[Community]) -> QuerySet[Community]:
    """Communities most local first (organisation, region, nation), then by name."""
    locality = Case(
        *(When(kind=kind, then=Value(rank)) for kind, rank in LOCALITY.items()),
        default=Value(len(LOCALITY)),
        output_field=IntegerField(),
    )
    return queryset.alias(locality=locality).order_by("locality", "name", "pk")


def most_local(communities: Iterable[Community]) -> Community | None:
    """The most local of some communities (organisation, then region, then nation; then by name)."""
    return min(
        communities, key=lambda c: (LOCALITY.get(Community.Kind(c.kind), len(LOCALITY)), c.name, c.pk), default=None
    )


def communities_within_count(community: Community) -> int:
    """How many communities sit under this one (the tree is at most three deep)."""
    return Community.objects.filter(Q(parent_id=community.pk) | Q(parent__parent_id=community.pk)).count()


def with_member_counts(queryset: QuerySet[Community]) -> QuerySet[Community]:
    return queryset.annotate(member_count=Count("memberships", filter=Q(memberships__status=ACTIVE)))


@dataclass
class TreeNode:
    community: Community
    children: list["TreeNode"] = field(default_factory=list)


def community_tree() -> list[TreeNode]:
    """Every community as a forest of nations, their regions and organisations, in one query."""
    communities = list(with_member_counts(Community.objects.all()).order_by("name"))
    nodes = {c.pk: TreeNode(c) for c in communities}
    roots: list[TreeNode] = []
    for community in communities:
        node = nodes[community.pk]
        parent = nodes.get(community.parent_id) if community.parent_id else None
        (parent.children if parent else roots).append(node)
    return roots


def community_children(community: Community) -> QuerySet[Community]:
    return with_member_counts(community.children.all()).order_by("name")


def active_member_count(community: Community) -> int:
    return community.memberships.filter(status=ACTIVE).count()


def coordinators(community: Community) -> QuerySet[Membership]:
    return (
        community.memberships.filter(status=ACTIVE, role=Membership.Role.COORDINATOR)
        .select_related("member__profile")
        .order_by("member__profile__display_name")
    )


def active_members(community: Community) -> QuerySet[Membership]:
    return (
        community.memberships.filter(status=ACTIVE)
        .select_related("member__profile")
        .order_by("-role", "member__profile__display_name")
    )


def pending_applications(community: Community) -> QuerySet[Membership]:
    return (
        community.memberships.filter(status=Membership.Status.PENDING)
        .select_related("member__profile")
        .prefetch_related("member__profile__skills")
        .order_by("created_at")
    )


def memberships_of(user: User) -> QuerySet[Membership]:
    """A member's current memberships and applications, for the dashboard."""
    return (
        Membership.objects.filter(
            member=user,
            status__in=[ACTIVE, Membership.Status.PENDING, Membership.Status.DECLINED, Membership.Status.SUSPENDED],
        )
        .select_related("community")
        .order_by("community__name")
    )


def applications_awaiting(user: User) -> QuerySet[Community]:
    """Communities the user coordinates that have applications waiting, with how many."""
    coordinated = Membership.objects.filter(member=user, status=ACTIVE, role=Membership.Role.COORDINATOR).values(
        "community_id"
    )
    return (
        Community.objects.filter(pk__in=coordinated)
        .annotate(pending_count=Count("memberships", filter=Q(memberships__status=Membership.Status.PENDING)))
        .filter(pending_count__gt=0)
        .order_by("name")
    )
