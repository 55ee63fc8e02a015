"""Reads about listings for pages."""

from exchanges.models import Exchange
from listings.models import Listing


def got_its_help(listing: Listing) -> bool:
    """Whether a request that is still open had an exchange from it confirmed: then its author is
    asked whether to close it. One query, and none for offers or closed requests."""
    if listing.kind != Listing.Kind.REQUEST or listing.status not in (Listing.Status.ACTIVE, Listing.Status.PAUSED):
        return False
    return Exchange.objects.filter(listing=listing, state=Exchange.State.CONFIRMED).exists()
