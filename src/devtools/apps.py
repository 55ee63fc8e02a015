from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DevtoolsConfig(AppConfig):
    """Demo data, the national bench data set and the benchmarks: installed only for development
    (DEBUG, the test suite, or DEVTOOLS=1), never on a production site."""

    name = "devtools"
    verbose_name = _("Development tools")
