"""Who may see or change which listing or campaign. Views reach listings only through here."""

from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from communities.access import coordinates_or_ancestor, is_coordinator
from communities.models import Community
from listings import visibility
from listings.models import Campaign, Listing


def access_listing(member: User, listing_id: int) -> Listing:
    """A listing the member may open (theirs, in their communities' trees, or one they moderate)."""
    try:
        return (
            visibility.visible_listings(member)
            .select_related("author__profile", "scope", "campaign", "hidden_by__profile", "hidden_in")
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
    """A listing whose scope the member coordinates: one they may hide."""
    listing = access_listing(member, listing_id)
    if not is_coordinator(member, listing.scope):
        raise PermissionDenied(
            _("Only the coordinators of %(community)s can hide this listing.") % {"community": listing.scope}
        )
    return listing


def access_listing_to_restore(member: User, listing_id: int) -> Listing:
    """A hidden listing the member may show again (see can_restore)."""
    listing = access_listing(member, listing_id)
    if not can_restore(member, listing):
        raise PermissionDenied(restore_refusal(member, listing))
    return listing


def hiding_community(listing: Listing) -> Community:
    """The community whose coordinators hid the listing (its scope, for a hide recorded without one)."""
    return listing.hidden_in or listing.scope


def can_restore(member: User, listing: Listing) -> bool:
    """Whether the member may show a hidden listing again: a coordinator of the community that hid it,
    or of one above it, and never its author (moving the listing does not move the hide)."""
    if not listing.is_hidden or listing.author_id == member.pk:
        return False
    return coordinates_or_ancestor(member, hiding_community(listing))


def restore_refusal(member: User, listing: Listing) -> str:
    """Why the member may not show this listing again, in words they can act on."""
    if not listing.is_hidden:
        return _("This listing is not hidden.")
    if listing.author_id == member.pk:
        return _(
            "You cannot show your own listing again: a coordinator of %(community)s will look at it. "
            "You can edit it to answer their reason."
        ) % {"community": hiding_community(listing)}
    return _(
        "This listing was hidden by the coordinators of %(community)s: only they, or the coordinators of a "
        "community above it, can show it again."
    ) % {"community": hiding_community(listing)}


def access_campaign(slug: str) -> Campaign:
    try:
        return Campaign.objects.select_related("community").get(slug=slug)
    except Campaign.DoesNotExist:
        raise Http404(_("There is no campaign at this address.")) from None


def can_moderate(member: User, listing: Listing) -> bool:
    """Whether the member may hide the listing: a coordinator of its scope who is not its author."""
    return listing.author_id != member.pk and is_coordinator(member, listing.scope)
