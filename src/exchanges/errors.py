"""Refusals of exchange actions, each with a message a member can read. Nothing changes when one is raised."""


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
