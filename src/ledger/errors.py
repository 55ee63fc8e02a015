"""Refusals of the ledger, each with a message a member can read. Nothing is written when one is raised."""


class LedgerError(Exception):
    """A transfer was refused; str(error) says why."""


class InvalidAmount(LedgerError):
    pass


class SameAccount(LedgerError):
    pass


class AccountClosed(LedgerError):
    pass


class LimitExceeded(LedgerError):
    pass


class IdempotencyConflict(LedgerError):
    """The same key was used before for a different transfer."""


class NotReversible(LedgerError):
    pass


class SelfDealing(LedgerError):
    """A coordinator tried to act on their own account, or to check their own request, with their powers."""


class NotAllowed(LedgerError):
    """The member may not decide this request (not a coordinator of the community or one above it)."""


class ApprovalClosed(LedgerError):
    """The request was already decided, cancelled or has expired."""


class OverMaximum(LedgerError):
    """A limit above the hard maximum in settings."""
