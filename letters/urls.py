from django.urls import path

from . import views, views_action_plans

app_name = "letters"

urlpatterns = [
    path("", views.register, name="register"),
    path("export.<str:fmt>", views.register_export, name="export"),
    path("new/", views.start, name="start"),
    path("new/<int:urn>/<str:code>/", views.new_letter, name="new"),
    path("suggestions/", views.suggestion_list, name="suggestions"),
    path("suggestions/<int:urn>/<slug:key>/accept/", views.suggestion_accept, name="suggestion_accept"),
    path("suggestions/<int:urn>/<slug:key>/dismiss/", views.suggestion_dismiss, name="suggestion_dismiss"),
    path("templates/", views.template_list, name="templates"),
    path("templates/<str:code>/", views.template_edit, name="template_edit"),
    path("templates/<str:code>/indicators/add/", views.indicator_add, name="indicator_add"),
    path("templates/<str:code>/approval/", views.letter_type_approval, name="letter_type_approval"),
    path("indicators/<int:pk>/", views.indicator_edit, name="indicator_edit"),
    path("plans/", views_action_plans.plan_list, name="plans"),
    path("plans/<int:pk>/", views_action_plans.plan_detail, name="plan"),
    path("plans/<int:pk>/file", views_action_plans.plan_file, name="plan_file"),
    path("our-plans/", views_action_plans.school_plans, name="school_plans"),
    path("our-plans/<int:pk>/", views_action_plans.school_plan, name="school_plan"),
    path("<int:pk>/", views.detail, name="detail"),
    path("<int:pk>/edit/", views.edit, name="edit"),
    path("<int:pk>/submit/", views.submit, name="submit"),
    path("<int:pk>/approve/", views.approve, name="approve"),
    path("<int:pk>/return/", views.return_letter, name="return"),
    path("<int:pk>/withdraw/", views.withdraw, name="withdraw"),
    path("<int:pk>/issue/", views.issue, name="issue"),
    path("<int:pk>/draft.pdf", views.draft_pdf, name="draft_pdf"),
    path("<int:pk>/<str:document>.<str:fmt>", views.download, name="download"),
    path("<int:pk>/<str:document>/produce-again/", views.documents_retry, name="documents_retry"),
    path("<int:pk>/response/", views.record_response, name="response"),
    path("<int:pk>/outcome/", views.record_outcome, name="outcome"),
    path("<int:pk>/intention/", views.give_intention, name="intention"),
    path("<int:pk>/decision/", views.record_decision, name="decision"),
]
