from django.urls import path

from .views import casework, concerns, intelligence, meeting_pack, trusts

app_name = "academies"

urlpatterns = [
    path("", concerns.concern_list, name="list"),
    path("concerns/new/", concerns.concern_new, name="new"),
    path("concerns/<int:pk>/", concerns.concern_detail, name="detail"),
    path("concerns/<int:pk>/edit/", casework.concern_edit, name="edit"),
    path("concerns/<int:pk>/step/", casework.concern_step, name="step"),
    path("concerns/<int:pk>/routing/", casework.concern_routing, name="routing"),
    path("concerns/<int:pk>/rag/", casework.concern_rate, name="rate"),
    path("concerns/<int:pk>/decision/", casework.concern_decide, name="decide"),
    path("concerns/<int:pk>/end/", casework.concern_end, name="end"),
    path("concerns/<int:pk>/reopen/", casework.concern_reopen, name="reopen"),
    path("concerns/<int:pk>/letters/<slug:kind>/", casework.concern_draft_letter, name="draft_letter"),
    path("trusts/<str:code>/", trusts.trust_detail, name="trust"),
    path("trusts/<str:code>/edit/", trusts.trust_edit, name="trust_edit"),
    path("meeting-pack/", meeting_pack.meeting_pack, name="meeting_pack"),
    path("meeting-pack.pdf", meeting_pack.meeting_pack_pdf, name="meeting_pack_pdf"),
    path("meeting-pack.xlsx", meeting_pack.meeting_pack_xlsx, name="meeting_pack_xlsx"),
    path("schools/<int:urn>/intelligence/new/", intelligence.intelligence_add, name="intelligence_add"),
    path("intelligence/<int:pk>/", intelligence.intelligence_detail, name="intelligence"),
]
