from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class LedgerConfig(AppConfig):
    name = "ledger"
    verbose_name = _("Time-credit ledger")

    def ready(self) -> None:
        # Imported here, once the apps are loaded (the tasks and the schedule import models).
        from ledger import tasks
        from notifications.schedule import Job, register

        register(Job("expire_ledger_approvals", tasks.expire_ledger_approvals, "every run"))
