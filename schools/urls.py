from django.urls import path

from . import views, views_imports

app_name = "schools"

urlpatterns = [
    path("", views.school_list, name="list"),
    path("export.<str:fmt>", views.school_export, name="export"),
    path("mine/", views.my_schools, name="mine"),
    path("imports/", views_imports.import_list, name="import_list"),
    path("imports/new/<str:kind>/", views_imports.import_new, name="import_new"),
    path("imports/<int:pk>/", views_imports.import_detail, name="import_detail"),
    path("imports/<int:pk>/errors.csv", views_imports.import_errors, name="import_errors"),
    path("imports/<int:pk>/progress.json", views_imports.import_progress, name="import_progress"),
    path("imports/<int:pk>/confirm/", views_imports.import_confirm, name="import_confirm"),
    path("imports/<int:pk>/cancel/", views_imports.import_cancel, name="import_cancel"),
    path("governorships/add/<int:user_pk>/", views.governorship_add, name="governorship_add"),
    path("governorships/<int:pk>/remove/", views.governorship_remove, name="governorship_remove"),
    path("terms/", views.term_dates, name="term_dates"),
    path("terms/<int:year>/", views.term_dates_edit, name="term_dates_edit"),
    path("wards/", views.ward_list, name="ward_list"),
    path("wards/<int:pk>/", views.ward_detail, name="ward_detail"),
    path("councillors/<int:pk>/edit/", views.councillor_edit, name="councillor_edit"),
    path("councillors/<int:pk>/remove/", views.councillor_remove, name="councillor_remove"),
    path("letterheads/", views.letterhead_list, name="letterheads"),
    path("letterheads/<str:la_code>/", views.letterhead_edit, name="letterhead_edit"),
    path("<int:urn>/", views.school_detail, name="detail"),
    path("<int:urn>/edit/", views.school_edit, name="edit"),
]
