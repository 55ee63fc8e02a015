"""Factories and helpers for conversation tests.

Conversations and messages are made through conversations.actions, as members make them, so the
bookkeeping on participant rows (last activity, last read) is always what the app itself writes.
"""

from datetime import datetime, timedelta

import factory
from django.db.models import QuerySet
from django.utils import timezone

from accounts.models import User
from communities.models import Community, Membership
from conversations import actions
from conversations.models import Block, Conversation, Message, MessageReport, Participant
from exchanges.actions import do_propose
from exchanges.models import Exchange
from notifications.models import Notification
from tests.factories import MembershipFactory, UserFactory


class BlockFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Block

    blocker = factory.SubFactory(UserFactory)
    blocked = factory.SubFactory(UserFactory)


class MessageReportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MessageReport

    message = None  # give one: MessageReportFactory(message=..., reporter=...)
    reporter = None
    reason = "This message is rude."


def member_of(community: Community, name: str, **kwargs: object) -> User:
    """A new active member of the community, with this display name."""
    user = UserFactory(profile__display_name=name, **kwargs)
    MembershipFactory(member=user, community=community, role=Membership.Role.MEMBER)
    return user


def send(sender: User, recipient: User, body: str = "Hello there", **kwargs: object) -> Message:
    """A direct message, through the action (starts the pair's conversation if needed)."""
    return actions.do_send_direct(sender=sender, recipient=recipient, body=body, **kwargs)  # type: ignore[arg-type]


def exchange_between(
    provider: User, recipient: User, community: Community, title: str = "Run chart coaching"
) -> Exchange:
    return do_propose(
        proposer=provider,
        provider=provider,
        recipients=[recipient],
        community=community,
        title=title,
        minutes=60,
        window="Next week",
    )


def place(member: User, conversation: Conversation) -> Participant:
    return Participant.objects.get(member=member, conversation=conversation)


def backdate(message: Message, when: datetime) -> None:
    """Move a message (and the participants' bookkeeping that names its time) into the past."""
    old = message.created_at
    Message.objects.filter(pk=message.pk).update(created_at=when)
    places: QuerySet[Participant] = Participant.objects.filter(conversation_id=message.conversation_id)
    places.filter(last_activity_at=old).update(last_activity_at=when)
    places.filter(last_incoming_at=old).update(last_incoming_at=when)
    places.filter(last_read_at=old).update(last_read_at=when)


def days_ago(days: float) -> datetime:
    return timezone.now() - timedelta(days=days)


def counts() -> dict[str, int]:
    """Rows that a refused action must leave alone."""
    return {
        "conversations": Conversation.objects.count(),
        "participants": Participant.objects.count(),
        "messages": Message.objects.count(),
        "blocks": Block.objects.count(),
        "reports": MessageReport.objects.count(),
        "notifications": Notification.objects.count(),
    }
