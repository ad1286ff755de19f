from django.urls import path

from . import (
    views_acknowledgement,
    views_actions,
    views_calendar,
    views_compliance,
    views_msp,
    views_msp_members,
    views_pre_visit,
    views_visits,
)

app_name = "visits"

urlpatterns = [
    path("", views_visits.visit_list, name="list"),
    path("new/", views_visits.visit_plan, name="plan"),
    path("<int:pk>/", views_visits.visit_detail, name="detail"),
    path("<int:pk>/record/", views_visits.visit_record, name="record"),
    path("<int:pk>/complete/", views_visits.visit_complete, name="complete"),
    path("<int:pk>/cancel/", views_visits.visit_cancel, name="cancel"),
    path("<int:pk>/note/", views_visits.visit_note, name="note"),
    path("<int:pk>/note.pdf", views_visits.visit_note_pdf, name="note_pdf"),
    path("<int:pk>/share/", views_visits.visit_share, name="share"),
    # Notes of visit shared with the school and acknowledged by its headteacher (docs/adr/0023).
    path("<int:pk>/share-with-school/", views_acknowledgement.share_with_school, name="share_with_school"),
    path("acknowledgements/<int:pk>/reply/", views_acknowledgement.reply, name="acknowledgement_reply"),
    path("acknowledgements/awaiting/", views_acknowledgement.awaiting, name="acknowledgements_awaiting"),
    path("notes/", views_acknowledgement.shared_notes, name="shared_notes"),
    path("notes/<int:pk>/", views_acknowledgement.shared_note, name="shared_note"),
    path("notes/<int:pk>/note.pdf", views_acknowledgement.shared_note_pdf, name="shared_note_pdf"),
    # The school's pre-visit section of a planned visit, completed by its headteacher (docs/adr/0028).
    path("<int:pk>/pre-visit/", views_pre_visit.prepare, name="pre_visit"),
    path("actions/", views_actions.action_list, name="actions"),
    path("actions/<int:pk>/", views_actions.action_detail, name="action_detail"),
    path("compliance/", views_compliance.compliance, name="compliance"),
    path("compliance/export.<str:fmt>", views_compliance.compliance_export, name="compliance_export"),
    path("schools/<int:urn>/enhanced-offer/", views_compliance.enhanced_offer, name="enhanced_offer"),
    path("msp/", views_msp.msp_list, name="msp_list"),
    path("msp/new/<int:urn>/", views_msp.msp_group_set_up, name="msp_set_up"),
    path("msp/<int:pk>/", views_msp.msp_group, name="msp_group"),
    path("msp/<int:pk>/edit/", views_msp.msp_group_edit, name="msp_group_edit"),
    path("msp/<int:pk>/meetings/record/", views_msp.msp_meeting_new, name="msp_meeting_new"),
    path("msp/meetings/<int:pk>/", views_msp.msp_meeting, name="msp_meeting"),
    path("msp/meetings/<int:pk>/record/", views_msp.msp_meeting_record, name="msp_meeting_record"),
    path("msp/meetings/<int:pk>/publish/", views_msp.msp_meeting_publish, name="msp_meeting_publish"),
    path("msp/meetings/<int:pk>/cancel/", views_msp.msp_meeting_cancel, name="msp_meeting_cancel"),
    path("msp/summaries/<int:pk>/", views_msp.msp_summary, name="msp_summary"),
    path("msp/my-meetings/", views_msp_members.attended_list, name="msp_attended"),
    path("msp/my-meetings/<int:pk>/", views_msp_members.attended_meeting, name="msp_attended_meeting"),
    path("calendar/", views_calendar.calendar, name="calendar"),
    path("calendar/link/", views_calendar.calendar_token, name="calendar_token"),
    path("calendar/feed/<str:token>.ics", views_calendar.calendar_feed_view, name="calendar_feed"),
]
