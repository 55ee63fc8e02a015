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
