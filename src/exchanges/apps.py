from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ExchangesConfig(AppConfig):
    name = "exchanges"
    verbose_name = _("Exchanges")

    def ready(self) -> None:
        # Imported here, once the apps are loaded (the tasks and the schedule import models).
        from exchanges import tasks
        from notifications.schedule import Job, register

        register(Job("sweep_auto_confirm", tasks.sweep_auto_confirm, "every run"))
