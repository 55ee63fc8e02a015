"""Staff look at notifications, members' choices and the e-mail outbox here; they change none of them.

Members change their own settings; the outbox changes only through sending (and, for stuck
e-mails, `manage.py requeue_stuck_emails`, see notifications.email).
"""

from django.contrib import admin

from audit.admin import ReadOnlyAdmin
from notifications.models import Notification, NotificationPreference, OutboundEmail


@admin.register(Notification)
class NotificationAdmin(ReadOnlyAdmin[Notification]):
    list_display = ["title", "recipient", "kind", "delivery", "created_at", "read_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["recipient__email", "event_key", "title"]
    list_select_related = ["recipient"]
    date_hierarchy = "created_at"


@admin.register(NotificationPreference)
class NotificationPreferenceAdmin(ReadOnlyAdmin[NotificationPreference]):
    list_display = ["member", "kind", "delivery", "updated_at"]
    list_filter = ["kind", "delivery"]
    search_fields = ["member__email"]
    list_select_related = ["member"]


@admin.register(OutboundEmail)
class OutboundEmailAdmin(ReadOnlyAdmin[OutboundEmail]):
    list_display = ["key", "to_address", "subject", "state", "attempts", "created_at", "sent_at", "last_error"]
    list_filter = ["state"]
    search_fields = ["key", "to_address", "recipient__email"]
    date_hierarchy = "created_at"
