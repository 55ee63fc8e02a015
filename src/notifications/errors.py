"""Refusals of the notification pages, each with a message a member can read. Nothing changes when one is raised."""

from django.utils.functional import Promise


class NotificationError(Exception):
    """A notification action was refused; str(error) is shown to the member."""


class PreferenceNotAllowed(NotificationError, ValueError):
    """A delivery a kind does not offer (e.g. "off" for exchange events), or a kind that does not exist."""


class InvalidToken(NotificationError):
    """The unsubscribe link is forged, damaged, expired, or names a member or topic that does not exist."""

    def __init__(self, message: str | Promise, *, expired: bool = False) -> None:
        super().__init__(str(message))
        self.expired = expired
