"""Every change to communities and memberships. Each runs in one transaction and leaves an audit event."""

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from accounts.models import User
from audit import trail
from communities import errors, notices
from communities.models import Community, Membership, MembershipEvent

Status = Membership.Status

# Applying and withdrawing in a loop must not flood the coordinators' inboxes. The counts come from
# the membership's events in the database, so they hold however many app servers run.
APPLICATION_WINDOW = timedelta(hours=24)
MAX_APPLICATIONS_PER_WINDOW = 3  # applications by one member to one community within the window


def _lock_membership(member: User, community: Community) -> Membership | None:
    return Membership.objects.select_for_update().filter(member=member, community=community).first()


@transaction.atomic
def do_join_community(*, member: User, community: Community, note: str = "") -> Membership:
    """Join an open community at once, or apply to one that needs approval.

    A member has at most one membership row per community; applying again after leaving
    or being declined reuses it, so there are never duplicate applications.
    """
    membership = _lock_membership(member, community)
    if membership is not None:
        if membership.status == Status.ACTIVE:
            raise errors.AlreadyMember(_("You are already a member of %(c)s.") % {"c": community})
        if membership.status == Status.PENDING:
            raise errors.AlreadyApplied(
                _("You have already applied to join %(c)s; its coordinators will decide soon.") % {"c": community}
            )
        if membership.status == Status.SUSPENDED:
            raise errors.MembershipSuspended(
                _("Your membership of %(c)s is suspended. Please contact its coordinators.") % {"c": community}
            )
    else:
        membership = Membership(member=member, community=community, role=Membership.Role.MEMBER)

    is_open = community.join_policy == Community.JoinPolicy.OPEN
    recent: list[MembershipEvent] = []
    if not is_open and membership.pk is not None:  # the row is locked: parallel applications wait here
        since = timezone.now() - APPLICATION_WINDOW
        recent = list(membership.events.filter(kind=MembershipEvent.Kind.APPLIED, created_at__gt=since))
        if len(recent) >= MAX_APPLICATIONS_PER_WINDOW:
            again = timezone.localtime(min(event.created_at for event in recent) + APPLICATION_WINDOW)
            raise errors.TooManyApplications(
                _("You have applied to join %(c)s %(n)d times in the last 24 hours. You can apply again from %(when)s.")
                % {"c": community, "n": len(recent), "when": date_format(again, "j F Y, H:i")}
            )
    membership.status = Status.ACTIVE if is_open else Status.PENDING
    membership.role = Membership.Role.MEMBER
    membership.application_note = note.strip()
    membership.decision_reason = ""
    membership.decided_by = None
    membership.save()
    kind = MembershipEvent.Kind.JOINED if is_open else MembershipEvent.Kind.APPLIED
    event = MembershipEvent.objects.create(
        membership=membership, actor=member, kind=kind, reason=membership.application_note
    )
    trail.record(actor=member, verb=f"communities.{kind}", target=membership, community=community)
    if not is_open and not _told_since_last_decision(membership, recent):
        notices.application_received(membership, event)
    return membership


def _told_since_last_decision(membership: Membership, recent: list[MembershipEvent]) -> bool:
    """Whether the coordinators already heard of an application by this member in the last 24 hours
    that nobody has decided on since (one withdrawn by the member): then they are not told again."""
    if not recent:
        return False
    decided = (
        membership.events.filter(kind__in=[MembershipEvent.Kind.APPROVED, MembershipEvent.Kind.DECLINED])
        .order_by("-created_at", "-pk")
        .values_list("created_at", flat=True)
        .first()
    )
    return any(decided is None or event.created_at > decided for event in recent)


@transaction.atomic
def do_leave_community(*, member: User, community: Community) -> Membership:
    """Leave a community, or withdraw a pending application. The last coordinator cannot leave."""
    membership = _lock_membership(member, community)
    if membership is None or membership.status not in (Status.ACTIVE, Status.PENDING):
        raise errors.NotAMember(_("You are not a member of %(c)s.") % {"c": community})
    if membership.is_coordinator:
        coordinators = Membership.objects.select_for_update().filter(
            community=community, role=Membership.Role.COORDINATOR, status=Status.ACTIVE
        )
        if len(coordinators) <= 1:
            raise errors.LastCoordinator(
                _(
                    "You are the only coordinator of %(c)s. Ask the Hexitime team to appoint "
                    "another coordinator before you leave."
                )
                % {"c": community}
            )
    kind = MembershipEvent.Kind.LEFT if membership.status == Status.ACTIVE else MembershipEvent.Kind.WITHDRAWN
    membership.status = Status.LEFT
    membership.role = Membership.Role.MEMBER
    membership.save(update_fields=["status", "role", "updated_at"])
    MembershipEvent.objects.create(membership=membership, actor=member, kind=kind)
    trail.record(actor=member, verb=f"communities.{kind}", target=membership, community=community)
    return membership


@transaction.atomic
def do_decide_application(*, coordinator: User, membership: Membership, approve: bool, reason: str = "") -> Membership:
    """A coordinator approves or declines a pending application. The caller has checked access."""
    locked = Membership.objects.select_for_update().get(pk=membership.pk)
    if locked.status != Status.PENDING:
        raise errors.ApplicationAlreadyDecided(
            _("This application has already been decided or withdrawn; nothing was changed.")
        )
    locked.status = Status.ACTIVE if approve else Status.DECLINED
    locked.decided_by = coordinator
    locked.decision_reason = reason.strip()
    locked.save(update_fields=["status", "decided_by", "decision_reason", "updated_at"])
    kind = MembershipEvent.Kind.APPROVED if approve else MembershipEvent.Kind.DECLINED
    event = MembershipEvent.objects.create(
        membership=locked, actor=coordinator, kind=kind, reason=locked.decision_reason
    )
    trail.record(
        actor=coordinator,
        verb=f"communities.{kind}",
        target=locked,
        community_id=locked.community_id,
        member=locked.member_id,
    )
    notices.application_decided(locked, event)
    return locked


@transaction.atomic
def do_update_community(*, coordinator: User, community: Community, description: str, join_policy: str) -> Community:
    """A coordinator edits the description and join policy. The caller has checked access."""
    before = {"description": community.description, "join_policy": community.join_policy}
    community.description = description.strip()
    community.join_policy = join_policy
    community.full_clean()
    community.save(update_fields=["description", "join_policy"])
    after = {"description": community.description, "join_policy": community.join_policy}
    changed = {name: [before[name], value] for name, value in after.items() if before[name] != value}
    trail.record(actor=coordinator, verb="communities.update", target=community, community=community, changed=changed)
    return community
