"""Pages for visits, actions, compliance, MSP groups and meetings, and the adviser's calendar.
Thin: permissions (django-rules) and scoped selectors here, rules in services and policy."""

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from accounts.permissions import is_adviser, is_governor, is_headteacher, is_la_staff, is_officer
from audit.services import record_request_read
from core.documents import pdf_response, render_pdf
from core.exports import csv_response, xlsx_response
from core.forms import add_service_errors, posted
from core.pagination import paginate
from core.text import count_of
from schools.logos import stored_logo
from schools.picker import chosen_school, school_picker
from schools.selectors import letterhead_for, open_schools_user_acts_for, school_for_user
from schools.terms import term_on

from . import calendar_feed, exports, pre_visit, selectors, services, views_acknowledgement
from .compliance import STATUS_FILTERS, compliance_rows, compliance_schools, year_calendar
from .forms import (
    ActionCloseForm,
    ActionUpdateForm,
    CalendarRangeForm,
    CancelVisitForm,
    ComplianceFilterForm,
    EnhancedOfferForm,
    MspGroupCloseForm,
    MspGroupForm,
    MspMeetingPlanForm,
    MspMeetingRecordForm,
    ShareNoteForm,
    VisitPlanForm,
    VisitRecordForm,
    action_formset,
)
from .models import Action, ActionStatus, EnhancedOffer, MspGroupStatus, MspMemberRole, VisitStatus
from .stored_compliance import STATUS_Q, rows_for, stored_compliance, summarise_stored

PICKER_HINT = "You can plan a visit to any open school."


def _today():
    return timezone.localdate()


def _forbid_unless(request, perm: str, obj=None) -> None:
    if not request.user.has_perm(perm, obj):
        raise PermissionDenied


# ---- visits -----------------------------------------------------------------------------------


@permission_required("visits.view_visits", raise_exception=True)
def visit_list(request):
    form, visits = exports.filtered_visits(user=request.user, params=request.GET)
    pagination = paginate(request, visits)
    return render(
        request,
        "visits/visit_list.html",
        {"form": form, "pagination": pagination, "today": _today(), "title": "Visits"},
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
    form = VisitPlanForm(posted(request), schools=schools, choose_adviser=officer, initial=initial, today=_today())
    if request.method == "POST" and form.is_valid():
        school = form.cleaned_data["school"]
        _forbid_unless(request, "visits.plan_visit", school)
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


@permission_required("visits.view_visits", raise_exception=True)
def visit_detail(request, pk: int):
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    can_change = request.user.has_perm("visits.change_visit", visit)
    record_request_read(request, visit)
    return render(
        request,
        "visits/visit_detail.html",
        {
            "visit": visit,
            "actions": selectors.visit_actions(visit=visit),
            "can_change": can_change,
            "today": _today(),
            "history": visit.history.select_related("history_user").order_by("-history_date")[:10],
            "acknowledgement": views_acknowledgement.visit_section(request, visit),
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
    }


@permission_required("visits.view_visits", raise_exception=True)
def visit_record(request, pk: int):
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    _forbid_unless(request, "visits.change_visit", visit)
    if visit.status == VisitStatus.CANCELLED:
        messages.error(request, services.VISIT_CANCELLED_NO_EDIT)
        return redirect(visit)
    officer = is_officer(request.user)
    data = posted(request)
    add_row = data is not None and "add_action" in data
    form = VisitRecordForm(data, choose_adviser=officer, initial=_record_initial(visit))
    formset = action_formset(data, add_row=add_row)
    if request.method == "POST" and not add_row and form.is_valid() & formset.is_valid():
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
                complete="complete" in data,
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            done = "recorded and marked as completed" if "complete" in data else "saved"
            messages.success(request, f"Visit to {visit.school.name} {done}.")
            return redirect(visit)
    show_errors = _show_errors(request, add_row, form, formset)
    record_request_read(request, visit)
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
            "title": f"Record the visit to {visit.school.name}",
        },
    )


def _show_errors(request, add_row: bool, form, formset) -> bool:
    """Errors show after a real submission; "Add another action" re-displays the page without them."""
    if request.method != "POST":
        return False
    if add_row:
        for each in [form, *formset.forms]:
            each.helper.form_show_errors = False
        return False
    return True


@require_POST
@permission_required("visits.view_visits", raise_exception=True)
def visit_complete(request, pk: int):
    visit = selectors.visit_for_user(user=request.user, pk=pk)
    _forbid_unless(request, "visits.change_visit", visit)
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
    _forbid_unless(request, "visits.change_visit", visit)
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
    _forbid_unless(request, "visits.change_visit", visit)
    initial = {"shared_on": visit.shared_on or _today(), "shared_with": visit.shared_with}
    form = ShareNoteForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            shared = services.visit_share_note(visit=visit, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded that the note of visit was shared with {shared.shared_with}.")
            return redirect(visit)
    return render(
        request, "visits/visit_share.html", {"visit": visit, "form": form, "title": "Record that the note was shared"}
    )


# ---- actions ----------------------------------------------------------------------------------


@permission_required("visits.view_actions", raise_exception=True)
def action_list(request):
    today = _today()
    form, actions = exports.filtered_actions(user=request.user, params=request.GET, today=today)
    pagination = paginate(request, actions)
    return render(
        request,
        "visits/action_list.html",
        {"form": form, "pagination": pagination, "today": today, "title": "Actions"},
    )


@permission_required("visits.view_actions", raise_exception=True)
def action_detail(request, pk: int):
    action = selectors.action_for_user(user=request.user, pk=pk)
    can_change = request.user.has_perm("visits.change_action", action)
    data = posted(request)
    if data is not None and not can_change:
        raise PermissionDenied
    initial = {"description": action.description, "owner": action.owner, "due_on": action.due_on}
    update_form = ActionUpdateForm(data if data is not None and "update" in data else None, initial=initial)
    close_form = ActionCloseForm(
        data if data is not None and ("close" in data) else None,
        submit="Close the action" if action.is_open else "Reopen the action",
    )
    if request.method == "POST":
        try:
            if "update" in data and update_form.is_valid():
                services.action_update(action=action, actor=request.user, **update_form.cleaned_data)
                messages.success(request, "Action updated.")
                return redirect(action)
            if "close" in data and close_form.is_valid():
                if action.is_open:
                    services.action_close(action=action, note=close_form.cleaned_data["note"], actor=request.user)
                    messages.success(request, "Action closed.")
                else:
                    services.action_reopen(action=action, note=close_form.cleaned_data["note"], actor=request.user)
                    messages.success(request, "Action reopened.")
                return redirect(action)
        except ValidationError as error:
            add_service_errors(update_form if "update" in data else close_form, error)
    return render(
        request,
        "visits/action_detail.html",
        {
            "action": action,
            "update_form": update_form,
            "close_form": close_form,
            "form": update_form if update_form.is_bound else close_form,
            "can_change": can_change,
            "updates": action.updates.select_related("created_by")[:20],
            "reviews": action.msp_progress.select_related("meeting").order_by("-meeting__held_on")[:10],
            "today": _today(),
            "title": "Action",
        },
    )


# ---- compliance -------------------------------------------------------------------------------


def _compliance(request):
    """The stored rows the filters select, in name order, and the summary counts of the rows every
    filter but the status selects (each count is the number of rows its status filter gives: the
    cards link to them). An adviser starts with their link schools."""
    data = request.GET.copy() if request.GET else None
    if data is None and is_adviser(request.user):
        data = {"adviser": "mine"}
    phases = list(compliance_schools().exclude(phase="").values_list("phase", flat=True).distinct().order_by("phase"))
    form = ComplianceFilterForm(data, phases=phases)
    stored = stored_compliance(today=_today())
    status = ""
    if form.is_valid():
        adviser = form.cleaned_data["adviser"]
        if adviser == "mine":
            stored = stored.filter(school__link_adviser=request.user)
        elif adviser:
            stored = stored.filter(school__link_adviser_id=int(adviser))
        if form.cleaned_data["phase"]:
            stored = stored.filter(school__phase=form.cleaned_data["phase"])
        if form.cleaned_data["category"]:
            stored = stored.filter(level=form.cleaned_data["category"])
        status = form.cleaned_data["status"]
    summary = summarise_stored(stored)
    kept = STATUS_Q.get(status)
    return form, stored.filter(kept) if kept is not None else stored, summary


COMPLIANCE_PAGE_SIZE = 50


@permission_required("visits.view_compliance", raise_exception=True)
def compliance(request):
    form, stored, summary = _compliance(request)
    calendar = year_calendar(_today())
    # Each summary card links to its status filter, keeping the other filters (an adviser's
    # default "my link schools" included).
    kept = {key: form.data.get(key) for key in ("adviser", "category", "phase") if form.data.get(key)}
    status_links = {status: "?" + urlencode(kept | {"status": status}) for status in STATUS_FILTERS}
    # The counts cover every school the other filters select; the table shows one page of those
    # the status filter keeps, each computed in full.
    pagination = paginate(request, stored, per_page=COMPLIANCE_PAGE_SIZE)
    return render(
        request,
        "visits/compliance.html",
        {
            "form": form,
            "pagination": pagination,
            "rows": rows_for(pagination.page.object_list, today=_today()),
            "summary": summary,
            "status_links": status_links,
            "term": calendar.current_term,
            "term_ends": calendar.teaching_ends.get(calendar.current_term, calendar.current_term.ends_on),
            "half_term": calendar.current_half_term,
            "title": "Entitlement and compliance",
        },
    )


COMPLIANCE_HEADER = [
    "URN",
    "School",
    "Phase",
    "Link adviser",
    "Category",
    "Entitlement",
    "Term",
    "Periods due so far this term",
    "Periods met this term",
    "This term's record",
    "Period under way",
    "Visits completed in it",
    "Visits planned in it",
    "Status",
    "Missed earlier this year",
    "MSP group",
    "MSP meetings",
    "Enhanced offer half-days bought",
    "Enhanced offer half-days used",
]


@permission_required("visits.view_compliance", raise_exception=True)
def compliance_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _, stored, _summary = _compliance(request)
    rows = compliance_rows(today=_today(), schools=compliance_schools(school_ids=stored.values("school_id")))

    def lines():
        for row in rows:
            visits, current = row.visits, row.visits.current
            yield [
                row.school.urn,
                row.school.name,
                row.school.phase,
                str(row.school.link_adviser or ""),
                row.level_label,
                visits.entitlement.label,
                visits.term.label if visits.term else "",
                visits.periods_due,
                visits.periods_met,
                visits.record_text,
                current.period.label if current else "",
                current.completed if current else "",
                current.planned if current else "",
                visits.status_label,
                visits.missed_earlier_text,
                "To set up" if row.msp_to_set_up else ("Open" if row.msp_group else ""),
                row.msp.status_label if row.msp else "",
                row.enhanced.bought if row.enhanced else "",
                row.enhanced.used if row.enhanced else "",
            ]

    if fmt == "xlsx":
        return xlsx_response("visits-compliance.xlsx", "Compliance", COMPLIANCE_HEADER, lines())
    return csv_response("visits-compliance.csv", COMPLIANCE_HEADER, lines())


@permission_required("visits.manage_enhanced_offer", raise_exception=True)
def enhanced_offer(request, urn: int):
    school = school_for_user(user=request.user, urn=urn)
    year = term_on(_today()).academic_year  # the LA's school year, as the compliance view counts it
    offers = {o.academic_year: o for o in EnhancedOffer.objects.filter(school=school, academic_year__gte=year - 1)}
    current = offers.get(year)
    initial = {"academic_year": year, "half_days": current.half_days if current else None}
    form = EnhancedOfferForm(posted(request), years=[year, year + 1], initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            offer = services.enhanced_offer_set(school=school, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(
                request, f"Enhanced offer for {school.name} saved: {count_of(offer.half_days, 'half-day')}."
            )
            return redirect(school)
    return render(
        request,
        "visits/enhanced_offer.html",
        {
            "school": school,
            "form": form,
            "offers": sorted(offers.values(), key=lambda o: o.academic_year),
            "title": f"Enhanced offer: {school.name}",
        },
    )


# ---- MSP groups -------------------------------------------------------------------------------


@permission_required("visits.view_msp", raise_exception=True)
def msp_list(request):
    status = request.GET.get("status", MspGroupStatus.OPEN)
    pagination = paginate(request, selectors.msp_group_list(user=request.user, status=status))
    groups = list(pagination.page.object_list)
    # The page's open groups' schools and the high-support schools with no group yet, computed in
    # full; which those are is read from the stored status.
    stored = stored_compliance(today=_today())
    wanted = stored.filter(Q(school_id__in=[g.school_id for g in groups if g.is_open]) | Q(msp_to_set_up=True))
    rows = rows_for(wanted, today=_today())
    by_school = {r.school.pk: r for r in rows}
    for group in groups:
        row = by_school.get(group.school_id)
        group.compliance = row.msp if row and group.is_open else None
    return render(
        request,
        "visits/msp_list.html",
        {
            "groups": groups,
            "pagination": pagination,
            "to_set_up": [r for r in rows if r.msp_to_set_up],
            "status": status,
            "can_set_up": request.user.has_perm("visits.set_up_msp_group"),
            "title": "MSP groups",
        },
    )


@permission_required("visits.set_up_msp_group", raise_exception=True)
def msp_group_set_up(request, urn: int):
    school = school_for_user(user=request.user, urn=urn)
    existing = selectors.open_msp_group(school=school)
    if existing is not None:
        messages.info(request, services.MSP_GROUP_EXISTS.format(school=school.name))
        return redirect(existing)
    proposal = services.msp_group_proposal(school=school, actor=request.user)
    initial = {
        "chair": proposal.chair,
        "set_up_on": _today(),
        "headteacher": proposal.headteacher,
        "governor_name": proposal.chair_of_governors,
        "governor_role": MspMemberRole.CHAIR_OF_GOVERNORS,
        "link_adviser": proposal.link_adviser,
    }
    form = MspGroupForm(posted(request), officers=services.officers(), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            group = services.msp_group_set_up(
                school=school,
                chair=form.cleaned_data["chair"],
                set_up_on=form.cleaned_data["set_up_on"],
                headteacher=form.cleaned_data["headteacher"],
                governor_name=form.cleaned_data["governor_name"],
                governor_role=form.cleaned_data["governor_role"],
                link_adviser=form.cleaned_data["link_adviser"],
                other_members=form.other_member_names(),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"MSP group for {school.name} set up.")
            return redirect(group)
    return render(
        request,
        "visits/msp_group_form.html",
        {"school": school, "form": form, "title": f"Set up an MSP group: {school.name}"},
    )


@permission_required("visits.view_msp", raise_exception=True)
def msp_group(request, pk: int):
    group = selectors.msp_group_for_user(user=request.user, pk=pk)
    can_record = request.user.has_perm("visits.record_msp_meeting", group)
    can_change = request.user.has_perm("visits.change_msp_group", group)
    data = posted(request)
    plan_form = MspMeetingPlanForm(data if data is not None and "plan" in data else None)
    close_form = MspGroupCloseForm(
        data if data is not None and "close" in data else None, initial={"closed_on": _today()}
    )
    if request.method == "POST":
        try:
            if "plan" in data:
                _forbid_unless(request, "visits.record_msp_meeting", group)
                if plan_form.is_valid():
                    meeting = services.msp_meeting_plan(group=group, actor=request.user, **plan_form.cleaned_data)
                    messages.success(request, f"MSP meeting planned for {meeting.held_on:%-d %B %Y}.")
                    return redirect(group)
            elif "close" in data:
                _forbid_unless(request, "visits.change_msp_group", group)
                if close_form.is_valid():
                    services.msp_group_close(group=group, actor=request.user, **close_form.cleaned_data)
                    messages.success(request, "MSP group closed.")
                    return redirect(group)
        except ValidationError as error:
            add_service_errors(plan_form if "plan" in data else close_form, error)
    meetings = selectors.group_meetings(group=group)
    return render(
        request,
        "visits/msp_group.html",
        {
            "group": group,
            "meetings": meetings,
            "plan_form": plan_form,
            "close_form": close_form,
            "form": plan_form if plan_form.is_bound else close_form,
            "can_record": can_record and group.is_open,
            "can_change": can_change and group.is_open,
            "history": group.history.select_related("history_user").order_by("-history_date")[:10],
            "title": str(group),
        },
    )


@permission_required("visits.view_msp", raise_exception=True)
def msp_group_edit(request, pk: int):
    group = selectors.msp_group_for_user(user=request.user, pk=pk)
    _forbid_unless(request, "visits.change_msp_group", group)
    if not group.is_open:
        messages.error(request, services.MSP_GROUP_CLOSED)
        return redirect(group)
    members = list(group.members.all())
    governor = next(
        (m for m in members if m.role in (MspMemberRole.CHAIR_OF_GOVERNORS, MspMemberRole.VICE_CHAIR)), None
    )
    initial = {
        "chair": group.chair,
        "headteacher": next((m.name for m in members if m.role == MspMemberRole.HEADTEACHER), ""),
        "governor_name": governor.name if governor else "",
        "governor_role": governor.role if governor else MspMemberRole.CHAIR_OF_GOVERNORS,
        "link_adviser": next((m.user for m in members if m.role == MspMemberRole.LINK_ADVISER), None),
        "other_members": "\n".join(m.name for m in members if m.role == MspMemberRole.OTHER),
    }
    form = MspGroupForm(
        posted(request), officers=services.officers(), initial=initial, with_date=False, submit="Save members"
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.msp_group_update(
                group=group,
                chair=form.cleaned_data["chair"],
                headteacher=form.cleaned_data["headteacher"],
                governor_name=form.cleaned_data["governor_name"],
                governor_role=form.cleaned_data["governor_role"],
                link_adviser=form.cleaned_data["link_adviser"],
                other_members=form.other_member_names(),
                actor=request.user,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "MSP group members saved.")
            return redirect(group)
    return render(
        request,
        "visits/msp_group_form.html",
        {"school": group.school, "group": group, "form": form, "title": f"Change the MSP group: {group.school.name}"},
    )


# ---- MSP meetings -----------------------------------------------------------------------------


def _meeting_initial(meeting) -> dict:
    initial = {
        "held_on": meeting.held_on,
        "start_time": meeting.start_time,
        "attendees": meeting.attendees,
        "impact_of_support": meeting.impact_of_support,
        "support_refocused": {True: "yes", False: "no"}.get(meeting.support_refocused),
        "refocus_details": meeting.refocus_details,
        "minutes": meeting.minutes,
        "summary_key_points": meeting.summary_key_points,
        "recommendation": meeting.recommendation or None,
    }
    for progress in meeting.action_progress.all():
        initial[f"rating_{progress.action_id}"] = progress.rating
        initial[f"comment_{progress.action_id}"] = progress.comment
    return initial


def _meeting_form_page(request, *, group, meeting=None):
    """Record a meeting (a planned one, or a new one) as held."""
    reviewed_ids = list(meeting.action_progress.values_list("action_id", flat=True)) if meeting else []
    open_actions = Action.objects.filter(school=group.school).filter(
        Q(status=ActionStatus.OPEN) | Q(pk__in=reviewed_ids)
    )
    if meeting is not None:
        open_actions = open_actions.exclude(msp_meeting=meeting)
    open_actions = open_actions.order_by("due_on", "id")
    data = posted(request)
    add_row = data is not None and "add_action" in data
    initial = _meeting_initial(meeting) if meeting else {"held_on": _today(), "attendees": _attendees(group)}
    from .msp_members import school_members_eligible

    school_members = school_members_eligible(school=group.school)
    if meeting is not None:
        initial["school_attendees"] = list(meeting.school_attendees.all())
    form = MspMeetingRecordForm(
        data,
        open_actions=open_actions,
        school_members=school_members,
        initial=initial,
        summary_locked=bool(meeting and meeting.is_published),
    )
    formset = action_formset(data, add_row=add_row)
    if request.method == "POST" and not add_row and form.is_valid() & formset.is_valid():
        record = {
            "attendees": form.cleaned_data["attendees"],
            "reviews": form.reviews(),
            "impact_of_support": form.cleaned_data["impact_of_support"],
            "support_refocused": form.support_refocused_value,
            "refocus_details": form.cleaned_data["refocus_details"],
            "minutes": form.cleaned_data["minutes"],
            "summary_key_points": form.cleaned_data["summary_key_points"],
            "recommendation": form.cleaned_data["recommendation"],
            "new_actions": formset.new_actions(),
            "actor": request.user,
        }
        if "school_attendees" in form.fields:
            record["school_attendees"] = list(form.cleaned_data["school_attendees"])
        try:
            if meeting is None:
                meeting = services.msp_meeting_record_new(
                    group=group,
                    held_on=form.cleaned_data["held_on"],
                    start_time=form.cleaned_data["start_time"],
                    **record,
                )
            else:
                meeting = services.msp_meeting_record(
                    meeting=meeting,
                    held_on=form.cleaned_data["held_on"],
                    start_time=form.cleaned_data["start_time"],
                    **record,
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"MSP meeting of {meeting.held_on:%-d %B %Y} recorded.")
            return redirect(meeting)
    show_errors = _show_errors(request, add_row, form, formset)
    if meeting is not None:
        record_request_read(request, meeting)
    return render(
        request,
        "visits/msp_meeting_form.html",
        {
            "group": group,
            "meeting": meeting,
            "record_form": form,
            "form": form if show_errors else None,
            "formset": formset,
            "show_errors": show_errors,
            "title": f"Record an MSP meeting: {group.school.name}",
        },
    )


def _attendees(group) -> str:
    return "\n".join([f"{group.chair} (chair)"] + [f"{m.name} ({m.get_role_display()})" for m in group.members.all()])


@permission_required("visits.view_msp", raise_exception=True)
def msp_meeting_new(request, pk: int):
    group = selectors.msp_group_for_user(user=request.user, pk=pk)
    _forbid_unless(request, "visits.record_msp_meeting", group)
    if not group.is_open:
        messages.error(request, services.MSP_GROUP_CLOSED)
        return redirect(group)
    return _meeting_form_page(request, group=group)


@permission_required("visits.view_msp", raise_exception=True)
def msp_meeting_record(request, pk: int):
    meeting = selectors.msp_meeting_for_user(user=request.user, pk=pk)
    _forbid_unless(request, "visits.record_msp_meeting", meeting)
    if meeting.status == "cancelled":
        messages.error(request, services.MSP_MEETING_CANCELLED)
        return redirect(meeting)
    return _meeting_form_page(request, group=meeting.group, meeting=meeting)


@permission_required("visits.view_msp", raise_exception=True)
def msp_meeting(request, pk: int):
    """The meeting with its confidential minutes: LA staff only."""
    meeting = selectors.msp_meeting_for_user(user=request.user, pk=pk)
    record_request_read(request, meeting)
    return render(
        request,
        "visits/msp_meeting.html",
        {
            "meeting": meeting,
            "group": meeting.group,
            "progress": selectors.meeting_progress(meeting=meeting),
            "new_actions": list(meeting.actions.order_by("due_on", "id")),
            "school_attendees": list(meeting.school_attendees.order_by("first_name", "last_name", "username")),
            "can_record": request.user.has_perm("visits.record_msp_meeting", meeting) and meeting.group.is_open,
            "can_publish": request.user.has_perm("visits.publish_msp_summary", meeting),
            "history": meeting.history.select_related("history_user").order_by("-history_date")[:10],
            "title": str(meeting),
        },
    )


@require_POST
@permission_required("visits.view_msp", raise_exception=True)
def msp_meeting_publish(request, pk: int):
    meeting = selectors.msp_meeting_for_user(user=request.user, pk=pk)
    _forbid_unless(request, "visits.publish_msp_summary", meeting)
    try:
        services.msp_meeting_publish_summary(meeting=meeting, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Summary key points published to the school's governors.")
    return redirect(meeting)


@require_POST
@permission_required("visits.view_msp", raise_exception=True)
def msp_meeting_cancel(request, pk: int):
    meeting = selectors.msp_meeting_for_user(user=request.user, pk=pk)
    _forbid_unless(request, "visits.record_msp_meeting", meeting)
    try:
        services.msp_meeting_cancel(meeting=meeting, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, "Meeting cancelled.")
    return redirect(meeting.group)


def msp_summary(request, pk: int):
    """Published summary key points: the school's governors and headteachers and LA staff (never the
    minutes). Admins get 403 (no case material); a governor or headteacher of another school 404."""
    if not (is_la_staff(request.user) or is_governor(request.user) or is_headteacher(request.user)):
        raise PermissionDenied
    meeting = selectors.published_summary_for_user(user=request.user, pk=pk)
    _forbid_unless(request, "visits.view_governor_material", meeting.group.school)
    return render(
        request,
        "visits/msp_summary.html",
        {
            "meeting": meeting,
            "school": meeting.group.school,
            "title": f"MSP summary key points: {meeting.held_on:%-d %B %Y}",
        },
    )


# ---- calendar ---------------------------------------------------------------------------------

CALENDAR_TOKEN_SESSION_KEY = "visits_new_calendar_token"


@permission_required("visits.use_calendar", raise_exception=True)
def calendar(request):
    form = CalendarRangeForm(request.GET or None)
    weeks = (form.cleaned_data.get("weeks") if form.is_valid() else None) or 8
    today = _today()
    visits, meetings = selectors.calendar_entries(
        user=request.user, starts_on=today, ends_on=today + timedelta(weeks=weeks)
    )
    token = request.session.pop(CALENDAR_TOKEN_SESSION_KEY, None)
    return render(
        request,
        "visits/calendar.html",
        {
            "days": calendar_feed.by_day(visits, meetings),
            "weeks": weeks,
            "form": form,
            "feed_url": request.build_absolute_uri(reverse("visits:calendar_feed", kwargs={"token": token}))
            if token
            else "",
            "has_token": hasattr(request.user, "calendar_token"),
            "title": "Your calendar",
        },
    )


@require_POST
@permission_required("visits.use_calendar", raise_exception=True)
def calendar_token(request):
    if "revoke" in request.POST:
        services.calendar_token_revoke(user=request.user, actor=request.user)
        messages.success(request, "Calendar subscription link turned off. Calendars using it stop updating.")
    else:
        token = services.calendar_token_regenerate(user=request.user, actor=request.user)
        request.session[CALENDAR_TOKEN_SESSION_KEY] = token
        messages.success(request, "New calendar subscription link made. Any older link no longer works.")
    return redirect("visits:calendar")


@never_cache
@login_not_required
def calendar_feed_view(request, token: str):
    """The iCalendar feed: no sign-in (calendar apps cannot), the secret in the URL instead. Only
    dates, times, school names and visit types - never notes or minutes."""
    user = calendar_feed.user_for_token(token)
    if user is None:
        raise Http404
    visits, meetings = selectors.feed_entries(user=user, today=_today())
    response = HttpResponse(calendar_feed.to_ical(visits, meetings), content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'inline; filename="visits.ics"'
    return response
