from django.urls import path

from . import views, views_acknowledgement, views_msp_members, views_pre_visit

app_name = "visits"

urlpatterns = [
    path("", views.visit_list, name="list"),
    path("new/", views.visit_plan, name="plan"),
    path("<int:pk>/", views.visit_detail, name="detail"),
    path("<int:pk>/record/", views.visit_record, name="record"),
    path("<int:pk>/complete/", views.visit_complete, name="complete"),
    path("<int:pk>/cancel/", views.visit_cancel, name="cancel"),
    path("<int:pk>/note/", views.visit_note, name="note"),
    path("<int:pk>/note.pdf", views.visit_note_pdf, name="note_pdf"),
    path("<int:pk>/share/", views.visit_share, name="share"),
    # Notes of visit shared with the school and acknowledged by its headteacher (docs/adr/0023).
    path("<int:pk>/share-with-school/", views_acknowledgement.share_with_school, name="share_with_school"),
    path("acknowledgements/<int:pk>/reply/", views_acknowledgement.reply, name="acknowledgement_reply"),
    path("acknowledgements/awaiting/", views_acknowledgement.awaiting, name="acknowledgements_awaiting"),
    path("notes/", views_acknowledgement.shared_notes, name="shared_notes"),
    path("notes/<int:pk>/", views_acknowledgement.shared_note, name="shared_note"),
    # The school's pre-visit section of a planned visit, completed by its headteacher (docs/adr/0028).
    path("<int:pk>/pre-visit/", views_pre_visit.prepare, name="pre_visit"),
    path("actions/", views.action_list, name="actions"),
    path("actions/<int:pk>/", views.action_detail, name="action_detail"),
    path("compliance/", views.compliance, name="compliance"),
    path("compliance/export.<str:fmt>", views.compliance_export, name="compliance_export"),
    path("schools/<int:urn>/enhanced-offer/", views.enhanced_offer, name="enhanced_offer"),
    path("msp/", views.msp_list, name="msp_list"),
    path("msp/new/<int:urn>/", views.msp_group_set_up, name="msp_set_up"),
    path("msp/<int:pk>/", views.msp_group, name="msp_group"),
    path("msp/<int:pk>/edit/", views.msp_group_edit, name="msp_group_edit"),
    path("msp/<int:pk>/meetings/record/", views.msp_meeting_new, name="msp_meeting_new"),
    path("msp/meetings/<int:pk>/", views.msp_meeting, name="msp_meeting"),
    path("msp/meetings/<int:pk>/record/", views.msp_meeting_record, name="msp_meeting_record"),
    path("msp/meetings/<int:pk>/publish/", views.msp_meeting_publish, name="msp_meeting_publish"),
    path("msp/meetings/<int:pk>/cancel/", views.msp_meeting_cancel, name="msp_meeting_cancel"),
    path("msp/summaries/<int:pk>/", views.msp_summary, name="msp_summary"),
    path("msp/my-meetings/", views_msp_members.attended_list, name="msp_attended"),
    path("msp/my-meetings/<int:pk>/", views_msp_members.attended_meeting, name="msp_attended_meeting"),
    path("calendar/", views.calendar, name="calendar"),
    path("calendar/link/", views.calendar_token, name="calendar_token"),
    path("calendar/feed/<str:token>.ics", views.calendar_feed_view, name="calendar_feed"),
]
