from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotificationsConfig(AppConfig):
    name = "notifications"
    verbose_name = _("Notifications")

    def ready(self) -> None:
        # Imported here, once the apps are loaded (the tasks and the schedule import models).
        from notifications import scheduled
        from notifications.schedule import register

        register(*scheduled.JOBS)
