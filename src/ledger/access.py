"""Who may see or move which credits. Ledger views reach funds and transfers only through here."""

from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import can_see_member
from accounts.models import User
from communities.access import access_community, access_coordinated_community, coordinates_or_ancestor, subtree_ids
from communities.models import Community, Membership
from ledger.models import ApprovalRequest, Transfer

MAX_ID = 2**63 - 1  # a larger number in the address is no transfer (and no database error)


# What a member who does not coordinate the community reads on its fund's and its limits' pages
# (communities.access.access_coordinated_community refuses them).
FUND_REFUSAL = gettext_lazy("The fund of %(community)s is run by its coordinators: only they can see and manage it.")
LIMITS_REFUSAL = gettext_lazy("Only the coordinators of %(community)s can change its limits.")

# Giving hours: the rule is giving_refusal's; the form shows its refusal, do_donate keeps it too.
GIVING_TO_SELF = gettext_lazy("You cannot give hours to yourself.")
GIVING_OUT_OF_REACH = gettext_lazy(
    "You can give hours to members who share a community with you. Choose one from the list."
)


def reversal_scope(community: Community) -> Q:
    """Transfers a coordinator of `community` may reverse: both sides inside its part of the tree,
    that is the funds of the community and of the communities under it, and their active members."""
    subtree = subtree_ids(community)
    members = Membership.objects.filter(community_id__in=subtree, status=Membership.Status.ACTIVE).values("member_id")

    def inside(side: str) -> Q:
        return Q(**{f"{side}__community_id__in": subtree}) | Q(**{f"{side}__member_id__in": members})

    return inside("debit") & inside("credit")


def access_reversible_transfer(user: User, slug: str, transfer_id: int) -> tuple[Community, Transfer]:
    """A transfer whose both sides are inside the part of the tree the user coordinates (reversal_scope).

    A transfer out of reach gets the same answer as one that does not exist, so nobody can
    probe other communities' transfers.
    """
    community = access_coordinated_community(user, slug, refusal=FUND_REFUSAL)
    transfers = Transfer.objects.filter(reversal_scope(community), pk=transfer_id).select_related(
        "debit__member__profile",
        "debit__community",
        "credit__member__profile",
        "credit__community",
        "caused_by__profile",
        "reversed_by",
        "approval",
    )
    transfer = transfers.first() if transfer_id <= MAX_ID else None
    if transfer is None:
        raise Http404(
            _(
                "There is no transfer %(number)s between the funds or the members of %(community)s and the "
                "communities in it. Check the number on the member's statement."
            )
            % {"number": transfer_id, "community": community}
        )
    return community, transfer


def reversal_refusal(user: User, transfer: Transfer) -> str:
    """Why the user may not reverse this transfer with their powers ("" when they may): nobody acts on
    their own account, so not a transfer they are a side of, caused, or approved as a second coordinator."""
    if user.pk in (transfer.debit.member_id, transfer.credit.member_id):
        return _("This transfer moved your own hours, so another coordinator must reverse it if it was a mistake.")
    if transfer.caused_by_id == user.pk:
        return _("You made this transfer, so another coordinator must reverse it if it was a mistake.")
    approval: ApprovalRequest | None = getattr(transfer, "approval", None)  # loaded with the transfer
    if approval is not None and approval.decided_by_id == user.pk:
        return _("You approved this grant, so another coordinator must reverse it if it was a mistake.")
    return ""


def access_approval(user: User, slug: str, approval_id: int) -> tuple[Community, ApprovalRequest]:
    """A request of the community, for its maker and for the coordinators of the community or one above it."""
    community = access_community(slug)
    approval = (
        ApprovalRequest.objects.filter(community=community, pk=approval_id).select_related(
            "requested_by__profile", "member__profile", "decided_by__profile", "transfer"
        )
        if approval_id <= MAX_ID
        else ApprovalRequest.objects.none()
    ).first()
    if approval is None:
        raise Http404(_("There is no such request in %(community)s.") % {"community": community})
    if approval.requested_by_id != user.pk and not coordinates_or_ancestor(user, community):
        raise PermissionDenied(
            _("Only the coordinators of %(community)s or of a community it belongs to can see this request.")
            % {"community": community}
        )
    approval.community = community
    return community, approval


def giving_refusal(donor: User, member_id: int) -> str:
    """Why the donor may not give hours to this member ("" when they may): a member can give hours to
    any other active member they may see (who shares a community), never to themselves."""
    if member_id == donor.pk:
        return str(GIVING_TO_SELF)
    if not (can_see_member(donor, member_id) and User.objects.filter(pk=member_id, is_active=True).exists()):
        return str(GIVING_OUT_OF_REACH)
    return ""


def may_give_to(donor: User, member_id: int) -> bool:
    return not giving_refusal(donor, member_id)
