"""Who may read, write, block or moderate what. Views reach conversations only through here.

A conversation is open to its participants and to nobody else: everyone else gets the same 404
as for a conversation that does not exist, so nobody can probe which conversations exist.
"""

from collections.abc import Iterable

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext as _

from accounts.access import can_see_member
from accounts.models import User
from communities.access import coordinated_community_ids
from communities.models import Membership
from conversations.models import Block, Conversation, Message, MessageReport, Participant
from exchanges.models import Exchange
from exchanges.rules import is_party


def access_conversation(member: User, conversation_id: int) -> Conversation:
    conversation = (
        Conversation.objects.select_related("exchange").filter(pk=conversation_id, participants__member=member).first()
    )
    if conversation is None:
        raise Http404(_("This conversation is not available to you."))
    return conversation


def access_message(member: User, conversation_id: int, message_id: int) -> Message:
    """A message in a conversation the member takes part in."""
    conversation = access_conversation(member, conversation_id)
    message = (
        Message.objects.select_related("author__profile", "conversation")
        .filter(pk=message_id, conversation=conversation)
        .first()
    )
    if message is None:
        raise Http404(_("This message is not available to you."))
    return message


def access_exchange_thread(member: User, exchange_id: int) -> Exchange:
    """The exchange whose message thread the member may open: one they take part in (provider or recipient).

    Only the parties talk there; exchanges.access.access_exchange also admits coordinators, to the exchange page.
    """
    exchange = Exchange.objects.select_related("provider__profile").filter(pk=exchange_id).first()
    if exchange is None or not is_party(member, exchange):
        raise Http404(_("This exchange is not available to you."))
    return exchange


def blocks_either_way(member_id: int, other_ids: Iterable[int]) -> QuerySet[Block]:
    """Blocks between the member and any of the others, whoever made them."""
    ids = list(other_ids)
    return Block.objects.filter(
        Q(blocker_id=member_id, blocked_id__in=ids) | Q(blocker_id__in=ids, blocked_id=member_id)
    )


def is_blocked_either_way(member_id: int, other_ids: Iterable[int]) -> bool:
    """Whether the member blocked any of the others or was blocked by one of them: then neither
    may reach the other (messages, exchange proposals, brokered records)."""
    return blocks_either_way(member_id, other_ids).exists()


def shares_conversation(a: User, b_id: int) -> bool:
    return Participant.objects.filter(
        member=a, conversation__in=Participant.objects.filter(member_id=b_id).values("conversation_id")
    ).exists()


def access_member(viewer: User, member_id: int) -> User:
    """Someone the viewer may block or unblock: a member they can see or have talked with."""
    member = User.objects.select_related("profile").filter(pk=member_id).first()
    if member is None or not (can_see_member(viewer, member_id) or shares_conversation(viewer, member_id)):
        raise Http404(_("This member is not available to you."))
    return member


def reports_for(coordinator: User) -> QuerySet[MessageReport]:
    """Reports the coordinator may deal with: the reporter and the author are both active members
    of a community the coordinator coordinates. Nobody deals with reports on their own messages."""
    both_in_a_coordinated_community = Membership.objects.filter(
        member_id=OuterRef("reporter_id"),
        status=Membership.Status.ACTIVE,
        community_id__in=coordinated_community_ids(coordinator),
        community__memberships__member_id=OuterRef("message__author_id"),
        community__memberships__status=Membership.Status.ACTIVE,
    )
    return MessageReport.objects.filter(Exists(both_in_a_coordinated_community)).filter(~Q(message__author=coordinator))


def coordinators_for(report: MessageReport) -> list[User]:
    """Who deals with a report: active coordinators of a community where the reporter and the
    author are both active members, the author excepted (the same rule as reports_for)."""
    shared = Membership.objects.filter(member_id=report.reporter_id, status=Membership.Status.ACTIVE).filter(
        community__memberships__member_id=report.message.author_id,
        community__memberships__status=Membership.Status.ACTIVE,
    )
    coordinators = Membership.objects.filter(
        community_id__in=shared.values("community_id"),
        role=Membership.Role.COORDINATOR,
        status=Membership.Status.ACTIVE,
    ).exclude(member_id=report.message.author_id)
    return list(User.objects.filter(pk__in=coordinators.values("member_id"), is_active=True).order_by("pk"))


def access_reports(member: User) -> QuerySet[MessageReport]:
    """The reports page is for coordinators; everyone else gets a 404."""
    if not coordinated_community_ids(member).exists():
        raise Http404(_("This page is for coordinators."))
    return reports_for(member)


def access_report(member: User, report_id: int) -> MessageReport:
    report = access_reports(member).select_related("message").filter(pk=report_id).first()
    if report is None:
        raise Http404(_("This report is not available to you."))
    return report
