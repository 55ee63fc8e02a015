"""Who may see or move which credits. Ledger views reach funds and transfers only through here."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import can_see_member
from accounts.models import User
from communities.access import access_community, is_coordinator
from communities.models import Community, Membership
from ledger.models import Transfer

MAX_ID = 2**63 - 1  # a larger number in the address is no transfer (and no database error)


def access_fund(user: User, slug: str) -> Community:
    """A community whose fund the user runs: its coordinators only, with a 403 that says why."""
    community = access_community(slug)
    if not is_coordinator(user, community):
        raise PermissionDenied(
            _("The fund of %(community)s is run by its coordinators: only they can see and manage it.")
            % {"community": community}
        )
    return community


def access_limits(user: User, slug: str) -> Community:
    community = access_community(slug)
    if not is_coordinator(user, community):
        raise PermissionDenied(
            _("Only the coordinators of %(community)s can change its limits.") % {"community": community}
        )
    return community


def access_reversible_transfer(user: User, slug: str, transfer_id: int) -> tuple[Community, Transfer]:
    """A transfer that touched the fund of a community the user coordinates, or one of its active members.

    A transfer out of reach gets the same answer as one that does not exist, so nobody can
    probe other communities' transfers.
    """
    community = access_fund(user, slug)
    members = Membership.objects.filter(community=community, status=Membership.Status.ACTIVE).values("member_id")
    in_reach = (
        Q(debit__community=community)
        | Q(credit__community=community)
        | Q(debit__member__in=members)
        | Q(credit__member__in=members)
    )
    transfers = Transfer.objects.filter(in_reach, pk=transfer_id).select_related(
        "debit__member__profile",
        "debit__community",
        "credit__member__profile",
        "credit__community",
        "caused_by__profile",
        "reversed_by",
    )
    transfer = transfers.first() if transfer_id <= MAX_ID else None
    if transfer is None:
        raise Http404(
            _(
                "There is no transfer %(number)s involving the fund or the members of %(community)s. "
                "Check the number on the member's statement."
            )
            % {"number": transfer_id, "community": community}
        )
    return community, transfer


def may_give_to(donor: User, member_id: int) -> bool:
    """A member can give hours to any other active member they may see (who shares a community)."""
    if member_id == donor.pk:
        return False
    return can_see_member(donor, member_id) and User.objects.filter(pk=member_id, is_active=True).exists()
