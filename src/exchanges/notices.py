"""What the people of an exchange are told at each step. Actions call these inside their transaction.

Every step of an exchange bumps its version, so the event key "exchange:<id>:<kind>:<version>"
names one step: a later step of the same kind (a second dispute after a resolve) notifies again,
while a retried call for the same step finds its key taken and tells nobody twice.
"""

from collections.abc import Callable
from dataclasses import replace

from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from accounts.models import User
from communities.models import Community, Membership
from exchanges import rules
from exchanges.models import Exchange, ExchangeRecipient, OfflineMark
from hexitime.durations import duration
from notifications.actions import Note, notify
from notifications.kinds import Kind


def parties(exchange: Exchange) -> list[User]:
    """The provider and every recipient, with their profiles (for names)."""
    recipient_ids = ExchangeRecipient.objects.filter(exchange=exchange).values("recipient_id")
    people = User.objects.select_related("profile").filter(Q(pk=exchange.provider_id) | Q(pk__in=recipient_ids))
    return list(people.order_by("pk"))


def _others(exchange: Exchange, actor: User) -> list[User]:
    return [person for person in parties(exchange) if person.pk != actor.pk]


def _other_side(exchange: Exchange, actor: User) -> list[User]:
    """Who the actor's step concerns: in a group exchange a recipient's step concerns only the provider."""
    if exchange.is_group and actor.pk != exchange.provider_id:
        return [person for person in parties(exchange) if person.pk == exchange.provider_id]
    return _others(exchange, actor)


def _confirmers(exchange: Exchange) -> list[User]:
    """Who may still confirm or dispute the recorded hours (rules.may_confirm, rules.may_dispute)."""
    waiting = rules.may_answer_hours(exchange)
    return [person for person in parties(exchange) if person.pk in waiting]


def _resolvers(exchange: Exchange, people: list[User]) -> list[User]:
    """The coordinators rules.may_resolve admits: of a community involved, and not a party."""
    coordinators = User.objects.select_related("profile").filter(
        memberships__community_id__in=rules.involved_community_ids(exchange),
        memberships__role=Membership.Role.COORDINATOR,
        memberships__status=Membership.Status.ACTIVE,
    )
    return list(coordinators.exclude(pk__in=[person.pk for person in people]).distinct().order_by("pk"))


def _names(people: list[User]) -> str:
    """'Bob Brown', 'Bob Brown and Carol Clark', or 'Bob Brown and 3 others'."""
    names = [person.display_name for person in people]
    if len(names) <= 1:
        return "".join(names)
    if len(names) == 2:
        return _("%(first)s and %(second)s") % {"first": names[0], "second": names[1]}
    count = len(names) - 1
    return ngettext("%(name)s and %(count)d other", "%(name)s and %(count)d others", count) % {
        "name": names[0],
        "count": count,
    }


def _counterparts(exchange: Exchange, member: User, people: list[User]) -> str:
    """The names of the other side, as this member sees the exchange."""
    if member.pk == exchange.provider_id:
        return _names([person for person in people if person.pk != member.pk])
    return _names([person for person in people if person.pk == exchange.provider_id])


def _deadline(exchange: Exchange) -> str:
    assert exchange.confirm_deadline is not None
    return formats.date_format(timezone.localtime(exchange.confirm_deadline), "j F Y")


def _tell(
    exchange: Exchange, kind: str, people: list[User], title: str | Callable[[User], str], body: str = ""
) -> None:
    """Notify each person of this step; the title may be made per person (to name their other side)."""
    key = f"exchange:{exchange.pk}:{kind}:{exchange.version}"
    url = exchange.get_absolute_url()
    for person in people:
        text = title if isinstance(title, str) else title(person)
        notify(person, Note(kind=kind, title=text, url=url, event_key=key, body=body))


def _values(exchange: Exchange, actor: User | None = None, minutes: int | None = None) -> dict[str, str]:
    return {
        "name": actor.display_name if actor else "",
        "title": exchange.title,
        "time": duration(minutes if minutes is not None else exchange.recorded_minutes),
    }


def exchange_proposed(exchange: Exchange, proposer: User) -> None:
    title = _("%(name)s proposed an exchange: “%(title)s”") % _values(exchange, proposer)
    details = _("%(time)s, %(window)s.") % {"time": duration(exchange.proposed_minutes), "window": exchange.window}
    body = f"{details}\n\n{exchange.message}".strip()
    _tell(exchange, Kind.EXCHANGE_PROPOSED, _others(exchange, proposer), title, body)


def exchange_accepted(exchange: Exchange, actor: User) -> None:
    title = _("%(name)s accepted “%(title)s”") % _values(exchange, actor)
    _tell(exchange, Kind.EXCHANGE_ACCEPTED, _others(exchange, actor), title)


def exchange_declined(exchange: Exchange, actor: User, reason: str) -> None:
    title = _("%(name)s declined “%(title)s”") % _values(exchange, actor)
    _tell(exchange, Kind.EXCHANGE_DECLINED, _others(exchange, actor), title, reason.strip())


def exchange_cancelled(exchange: Exchange, actor: User, reason: str) -> None:
    title = _("%(name)s cancelled “%(title)s”") % _values(exchange, actor)
    _tell(exchange, Kind.EXCHANGE_CANCELLED, _others(exchange, actor), title, reason.strip())


def far_from_agreed_text(exchange: Exchange, names: str) -> str:
    """What both sides read when the recorded hours need an explicit confirmation."""
    return _(
        "These hours differ a lot from the %(agreed)s agreed, so they will not confirm themselves; "
        "%(names)s must confirm or dispute them."
    ) % {"agreed": duration(exchange.proposed_minutes), "names": names}


def exchange_recorded(exchange: Exchange, actor: User, *, previous: int | None = None) -> None:
    """New hours to confirm: just recorded, or changed by whoever recorded them (`previous` then says from what)."""
    if previous is None:
        title = _("%(name)s recorded %(time)s for “%(title)s”") % _values(exchange, actor)
    else:
        title = _("%(name)s changed the hours of “%(title)s” from %(old)s to %(time)s") % {
            **_values(exchange, actor),
            "old": duration(previous),
        }
    confirmers = _confirmers(exchange)
    if exchange.hours_far_from_agreed:
        body = _(
            "These hours differ a lot from the %(agreed)s agreed, so they will not confirm themselves: "
            "please confirm them, or dispute them if they are wrong."
        ) % {"agreed": duration(exchange.proposed_minutes)}
    else:
        body = _(
            "Please confirm the hours, or dispute them if they are wrong. "
            "If you do neither, they will be confirmed automatically on %(date)s."
        ) % {"date": _deadline(exchange)}
    _tell(exchange, Kind.EXCHANGE_RECORDED, confirmers, title, body)


def exchange_confirmed(exchange: Exchange, actor: User) -> None:
    title = _("%(name)s confirmed %(time)s for “%(title)s”") % _values(exchange, actor)
    _tell(exchange, Kind.EXCHANGE_CONFIRMED, _other_side(exchange, actor), title)


def exchange_disputed(exchange: Exchange, actor: User, reason: str) -> None:
    """The other side hears of it, and so do the coordinators who can resolve it."""
    values = _values(exchange, actor)
    title = _("%(name)s disputed the hours of “%(title)s”") % values
    _tell(exchange, Kind.EXCHANGE_DISPUTED, _other_side(exchange, actor), title, reason.strip())
    to_resolve = _("A dispute to resolve: %(name)s disputed the hours of “%(title)s”") % values
    resolvers = _resolvers(exchange, parties(exchange))
    _tell(exchange, Kind.EXCHANGE_DISPUTED, resolvers, to_resolve, reason.strip())


def exchange_resolved(exchange: Exchange, coordinator: User, decision: str, reason: str, minutes: int | None) -> None:
    values = _values(exchange, coordinator, minutes)
    title = _("%(name)s resolved the dispute over “%(title)s”") % values
    outcome = {
        "confirm": _("The recorded hours (%(time)s) are confirmed."),
        "change": _("The hours are changed to %(time)s and confirmed."),
        "cancel": _("The disputed hours are cancelled: no credits moved."),
    }[decision] % values
    body = outcome + "\n\n" + _("Reason: %(reason)s") % {"reason": reason.strip()}
    _tell(exchange, Kind.EXCHANGE_RESOLVED, parties(exchange), title, body)


def exchange_auto_confirmed(exchange: Exchange, recipient_ids: list[int]) -> None:
    """The provider and the recipients whose silence confirmed the hours (nobody acted, so each hears)."""
    people = parties(exchange)
    told = [person for person in people if person.pk == exchange.provider_id or person.pk in recipient_ids]

    def title(person: User) -> str:
        values = {**_values(exchange), "names": _counterparts(exchange, person, people)}
        return _("Confirmed automatically: %(time)s for “%(title)s” with %(names)s") % values

    body = _("Nobody confirmed or disputed the hours by the deadline, so they were confirmed and have moved.")
    _tell(exchange, Kind.EXCHANGE_CONFIRMED, told, title, body)


def auto_confirm_failed(exchange: Exchange, reason: str) -> None:
    """Nothing moved at the deadline (a limit, say): the parties and the coordinators who can settle
    it hear why, once for the exchange however often the sweep tries again."""
    people = parties(exchange)
    note = Note(
        kind=Kind.AUTO_CONFIRM_FAILED,
        title=_("“%(title)s” could not be confirmed automatically") % _values(exchange),
        body=reason + "\n\n" + _("Nothing has moved. A coordinator can settle it on the exchange page."),
        url=exchange.get_absolute_url(),
        event_key=f"exchange:{exchange.pk}:auto_confirm_failed",
    )
    for person in people + _resolvers(exchange, people):
        notify(person, note)


def auto_confirm_soon(exchange: Exchange) -> None:
    """Remind whoever has not confirmed that their silence will confirm the hours."""
    people = parties(exchange)

    def title(person: User) -> str:
        values = {**_values(exchange), "names": _counterparts(exchange, person, people)}
        return _("Please confirm %(time)s for “%(title)s” with %(names)s") % values

    body = _("Hours will be confirmed automatically on %(date)s unless you confirm or dispute them.") % {
        "date": _deadline(exchange)
    }
    _tell(exchange, Kind.AUTO_CONFIRM_SOON, _confirmers(exchange), title, body)


def exchange_brokered(exchange: Exchange, coordinator: User) -> None:
    """Both members hear that a coordinator recorded it for them, and that it waits for the deadline:
    the recipient may confirm it, either may dispute it, and silence confirms it then."""
    people = parties(exchange)

    def title(person: User) -> str:
        values = {**_values(exchange, coordinator), "names": _counterparts(exchange, person, people)}
        return _("%(name)s, a coordinator, recorded %(time)s for “%(title)s” with %(names)s") % values

    date = {"date": _deadline(exchange)}
    to_provider = (
        _(
            "A coordinator recorded this exchange for you. Nothing has moved yet. If it is wrong, dispute it "
            "before %(date)s; otherwise it is confirmed automatically then."
        )
        % date
    )
    to_recipient = (
        _(
            "A coordinator recorded this exchange for you. Nothing has moved yet. Confirm it, or dispute it if it "
            "is wrong. If you do neither, it is confirmed automatically on %(date)s and the hours move."
        )
        % date
    )
    told = [p for p in people if p.pk != coordinator.pk]
    _tell(exchange, Kind.EXCHANGE_RECORDED, [p for p in told if p.pk == exchange.provider_id], title, to_provider)
    _tell(exchange, Kind.EXCHANGE_RECORDED, [p for p in told if p.pk != exchange.provider_id], title, to_recipient)


def _coordinators_of(community: Community, *, besides: list[int]) -> list[User]:
    coordinators = User.objects.select_related("profile").filter(
        is_active=True,
        memberships__community=community,
        memberships__role=Membership.Role.COORDINATOR,
        memberships__status=Membership.Status.ACTIVE,
    )
    return list(coordinators.exclude(pk__in=besides).distinct().order_by("pk"))


def marked_offline(mark: OfflineMark) -> None:
    """The member and the community's other coordinators hear that exchanges may now be recorded for them."""
    values = {
        "name": mark.marked_by.display_name,
        "member": mark.member.display_name,
        "community": mark.community.name,
        "reason": mark.reason,
    }
    url = reverse("exchanges:brokering")
    key = f"offline_mark:{mark.pk}"
    notify(
        mark.member,
        Note(
            kind=Kind.MARKED_OFFLINE,
            title=_("%(name)s marked you as offline in %(community)s") % values,
            body=_(
                "Coordinators of %(community)s may now record exchanges for you. Reason given: %(reason)s\n\n"
                "You are told of every exchange recorded for you and can dispute it. "
                "If you did not expect this, withdraw it on Hexitime."
            )
            % values,
            url=url,
            event_key=key,
        ),
    )
    note = Note(
        kind=Kind.MARKED_OFFLINE,
        title=_("%(name)s marked %(member)s as offline in %(community)s") % values,
        body=_("Reason given: %(reason)s") % values,
        url=reverse("exchanges:offline", kwargs={"slug": mark.community.slug}),
        event_key=key,
    )
    for coordinator in _coordinators_of(mark.community, besides=[mark.marked_by_id, mark.member_id]):
        notify(coordinator, note)


def offline_mark_withdrawn(mark: OfflineMark, actor: User) -> None:
    """The coordinators (and the member, when a coordinator withdrew it) hear that it was withdrawn."""
    values = {"name": actor.display_name, "member": mark.member.display_name, "community": mark.community.name}
    note = Note(
        kind=Kind.MARKED_OFFLINE,
        title=_("%(name)s withdrew the offline mark of %(member)s in %(community)s") % values,
        body=_("Coordinators can no longer record exchanges for them unless they agreed to it on their profile."),
        url=reverse("exchanges:offline", kwargs={"slug": mark.community.slug}),
        event_key=f"offline_mark:{mark.pk}:withdrawn",
    )
    for person in _coordinators_of(mark.community, besides=[actor.pk, mark.member_id]):
        notify(person, note)
    if actor.pk != mark.member_id:
        notify(mark.member, replace(note, url=reverse("exchanges:brokering")))
