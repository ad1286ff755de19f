from django.urls import path

from . import views_exports

app_name = "core"

urlpatterns = [
    path("exports/<int:pk>/", views_exports.export_detail, name="export_detail"),
    path("exports/<int:pk>/download/", views_exports.export_download, name="export_download"),
    path("exports/<slug:kind>.<str:fmt>", views_exports.list_export, name="list_export"),
]
