"""The school's pre-visit section of a planned visit (docs/adr/0028): the headteacher completes and
sends it; LA staff read what was sent on the visit and record pages (visits.views_visits)."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from audit.services import record_request_read
from core.forms import add_service_errors, posted
from core.versions import ChangedSince, version_of

from . import pre_visit
from .forms_pre_visit import PreVisitForm
from .models import SelfEvaluationRating
from .pre_visit_changes import NOT_STARTED, FocusAreasChanged

SAVED = "Your draft is saved. It is not sent to your adviser until you send it."
SENT = "Thank you: your pre-visit section was sent to {adviser}."


def _initial(visit, response) -> dict:
    if response is None:
        return {"version": NOT_STARTED}
    initial = {"recent_data": response.recent_data, "wants_from_visit": response.wants_from_visit}
    initial["version"] = version_of(response)  # a save over another tab's is refused (core.versions)
    for evaluation in response.self_evaluations.all():
        initial[pre_visit.rating_field(evaluation.focus_area)] = evaluation.rating
        initial[pre_visit.evaluation_field(evaluation.focus_area)] = evaluation.evaluation
    return initial


def _refocused(form, error: FocusAreasChanged, *, visit) -> tuple[PreVisitForm, list[dict]]:
    """The page again with the visit's focus areas now, what was typed kept (the areas still a
    focus in their fields), and what was typed about each area dropped, to copy."""
    typed = form.cleaned_data
    not_saved = [
        {
            "label": pre_visit.focus_label(area),
            "rating": SelfEvaluationRating(rating).label if (rating := typed.get(pre_visit.rating_field(area))) else "",
            "evaluation": typed.get(pre_visit.evaluation_field(area), ""),
        }
        for area in error.dropped
    ]
    data = form.data.copy()
    data["focus_areas_shown"] = ",".join(error.focus_areas)
    visit.focus_areas = error.focus_areas
    form = PreVisitForm(data, focus_areas=error.focus_areas)
    if error.version:
        form.take_version(error.version)
    form.full_clean()
    add_service_errors(form, error)
    if not_saved:
        form.error_anchor = "not-saved"  # the summary links to what was typed
    return form, not_saved


@permission_required("visits.prepare_visit", raise_exception=True)
def prepare(request, pk: int):
    """A headteacher's pre-visit section of a visit to their school: a form while it is open and not
    sent, else what was sent (or that it is closed). Another school's visit is 404."""
    visit = pre_visit.visit_for_headteacher(user=request.user, pk=pk)
    today = timezone.localdate()
    response = pre_visit.response_of(visit)
    editable = pre_visit.is_open(visit, today) and not (response and response.is_submitted)
    form = PreVisitForm(posted(request), focus_areas=visit.focus_areas, initial=_initial(visit, response))
    not_saved: list = []  # after the focus areas changed: what was typed about an area no longer a focus
    if request.method == "POST":
        if not editable:
            messages.error(request, pre_visit.ALREADY_SENT if response and response.is_submitted else pre_visit.CLOSED)
            return redirect("visits:pre_visit", pk=visit.pk)
        send = "send" in request.POST
        if form.is_valid():
            try:
                pre_visit.pre_visit_save(
                    visit=visit,
                    recent_data=form.cleaned_data["recent_data"],
                    wants_from_visit=form.cleaned_data["wants_from_visit"],
                    evaluations=form.evaluations(),
                    send=send,
                    actor=request.user,
                    today=today,
                    version=form.cleaned_data["version"],
                    shown=form.shown,
                )
            except FocusAreasChanged as error:
                form, not_saved = _refocused(form, error, visit=visit)
            except ChangedSince as error:  # the page keeps what was typed
                form.take_version(error.version)
                add_service_errors(form, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, SENT.format(adviser=visit.adviser) if send else SAVED)
                return redirect("visits:pre_visit", pk=visit.pk)
    record_request_read(request, visit)
    rows = pre_visit.rows(visit, response)
    return render(
        request,
        "visits/pre_visit.html",
        {
            "visit": visit,
            "response": response,
            "form": form if editable else None,
            "not_saved": not_saved,
            "rows": rows,
            "no_longer_a_focus": [row for row in rows if not row.still_a_focus] if editable else [],
            "due_on": pre_visit.due_on(visit),
            "is_open": pre_visit.is_open(visit, today),
            "title": f"Prepare for the visit: {visit.school.name}, {visit.visit_date:%-d %B %Y}",
        },
    )
