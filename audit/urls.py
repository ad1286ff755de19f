from django.urls import path

from . import views

app_name = "audit"

urlpatterns = [
    path("role-requests/", views.role_requests, name="role_requests"),
    path("role-requests/<int:pk>/approve/", views.role_request_approve, name="role_request_approve"),
    path("role-requests/<int:pk>/decline/", views.role_request_decline, name="role_request_decline"),
    path("role-requests/<int:pk>/withdraw/", views.role_request_withdraw, name="role_request_withdraw"),
    path("access/", views.access_log, name="access_log"),
    path("access/export.csv", views.access_log_export, name="access_log_export"),
    path("reads/", views.read_log, name="read_log"),
    path("reads/export.csv", views.read_log_export, name="read_log_export"),
    path("reads/<slug:app_label>/<slug:model>/<int:object_id>/", views.record_reads, name="record_reads"),
]
