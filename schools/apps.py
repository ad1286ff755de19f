from django.apps import AppConfig


class SchoolsConfig(AppConfig):
    name = "schools"
    verbose_name = "Schools"

    def ready(self):
        from accounts.permissions import is_admin, is_adviser, is_la_staff
        from core.navigation import NavItem, register

        from . import latest_judgement, permissions, school_page, user_sections  # noqa: F401  (rules and page sections)

        latest_judgement.connect()
        from django.db.models.signals import post_delete, post_save

        from .models import Term
        from .terms import forget_saved_terms

        post_save.connect(forget_saved_terms, sender=Term, dispatch_uid="terms-read-once-save")
        post_delete.connect(forget_saved_terms, sender=Term, dispatch_uid="terms-read-once-delete")

        user_sections.register()
        from core.export_jobs import register as register_export

        from .exports import SCHOOLS

        register_export(SCHOOLS)
        register(NavItem("My schools", "schools:mine", is_adviser, order=10))
        register(NavItem("Schools", "schools:list", is_la_staff | is_admin, order=20))
        register(NavItem("Imports", "schools:import_list", is_admin, order=80))
