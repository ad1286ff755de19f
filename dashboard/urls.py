from django.urls import path

from . import views

app_name = "dashboard"

urlpatterns = [path("", views.home, name="home")]

# A school's case file (docs/adr/0021); dashboard is included at the root (config/urls.py).
from . import views_timeline  # noqa: E402  (kept apart from the lines above, for merging)

urlpatterns += [
    path("schools/<int:urn>/timeline/", views_timeline.case_file, name="timeline"),
    path("schools/<int:urn>/timeline.pdf", views_timeline.case_file_pdf, name="timeline_pdf"),
]
