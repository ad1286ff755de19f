"""Visit pages: the list, planning, the record of a visit, its note of visit (page and PDF),
completing, cancelling and recording that the note was shared."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import is_officer
from audit.services import record_request_read
from core.documents import pdf_response, render_pdf
from core.forms import add_service_errors, errors_shown, posted
from core.pagination import paginate
from core.versions import ChangedSince, version_of
from schools.logos import stored_logo
from schools.picker import chosen_school, school_picker
from schools.selectors import letterhead_for, open_schools_user_acts_for
from schools.terms import not_a_school_day

from . import pre_visit, rules, selectors, services, views_acknowledgement
from .filters import filtered_visits
from .forms_actions import action_formset, rows_and_form_valid
from .forms_visits import CancelVisitForm, ShareNoteForm, VisitPlanForm, VisitRecordForm
from .models import VisitStatus
from .services_actions import NewActionRefused
from .views_shared import forbid_unless

PICKER_HINT = "You can plan a visit to any open school."


@permission_required("visits.view_visits", raise_exception=True)
def visit_list(request):
    visit_filter, visits = filtered_visits(user=request.user, params=request.GET)
    pagination = paginate(request, visits)
    return render(
        request,
        "visits/visit_list.html",
        {"form": visit_filter.form, "pagination": pagination, "today": timezone.localdate(), "title": "Visits"},
    )


@permission_required("visits.view_visits", raise_exception=True)
def visit_plan(request):
    """An adviser chooses one of their link schools from the form's list; an officer, who may plan
    for any open school, first chooses it with the school picker (search by name or URN), or comes
    from the school's page, which gives it as ?school=<URN>."""
    officer = is_officer(request.user)
    schools = open_schools_user_acts_for(request.user).select_related("establishment_type").order_by("name")
    initial = {"visit_date": None}
    picker = school_picker(request, scope=schools, hint=PICKER_HINT) if officer else None
    if officer and picker.chosen is None and request.method != "POST":
        return render(
            request, "visits/visit_plan.html", {"picker": picker, "has_schools": True, "title": "Plan a visit"}
        )
    chosen = picker.chosen if officer else chosen_school(request, schools)
    if chosen is not None:
        initial["school"] = chosen
    if not officer:
        initial["adviser"] = request.user
    form = VisitPlanForm(posted(request), schools=schools, choose_adviser=officer, initial=initial)
    if request.method == "POST" and form.is_valid():
        school = form.cleaned_data["school"]
        forbid_unless(request, "visits.plan_visit", school)
        try:
            visit = services.visit_plan(
                school=school,
                adviser=form.cleaned_data.get("adviser") or request.user,
                visit_date=form.cleaned_data["visit_date"],
                start_time=form.cleaned_data["start_time"],
                length=form.cleaned_data["length"],
                visit_type=form.cleaned_data["visit_type"],
                focus_areas=form.cleaned_data["focus_areas"],
                purpose=form.cleaned_data["purpose"],
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Visit to {school.name} planned for {visit.visit_date:%-d %B %Y}.")
            return redirect(visit)
    return render(
        request,
        "visits/visit_plan.html",
        {"form": form, "chosen": chosen, "picker": picker, "has_schools": schools.exists(), "title": "Plan a visit"},
    )


def _closed_day(visit, today) -> str:
    """Why the school is closed on the day of a planned visit still to come, or "" (docs/adr/0065)."""
    if visit.status != VisitStatus.PLANNED or visit.visit_date < today:
        return ""
    return not_a_school_day(visit.visit_date)


@permission_required("visits.view_visits", raise_exception=True)
def visit_detail(request, pk: int, reply_form=None):
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    can_change = request.user.has_perm("visits.change_visit", visit)
    record_request_read(request, visit)
    today = timezone.localdate()
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "actions": selectors.visit_actions(visit=visit),
            "can_change": can_change,
            # Not offered before the day: the rule would refuse it.
            "may_complete": not rules.future_visit_cannot_be_completed(visit_date=visit.visit_date, today=today),
            "closed_day": _closed_day(visit, today) if can_change else "",
            "today": today,
            "history": visit.history.select_related("history_user").order_by("-history_date")[:10],
            "acknowledgement": views_acknowledgement.visit_section(request, visit, reply_form),
            "pre": pre_visit.staff_section(visit),
            "title": str(visit),
        },
    )


def _record_initial(visit) -> dict:
    return {
        "adviser": visit.adviser,
        "visit_date": visit.visit_date,
        "start_time": visit.start_time,
        "length": visit.length,
        "visit_type": visit.visit_type,
        "focus_areas": visit.focus_areas,
        "purpose": visit.purpose,
        "activities": visit.activities,
        "strengths": visit.strengths,
        "areas_for_development": visit.areas_for_development,
        "notes": visit.notes,
        "version": version_of(visit),  # a save over another's, or another tab's, is refused (core.versions)
    }


@permission_required("visits.view_visits", raise_exception=True)
def visit_record(request, pk: int):
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    forbid_unless(request, "visits.change_visit", visit)
    cancelled = visit.status == VisitStatus.CANCELLED
    if cancelled and request.method != "POST":
        messages.error(request, services.VISIT_CANCELLED_NO_EDIT)
        return redirect(visit)
    officer = is_officer(request.user)
    data = posted(request)
    add_row = data is not None and "add_action" in data and not cancelled  # a cancelled visit's error shows
    today = timezone.localdate()
    # The form and the rows ask the rules of what is sound, so one round names every problem (ADR 0070).
    complete = data is not None and "complete" in data
    form = VisitRecordForm(
        data, choose_adviser=officer, initial=_record_initial(visit), visit=visit, complete=complete, today=today
    )
    formset = action_formset(data, add_row=add_row, today=today)
    if cancelled:  # cancelled in another tab while this was typed: the text is shown again, to keep
        form.is_valid()
        form.add_error(None, services.VISIT_CANCELLED_NO_EDIT)
    elif (
        request.method == "POST"
        and not add_row
        and rows_and_form_valid(form, formset, date_field="visit_date", occasion="visit")
    ):
        try:
            services.visit_record(
                visit=visit,
                adviser=form.cleaned_data.get("adviser") or visit.adviser,
                visit_date=form.cleaned_data["visit_date"],
                start_time=form.cleaned_data["start_time"],
                length=form.cleaned_data["length"],
                visit_type=form.cleaned_data["visit_type"],
                focus_areas=form.cleaned_data["focus_areas"],
                purpose=form.cleaned_data["purpose"],
                activities=form.cleaned_data["activities"],
                strengths=form.cleaned_data["strengths"],
                areas_for_development=form.cleaned_data["areas_for_development"],
                notes=form.cleaned_data["notes"],
                new_actions=formset.new_actions(),
                complete=complete,
                actor=request.user,
                today=today,
                version=form.cleaned_data["version"],
            )
        except NewActionRefused as error:
            formset.show_refusal(error)
        except ChangedSince as error:  # the form and the action rows keep what was typed
            form.take_version(error.version)
            add_service_errors(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = "recorded and marked as completed" if "complete" in data else "saved"
            messages.success(request, f"Visit to {visit.school.name} {done}.")
            return redirect(visit)
    show_errors = errors_shown(request, add_row, form, formset)
    record_request_read(request, visit)
    heading = "Record the visit" if visit.status == VisitStatus.PLANNED else "Change the record of the visit"
    return render(
        request,
        "visits/visit_record.html",
        {
            "visit": visit,
            "record_form": form,
            "form": form if show_errors else None,
            "formset": formset,
            "show_errors": show_errors,
            "actions": selectors.visit_actions(visit=visit),
            "pre": pre_visit.staff_section(visit),
            "heading": heading,
            "title": f"{heading} to {visit.school.name}",
        },
    )


@require_POST
@permission_required("visits.view_visits", raise_exception=True)
def visit_complete(request, pk: int):
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    forbid_unless(request, "visits.change_visit", visit)
    try:
        services.visit_complete(visit=visit, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Visit to {visit.school.name} marked as completed.")
    return redirect(visit)


@permission_required("visits.view_visits", raise_exception=True)
def visit_cancel(request, pk: int):
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    forbid_unless(request, "visits.change_visit", visit)
    form = CancelVisitForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.visit_cancel(visit=visit, reason=form.cleaned_data["reason"], actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Visit to {visit.school.name} cancelled.")
            return redirect(visit)
    return render(request, "visits/visit_cancel.html", {"visit": visit, "form": form, "title": f"Cancel the {visit}"})


def _note_context(request, visit) -> dict:
    letterhead = letterhead_for(visit.school.la_code)
    logo = stored_logo(letterhead.logo)
    return {
        "letterhead": letterhead,
        "letterhead_logo": logo.data_uri if logo else "",
        "visit": visit,
        "actions": selectors.visit_actions(visit=visit),
        "title": f"Note of visit: {visit.school.name}, {visit.visit_date:%-d %B %Y}",
    }


@permission_required("visits.view_visits", raise_exception=True)
def visit_note(request, pk: int):
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    context = _note_context(request, visit)
    context["can_change"] = request.user.has_perm("visits.change_visit", visit)
    record_request_read(request, visit)
    return render(request, "visits/note.html", context)


@permission_required("visits.view_visits", raise_exception=True)
def visit_note_pdf(request, pk: int):
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    record_request_read(request, visit)
    data = render_pdf("visits/note_pdf.html", _note_context(request, visit), request)
    return pdf_response(data, f"note-of-visit-{visit.school.urn}-{visit.visit_date:%Y-%m-%d}.pdf")


@permission_required("visits.view_visits", raise_exception=True)
def visit_share(request, pk: int):
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    forbid_unless(request, "visits.change_visit", visit)
    today = timezone.localdate()
    initial = {"shared_on": visit.shared_on or today, "shared_with": visit.shared_with}
    form = ShareNoteForm(posted(request), initial=initial, visit=visit, today=today)
    if request.method == "POST" and form.is_valid():
        try:
            shared = services.visit_share_note(visit=visit, actor=request.user, today=today, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded that the note of visit was shared with {shared.shared_with}.")
            return redirect(visit)
    return render(
        request, "visits/visit_share.html", {"visit": visit, "form": form, "title": "Record that the note was shared"}
    )
