"""Who may see or change what in a community. Views reach communities only through here."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from communities.models import Community, Membership


def access_community(slug: str) -> Community:
    """Any visitor may read a community's public page."""
    try:
        return Community.objects.select_related("parent__parent").get(slug=slug)
    except Community.DoesNotExist:
        raise Http404(_("There is no community at this address.")) from None


def membership_of(user: User, community: Community) -> Membership | None:
    return Membership.objects.filter(member=user, community=community).first()


def coordinated_community_ids(member: User) -> QuerySet[Membership, int]:
    """The communities the member coordinates (as an active coordinator), for use in other queries."""
    return Membership.objects.filter(
        member=member, status=Membership.Status.ACTIVE, role=Membership.Role.COORDINATOR
    ).values_list("community_id", flat=True)


def is_coordinator(user: User, community: Community) -> bool:
    return Membership.objects.filter(
        member=user,
        community=community,
        role=Membership.Role.COORDINATOR,
        status=Membership.Status.ACTIVE,
    ).exists()


def lineage_ids(community: Community) -> list[int]:
    """The community and its ancestors, nearest first (the tree is at most three deep; no query when
    the parents were loaded with it, as access_community does)."""
    ids: list[int] = []
    node: Community | None = community
    while node is not None and node.pk not in ids:
        ids.append(node.pk)
        node = node.parent
    return ids


def subtree_ids(community: Community) -> QuerySet[Community, int]:
    """The community and every community under it, for use in other queries."""
    return Community.objects.filter(
        Q(pk=community.pk) | Q(parent_id=community.pk) | Q(parent__parent_id=community.pk)
    ).values_list("pk", flat=True)


def coordinators_or_ancestors(community: Community) -> QuerySet[User]:
    """Active coordinators of the community or of a community above it: who may check its coordinators."""
    return User.objects.filter(
        memberships__community_id__in=lineage_ids(community),
        memberships__role=Membership.Role.COORDINATOR,
        memberships__status=Membership.Status.ACTIVE,
        is_active=True,
    ).distinct()


def coordinates_or_ancestor(user: User, community: Community) -> bool:
    """Whether the user coordinates the community or a community above it."""
    return Membership.objects.filter(
        member=user,
        community_id__in=lineage_ids(community),
        role=Membership.Role.COORDINATOR,
        status=Membership.Status.ACTIVE,
    ).exists()


def is_active_member(user: User, community: Community) -> bool:
    return Membership.objects.filter(member=user, community=community, status=Membership.Status.ACTIVE).exists()


COORDINATORS_ONLY = gettext_lazy("Only the coordinators of %(community)s can do this.")


def access_coordinated_community(user: User, slug: str, *, refusal: str | Promise = COORDINATORS_ONLY) -> Community:
    """The community if the user coordinates it; otherwise a 403 that says why (`refusal`, which may
    name %(community)s, lets a page say what only coordinators do there)."""
    community = access_community(slug)
    if not is_coordinator(user, community):
        raise PermissionDenied(str(refusal) % {"community": community})
    return community


def access_members_list(user: User, slug: str) -> Community:
    """The member list of a community is for its active members."""
    community = access_community(slug)
    if not is_active_member(user, community):
        raise PermissionDenied(
            _("Only members of %(community)s can see who belongs to it. Join it to see its members.")
            % {"community": community}
        )
    return community


def access_application(user: User, slug: str, membership_id: int) -> Membership:
    """A pending application to a community the user coordinates."""
    community = access_coordinated_community(user, slug)
    try:
        return Membership.objects.select_related("member__profile", "community").get(
            pk=membership_id, community=community
        )
    except Membership.DoesNotExist:
        raise Http404(_("There is no such application in %(community)s.") % {"community": community}) from None
