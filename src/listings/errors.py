"""Refusals of listing actions, each with a message a member can read."""


class ListingError(Exception):
    """A listing action was refused; str(error) is shown to the member."""


class InvalidState(ListingError):
    pass


class NotAllowed(ListingError):
    """The member may not do this to this listing (for example, show again a listing hidden in a
    community they do not coordinate)."""
