"""Refusals of exchange actions, each with a message a member can read. Nothing changes when one is raised."""

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from exchanges.models import Exchange


class ExchangeError(Exception):
    """An exchange action was refused; str(error) is shown to the member."""


class NotAllowed(ExchangeError):
    pass


class WrongState(ExchangeError):
    pass


class StaleForm(ExchangeError):
    pass


class InvalidHours(ExchangeError):
    pass


class AlreadySent(ExchangeError):
    """The same form was sent again (a double click, a resubmitted page): nothing new was made."""

    def __init__(self, message: str, *, exchange: "Exchange") -> None:
        super().__init__(message)
        self.exchange = exchange
