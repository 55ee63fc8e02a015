"""Every change to conversations: one transaction each; refusals raise a MessagingError and change nothing.

A message reaches a conversation only through `_post`, which checks the body and who may be
written to, locks the conversation (so ids follow commit order), updates every participant's
place and notifies the others in the same transaction.
"""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.access import visible_member_ids
from accounts.models import User
from audit import trail
from conversations import access, errors
from conversations.models import (
    MAX_MESSAGE_LENGTH,
    MAX_REASON_LENGTH,
    Block,
    Conversation,
    Message,
    MessageReport,
    Participant,
)
from exchanges.models import Exchange
from listings import visibility
from listings.models import Listing
from notifications.actions import Note, notify, notify_all
from notifications.kinds import Kind

# The only thing a blocked member ever learns of the block.
BLOCKED_BY_THEM = gettext_lazy("You can't send messages to this member.")
NOTIFICATION_BODY_LENGTH = 300


def clean_body(body: str) -> str:
    body = body.strip()
    if not body:
        raise errors.InvalidMessage(_("Write a message before sending it."))
    if len(body) > MAX_MESSAGE_LENGTH:
        raise errors.InvalidMessage(
            _("A message can be at most %(max)d characters; this one has %(count)d.")
            % {"max": MAX_MESSAGE_LENGTH, "count": len(body)}
        )
    return body


def check_can_write(sender: User, others: list[User]) -> None:
    """Refuse when anyone else in the conversation blocked the sender, was blocked by them,
    closed their account or no longer shares an active community with them."""
    if not others:
        raise errors.MessageToSelf(_("You can't send a message to yourself."))
    other_ids = [other.pk for other in others]
    blocks = list(access.blocks_either_way(sender.pk, other_ids).values_list("blocker_id", "blocked_id"))
    if any(blocker != sender.pk for blocker, _blocked in blocks):
        raise errors.BlockedByThem(str(BLOCKED_BY_THEM))
    if blocks:
        name = next(other.display_name for other in others if other.pk == blocks[0][1])
        raise errors.BlockedByYou(_("You have blocked %(name)s. Unblock them to send them a message.") % {"name": name})
    visible = visible_member_ids(sender, other_ids)
    for other in others:
        if not other.is_active or other.pk not in visible:
            raise errors.NotReachable(
                _(
                    "%(name)s can't receive messages from you: "
                    "they are no longer an active member of a community you share."
                )
                % {"name": other.display_name}
            )


def _post(*, author: User, conversation: Conversation, body: str, listing: Listing | None = None) -> Message:
    body = clean_body(body)
    conversation = Conversation.objects.select_for_update().get(pk=conversation.pk)
    places = list(Participant.objects.filter(conversation=conversation).select_related("member__profile"))
    if author.pk not in {place.member_id for place in places}:
        raise errors.NotParticipant(_("Only the people in a conversation can write in it."))
    others = [place.member for place in places if place.member_id != author.pk]
    check_can_write(author, others)
    message = Message.objects.create(conversation=conversation, author=author, body=body, listing=listing)
    conversation.last_message = message
    conversation.save(update_fields=["last_message"])
    trail.record(actor=author, verb="conversations.post_message", target=message, conversation=conversation)
    sent_at = message.created_at
    Participant.objects.filter(conversation=conversation).exclude(member=author).update(
        last_activity_at=sent_at, last_incoming_at=sent_at
    )
    Participant.objects.filter(conversation=conversation, member=author).update(
        last_activity_at=sent_at, last_read_at=sent_at
    )
    note = Note(
        kind=Kind.MESSAGE,
        title=_("New message from %(name)s") % {"name": author.display_name},
        body=body[:NOTIFICATION_BODY_LENGTH],
        url=conversation.get_absolute_url(),
        event_key=f"message:{message.pk}",
    )
    for other in others:
        notify(other, note)
    return message


@transaction.atomic
def do_post_message(*, author: User, conversation: Conversation, body: str) -> Message:
    """Write in a conversation the author takes part in."""
    return _post(author=author, conversation=conversation, body=body)


def _direct_conversation(a: User, b: User) -> Conversation:
    """The pair's conversation, started if they have none. The unique pair constraint settles races."""
    low, high = sorted([a.pk, b.pk])
    existing = Conversation.objects.filter(member_low_id=low, member_high_id=high).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(
                kind=Conversation.Kind.DIRECT, member_low_id=low, member_high_id=high
            )
            Participant.objects.bulk_create(
                [
                    Participant(conversation=conversation, member_id=low),
                    Participant(conversation=conversation, member_id=high),
                ]
            )
            return conversation
    except IntegrityError:
        return Conversation.objects.get(member_low_id=low, member_high_id=high)


@transaction.atomic
def do_send_direct(*, sender: User, recipient: User, body: str, listing: Listing | None = None) -> Message:
    """Write to another member in the pair's conversation (started on the first message).

    From a listing, the recipient is its author, or its author writes to a member who may see it
    ("Ask them"); the message records the listing it is about.
    """
    if listing is not None and listing.author_id not in (recipient.pk, sender.pk):
        raise errors.NotParticipant(_("A message about a listing goes to its author."))
    if listing is not None and listing.author_id == sender.pk and not visibility.may_see_listing(recipient, listing):
        raise errors.NotParticipant(
            _("%(name)s can't see this listing. Write to them without it.") % {"name": recipient.display_name}
        )
    if recipient.pk == sender.pk:
        raise errors.MessageToSelf(_("You can't send a message to yourself."))
    clean_body(body)
    # Refusals in _post roll back a conversation started here: nothing is left behind.
    conversation = _direct_conversation(sender, recipient)
    return _post(author=sender, conversation=conversation, body=body, listing=listing)


def _exchange_conversation(exchange: Exchange) -> Conversation:
    """The exchange's thread, started if it has none; its participants are the provider and recipients."""
    existing = Conversation.objects.filter(exchange=exchange).first()
    if existing is not None:
        return existing
    people = {exchange.provider_id, *exchange.recipients.values_list("recipient_id", flat=True)}
    try:
        with transaction.atomic():
            conversation = Conversation.objects.create(kind=Conversation.Kind.EXCHANGE, exchange=exchange)
            Participant.objects.bulk_create(
                [Participant(conversation=conversation, member_id=pk) for pk in sorted(people)]
            )
            return conversation
    except IntegrityError:
        return Conversation.objects.get(exchange=exchange)


@transaction.atomic
def do_send_about_exchange(*, sender: User, exchange: Exchange, body: str) -> Message:
    """Write in an exchange's own thread (started on the first message). Only its people take part."""
    people = {exchange.provider_id, *exchange.recipients.values_list("recipient_id", flat=True)}
    if sender.pk not in people:
        raise errors.NotParticipant(_("Only the people in an exchange can write in its thread."))
    clean_body(body)
    return _post(author=sender, conversation=_exchange_conversation(exchange), body=body)


@transaction.atomic
def do_mark_read(*, member: User, conversation: Conversation, up_to: datetime) -> bool:
    """The member has seen the conversation up to this message time; never moves backwards."""
    updated = (
        Participant.objects.filter(conversation=conversation, member=member)
        .filter(Q(last_read_at__isnull=True) | Q(last_read_at__lt=up_to))
        .update(last_read_at=up_to)
    )
    return bool(updated)


@transaction.atomic
def do_block(*, blocker: User, blocked: User) -> Block:
    """Stop a member from writing to the blocker. Blocking twice keeps the first block."""
    if blocker.pk == blocked.pk:
        raise errors.InvalidBlock(_("You can't block yourself."))
    block, created = Block.objects.get_or_create(blocker=blocker, blocked=blocked)
    if created:
        trail.record(actor=blocker, verb="conversations.block", target=block, blocked=blocked)
    return block


@transaction.atomic
def do_unblock(*, blocker: User, blocked: User) -> bool:
    deleted, _rows = Block.objects.filter(blocker=blocker, blocked=blocked).delete()
    if deleted:
        trail.record(actor=blocker, verb="conversations.unblock", target=blocked, blocked=blocked)
    return bool(deleted)


@transaction.atomic
def do_report_message(*, reporter: User, message: Message, reason: str) -> MessageReport:
    """Ask the coordinators to look at a message in a conversation the reporter takes part in."""
    reason = reason.strip()
    if not Participant.objects.filter(conversation_id=message.conversation_id, member=reporter).exists():
        raise errors.NotParticipant(_("Only the people in a conversation can report its messages."))
    if message.author_id == reporter.pk:
        raise errors.InvalidReport(_("You can't report your own message."))
    if not reason:
        raise errors.InvalidReport(_("Say what is wrong with this message, for the coordinators."))
    if len(reason) > MAX_REASON_LENGTH:
        raise errors.InvalidReport(
            _("A reason can be at most %(max)d characters; this one has %(count)d.")
            % {"max": MAX_REASON_LENGTH, "count": len(reason)}
        )
    try:
        with transaction.atomic():
            report = MessageReport.objects.create(message=message, reporter=reporter, reason=reason)
    except IntegrityError:
        raise errors.AlreadyReported(
            _("You have already reported this message. The coordinators will look at it.")
        ) from None
    trail.record(actor=reporter, verb="conversations.report_message", target=report, message=message)
    _tell_coordinators(report)
    return report


def _tell_coordinators(report: MessageReport) -> None:
    """The coordinators who deal with a report hear of it (who reported, never what was written)."""
    note = Note(
        kind=Kind.MESSAGE_REPORTED,
        title=_("%(name)s reported a message for the coordinators to look at") % {"name": report.reporter.display_name},
        url=reverse("conversations:reports"),
        event_key=f"report:{report.pk}",
    )
    notify_all(access.coordinators_for(report), note)


@transaction.atomic
def do_resolve_report(*, coordinator: User, report: MessageReport, note: str) -> MessageReport:
    """A coordinator marks a report as dealt with, saying what they did. The caller checked access."""
    note = note.strip()
    if not note:
        raise errors.InvalidReport(_("Say what you did about this report."))
    if len(note) > MAX_REASON_LENGTH:
        raise errors.InvalidReport(_("A note can be at most %(max)d characters.") % {"max": MAX_REASON_LENGTH})
    report = MessageReport.objects.select_for_update().get(pk=report.pk)
    if report.resolved_at is not None:
        raise errors.ReportClosed(_("This report was already dealt with."))
    report.resolved_at = timezone.now()
    report.resolved_by = coordinator
    report.resolution_note = note
    report.save(update_fields=["resolved_at", "resolved_by", "resolution_note"])
    trail.record(actor=coordinator, verb="conversations.resolve_report", target=report, note=note)
    return report
