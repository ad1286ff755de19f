from django.apps import AppConfig


class DashboardConfig(AppConfig):
    name = "dashboard"
    verbose_name = "Dashboard"

    def ready(self):
        from accounts.permissions import is_admin, is_adviser, is_governor, is_headteacher, is_la_staff
        from core.navigation import NavItem, register

        register(NavItem("Home", "dashboard:home", is_la_staff | is_admin | is_governor | is_headteacher, order=0))

        from . import permissions  # noqa: F401  (rules)

        register(NavItem("Dashboard", "dashboard:officer", is_la_staff, order=15, prefix="/dashboard/"))
        # docs/adr/0029: the adviser's own dashboard; the outcomes table; England's figures (admins).
        register(NavItem("My dashboard", "dashboard:adviser", is_adviser, order=5))
        register(NavItem("Outcomes", "dashboard:outcomes", is_la_staff, order=16, prefix="/dashboard/outcomes/"))
        register(NavItem("Outcome figures", "dashboard:national_outcomes", is_admin, order=82))

        # What is due for whom (core.reminders): the reminders page and the daily digest read them.
        from academies.reminders import reminders as concern_reminders
        from categorisation.reminders import reminders as categorisation_reminders
        from core.reminders import register as register_reminders
        from letters.reminders import reminders as letter_reminders
        from visits.reminders import reminders as visit_reminders

        for source in (visit_reminders, categorisation_reminders, letter_reminders, concern_reminders):
            register_reminders(source)
        from core import home
        from core.sections import Section

        home.register(
            Section(key="reminders", title="Your reminders", order=1, template="dashboard/panels/reminders.html",
                    context=lambda request, user: {} if is_la_staff(user) else None)
        )  # fmt: skip

        from core.export_jobs import register as register_export

        from .case_file_pdf import CASE_FILE_PDF
        from .exports import FIGURE_SCHOOLS

        register_export(FIGURE_SCHOOLS)
        register_export(CASE_FILE_PDF)

        from . import stored_levels, stored_ofsted

        stored_levels.connect()
        stored_ofsted.connect()
