from django.apps import AppConfig


class LettersConfig(AppConfig):
    name = "letters"
    verbose_name = "Letters"

    def ready(self):
        from accounts.permissions import is_la_staff
        from categorisation.facts import register_fact_provider
        from core.navigation import NavItem, register

        from . import facts, panels, permissions, stored_suggestions  # noqa: F401  (rules)

        register(NavItem("Letters", "letters:register", is_la_staff, order=60))
        panels.register_section()
        panels.register_panels()
        panels.register_plan_panels()
        stored_suggestions.connect()
        register_fact_provider("letters", facts.warning_notice_or_concerns_letter_facts)

        from core.export_jobs import register as register_export

        from .exports import SUGGESTIONS

        register_export(SUGGESTIONS)
