from django.urls import path

from . import (
    views,
    views_adviser,
    views_charts,
    views_officer,
    views_outcomes,
    views_packs,
    views_reminders,
    views_timeline,
)

app_name = "dashboard"

# dashboard is included at the root (config/urls.py).
urlpatterns = [
    path("", views.home, name="home"),
    path("reminders/", views_reminders.reminders, name="reminders"),
    # The officer dashboard (docs/adr/0022) and the schools behind each of its figures.
    path("dashboard/", views_officer.officer_dashboard, name="officer"),
    path("dashboard/schools/", views_officer.figure_schools, name="figure"),
    # Its charts, each an SVG document shown by the page as an <img> (docs/adr/0035).
    path("dashboard/charts/<slug:name>.svg", views_charts.chart_svg, name="chart"),
    # Reporting packs for council meetings (docs/adr/0030).
    path("dashboard/packs/", views_packs.pack_list, name="packs"),
    path("dashboard/packs/<int:pk>/", views_packs.pack_detail, name="pack"),
    path("dashboard/packs/<int:pk>/pack.<str:fmt>", views_packs.pack_download, name="pack_download"),
    # The adviser's own dashboard and the outcomes table (docs/adr/0029).
    path("dashboard/adviser/", views_adviser.adviser_dashboard, name="adviser"),
    path("dashboard/outcomes/", views_outcomes.outcomes_table, name="outcomes"),
    path("dashboard/outcomes/schools/", views_outcomes.outcome_schools, name="outcome_schools"),
    path("dashboard/outcomes/national/", views_outcomes.national_outcomes, name="national_outcomes"),
    # A school's case file (docs/adr/0021).
    path("schools/<int:urn>/timeline/", views_timeline.case_file, name="timeline"),
    path("schools/<int:urn>/timeline.pdf", views_timeline.case_file_pdf, name="timeline_pdf"),
]
