"""A note of visit shared with the school, and the headteacher's acknowledgement (docs/adr/0023):
the adviser shares and replies; the headteacher reads and answers; LA staff see what awaits."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from accounts.headships import headteachers_of
from accounts.permissions import is_adviser
from audit.services import record_request_read
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
    a reply that was refused shown again with its error."""
    can_change = request.user.has_perm("visits.change_visit", visit)
    return {
        "requests": selectors.visit_acknowledgements(visit=visit),
        "can_share": can_change,
        "reply_form": (reply_form or ReplyForm()) if can_change else None,
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
    form = ReplyForm(request.POST)
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
    """The note as shared with the school, its requests and answers, and the form to answer."""
    visit = selectors.shared_note_for_headteacher(user=request.user, pk=pk)
    requests = selectors.visit_acknowledgements(visit=visit)
    current = requests[0]
    form = AcknowledgeForm(posted(request)) if current.is_awaiting else None
    if request.method == "POST":
        if form is None:
            messages.error(request, acknowledgement.NOT_AWAITING)
            return redirect("visits:shared_note", pk=visit.pk)
        if form.is_valid():
            try:
                acknowledgement.note_acknowledge(acknowledgement=current, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, ANSWERED.format(adviser=visit.adviser))
                return redirect("visits:shared_note", pk=visit.pk)
    record_request_read(request, visit)
    letterhead = letterhead_for(visit.school.la_code)
    logo = stored_logo(letterhead.logo)
    return render(
        request,
        "visits/shared_note.html",
        {
            "visit": visit,
            "letterhead": letterhead,
            "letterhead_logo": logo.data_uri if logo else "",
            "actions": selectors.visit_actions(visit=visit),
            "requests": requests,
            "current": current,
            "form": form,
            "title": f"Note of visit: {visit.school.name}, {visit.visit_date:%-d %B %Y}",
        },
    )


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
