from django.apps import AppConfig


class VisitsConfig(AppConfig):
    name = "visits"
    verbose_name = "Visits"

    def ready(self):
        from accounts.permissions import is_headteacher, is_la_staff
        from core.navigation import NavItem, register

        from . import panels, permissions, stored_compliance  # noqa: F401  (rules, school page sections, home panels)

        # One menu item for everything under /visits/; the visits pages have their own sub-navigation.
        register(NavItem("Visits", "visits:list", is_la_staff, order=40, prefix="/visits/"))
        # A headteacher's one item: the visits to prepare for and the notes of visit shared with them
        # (docs/adr/0023, 0028); they open no other page under /visits/.
        register(NavItem("Visits and notes", "visits:shared_notes", is_headteacher, order=41, prefix="/visits/"))
        panels.register()
        stored_compliance.connect()

        from core.export_jobs import register as register_export

        from .exports import KINDS

        for kind in KINDS:
            register_export(kind)
