from django.apps import AppConfig


class ExchangeConfig(AppConfig):
    name = "exchange"
    verbose_name = "Documents exchanged with schools"

    def ready(self):
        from . import panels, permissions  # noqa: F401  (rules, school page section, home panels)

        panels.register()
