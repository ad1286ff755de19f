from django.urls import path

from . import views, views_moderation, views_notice

app_name = "categorisation"

urlpatterns = [
    path("", views.category_list, name="list"),
    path("export.<str:fmt>", views.category_export, name="export"),
    path("review-due/", views.review_due, name="review_due"),
    path("queue/", views.queue, name="queue"),
    path("schools/<int:urn>/start/", views.start, name="start"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/suggestion/", views.suggestion, name="suggestion"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_to_adviser, name="return"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("schools/<int:urn>/category/", views_notice.school_category, name="school_category"),
    path("challenges/", views_notice.challenges, name="challenges"),
    path("notices/<int:pk>/decide/", views_notice.decide, name="decide"),
    path("moderation/", views_moderation.sessions, name="moderation"),
    path("moderation/<int:pk>/", views_moderation.sheet, name="moderation_sheet"),
    path("moderation/<int:pk>/close/", views_moderation.close, name="moderation_close"),
    path("moderation/<int:pk>/export.<str:fmt>", views_moderation.export, name="moderation_export"),
    path("frameworks/", views.framework_list, name="framework_list"),
    path("frameworks/new/", views.framework_create, name="framework_create"),
    path("frameworks/<int:pk>/", views.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/edit/", views.framework_edit, name="framework_edit"),
    path("frameworks/<int:pk>/copy/", views.framework_copy, name="framework_copy"),
    path("frameworks/<int:pk>/activate/", views.framework_activate, name="framework_activate"),
    path("frameworks/<int:framework_pk>/areas/new/", views.area_edit, name="area_create"),
    path("areas/<int:pk>/edit/", views.area_edit, name="area_edit"),
    path("areas/<int:pk>/delete/", views.area_delete, name="area_delete"),
    path("areas/<int:area_pk>/statements/new/", views.criterion_edit, name="criterion_create"),
    path("statements/<int:pk>/edit/", views.criterion_edit, name="criterion_edit"),
    path("statements/<int:pk>/delete/", views.criterion_delete, name="criterion_delete"),
]
