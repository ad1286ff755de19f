"""A note of visit shared with the school, and the headteacher's acknowledgement (docs/adr/0023):
the adviser shares and replies; the headteacher reads and answers; LA staff see what awaits."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.text import slugify
from django.views.decorators.http import require_POST

from accounts.headships import headteachers_of
from accounts.permissions import is_adviser
from audit.services import record_request_read
from core.documents import pdf_response, render_pdf
from core.forms import add_service_errors, posted
from schools.logos import stored_logo
from schools.selectors import letterhead_for

from . import acknowledgement, selectors
from .forms_acknowledgement import AcknowledgeForm, ReplyForm
from .models import NoteAcknowledgement

SHARED = (
    "Shared the note of visit with {names} in the service. Each is emailed in the background: "
    "the visit page shows when each email has gone."
)
ANSWERED = "Thank you: your answer was sent to {adviser}."
REPLIED = "Your reply was sent to the school."


def visit_section(request, visit, reply_form: ReplyForm | None = None) -> dict:
    """The visit page's "The school's acknowledgement" part (visits.views_visits.visit_detail), with
    a reply that was refused shown again with its error: in its form while its request still takes a
    reply, else as what was typed (not saved), to copy."""
    can_change = request.user.has_perm("visits.change_visit", visit)
    requests = selectors.visit_acknowledgements(visit=visit)
    form = (reply_form or ReplyForm()) if can_change else None
    reply_to, not_saved = None, None
    if form is not None:
        wanted = form.replying_to or (requests[0].pk if requests else None)
        target = next((r for r in requests if r.pk == wanted), None)
        if target is not None and target.responded_at is not None and target.replied_at is None:
            reply_to = target.pk
        elif form.is_bound:
            form.error_anchor = "not-saved"  # the error summary links to what was typed
            not_saved = {"reply": form.data.get("reply", "")}
    return {
        "requests": requests,
        "can_share": can_change,
        "reply_form": form,
        "reply_to": reply_to,
        "not_saved": not_saved,
        "headteachers": list(headteachers_of(visit.school)) if can_change else [],
    }


@require_POST
@permission_required("visits.view_visits", raise_exception=True)
def share_with_school(request, pk: int):
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("visits.change_visit", visit):
        raise PermissionDenied
    try:
        acknowledgement.note_share_with_school(visit=visit, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        names = ", ".join(str(h) for h in headteachers_of(visit.school))
        messages.success(request, SHARED.format(names=names))
    return redirect(visit)


@require_POST
@permission_required("visits.view_visits", raise_exception=True)
def reply(request, pk: int):
    request_ = get_object_or_404(NoteAcknowledgement.objects.select_related("visit__school"), pk=pk)
    visit = request_.visit
    if not request.user.has_perm("visits.change_visit", visit):
        raise PermissionDenied
    form = ReplyForm(request.POST, replying_to=request_.pk)
    if form.is_valid():
        try:
            acknowledgement.note_reply(acknowledgement=request_, reply=form.cleaned_data["reply"], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, REPLIED)
            return redirect(visit)
    # The visit page again, the reply kept and its problem on the field (a redirect lost both).
    from .views_visits import visit_detail

    return visit_detail(request, visit.pk, reply_form=form)


@permission_required("visits.view_shared_notes", raise_exception=True)
def shared_notes(request):
    """A headteacher's visits and notes: the planned visits to prepare for (docs/adr/0028), then the
    notes of visit, those awaiting their answer first."""
    from . import pre_visit

    visits = list(selectors.notes_shared_with(user=request.user).prefetch_related("acknowledgements"))
    for visit in visits:
        visit.latest_request = max(visit.acknowledgements.all(), key=lambda a: (a.requested_at, a.pk))
    return render(
        request,
        "visits/shared_notes.html",
        {
            "awaiting": [v for v in visits if v.latest_request.is_awaiting],
            "answered": [v for v in visits if not v.latest_request.is_awaiting],
            "to_prepare": pre_visit.with_due_dates(pre_visit.visits_to_prepare(user=request.user)),
            "prepared": pre_visit.with_due_dates(pre_visit.pre_visits_sent(user=request.user)),
            "title": "Visits and notes",
        },
    )


@permission_required("visits.view_shared_notes", raise_exception=True)
def shared_note(request, pk: int):
    """The note as shared with the school, its requests and answers, and the form to answer the
    request whose note the page shows. An answer to a note amended since is refused with the form
    kept, now answering the amended note shown; one answered since, with what was typed shown."""
    visit = selectors.shared_note_for_headteacher(user=request.user, pk=pk)
    requests = selectors.visit_acknowledgements(visit=visit)
    form = AcknowledgeForm(posted(request), initial={"note_request": requests[0].pk})
    not_saved = None  # an answer refused with no form to show it in: what was typed, to copy
    if request.method == "POST":
        if form.is_valid():
            try:
                acknowledgement.note_acknowledge(
                    acknowledgement=_answered(requests, form.cleaned_data["note_request"]),
                    accurate=form.cleaned_data["accurate"],
                    comments=form.cleaned_data["comments"],
                    actor=request.user,
                )
            except acknowledgement.NoteAmendedSince as error:
                add_service_errors(form, error)
                form.take_request(error.request_id)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, ANSWERED.format(adviser=visit.adviser))
                return redirect("visits:shared_note", pk=visit.pk)
        requests = selectors.visit_acknowledgements(visit=visit)  # as they are now, after the refusal
        if not requests[0].is_awaiting:
            if not form.non_field_errors():
                form.add_error(None, acknowledgement.NOT_AWAITING)
            form.error_anchor = "not-saved"
            not_saved = {"form": form, **form.typed()}
    current = requests[0]
    record_request_read(request, visit)
    return render(
        request,
        "visits/shared_note.html",
        {
            **_note_document(visit),
            "requests": requests,
            "current": current,
            "form": form if current.is_awaiting else None,
            "not_saved": not_saved,
        },
    )


@permission_required("visits.view_shared_notes", raise_exception=True)
def shared_note_pdf(request, pk: int):
    """The shared note as a PDF for the school's headteacher: the document the page shows (the staff
    PDF's template, visits/note_pdf.html), not the answers and replies under it. Found as the page
    finds it (another school's note, or one not shared, is 404), and read-logged as the page is."""
    visit = selectors.shared_note_for_headteacher(user=request.user, pk=pk)
    record_request_read(request, visit)
    data = render_pdf("visits/note_pdf.html", _note_document(visit), request)
    return pdf_response(data, _pdf_filename(visit))


def _note_document(visit) -> dict:
    """What visits/_note_document.html shows, on the shared note page and in its PDF alike."""
    letterhead = letterhead_for(visit.school.la_code)
    logo = stored_logo(letterhead.logo)
    return {
        "visit": visit,
        "letterhead": letterhead,
        "letterhead_logo": logo.data_uri if logo else "",
        "actions": selectors.visit_actions(visit=visit),
        "title": f"Note of visit: {visit.school.name}, {visit.visit_date:%-d %B %Y}",
    }


def _pdf_filename(visit) -> str:
    """note-of-visit-<school name>-<YYYY-MM-DD>.pdf, the name slugified (lower-case ASCII letters, digits,
    hyphens and underscores: safe in a Content-Disposition header and on any file system); the URN
    when the name leaves none."""
    name = slugify(visit.school.name)[:60].strip("-_") or str(visit.school.urn)
    return f"note-of-visit-{name}-{visit.visit_date:%Y-%m-%d}.pdf"


def _answered(requests: list[NoteAcknowledgement], shown: int | None) -> NoteAcknowledgement:
    """The request the page answered: the one it names (another visit's is 404), or the latest when
    it names none (a page opened before the form carried it)."""
    if shown is None:
        return requests[0]
    found = next((r for r in requests if r.pk == shown), None)
    if found is None:
        raise Http404
    return found


@permission_required("visits.view_acknowledgements", raise_exception=True)
def awaiting(request):
    """Notes of visit awaiting the school's acknowledgement: an adviser's own by default, or all."""
    mine = is_adviser(request.user) and request.GET.get("all") != "1"
    return render(
        request,
        "visits/acknowledgements_awaiting.html",
        {
            "requests": list(selectors.acknowledgements_awaiting(adviser=request.user if mine else None)[:500]),
            "mine": mine,
            "is_adviser": is_adviser(request.user),
            "title": "Notes awaiting acknowledgement",
        },
    )
