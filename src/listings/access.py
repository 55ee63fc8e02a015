"""Who may see or change which listing or campaign. Views reach listings only through here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from communities.access import is_coordinator
from listings import visibility
from listings.models import Campaign, Listing


def access_listing(member: User, listing_id: int) -> Listing:
    """A listing the member may open (theirs, in their communities' trees, or one they moderate)."""
    try:
        return (
            visibility.visible_listings(member)
            .select_related("author__profile", "scope", "campaign", "hidden_by__profile")
            .prefetch_related("skills")
            .get(pk=listing_id)
        )
    except Listing.DoesNotExist:
        raise Http404(
            _(
                "This listing is not available to you. It may have been removed, "
                "or be visible only to another community."
            )
        ) from None


def access_own_listing(member: User, listing_id: int) -> Listing:
    listing = access_listing(member, listing_id)
    if listing.author_id != member.pk:
        raise PermissionDenied(_("Only the author of a listing can change it."))
    return listing


def access_moderated_listing(member: User, listing_id: int) -> Listing:
    """A listing whose scope the member coordinates."""
    listing = access_listing(member, listing_id)
    if not is_coordinator(member, listing.scope):
        raise PermissionDenied(
            _("Only the coordinators of %(community)s can hide or restore this listing.") % {"community": listing.scope}
        )
    return listing


def access_campaign(slug: str) -> Campaign:
    try:
        return Campaign.objects.select_related("community").get(slug=slug)
    except Campaign.DoesNotExist:
        raise Http404(_("There is no campaign at this address.")) from None


def can_moderate(member: User, listing: Listing) -> bool:
    return is_coordinator(member, listing.scope)
