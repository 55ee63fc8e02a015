"""Who is told when credits arrive. Ledger actions call these inside their transaction.

The event key names the transfer ("transfer:<id>:received"), so a form submitted twice, which
finds the transfer its key already posted, tells nobody twice.
"""

from django.urls import reverse
from django.utils.translation import gettext as _

from accounts.models import User
from communities.models import Community
from communities.queries import coordinators
from hexitime.templatetags.hexitime import duration
from ledger.models import Transfer
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
