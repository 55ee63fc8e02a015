"""Who is told when credits arrive, and when coordinators use their powers. Ledger actions call
these inside their transaction.

Every grant, reversal, change of limits, request for a second coordinator and decision on one is told
to the community's other coordinators (LEDGER_POWER_USED); a request is told to every coordinator
who may decide it, of the community or of one above it (LEDGER_APPROVAL_REQUESTED).

The event key names the transfer ("transfer:<id>:received"), so a form submitted twice, which
finds the transfer its key already posted, tells nobody twice.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from communities.access import coordinators_or_ancestors
from communities.models import Community
from communities.queries import coordinators
from hexitime.durations import duration
from ledger.models import ApprovalRequest, LimitPolicy, Transfer
from notifications.actions import Note, notify, notify_all
from notifications.kinds import Kind


def _note(transfer: Transfer, title: str, url: str) -> Note:
    return Note(
        kind=Kind.CREDITS_RECEIVED,
        title=title,
        url=url,
        event_key=f"transfer:{transfer.pk}:received",
        body=transfer.reason,
    )


def donation_received(transfer: Transfer, donor: User, recipient: User | Community) -> None:
    values = {"name": donor.display_name, "time": duration(transfer.amount)}
    if isinstance(recipient, User):
        title = _("%(name)s gave you %(time)s") % values
        notify(recipient, _note(transfer, title, reverse("ledger:balance")))
        return
    # A fund has no inbox of its own: its coordinators, who grant from it, hear of the gift.
    title = _("%(name)s gave %(time)s to the fund of %(community)s") % {**values, "community": recipient.name}
    url = reverse("ledger:fund", kwargs={"slug": recipient.slug})
    people = [m.member for m in coordinators(recipient) if m.member_id != donor.pk]
    notify_all(people, _note(transfer, title, url))


def grant_received(transfer: Transfer, coordinator: User, community: Community, member: User) -> None:
    values = {"name": coordinator.display_name, "time": duration(transfer.amount), "community": community.name}
    title = _("%(name)s granted you %(time)s from the fund of %(community)s") % values
    if member.pk != coordinator.pk:
        notify(member, _note(transfer, title, reverse("ledger:balance")))


def _others(community: Community, *, besides: set[int]) -> list[User]:
    """The community's coordinators, except those named."""
    return [m.member for m in coordinators(community) if m.member_id not in besides]


def _power(title: str, url: str, event_key: str, body: str = "") -> Note:
    return Note(kind=Kind.LEDGER_POWER_USED, title=title, url=url, event_key=event_key, body=body)


def _fund_url(community: Community) -> str:
    return reverse("ledger:fund", kwargs={"slug": community.slug})


def grant_made(transfer: Transfer, coordinator: User, community: Community, member: User) -> None:
    values = {
        "name": coordinator.display_name,
        "time": duration(transfer.amount),
        "member": member.display_name,
        "community": community.name,
    }
    title = _("%(name)s granted %(time)s from the fund of %(community)s to %(member)s") % values
    note = _power(title, _fund_url(community), f"transfer:{transfer.pk}:power", transfer.reason)
    notify_all(_others(community, besides={coordinator.pk}), note)


def reversal_made(reversal: Transfer, coordinator: User, community: Community) -> None:
    values = {"name": coordinator.display_name, "number": reversal.reverses_id, "time": duration(reversal.amount)}
    title = _("%(name)s reversed transfer %(number)s (%(time)s)") % values
    note = _power(title, _fund_url(community), f"transfer:{reversal.pk}:power", reversal.reason)
    notify_all(_others(community, besides={coordinator.pk}), note)


def limits_changed(community: Community, coordinator: User, policy: LimitPolicy) -> None:
    values = {"name": coordinator.display_name, "community": community.name}
    title = _("%(name)s changed the limits of %(community)s") % values
    body = _("Members may go %(overdraft)s below zero (growing up to %(cap)s: %(grows)s); the fund %(fund)s.") % {
        "overdraft": duration(policy.member_overdraft),
        "cap": duration(policy.growth_cap),
        "grows": _("yes") if policy.grows_with_given else _("no"),
        "fund": duration(policy.fund_overdraft),
    }
    url = reverse("ledger:limits", kwargs={"slug": community.slug})
    stamp = policy.updated_at.isoformat() if policy.updated_at else ""
    notify_all(_others(community, besides={coordinator.pk}), _power(title, url, f"limits:{policy.pk}:{stamp}", body))


def describe(approval: ApprovalRequest) -> str:
    """What a request asks for, in one sentence."""
    if approval.kind == ApprovalRequest.Kind.GRANT:
        assert approval.member is not None
        assert approval.minutes is not None
        return _("a grant of %(time)s from the fund of %(community)s to %(member)s") % {
            "time": duration(approval.minutes),
            "community": approval.community.name,
            "member": approval.member.display_name,
        }
    parts = []
    if "fund_overdraft" in approval.limits:
        parts.append(_("the fund may go %(time)s below zero") % {"time": duration(approval.limits["fund_overdraft"])})
    if "member_overdraft" in approval.limits:
        parts.append(_("members may go %(time)s below zero") % {"time": duration(approval.limits["member_overdraft"])})
        if approval.limits.get("grows_with_given"):
            parts.append(
                _("growing up to %(time)s with hours given") % {"time": duration(approval.limits["growth_cap"])}
            )
    return _("new limits for %(community)s: %(limits)s") % {
        "community": approval.community.name,
        "limits": ", ".join(parts),
    }


def approval_url(approval: ApprovalRequest) -> str:
    return reverse("ledger:approval", kwargs={"slug": approval.community.slug, "approval_id": approval.pk})


def approval_requested(approval: ApprovalRequest) -> None:
    """Every coordinator who may decide the request hears of it (and so do the community's others)."""
    maker = approval.requested_by
    values = {"name": maker.display_name, "what": describe(approval)}
    title = _("%(name)s asks a second coordinator to approve %(what)s") % values
    note = Note(
        kind=Kind.LEDGER_APPROVAL_REQUESTED,
        title=title,
        url=approval_url(approval),
        event_key=f"approval:{approval.pk}:requested",
        body=approval.reason,
    )
    checkers = coordinators_or_ancestors(approval.community).exclude(pk=maker.pk).select_related("profile")
    if approval.member_id is not None:
        checkers = checkers.exclude(pk=approval.member_id)  # a grant to a coordinator is decided by others
    notify_all(list(checkers), note)


def approval_decided(approval: ApprovalRequest) -> None:
    """The maker and the community's other coordinators hear what became of a request."""
    decider = approval.decided_by
    assert decider is not None
    values = {"name": decider.display_name, "what": describe(approval), "maker": approval.requested_by.display_name}
    titles = {
        ApprovalRequest.State.APPROVED: _("%(name)s approved %(what)s, asked for by %(maker)s"),
        ApprovalRequest.State.REJECTED: _("%(name)s rejected %(what)s, asked for by %(maker)s"),
        ApprovalRequest.State.CANCELLED: _("%(name)s withdrew their request for %(what)s"),
    }
    title = titles[ApprovalRequest.State(approval.state)] % values
    note = _power(title, approval_url(approval), f"approval:{approval.pk}:{approval.state}", approval.decision_reason)
    people = _others(approval.community, besides={decider.pk})
    if approval.requested_by_id != decider.pk and all(p.pk != approval.requested_by_id for p in people):
        people.append(approval.requested_by)
    notify_all(people, note)
