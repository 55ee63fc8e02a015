"""Who is told when a coordinator hides a listing. Listing actions call this inside their transaction.

The event key names the listing and the moment it was hidden ("listing:<id>:hidden:<when>"), so
hiding it again after it was shown again tells the author again.
"""

from django.utils.translation import gettext as _

from accounts.models import User
from listings.models import Listing
from notifications.actions import Note, notify
from notifications.kinds import Kind


def listing_hidden(listing: Listing, coordinator: User) -> None:
    """The author hears which listing was hidden, by whom and why."""
    assert listing.hidden_at is not None
    if listing.author_id == coordinator.pk:
        return
    values = {"name": coordinator.display_name, "kind": listing.get_kind_display().lower(), "title": listing.title}
    note = Note(
        kind=Kind.LISTING_HIDDEN,
        title=_("%(name)s hid your %(kind)s “%(title)s”") % values,
        url=listing.get_absolute_url(),
        event_key=f"listing:{listing.pk}:hidden:{listing.hidden_at.isoformat()}",
        body=_("Reason: %(reason)s") % {"reason": listing.hidden_reason},
    )
    notify(listing.author, note)


def listing_restored(listing: Listing, coordinator: User) -> None:
    """The author hears that a coordinator showed their listing again. The same kind as the hide:
    the author chose how to hear about their listings' moderation."""
    values = {"name": coordinator.display_name, "kind": listing.get_kind_display().lower(), "title": listing.title}
    note = Note(
        kind=Kind.LISTING_HIDDEN,
        title=_("%(name)s made your %(kind)s “%(title)s” visible again") % values,
        url=listing.get_absolute_url(),
        event_key=f"listing:{listing.pk}:restored:{listing.updated_at.isoformat()}",
        body=_("Members of its community can find it in search again."),
    )
    notify(listing.author, note)
