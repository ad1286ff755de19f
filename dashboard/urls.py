from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [path("", views.home, name="home")]

from . import views_officer  # noqa: E402  (the officer dashboard, docs/adr/0022)

urlpatterns += [
    path("dashboard/", views_officer.officer_dashboard, name="officer"),
    path("dashboard/schools/", views_officer.figure_schools, name="figure"),
]
