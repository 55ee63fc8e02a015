"""Every change to an exchange: one transaction each, a timeline event, notices, tasks enqueued on commit.

Confirmation posts one transfer per recipient, recipient -> provider, through the ledger's
post_transfer with the key "exchange:<id>:recipient:<row>", so it happens exactly once however
often it is asked for (double clicks, a member and the auto-confirm task at the same moment).

Forms that create an exchange (propose, broker) carry a key made when the form is rendered; it is
stored on the exchange as "<purpose>:<actor id>:<key>", so a repeated post finds the first
exchange (errors.AlreadySent) and creates and tells nothing.
"""

from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from audit import trail
from communities.access import is_active_member, is_coordinator
from communities.models import Community
from conversations.access import is_blocked_either_way
from exchanges import errors, notices, rules
from exchanges.access import is_brokerable
from exchanges.models import Exchange, ExchangeEvent, ExchangeRecipient, OfflineMark, far_from_agreed
from hexitime.durations import duration, hours_refusal
from ledger.accounts import account_of
from ledger.errors import LedgerError
from ledger.models import Transfer
from ledger.posting import post_transfer
from listings.models import Listing

State = Exchange.State
REMINDER_BEFORE = timedelta(days=2)


def check_minutes(minutes: int) -> int:
    refusal = hours_refusal(minutes)
    if refusal:
        raise errors.InvalidHours(refusal)
    return minutes


def _locked(exchange: Exchange, version: int | None) -> Exchange:
    locked = Exchange.objects.select_for_update().get(pk=exchange.pk)
    if version is not None and locked.version != version:
        raise errors.StaleForm(
            _("This exchange changed since you opened the page. Here is how it stands now; nothing was changed.")
        )
    return locked


def _expect(exchange: Exchange, *states: str) -> None:
    if exchange.state not in states:
        raise errors.WrongState(
            _("This exchange is %(state)s, so that cannot be done now.")
            % {"state": exchange.get_state_display().lower()}
        )


def _save(exchange: Exchange, actor: User | None, kind: str, note: str = "", minutes: int | None = None) -> Exchange:
    exchange.version += 1
    exchange.save()
    ExchangeEvent.objects.create(exchange=exchange, actor=actor, kind=kind, note=note[:1000], minutes=minutes)
    trail.record(
        actor=actor, verb=f"exchanges.{kind}", target=exchange, community_id=exchange.community_id, minutes=minutes
    )
    return exchange


def _key(purpose: str, actor: User, form_key: str | None) -> str | None:
    return f"{purpose}:{actor.pk}:{form_key}" if form_key else None


def _refuse_repeat(key: str | None, message: str) -> None:
    """Raise AlreadySent with the first exchange when this key already made one."""
    first = Exchange.objects.filter(idempotency_key=key).first() if key else None
    if first is not None:
        raise errors.AlreadySent(message, exchange=first)


# The only thing either side of a block learns of it when proposing.
PROPOSAL_BLOCKED = gettext_lazy("You can't propose an exchange to this member.")


def check_not_blocked(proposer: User, others: list[User]) -> None:
    """A block either way stops a proposal; the refusal reveals nothing more (as in conversations)."""
    if is_blocked_either_way(proposer.pk, [other.pk for other in others if other.pk != proposer.pk]):
        raise errors.NotAllowed(str(PROPOSAL_BLOCKED))


@transaction.atomic
def do_propose(
    *,
    proposer: User,
    provider: User,
    recipients: list[User],
    community: Community,
    title: str,
    minutes: int,
    window: str,
    message: str = "",
    listing: Listing | None = None,
    form_key: str | None = None,
) -> Exchange:
    """Propose an exchange; the other side accepts or declines. The caller checked who may propose.

    A block between the proposer and anyone else in it refuses the proposal. The same form key
    sent again raises AlreadySent with the first proposal, and nobody is told twice.
    """
    key = _key("propose", proposer, form_key)
    already = _("You already sent this proposal; here it is. Nothing was sent twice.")
    _refuse_repeat(key, already)
    check_not_blocked(proposer, [provider, *recipients])
    try:
        with transaction.atomic():
            exchange = _create(
                proposer=proposer,
                provider=provider,
                recipients=recipients,
                community=community,
                title=title,
                minutes=minutes,
                window=window,
                message=message,
                listing=listing,
                idempotency_key=key,
            )
    except IntegrityError:
        _refuse_repeat(key, already)  # the same form, sent at the same moment, made it first
        raise
    trail.record(actor=proposer, verb="exchanges.proposed", target=exchange, community=community, minutes=minutes)
    notices.exchange_proposed(exchange, proposer)
    return exchange


def _create(
    *,
    proposer: User,
    provider: User,
    recipients: list[User],
    community: Community,
    title: str,
    minutes: int,
    window: str,
    message: str = "",
    listing: Listing | None = None,
    idempotency_key: str | None = None,
    proposed_event: bool = True,
) -> Exchange:
    """Write a proposed exchange and its recipients; do_propose and do_broker_exchange decide who is told."""
    check_minutes(minutes)
    people = [provider, *recipients]
    if len({p.pk for p in people}) != len(people):
        raise errors.NotAllowed(_("You cannot exchange hours with yourself."))
    if proposer.pk not in {p.pk for p in people}:
        raise errors.NotAllowed(_("Only someone taking part can propose an exchange."))
    exchange = Exchange.objects.create(
        provider=provider,
        proposed_by=proposer,
        listing=listing,
        community=community,
        title=title.strip(),
        message=message.strip(),
        window=window.strip(),
        proposed_minutes=minutes,
        is_group=len(recipients) > 1,
        idempotency_key=idempotency_key,
    )
    ExchangeRecipient.objects.bulk_create([ExchangeRecipient(exchange=exchange, recipient=r) for r in recipients])
    if proposed_event:
        ExchangeEvent.objects.create(exchange=exchange, actor=proposer, kind=ExchangeEvent.Kind.PROPOSED, note=message)
    return exchange


@transaction.atomic
def do_accept(*, member: User, exchange: Exchange, version: int | None = None) -> Exchange:
    exchange = _locked(exchange, version)
    _expect(exchange, State.PROPOSED)
    if not rules.may_answer(member, exchange):
        raise errors.NotAllowed(_("Only the other side can accept a proposal."))
    exchange.state = State.AGREED
    _save(exchange, member, ExchangeEvent.Kind.ACCEPTED)
    notices.exchange_accepted(exchange, member)
    return exchange


@transaction.atomic
def do_decline(*, member: User, exchange: Exchange, reason: str = "", version: int | None = None) -> Exchange:
    exchange = _locked(exchange, version)
    _expect(exchange, State.PROPOSED)
    if not rules.may_answer(member, exchange):
        raise errors.NotAllowed(_("Only the other side can decline a proposal."))
    exchange.state = State.DECLINED
    exchange.recipients.update(state=ExchangeRecipient.State.CANCELLED)
    _save(exchange, member, ExchangeEvent.Kind.DECLINED, reason)
    notices.exchange_declined(exchange, member, reason)
    return exchange


@transaction.atomic
def do_cancel(*, member: User, exchange: Exchange, reason: str = "", version: int | None = None) -> Exchange:
    exchange = _locked(exchange, version)
    _expect(exchange, State.PROPOSED, State.AGREED)
    if not rules.may_cancel(member, exchange):
        raise errors.NotAllowed(_("Only the people in an exchange can cancel it."))
    exchange.state = State.CANCELLED
    exchange.recipients.update(state=ExchangeRecipient.State.CANCELLED)
    _save(exchange, member, ExchangeEvent.Kind.CANCELLED, reason)
    notices.exchange_cancelled(exchange, member, reason)
    return exchange


@transaction.atomic
def do_record_hours(*, member: User, exchange: Exchange, minutes: int, version: int | None = None) -> Exchange:
    """Record the hours actually given; the other side then confirms or disputes.

    Hours far from those agreed (exchanges.models.far_from_agreed) get no deadline: they never
    confirm themselves, and wait for the other side to confirm or dispute them.
    """
    exchange = _locked(exchange, version)
    _expect(exchange, State.AGREED)
    check_minutes(minutes)
    if not rules.may_record(member, exchange):
        if exchange.is_group and rules.is_party(member, exchange):
            raise errors.NotAllowed(_("In a group exchange the provider records the hours."))
        raise errors.NotAllowed(_("Only the people in an exchange can record its hours."))
    now = timezone.now()
    exchange.state = State.COMPLETED
    exchange.recorded_minutes = minutes
    exchange.recorded_by = member
    exchange.recorded_at = now
    far = far_from_agreed(agreed=exchange.proposed_minutes, recorded=minutes)
    exchange.confirm_deadline = None if far else now + timedelta(days=exchange.community.auto_confirm_days)
    exchange.recipients.update(minutes=minutes)
    _save(exchange, member, ExchangeEvent.Kind.RECORDED, minutes=minutes)
    notices.exchange_recorded(exchange, member)
    if not far:
        _schedule_confirmation(exchange)
    return exchange


AMEND_TOO_LATE = gettext_lazy(
    "The hours can no longer be changed: the other side has already confirmed or disputed them. "
    "If they are wrong, send a message or ask a coordinator."
)


@transaction.atomic
def do_amend_hours(*, member: User, exchange: Exchange, minutes: int, version: int | None = None) -> Exchange:
    """The member who recorded the hours changes them while nobody has confirmed or disputed them.

    The confirmation window starts again from now, the other side is told as for a new record,
    and hours far from those agreed again need the other side's explicit confirmation.
    """
    exchange = _locked(exchange, version)
    if not rules.hours_still_open(exchange):
        raise errors.WrongState(str(AMEND_TOO_LATE))
    if not rules.may_amend(member, exchange):
        raise errors.NotAllowed(_("Only the person who recorded the hours can change them."))
    check_minutes(minutes)
    previous = exchange.recorded_minutes
    assert previous is not None
    if minutes == previous:
        raise errors.InvalidHours(_("These are the hours already recorded. Enter the hours actually given."))
    now = timezone.now()
    exchange.recorded_minutes = minutes
    exchange.recorded_at = now
    exchange.reminder_sent_at = None
    far = far_from_agreed(agreed=exchange.proposed_minutes, recorded=minutes)
    exchange.confirm_deadline = None if far else now + timedelta(days=exchange.community.auto_confirm_days)
    exchange.recipients.update(minutes=minutes)
    note = _("changed the hours from %(old)s to %(new)s") % {"old": duration(previous), "new": duration(minutes)}
    _save(exchange, member, ExchangeEvent.Kind.AMENDED, note, minutes)
    notices.exchange_recorded(exchange, member, previous=previous)
    if not far:
        _schedule_confirmation(exchange)
    return exchange


def _schedule_confirmation(exchange: Exchange) -> None:
    from exchanges import tasks

    deadline = exchange.confirm_deadline
    assert deadline is not None
    transaction.on_commit(lambda: tasks.enqueue_confirmation_jobs(exchange.pk, deadline, deadline - REMINDER_BEFORE))


def _confirmer_rows(member: User, exchange: Exchange, *, disputing: bool = False) -> list[ExchangeRecipient]:
    """The recipient rows this member may confirm or dispute (rules.may_confirm, rules.may_dispute), locked."""
    rows = list(exchange.recipients.select_for_update())
    return rules.answerable_rows(member, exchange, rows, disputing=disputing)


def _pay(row: ExchangeRecipient, exchange: Exchange, minutes: int, actor: User | None) -> None:
    transfer = post_transfer(
        debit=account_of(row.recipient),
        credit=account_of(exchange.provider),
        amount=minutes,
        kind=Transfer.Kind.EXCHANGE,
        idempotency_key=f"exchange:{exchange.pk}:recipient:{row.pk}",
        caused_by=actor,
        reason=exchange.title[:500],
        reference=f"exchange:{exchange.pk}",
    )
    row.state = ExchangeRecipient.State.CONFIRMED
    row.minutes = minutes
    row.transfer = transfer
    row.confirmed_at = timezone.now()
    row.confirmed_by = actor
    row.save()


def _settle(exchange: Exchange) -> None:
    states = set(exchange.recipients.values_list("state", flat=True))
    if states <= {ExchangeRecipient.State.CONFIRMED, ExchangeRecipient.State.CANCELLED}:
        exchange.state = State.CONFIRMED if ExchangeRecipient.State.CONFIRMED in states else State.CANCELLED
    elif ExchangeRecipient.State.DISPUTED in states:
        exchange.state = State.DISPUTED
    else:
        exchange.state = State.COMPLETED


@transaction.atomic
def do_confirm(*, member: User, exchange: Exchange, version: int | None = None) -> Exchange:
    """The other side confirms the recorded hours: credits move from recipient to provider."""
    exchange = _locked(exchange, version)
    _expect(exchange, State.COMPLETED)
    rows = _confirmer_rows(member, exchange)
    if not rows:
        raise errors.NotAllowed(_("Only the other side can confirm the hours; you recorded them or have confirmed."))
    assert exchange.recorded_minutes is not None
    try:
        for row in rows:
            _pay(row, exchange, exchange.recorded_minutes, member)
    except LedgerError as error:
        raise errors.NotAllowed(str(error)) from error
    _settle(exchange)
    _save(exchange, member, ExchangeEvent.Kind.CONFIRMED, minutes=exchange.recorded_minutes)
    notices.exchange_confirmed(exchange, member)
    return exchange


@transaction.atomic
def do_dispute(*, member: User, exchange: Exchange, reason: str, version: int | None = None) -> Exchange:
    exchange = _locked(exchange, version)
    _expect(exchange, State.COMPLETED)
    if not reason.strip():
        raise errors.NotAllowed(_("Say what is wrong with the recorded hours, for the coordinators."))
    rows = _confirmer_rows(member, exchange, disputing=True)
    if not rows:
        raise errors.NotAllowed(_("Only the other side can dispute the hours."))
    for row in rows:
        row.state = ExchangeRecipient.State.DISPUTED
        row.dispute_reason = reason.strip()[:1000]
        row.save(update_fields=["state", "dispute_reason"])
    _settle(exchange)
    _save(exchange, member, ExchangeEvent.Kind.DISPUTED, reason)
    notices.exchange_disputed(exchange, member, reason)
    return exchange


@transaction.atomic
def do_resolve(
    *,
    coordinator: User,
    exchange: Exchange,
    decision: str,
    reason: str,
    minutes: int | None = None,
    version: int | None = None,
) -> Exchange:
    """A coordinator of a community involved settles a dispute: confirm, change the hours, or cancel."""
    exchange = _locked(exchange, version)
    _expect(exchange, State.DISPUTED)
    if not rules.may_resolve(coordinator, exchange):
        raise errors.NotAllowed(_("Only coordinators of the communities involved can resolve this dispute."))
    if not reason.strip():
        raise errors.NotAllowed(_("Give a reason: both sides will see it."))
    rows = list(exchange.recipients.select_for_update().filter(state=ExchangeRecipient.State.DISPUTED))
    if decision == "cancel":
        for row in rows:
            row.state = ExchangeRecipient.State.CANCELLED
            row.save(update_fields=["state"])
    elif decision in {"confirm", "change"}:
        assert exchange.recorded_minutes is not None
        amount = check_minutes(minutes) if decision == "change" and minutes is not None else exchange.recorded_minutes
        if decision == "change" and minutes is None:
            raise errors.InvalidHours(_("Enter the hours to confirm instead."))
        try:
            for row in rows:
                _pay(row, exchange, amount, coordinator)
        except LedgerError as error:
            raise errors.NotAllowed(str(error)) from error
        minutes = amount
    else:
        raise errors.NotAllowed(_("Choose to confirm, change the hours or cancel."))
    _settle(exchange)
    _save(
        exchange, coordinator, ExchangeEvent.Kind.RESOLVED, f"{decision}: {reason.strip()}", minutes
    )  # see ExchangeEvent.shown_note
    notices.exchange_resolved(exchange, coordinator, decision, reason, minutes)
    return exchange


def do_auto_confirm(*, exchange_id: int) -> Exchange | None:
    """Confirm every recipient who stayed silent past the deadline. Safe to call any number of times."""
    with transaction.atomic():
        exchange = Exchange.objects.select_for_update().filter(pk=exchange_id).first()
        if exchange is None or exchange.state != State.COMPLETED:
            return exchange
        if exchange.confirm_deadline is None or exchange.confirm_deadline > timezone.now():
            return exchange
        assert exchange.recorded_minutes is not None
        if exchange.hours_far_from_agreed:
            return exchange  # only an explicit confirmation settles hours far from those agreed
        rows = list(exchange.recipients.select_for_update().filter(state=ExchangeRecipient.State.PENDING))
        try:
            with transaction.atomic():
                for row in rows:
                    _pay(row, exchange, exchange.recorded_minutes, None)
                    row.auto_confirmed = True
                    row.save(update_fields=["auto_confirmed"])
        except LedgerError as error:
            # Nothing was paid; coordinators see why on the timeline and can resolve it. Later sweeps
            # try again (the balance may have grown) but record and tell the same failure once.
            last = exchange.events.order_by("-pk").values_list("kind", "note").first()
            if last == (ExchangeEvent.Kind.AUTO_CONFIRM_FAILED, str(error)[:1000]):
                return exchange
            _save(exchange, None, ExchangeEvent.Kind.AUTO_CONFIRM_FAILED, str(error))
            notices.auto_confirm_failed(exchange, str(error))
            return exchange
        _settle(exchange)
        _save(exchange, None, ExchangeEvent.Kind.AUTO_CONFIRMED, minutes=exchange.recorded_minutes)
        notices.exchange_auto_confirmed(exchange, [row.recipient_id for row in rows])
        return exchange


@transaction.atomic
def do_broker_exchange(
    *,
    coordinator: User,
    community: Community,
    provider: User,
    recipient: User,
    title: str,
    minutes: int,
    window: str,
    note: str = "",
    form_key: str | None = None,
) -> Exchange:
    """A coordinator records a finished exchange for a member who is offline (broker mode).

    Both sides are active members of the community, neither is the coordinator, and at least one
    agreed to be brokered or was marked as offline. Nothing moves at once: the record awaits the
    community's confirmation window like any other, both sides are told the deadline, either may
    dispute it, the recipient may confirm it, and silence confirms it at the deadline. The
    coordinator can never confirm or resolve it.
    """
    key = _key("broker", coordinator, form_key)
    _refuse_repeat(key, _("You already recorded this exchange; here it is. Nothing was recorded twice."))
    check_minutes(minutes)
    if not is_coordinator(coordinator, community):
        raise errors.NotAllowed(_("Only coordinators of this community can record exchanges for its members."))
    if coordinator.pk in (provider.pk, recipient.pk):
        raise errors.NotAllowed(_("You can't record an exchange you take part in. Ask another coordinator."))
    if provider.pk == recipient.pk:
        raise errors.NotAllowed(str(rules.BROKER_SAME_PERSON))
    for person in (provider, recipient):
        if not (person.is_active and is_active_member(person, community)):
            raise errors.NotAllowed(
                _("%(name)s is not an active member of %(community)s.")
                % {"name": person.display_name, "community": community.name}
            )
    if not (is_brokerable(provider, community) or is_brokerable(recipient, community)):
        raise errors.NotAllowed(str(rules.BROKER_NOBODY_OFFLINE))
    if is_blocked_either_way(provider.pk, [recipient.pk]):
        raise errors.NotAllowed(_("You can't record an exchange between these members."))
    try:
        with transaction.atomic():
            exchange = _create(
                proposer=provider,
                provider=provider,
                recipients=[recipient],
                community=community,
                title=title,
                minutes=minutes,
                window=window,
                message=note,
                idempotency_key=key,
                proposed_event=False,
            )
    except IntegrityError:
        _refuse_repeat(key, _("You already recorded this exchange; here it is. Nothing was recorded twice."))
        raise
    now = timezone.now()
    exchange.brokered_by = coordinator
    exchange.state = State.COMPLETED
    exchange.recorded_minutes = minutes
    exchange.recorded_by = coordinator
    exchange.recorded_at = now
    exchange.confirm_deadline = now + timedelta(days=community.auto_confirm_days)
    exchange.recipients.update(minutes=minutes)
    _save(exchange, coordinator, ExchangeEvent.Kind.BROKERED, note, minutes)
    notices.exchange_brokered(exchange, coordinator)
    _schedule_confirmation(exchange)
    return exchange


@transaction.atomic
def do_mark_offline(*, coordinator: User, community: Community, member: User, reason: str) -> OfflineMark:
    """A coordinator marks a member as offline, so exchanges can be recorded for them. The member
    and the community's other coordinators are told; the member may withdraw it."""
    if not is_coordinator(coordinator, community):
        raise errors.NotAllowed(_("Only coordinators of this community can mark its members as offline."))
    if member.pk == coordinator.pk:
        raise errors.NotAllowed(_("You can't mark yourself as offline. Ask another coordinator."))
    if not reason.strip():
        raise errors.NotAllowed(_("Give a reason: the member will see it."))
    if not (member.is_active and is_active_member(member, community)):
        raise errors.NotAllowed(
            _("%(name)s is not an active member of %(community)s.")
            % {"name": member.display_name, "community": community.name}
        )
    if OfflineMark.objects.select_for_update().filter(member=member, community=community, withdrawn_at=None).exists():
        raise errors.WrongState(
            _("%(name)s is already marked as offline in %(community)s.")
            % {"name": member.display_name, "community": community.name}
        )
    mark = OfflineMark.objects.create(member=member, community=community, marked_by=coordinator, reason=reason.strip())
    trail.record(actor=coordinator, verb="exchanges.mark_offline", target=mark, community=community, member=member)
    notices.marked_offline(mark)
    return mark


@transaction.atomic
def do_withdraw_offline_mark(*, member: User, mark: OfflineMark) -> OfflineMark:
    """The member (or a coordinator of the community) withdraws an offline mark; it stays on record."""
    mark = (
        OfflineMark.objects.select_for_update(of=("self",))
        .select_related("community", "member__profile")
        .get(pk=mark.pk)
    )
    if member.pk != mark.member_id and not is_coordinator(member, mark.community):
        raise errors.NotAllowed(_("Only the member or a coordinator of the community can withdraw this."))
    if mark.withdrawn_at is not None:
        raise errors.WrongState(_("This was already withdrawn."))
    mark.withdrawn_at = timezone.now()
    mark.withdrawn_by = member
    mark.save(update_fields=["withdrawn_at", "withdrawn_by"])
    trail.record(actor=member, verb="exchanges.withdraw_offline_mark", target=mark, community=mark.community)
    notices.offline_mark_withdrawn(mark, member)
    return mark


def send_reminder(*, exchange_id: int, deadline: datetime | None = None) -> bool:
    """Remind whoever has not confirmed that the hours will soon be confirmed automatically.

    A reminder planned for a `deadline` the exchange no longer has (the hours were changed since,
    do_amend_hours) is not sent: the new deadline has its own.
    """
    with transaction.atomic():
        exchange = Exchange.objects.select_for_update().filter(pk=exchange_id).first()
        if exchange is None or exchange.state != State.COMPLETED or exchange.reminder_sent_at is not None:
            return False
        if deadline is not None and exchange.confirm_deadline != deadline:
            return False
        exchange.reminder_sent_at = timezone.now()
        _save(exchange, None, ExchangeEvent.Kind.REMINDED, _("Hours will be confirmed automatically soon."))
        notices.auto_confirm_soon(exchange)
        return True
