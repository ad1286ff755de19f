"""A school's case file as a PDF, built by a task worker (docs/adr/0037): WeasyPrint takes seconds
to lay out a long history (about 3 s for the 2,000 entries a PDF holds), which must not hold a web
worker. The case file's PDF button (a POST) records an export (core/export_jobs.py, docs/adr/0024)
with the school's URN and the page's filters; the user waits on the export's page and downloads the
file there. The entries are read at build time with the requester's rights, as the page reads them."""

from django.conf import settings
from django.http import Http404, QueryDict
from django.urls import reverse
from django.utils import timezone

from academies.models import IntelligenceEntry
from accounts.permissions import is_officer
from audit.services import record_reads
from core.documents import render_pdf
from core.export_jobs import ExportKind
from core.text import is_number
from schools.models import School
from schools.selectors import school_for_user

from . import timeline
from .timeline_forms import CaseFileFilterForm

# A PDF is for the school's file: every entry of the chosen kinds, up to this many (newest first).
PDF_MAX_ENTRIES = 2000
READ_VIEW = "dashboard:timeline_pdf"


def _school(user, params: QueryDict) -> School | None:
    """The school of the case file, if the user may read it (None otherwise, as for a bad URN)."""
    try:
        return school_for_user(user=user, urn=int(params.get("urn", "")))
    except (ValueError, Http404):
        return None


def may_have(*, user, params: QueryDict) -> bool:
    return _school(user, params) is not None


def build(*, user, params: QueryDict) -> tuple[bytes, int]:
    school = _school(user, params)
    if school is None:
        raise Http404
    readable = timeline.kinds_for(user)
    kinds, newest_first = CaseFileFilterForm(params, kinds=readable).choices()
    entries = timeline.case_file(user=user, school=school, kinds=kinds, newest_first=newest_first)
    shown = entries[:PDF_MAX_ENTRIES]
    if is_officer(user):  # the read log, as the entry's own page records it: restricted intelligence
        restricted = [e.pk for e in shown if e.restricted and e.kind == timeline.Kind.INTELLIGENCE]
        record_reads(
            user=user,
            model=IntelligenceEntry,
            ids=restricted,
            view=READ_VIEW,
            label=f"Intelligence about {school.name}",
        )
    today = timezone.localdate()
    context = {
        "school": school,
        "entries": shown,
        "total": len(entries),
        "kinds": [kind.label for kind in readable if kind.value in (kinds or [])],
        "today": today,
        "produced_by": user,
        "COUNCIL_NAME": settings.COUNCIL_NAME,
        "title": f"Case file: {school.name}",
    }
    return render_pdf("dashboard/timeline_pdf.html", context), len(shown)


def _filters(*, user, params: QueryDict) -> CaseFileFilterForm | None:
    """The case file's filter form, or None while it refuses a choice: the file then holds every
    entry, newest first (CaseFileFilterForm.choices). The URN is no field of it: not named."""
    form = CaseFileFilterForm(params, kinds=timeline.kinds_for(user))
    return form if form.is_valid() else None


def _back(params: QueryDict) -> str:
    try:
        return reverse("dashboard:timeline", kwargs={"urn": int(params.get("urn", ""))})
    except ValueError:
        return reverse("dashboard:home")


CASE_FILE_PDF = ExportKind(
    key="case-file",
    title="Case file",
    permission="dashboard.view_case_file",
    filename="case-file",
    sheet="",
    header=[],
    rows=lambda **kwargs: [],
    list_url="dashboard:home",
    build=build,
    fmt="pdf",
    noun="PDF",
    unit="entry",
    units="entries",
    allowed=may_have,
    back=_back,
    filters=_filters,
    filename_of=lambda params: f"case-file-{''.join(c for c in params.get('urn', '') if is_number(c))}",
)
