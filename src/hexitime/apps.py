from django.apps import AppConfig


class HexitimeConfig(AppConfig):
    name = "hexitime"
    verbose_name = "Hexitime"
