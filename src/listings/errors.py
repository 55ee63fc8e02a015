"""Refusals of listing actions, each with a message a member can read."""


class ListingError(Exception):
    """A listing action was refused; str(error) is shown to the member."""


class InvalidState(ListingError):
    pass
