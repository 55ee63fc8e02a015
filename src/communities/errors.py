"""Refusals of community actions, each with a message a member can read."""


class CommunityError(Exception):
    """A community action was refused; str(error) is shown to the member."""


class AlreadyMember(CommunityError):
    pass


class AlreadyApplied(CommunityError):
    pass


class MembershipSuspended(CommunityError):
    pass


class NotAMember(CommunityError):
    pass


class LastCoordinator(CommunityError):
    pass


class ApplicationAlreadyDecided(CommunityError):
    pass


class TooManyApplications(CommunityError):
    pass
