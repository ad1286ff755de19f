from django.apps import AppConfig


class AcademiesConfig(AppConfig):
    name = "academies"
    verbose_name = "Academies"

    def ready(self):
        from accounts.permissions import is_la_staff
        from core.navigation import NavItem, register

        from . import evidence, panels, permissions  # noqa: F401  (rules, school page section)

        register(NavItem("Academies", "academies:list", is_la_staff, order=65, prefix="/academies/"))
        panels.register()
        evidence.register()  # intelligence offered on the categorisation form
