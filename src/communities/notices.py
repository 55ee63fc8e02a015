"""Who is told about applications to join a community. Community actions call these inside their transaction.

The event key names the membership event ("membership:<id>:<kind>:<event id>"): a member who
applies again after leaving or being declined reuses the membership row, and is a new event.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from communities.models import Membership, MembershipEvent
from communities.queries import coordinators
from notifications.actions import Note, notify, notify_all
from notifications.kinds import Kind


def _key(membership: Membership, event: MembershipEvent) -> str:
    return f"membership:{membership.pk}:{event.kind}:{event.pk}"


def application_received(membership: Membership, event: MembershipEvent) -> None:
    """The community's active coordinators hear of a new application, to decide on it."""
    community = membership.community
    title = _("%(name)s applied to join %(community)s") % {
        "name": membership.member.display_name,
        "community": community.name,
    }
    url = reverse("communities:applications", kwargs={"slug": community.slug})
    note = Note(
        kind=Kind.MEMBERSHIP_APPLICATION,
        title=title,
        url=url,
        event_key=_key(membership, event),
        body=membership.application_note,
    )
    notify_all([m.member for m in coordinators(community) if m.member_id != membership.member_id], note)


def application_decided(membership: Membership, event: MembershipEvent) -> None:
    """The applicant hears whether they are in, and the coordinator's reason."""
    community = membership.community
    values = {"community": community.name}
    if membership.status == Membership.Status.ACTIVE:
        title = _("Welcome to %(community)s: your application was approved") % values
    else:
        title = _("Your application to join %(community)s was declined") % values
    body = _("Reason: %(reason)s") % {"reason": membership.decision_reason} if membership.decision_reason else ""
    note = Note(
        kind=Kind.MEMBERSHIP_DECIDED,
        title=title,
        url=community.get_absolute_url(),
        event_key=_key(membership, event),
        body=body,
    )
    notify(membership.member, note)
