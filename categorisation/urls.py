from django.urls import path

from . import views_categorise, views_frameworks, views_lists, views_moderation, views_notice, views_review

app_name = "categorisation"

urlpatterns = [
    path("", views_lists.category_list, name="list"),
    path("export.<str:fmt>", views_lists.category_export, name="export"),
    path("review-due/", views_lists.review_due, name="review_due"),
    path("queue/", views_lists.queue, name="queue"),
    path("schools/<int:urn>/start/", views_categorise.start, name="start"),
    path("<int:pk>/", views_review.detail, name="detail"),
    path("<int:pk>/edit/", views_categorise.edit, name="edit"),
    path("<int:pk>/suggestion/", views_categorise.suggestion, name="suggestion"),
    path("<int:pk>/approve/", views_review.approve, name="approve"),
    path("<int:pk>/return/", views_review.return_to_adviser, name="return"),
    path("<int:pk>/withdraw/", views_review.withdraw, name="withdraw"),
    path("schools/<int:urn>/category/", views_notice.school_category, name="school_category"),
    path("challenges/", views_notice.challenges, name="challenges"),
    path("notices/<int:pk>/decide/", views_notice.decide, name="decide"),
    path("moderation/", views_moderation.sessions, name="moderation"),
    path("moderation/<int:pk>/", views_moderation.sheet, name="moderation_sheet"),
    path("moderation/<int:pk>/close/", views_moderation.close, name="moderation_close"),
    path("moderation/<int:pk>/export.<str:fmt>", views_moderation.export, name="moderation_export"),
    path("frameworks/", views_frameworks.framework_list, name="framework_list"),
    path("frameworks/new/", views_frameworks.framework_create, name="framework_create"),
    path("frameworks/<int:pk>/", views_frameworks.framework_detail, name="framework_detail"),
    path("frameworks/<int:pk>/edit/", views_frameworks.framework_edit, name="framework_edit"),
    path("frameworks/<int:pk>/copy/", views_frameworks.framework_copy, name="framework_copy"),
    path("frameworks/<int:pk>/activate/", views_frameworks.framework_activate, name="framework_activate"),
    path("frameworks/<int:framework_pk>/areas/new/", views_frameworks.area_edit, name="area_create"),
    path("areas/<int:pk>/edit/", views_frameworks.area_edit, name="area_edit"),
    path("areas/<int:pk>/delete/", views_frameworks.area_delete, name="area_delete"),
    path("areas/<int:area_pk>/statements/new/", views_frameworks.criterion_edit, name="criterion_create"),
    path("statements/<int:pk>/edit/", views_frameworks.criterion_edit, name="criterion_edit"),
    path("statements/<int:pk>/delete/", views_frameworks.criterion_delete, name="criterion_delete"),
]
