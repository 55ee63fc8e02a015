from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps


class HexitimeConfig(AppConfig):
    default = True
    name = "hexitime"
    verbose_name = "Hexitime"

    def ready(self) -> None:
        from hexitime import converters  # the <id:...> path converter, before any URL configuration is read

        converters.register()


class HexitimeAdminConfig(admin_apps.AdminConfig):
    """Django's admin on Hexitime's site, which staff reach only through allauth (hexitime.admin_site)."""

    default = False
    default_site = "hexitime.admin_site.HexitimeAdminSite"
