"""MSP groups and meetings: the list, setting up and changing a group, planning, recording,
publishing and cancelling its meetings, and the published summary key points."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Q
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import is_governor, is_headteacher, is_la_staff
from audit.services import record_request_read
from core.forms import add_service_errors, errors_shown, posted
from core.pagination import paginate
from core.versions import ChangedSince, version_of
from schools.selectors import school_for_user

from . import selectors, services
from .filters import filtered_msp_groups
from .forms_actions import action_formset, rows_and_form_valid
from .forms_msp import MspGroupCloseForm, MspGroupForm, MspMeetingPlanForm, MspMeetingRecordForm
from .models import Action, ActionStatus, MspMemberRole
from .msp_summary_emails import published_message
from .services_actions import NewActionRefused
from .stored_compliance import msp_groups_to_set_up, rows_for, stored_compliance
from .views_shared import forbid_unless

TO_SET_UP_SHOWN = 25  # then a link shows them all (England-scale data has over a hundred)


@permission_required("visits.view_msp", raise_exception=True)
def msp_list(request):
    group_filter = filtered_msp_groups(user=request.user, params=request.GET)
    pagination = paginate(request, group_filter.qs)
    groups = list(pagination.page.object_list)
    # The page's open groups' schools computed in full; the high-support schools with no group yet
    # read from the stored status.
    today = timezone.localdate()
    stored = stored_compliance(today=today)
    rows = rows_for(stored.filter(school_id__in=[g.school_id for g in groups if g.is_open]), today=today)
    by_school = {r.school.pk: r for r in rows}
    show_all = request.GET.get("to_set_up") == "all"
    limit = None if show_all else TO_SET_UP_SHOWN
    to_set_up, to_set_up_total = msp_groups_to_set_up(stored, today=today, limit=limit)
    for group in groups:
        row = by_school.get(group.school_id)
        group.compliance = row.msp if row and group.is_open else None
    return render(
        request,
        "visits/msp_list.html",
        {
            "groups": groups,
            "pagination": pagination,
            "to_set_up": to_set_up,
            "to_set_up_total": to_set_up_total,
            "status": group_filter.chosen_status,
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
        "set_up_on": timezone.localdate(),
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
        data if data is not None and "close" in data else None, initial={"closed_on": timezone.localdate()}
    )
    if request.method == "POST":
        try:
            if "plan" in data:
                forbid_unless(request, "visits.record_msp_meeting", group)
                if plan_form.is_valid():
                    meeting = services.msp_meeting_plan(group=group, actor=request.user, **plan_form.cleaned_data)
                    messages.success(request, f"MSP meeting planned for {meeting.held_on:%-d %B %Y}.")
                    return redirect(group)
            elif "close" in data:
                forbid_unless(request, "visits.change_msp_group", group)
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
    forbid_unless(request, "visits.change_msp_group", group)
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
        "version": version_of(meeting),  # a save over another's, or another tab's, is refused (core.versions)
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
    today = timezone.localdate()  # the form, the rows and the service ask the rules of the same day
    initial = _meeting_initial(meeting) if meeting else {"held_on": today, "attendees": _attendees(group)}
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
        set_up_on=group.set_up_on,
        today=today,
    )
    formset = action_formset(data, add_row=add_row, today=today)
    if (
        request.method == "POST"
        and not add_row
        and rows_and_form_valid(form, formset, date_field="held_on", occasion="meeting")
    ):
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
            "today": today,
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
                    version=form.cleaned_data["version"],
                    **record,
                )
        except NewActionRefused as error:
            formset.show_refusal(error)
        except ChangedSince as error:  # the form and the action rows keep what was typed
            form.take_version(error.version)
            add_service_errors(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"MSP meeting of {meeting.held_on:%-d %B %Y} recorded.")
            return redirect(meeting)
    show_errors = errors_shown(request, add_row, form, formset)
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
    forbid_unless(request, "visits.record_msp_meeting", group)
    if not group.is_open:
        messages.error(request, services.MSP_GROUP_CLOSED)
        return redirect(group)
    return _meeting_form_page(request, group=group)


@permission_required("visits.view_msp", raise_exception=True)
def msp_meeting_record(request, pk: int):
    meeting = selectors.msp_meeting_for_user(user=request.user, pk=pk)
    forbid_unless(request, "visits.record_msp_meeting", meeting)
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
            "summary_emails": list(meeting.summary_emails.select_related("recipient")),
            "title": str(meeting),
        },
    )


@require_POST
@permission_required("visits.view_msp", raise_exception=True)
def msp_meeting_publish(request, pk: int):
    meeting = selectors.msp_meeting_for_user(user=request.user, pk=pk)
    forbid_unless(request, "visits.publish_msp_summary", meeting)
    try:
        services.msp_meeting_publish_summary(meeting=meeting, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, published_message(meeting))
    return redirect(meeting)


@require_POST
@permission_required("visits.view_msp", raise_exception=True)
def msp_meeting_cancel(request, pk: int):
    meeting = selectors.msp_meeting_for_user(user=request.user, pk=pk)
    forbid_unless(request, "visits.record_msp_meeting", meeting)
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
    forbid_unless(request, "visits.view_governor_material", meeting.group.school)
    return render(
        request,
        "visits/msp_summary.html",
        {
            "meeting": meeting,
            "school": meeting.group.school,
            "title": f"MSP summary key points: {meeting.held_on:%-d %B %Y}",
        },
    )
