from django.apps import AppConfig


class AcademiesConfig(AppConfig):
    name = "academies"
    verbose_name = "Academies"

    def ready(self):
        from django.urls import reverse

        from accounts.permissions import is_la_staff
        from core.navigation import NavItem, register
        from letters.links import register_letter_owner, register_trust_page

        from . import evidence, panels, permissions, selectors  # noqa: F401  (rules, school page section)

        register(NavItem("Academies", "academies:list", is_la_staff, order=65, prefix="/academies/"))
        panels.register()
        evidence.register()  # intelligence offered on the categorisation form
        # The letters issue page links here when a trust's chair or chief executive is not recorded.
        register_trust_page(lambda trust: reverse("academies:trust_edit", kwargs={"code": trust.code}))
        # The letter page of a letter to a trust links back to the concern it was drafted from.
        register_letter_owner(selectors.concern_of_letter)

        from core.export_jobs import register as register_export

        from .exports import CONCERNS

        register_export(CONCERNS)
