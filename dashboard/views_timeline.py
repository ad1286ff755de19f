"""A school's case file (issue 13, docs/adr/0021): the page and its PDF for the school's file.

LA staff and the school's own governors only: admins read no case material (403), a governor of
another school gets 404 (as for the school page), anonymous users are sent to sign in."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.utils import timezone

from academies.models import IntelligenceEntry
from accounts.permissions import is_governor, is_la_staff, is_officer
from audit.services import record_request_reads
from core.documents import pdf_response, render_pdf
from core.pagination import paginate
from schools.selectors import school_for_user

from . import timeline
from .timeline_forms import CaseFileFilterForm

PER_PAGE = 50
# A PDF is for the school's file: every entry of the chosen kinds, up to this many (newest first).
PDF_MAX_ENTRIES = 2000


def _school_and_entries(request, urn: int):
    user = request.user
    if not (is_la_staff(user) or is_governor(user)):
        raise PermissionDenied
    school = school_for_user(user=user, urn=urn)
    form = CaseFileFilterForm(request.GET or None, kinds=timeline.kinds_for(user))
    kinds, newest_first = form.choices()
    entries = timeline.case_file(user=user, school=school, kinds=kinds, newest_first=newest_first)
    return school, form, entries


def _record_restricted_reads(request, school, entries) -> None:
    """The read log, as the entry's own page records it: restricted intelligence shown (officers)."""
    if is_officer(request.user):
        ids = [e.pk for e in entries if e.restricted and e.kind == timeline.Kind.INTELLIGENCE]
        record_request_reads(request, IntelligenceEntry, ids, label=f"Intelligence about {school.name}")


@login_required
def case_file(request, urn: int):
    school, form, entries = _school_and_entries(request, urn)
    pagination = paginate(request, entries, per_page=PER_PAGE)
    _record_restricted_reads(request, school, pagination.page.object_list)
    return render(
        request,
        "dashboard/timeline.html",
        {
            "school": school,
            "form": form,
            "pagination": pagination,
            "total": len(entries),
            "pdf_query": request.GET.urlencode(),
            "title": f"Case file: {school.name}",
        },
    )


@login_required
def case_file_pdf(request, urn: int):
    school, form, entries = _school_and_entries(request, urn)
    shown = entries[:PDF_MAX_ENTRIES]
    _record_restricted_reads(request, school, shown)
    today = timezone.localdate()
    context = {
        "school": school,
        "entries": shown,
        "total": len(entries),
        "kinds": [label for value, label in form.fields["kind"].choices if value in (form.choices()[0] or [])],
        "today": today,
        "title": f"Case file: {school.name}",
    }
    data = render_pdf("dashboard/timeline_pdf.html", context, request)
    return pdf_response(data, f"case-file-{school.urn}-{today:%Y-%m-%d}.pdf")
