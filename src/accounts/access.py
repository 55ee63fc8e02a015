"""Who may see which member. A profile is visible to signed-in members who share an active community."""

from django.db.models import QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import Profile, User
from communities.models import Membership


def shared_community_member_ids(viewer: User) -> QuerySet[Membership, int]:
    """Ids of members with an active membership in a community where the viewer is active."""
    viewer_communities = Membership.objects.filter(member=viewer, status=Membership.Status.ACTIVE).values(
        "community_id"
    )
    return (
        Membership.objects.filter(community_id__in=viewer_communities, status=Membership.Status.ACTIVE)
        .values_list("member_id", flat=True)
        .distinct()
    )


def can_see_member(viewer: User, member_id: int) -> bool:
    if viewer.pk == member_id:
        return True
    return shared_community_member_ids(viewer).filter(member_id=member_id).exists()


def visible_member_ids(viewer: User, member_ids: list[int]) -> set[int]:
    """Which of these members the viewer may see, in one query."""
    visible = set(shared_community_member_ids(viewer).filter(member_id__in=member_ids))
    return visible | ({viewer.pk} & set(member_ids))


def access_profile(viewer: User, member_id: int) -> Profile:
    """The member's profile if the viewer may see it; otherwise a 404 that explains the rule.

    A member outside the viewer's communities gets the same answer as a member who does not
    exist, so nobody can probe which accounts exist.
    """
    if not can_see_member(viewer, member_id):
        raise Http404(
            _(
                "This profile is not available to you. You can see the profiles of members "
                "who share a community with you."
            )
        )
    try:
        return (
            Profile.objects.select_related("user", "region")
            .prefetch_related("skills__category")
            .get(user_id=member_id, user__is_active=True)
        )
    except Profile.DoesNotExist:
        raise Http404(_("No member with that number exists.")) from None
