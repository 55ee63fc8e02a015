"""Refusals of messaging actions, each with a message a member can read. Nothing changes when one is raised."""


class MessagingError(Exception):
    """A messaging action was refused; str(error) is shown to the member."""


class InvalidMessage(MessagingError):
    """Empty, or longer than a message may be."""


class MessageToSelf(MessagingError):
    pass


class BlockedByThem(MessagingError):
    """Someone in the conversation blocked the sender. Its message never says who or why."""


class BlockedByYou(MessagingError):
    pass


class NotReachable(MessagingError):
    """The other member's account is closed, or they no longer share an active community with the sender."""


class NotParticipant(MessagingError):
    pass


class InvalidReport(MessagingError):
    pass


class AlreadyReported(MessagingError):
    pass


class ReportClosed(MessagingError):
    pass


class InvalidBlock(MessagingError):
    pass
