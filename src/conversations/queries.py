"""Reads the conversation pages and the header need, each in a fixed number of queries."""

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Exists, F, OuterRef, Prefetch, Q, QuerySet

from accounts.models import User
from conversations.models import UNREAD, Block, Conversation, Message, MessageReport, Participant

INBOX_PAGE_SIZE = 20
THREAD_PAGE_SIZE = 100
REPORTS_PAGE_SIZE = 25


def unread_conversations(member: User) -> QuerySet[Participant]:
    """The member's conversations where someone else wrote after they last read (on a partial index)."""
    return Participant.objects.filter(UNREAD, member=member)


def unread_conversation_count(member: User) -> int:
    """How many of the member's conversations are unread: one query on a partial index."""
    return unread_conversations(member).count()


def inbox(member: User) -> QuerySet[Participant]:
    """The member's places in conversations, newest activity first, with everything a row shows.

    Three queries per page whatever its length: the count, the rows, and everyone's names.
    """
    return (
        Participant.objects.filter(member=member, last_activity_at__isnull=False)
        .select_related("conversation__exchange", "conversation__last_message__author__profile")
        .prefetch_related(
            Prefetch(
                "conversation__participants",
                queryset=Participant.objects.select_related("member__profile").order_by("pk"),
                to_attr="people",
            )
        )
        .order_by("-last_activity_at", "-pk")
    )


def thread_people(conversation: Conversation) -> list[Participant]:
    return list(conversation.participants.select_related("member__profile").order_by("pk"))


def _with_author(messages: QuerySet[Message]) -> QuerySet[Message]:
    return messages.select_related("author__profile", "listing")


def thread_messages(conversation: Conversation, *, before: int | None = None) -> tuple[list[Message], bool]:
    """The latest messages (before a message id, for earlier pages), oldest first, and whether earlier ones exist."""
    messages = conversation.messages.all()
    if before is not None:
        messages = messages.filter(pk__lt=before)
    latest = list(_with_author(messages).order_by("-pk")[: THREAD_PAGE_SIZE + 1])
    has_earlier = len(latest) > THREAD_PAGE_SIZE
    return latest[:THREAD_PAGE_SIZE][::-1], has_earlier


def messages_after(conversation: Conversation, after: int) -> list[Message]:
    """Messages newer than the last one shown (ids follow commit order within a conversation)."""
    return list(_with_author(conversation.messages.filter(pk__gt=after)).order_by("pk")[:THREAD_PAGE_SIZE])


def blocked_ids(member: User, among: list[int]) -> set[int]:
    """Which of these members the member has blocked."""
    return set(Block.objects.filter(blocker=member, blocked_id__in=among).values_list("blocked_id", flat=True))


def has_blocked(member: User, other_id: int) -> bool:
    return Block.objects.filter(blocker=member, blocked_id=other_id).exists()


def direct_conversation_between(a: User, b_id: int) -> Conversation | None:
    low, high = sorted([a.pk, b_id])
    return Conversation.objects.filter(member_low_id=low, member_high_id=high).first()


def open_reports(reports: QuerySet[MessageReport]) -> QuerySet[MessageReport]:
    return (
        reports.filter(resolved_at__isnull=True)
        .select_related("message__author__profile", "reporter__profile")
        .order_by("created_at", "pk")
    )


@dataclass(frozen=True)
class WaitingReply:
    """A member who has not answered the latest message of a conversation, written by someone else."""

    member: User
    conversation: Conversation
    message: Message


def messages_waiting_on(older_than: datetime, *, newer_than: datetime | None = None) -> list[WaitingReply]:
    """Conversations whose latest message is from someone else, sent before `older_than` (and after
    `newer_than`, if given), that the member has not replied to. Members with closed accounts, and
    pairs where either has blocked the other, are left out: nobody is nudged to answer a block.

    One query: the participant row says when anyone last wrote and when someone else last wrote,
    and the two are equal exactly when the latest message is not the member's own.
    """
    places = Participant.objects.filter(
        last_activity_at__lt=older_than,
        last_incoming_at=F("last_activity_at"),
        member__is_active=True,
        conversation__last_message__isnull=False,
    )
    if newer_than is not None:
        places = places.filter(last_activity_at__gt=newer_than)
    author = OuterRef("conversation__last_message__author_id")
    blocked = Block.objects.filter(
        Q(blocker_id=OuterRef("member_id"), blocked_id=author) | Q(blocker_id=author, blocked_id=OuterRef("member_id"))
    )
    places = (
        places.filter(~Exists(blocked))
        .select_related("member__profile", "conversation__exchange", "conversation__last_message__author__profile")
        .order_by("last_activity_at", "pk")
    )
    waiting = []
    for place in places:
        message = place.conversation.last_message
        assert message is not None
        waiting.append(WaitingReply(member=place.member, conversation=place.conversation, message=message))
    return waiting


def unread_threads(member: User, limit: int = 5) -> list[Participant]:
    """The member's unread conversations, oldest waiting first, with who wrote last (two queries)."""
    rows = inbox(member).filter(UNREAD).order_by("last_activity_at", "pk")
    return list(rows[:limit])
