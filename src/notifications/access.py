"""Who may open which notification. Views reach a single notification only through here.

A notification is its recipient's alone: anyone else gets the same 404 as for one that does not
exist, so nobody can probe which notifications exist. Lists are always the member's own
(queries.inbox), and marking read only ever touches the member's own rows (actions).
"""

from django.http import Http404
from django.utils.translation import gettext as _

from accounts.models import User
from notifications.models import Notification


def access_notification(member: User, notification_id: int) -> Notification:
    """The member's own notification; 404 for anyone else's, as if it did not exist."""
    notification = Notification.objects.filter(pk=notification_id, recipient=member).first()
    if notification is None:
        raise Http404(_("This notification is not available to you."))
    return notification
