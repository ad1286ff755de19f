"""A school's case file (issue 13, docs/adr/0021): the page and its PDF for the school's file.

LA staff and the school's own readers (its governors and headteacher) only: admins read no case
material (403), a governor or headteacher of another school gets 404 (as for the school page),
anonymous users are sent to sign in."""

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import render

from academies.models import IntelligenceEntry
from accounts.permissions import is_la_staff, is_officer, is_school_reader
from audit.services import record_request_reads
from core.pagination import paginate
from core.views_exports import ask_for_export, asked_filters
from schools.selectors import school_for_user

from . import timeline
from .case_file_pdf import CASE_FILE_PDF
from .timeline_forms import CaseFileFilterForm

PER_PAGE = 50


def _school_and_entries(request, urn: int):
    user = request.user
    if not (is_la_staff(user) or is_school_reader(user)):
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
            "title": f"Case file: {school.name}",
        },
    )


@login_required
def case_file_pdf(request, urn: int):
    """The PDF is built by a task worker (docs/adr/0037), asked for by POST with the page's filters
    (the case file's button): recorded, and the user sent to its page, which offers the file once
    it is ready. A GET records nothing: it shows the page with that button (ask_for_export)."""
    if not (is_la_staff(request.user) or is_school_reader(request.user)):
        raise PermissionDenied
    school = school_for_user(user=request.user, urn=urn)  # another school's: 404
    params = asked_filters(request)
    params.setlist("urn", [str(school.urn)])
    return ask_for_export(request, kind=CASE_FILE_PDF, params=params)
