"""The meeting pack for the LA's regular meetings with Ofsted and the DfE: academies with open
significant concerns, as a page, a PDF and a spreadsheet. Each shows the concerns' last step
outcomes, so each records a read of every concern in it (audit), as the concern's own page does."""

from django.contrib.auth.decorators import permission_required
from django.shortcuts import render
from django.utils import timezone

from audit.services import record_request_reads_named
from core.documents import pdf_response, render_pdf
from core.exports import xlsx_response

from .. import selectors
from ..models import Concern

HEADER = ["Academy", "URN", "Trust", "Concern types", "RAG", "Stage", "Last action", "Last action date", "Next step"]


def _context(request) -> dict:
    rows = selectors.meeting_pack(user=request.user)
    # Named as the concern's own page names it in the read log (views.concerns.detail_context).
    labels = {row.concern.pk: row.concern.read_label for row in rows}
    record_request_reads_named(request, Concern, labels)
    return {"rows": rows, "today": timezone.localdate(), "title": "Meeting pack"}


@permission_required("academies.view_concerns", raise_exception=True)
def meeting_pack(request):
    return render(request, "academies/meeting_pack.html", _context(request))


@permission_required("academies.view_concerns", raise_exception=True)
def meeting_pack_pdf(request):
    context = _context(request)
    data = render_pdf("academies/meeting_pack_pdf.html", context, request)
    return pdf_response(data, f"academies-meeting-pack-{context['today']:%Y-%m-%d}.pdf")


@permission_required("academies.view_concerns", raise_exception=True)
def meeting_pack_xlsx(request):
    context = _context(request)
    rows = (
        [
            row.concern.school.name,
            row.concern.school.urn,
            row.concern.school.trust.name if row.concern.school.trust else "",
            "; ".join(t.text for t in row.concern.concern_types.all()),
            row.concern.get_rag_display(),
            row.stage_label,
            row.last_action,
            row.last_action_on,
            row.next_step,
        ]
        for row in context["rows"]
    )
    return xlsx_response(f"academies-meeting-pack-{context['today']:%Y-%m-%d}.xlsx", "Meeting pack", HEADER, rows)
