from django.urls import path

from . import (
    views_action_plans,
    views_approval,
    views_drafting,
    views_register,
    views_suggestions,
    views_templates,
    views_warning_notices,
)

app_name = "letters"

urlpatterns = [
    path("", views_register.register, name="register"),
    path("export.<str:fmt>", views_register.register_export, name="export"),
    path("new/", views_drafting.start, name="start"),
    path("new/<int:urn>/<str:code>/", views_drafting.new_letter, name="new"),
    path("suggestions/", views_suggestions.suggestion_list, name="suggestions"),
    path("suggestions/<int:urn>/<slug:key>/accept/", views_suggestions.suggestion_accept, name="suggestion_accept"),
    path("suggestions/<int:urn>/<slug:key>/dismiss/", views_suggestions.suggestion_dismiss, name="suggestion_dismiss"),
    path("templates/", views_templates.template_list, name="templates"),
    path("templates/<str:code>/", views_templates.template_edit, name="template_edit"),
    path("templates/<str:code>/indicators/add/", views_templates.indicator_add, name="indicator_add"),
    path("templates/<str:code>/approval/", views_templates.letter_type_approval, name="letter_type_approval"),
    path("indicators/<int:pk>/", views_templates.indicator_edit, name="indicator_edit"),
    path("plans/", views_action_plans.plan_list, name="plans"),
    path("plans/<int:pk>/", views_action_plans.plan_detail, name="plan"),
    path("plans/<int:pk>/file", views_action_plans.plan_file, name="plan_file"),
    path("our-plans/", views_action_plans.school_plans, name="school_plans"),
    path("our-plans/<int:pk>/", views_action_plans.school_plan, name="school_plan"),
    path("<int:pk>/", views_register.detail, name="detail"),
    path("<int:pk>/edit/", views_drafting.edit, name="edit"),
    path("<int:pk>/submit/", views_approval.submit, name="submit"),
    path("<int:pk>/approve/", views_approval.approve, name="approve"),
    path("<int:pk>/return/", views_approval.return_letter, name="return"),
    path("<int:pk>/withdraw/", views_approval.withdraw, name="withdraw"),
    path("<int:pk>/issue/", views_approval.issue, name="issue"),
    path("<int:pk>/draft.pdf", views_register.draft_pdf, name="draft_pdf"),
    path("<int:pk>/<str:document>.<str:fmt>", views_register.download, name="download"),
    path("<int:pk>/<str:document>/produce-again/", views_register.documents_retry, name="documents_retry"),
    path("<int:pk>/response/", views_warning_notices.record_response, name="response"),
    path("<int:pk>/outcome/", views_warning_notices.record_outcome, name="outcome"),
    path("<int:pk>/intention/", views_warning_notices.give_intention, name="intention"),
    path("<int:pk>/decision/", views_warning_notices.record_decision, name="decision"),
]
