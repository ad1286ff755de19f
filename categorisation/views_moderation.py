"""Moderation pages (docs/adr/0032): the sessions, opening one for the current term, and the
sheet of the term's proposals with a confirm-or-change form per row (officers), read only for
advisers and once closed; the sheet as CSV or XLSX. The sheet and its files show each proposal's
reasons and the moderators', so each records a read of every categorisation on it (audit)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import record_request_reads_named
from core.exports import csv_response, xlsx_response
from core.forms import add_service_errors, posted
from core.model_choices import holds_no_key
from schools.terms import term_on

from . import moderation
from .forms_moderation import DecisionForm, OpenSessionForm
from .models import Categorisation, ModerationSession, SupportLevel
from .views_shared import read_label

OPENED = "Moderation session opened. Confirm or change each proposal, with a reason for a change."
RECORDED = "{school}: {outcome}."
CLOSED = "Moderation session closed: its sheet is kept as it is."
NO_SUCH_PROPOSAL = "Choose a proposal on the sheet"

SHEET_HEADER = [
    "URN",
    "School",
    "Proposed level",
    "Previous level",
    "Direction of travel",
    "Adviser",
    "Headline reasons",
    "Outcome",
    "Moderated level",
    "Reason",
    "Decided by",
    "Decided at",
]


def _label(level: str) -> str:
    return SupportLevel(level).label if level else ""


@permission_required("categorisation.read_moderation", raise_exception=True)
def sessions(request):
    """Every moderation session, newest first, and (officers) opening one for the current term."""
    period = term_on(timezone.localdate())
    term_label = ModerationSession(academic_year=period.academic_year, term=period.term).term_label
    may_moderate = request.user.has_perm("categorisation.moderate")
    form = OpenSessionForm(posted(request), term_label=term_label) if may_moderate else None
    if request.method == "POST":
        if form is None:
            raise PermissionDenied
        if form.is_valid():
            try:
                session = moderation.moderation_session_open(actor=request.user, notes=form.cleaned_data["notes"])
            except ValidationError as error:
                if hasattr(error, "error_dict"):
                    add_service_errors(form, error)
                else:
                    messages.error(request, " ".join(error.messages))
                    return redirect("categorisation:moderation")
            else:
                messages.success(request, OPENED)
                return redirect(session)
    sessions = list(moderation.sessions_list()[:200])
    # One open session a term: while there is one, the page leads to it instead of offering another.
    open_now = next(
        (
            session
            for session in sessions
            if (session.academic_year, session.term) == (period.academic_year, period.term) and not session.is_closed
        ),
        None,
    )
    return render(
        request,
        "categorisation/moderation/sessions.html",
        {
            "sessions": sessions,
            "open_now": open_now,
            "form": form,
            "term_label": term_label,
            "proposals": moderation.term_proposals(period.academic_year, period.term).count(),
            "title": "Moderation",
        },
    )


def _session(pk: int) -> ModerationSession:
    return get_object_or_404(ModerationSession.objects.select_related("held_by", "closed_by"), pk=pk)


@permission_required("categorisation.read_moderation", raise_exception=True)
def sheet(request, pk: int):
    """The sheet. A POST records one row's decision (`proposal` names the categorisation)."""
    session = _session(pk)
    may_decide = request.user.has_perm("categorisation.moderate") and not session.is_closed
    failed: DecisionForm | None = None
    if request.method == "POST":
        answer = _decide(request, session)
        if not isinstance(answer, DecisionForm):
            return answer
        failed = answer
    rows = moderation.moderation_sheet(session)
    _record_reads(request, rows)
    if may_decide:
        _add_decision_forms(rows, failed)
    decided = sum(1 for row in rows if row.decision is not None)
    return render(
        request,
        "categorisation/moderation/sheet.html",
        {
            "session": session,
            "rows": rows,
            "form": failed,
            "may_decide": may_decide,
            "may_close": request.user.has_perm("categorisation.moderate") and not session.is_closed,
            "decided": decided,
            "title": f"Moderation of {session.term_label}",
        },
    )


def _record_reads(request, rows: list[moderation.SheetRow]) -> None:
    """The read log: one entry per categorisation on the sheet, in one INSERT."""
    labels = {row.categorisation.pk: read_label(row.categorisation) for row in rows}
    record_request_reads_named(request, Categorisation, labels)


def _decide(request, session: ModerationSession) -> HttpResponse | DecisionForm:
    """Record the decision a POST to the sheet gives for one row: a redirect once it is recorded (or
    refused outright), or else the row's form with its errors."""
    if not request.user.has_perm("categorisation.moderate"):
        raise PermissionDenied
    if session.is_closed:
        messages.error(request, " ".join(_closed_messages(session)))
        return redirect(session)
    categorisation = _posted_proposal(request)
    if categorisation is None:
        messages.error(request, NO_SUCH_PROPOSAL)
        return redirect(session)
    form = DecisionForm(
        request.POST,
        prefix=f"c{categorisation.pk}",
        school_name=categorisation.school.name,
        proposed=categorisation.level,
    )
    if form.is_valid():
        try:
            decision = moderation.moderation_decision_record(
                session=session,
                categorisation=categorisation,
                level=form.cleaned_data["level"],
                reason=form.cleaned_data["reason"],
                actor=request.user,
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect(session)
        else:
            outcome = decision.get_outcome_display().lower()
            if decision.outcome == "changed":
                outcome += f" to {_label(decision.moderated_level).lower()}"
            messages.success(request, RECORDED.format(school=categorisation.school.name, outcome=outcome))
            return redirect(f"{session.get_absolute_url()}#proposal-{categorisation.pk}")
    return form


def _posted_proposal(request) -> Categorisation | None:
    """The categorisation the POST's `proposal` names, if it names one."""
    try:
        proposal_id = int(request.POST.get("proposal", ""))
    except ValueError:
        return None
    if holds_no_key(Categorisation.objects.all(), proposal_id):  # a larger one would be a database error
        return None
    return Categorisation.objects.select_related("school").filter(pk=proposal_id).first()


def _add_decision_forms(rows: list[moderation.SheetRow], failed: DecisionForm | None) -> None:
    """A decision form on each row not yet decided: the form that failed (with its errors) on its
    own row, a new one with the proposed level on the others."""
    for row in rows:
        if row.decision is not None:
            continue
        if failed is not None and failed.prefix == f"c{row.categorisation.pk}":
            row.form = failed
        else:
            row.form = DecisionForm(
                prefix=f"c{row.categorisation.pk}",
                school_name=row.categorisation.school.name,
                initial={"level": row.proposed_level},
            )


def _closed_messages(session: ModerationSession) -> list[str]:
    return moderation.a_closed_moderation_sheet_is_kept_unchanged(session)


@require_POST
@permission_required("categorisation.moderate", raise_exception=True)
def close(request, pk: int):
    session = _session(pk)
    try:
        moderation.moderation_session_close(session=session, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, CLOSED)
    return redirect(session)


@permission_required("categorisation.read_moderation", raise_exception=True)
def export(request, pk: int, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    session = _session(pk)
    sheet = moderation.moderation_sheet(session)
    _record_reads(request, sheet)
    rows = [
        [
            row.categorisation.school.urn,
            row.categorisation.school.name,
            _label(row.proposed_level),
            _label(row.previous_level),
            row.direction.capitalize(),
            row.adviser,
            row.headline,
            row.decision.get_outcome_display() if row.decision else "Not yet moderated",
            _label(row.decision.moderated_level) if row.decision else "",
            row.decision.reason if row.decision else "",
            moderation._name(row.decision.decided_by) if row.decision else "",
            timezone.localtime(row.decision.decided_at) if row.decision else "",
        ]
        for row in sheet
    ]
    filename = f"moderation-{session.academic_year}-{session.term}-{session.pk}.{fmt}"
    if fmt == "csv":
        return csv_response(filename, SHEET_HEADER, rows)
    return xlsx_response(filename, "Moderation", SHEET_HEADER, rows)
