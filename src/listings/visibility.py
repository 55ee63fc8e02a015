"""Which listings a member may see. Every listing query goes through here.

A listing is scoped to a community; it is visible to the active members of that community's
tree (the community and every community below it). So a member sees listings scoped to each of
their communities and to every community above them: an organisation's member sees listings
scoped to the organisation, its region and the nation.
"""

from django.db.models import Q, QuerySet
from django.utils import timezone

from accounts.models import User
from communities.access import coordinated_community_ids
from communities.models import Community, Membership
from listings.models import Listing


def visible_scope_ids(member: User) -> set[int]:
    """The communities whose listings the member may see: each active community and its ancestors."""
    rows = Membership.objects.filter(member=member, status=Membership.Status.ACTIVE).values_list(
        "community_id", "community__parent_id", "community__parent__parent_id"
    )
    return {pk for row in rows for pk in row if pk is not None}


def subtree_ids(community: Community) -> QuerySet[Community, int]:
    """The community and every community below it (the tree is at most three levels deep)."""
    return Community.objects.filter(
        Q(pk=community.pk) | Q(parent_id=community.pk) | Q(parent__parent_id=community.pk)
    ).values_list("pk", flat=True)


def live_q() -> Q:
    """Listings shown in search and suggestions: active, not hidden, not expired."""
    return Q(status=Listing.Status.ACTIVE, hidden_at__isnull=True, expires_at__gt=timezone.now())


def visible_listings(member: User, scope_ids: set[int] | None = None) -> QuerySet[Listing]:
    """Every listing the member may open: their own, and others' in their communities' trees.

    Hidden listings stay visible to their author, to coordinators of their scope (so the
    author can read why) and to coordinators of the community that hid them or one above it
    (who alone may show them again, wherever the author has since moved them); everyone else
    sees them as missing.
    """
    scopes = visible_scope_ids(member) if scope_ids is None else scope_ids
    coordinated = coordinated_community_ids(member)
    return Listing.objects.filter(
        Q(author=member)
        | Q(scope_id__in=scopes, hidden_at__isnull=True)
        | Q(scope_id__in=coordinated)
        | Q(hidden_in_id__in=coordinated)
        | Q(hidden_in__parent_id__in=coordinated)
        | Q(hidden_in__parent__parent_id__in=coordinated)
    )


def searchable_listings(member: User, scope_ids: set[int] | None = None) -> QuerySet[Listing]:
    """Live listings in the member's communities' trees: what search, browse and matching show."""
    scopes = visible_scope_ids(member) if scope_ids is None else scope_ids
    return Listing.objects.filter(live_q(), scope_id__in=scopes)


def may_see_listing(member: User, listing: Listing) -> bool:
    """Whether the member may open this listing (visible_listings' rule for one listing)."""
    return visible_listings(member).filter(pk=listing.pk).exists()
