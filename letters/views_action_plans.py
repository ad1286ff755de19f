"""The school's action plan in answer to a letter of concern (docs/adr/0033): the headteacher's
pages (their plans, and one plan to send or revise), the LA's pages (plans awaiting review and
overdue, one plan with its review), and the plan's file, downloaded through a permission check and
logged in the read log."""

import logging

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required, permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from accounts.permissions import is_headteacher, is_la_staff
from audit.services import record_request_read
from core.forms import add_service_errors, errors_shown, posted, posted_files
from core.uploads import upload_limit
from core.versions import ChangedSince, version_of

from . import action_plans, plan_files
from .forms_action_plans import ActionPlanForm, ActionPlanReviewForm, plan_action_formset
from .models_action_plans import PlanStatus, PlanView

log = logging.getLogger(__name__)

SENT = "Your action plan was sent to the local authority."
REVISED = "Your revised action plan was sent to the local authority."
REVIEWED = {
    "accepted": "The plan is accepted: its actions are on the school's action list.",
    "more_needed": "The plan goes back to the school to revise, with your comments.",
}
PREFIX = "actions"


def _today():
    return timezone.localdate()


def _items(formset) -> list[action_plans.PlanItem]:
    return [action_plans.PlanItem(a.description, a.owner, a.due_on) for a in formset.new_actions()]


# ---- the school's pages ---------------------------------------------------------------------------


@permission_required("letters.send_action_plan", raise_exception=True)
def school_plans(request):
    """The plans asked of the headteacher's school(s), newest letter first."""
    plans = list(action_plans.plans_of_headteacher(request.user).order_by("-letter__issued_on", "-id"))
    return render(
        request, "letters/plans/school_list.html", {"plans": plans, "today": _today(), "title": "Action plans"}
    )


@upload_limit(lambda: settings.ACTION_PLAN_MAX_UPLOAD_BYTES)
@permission_required("letters.send_action_plan", raise_exception=True)
def school_plan(request, pk: int):
    """A headteacher's plan for one letter: the form while the LA has not accepted it, what was sent,
    and the LA's view as sent to the school. Another school's plan is 404."""
    plan = action_plans.plan_for_headteacher(user=request.user, pk=pk)
    data = posted(request)
    add_row = data is not None and "add_action" in data
    initial = {"text": plan.text, "version": version_of(plan)}
    form = ActionPlanForm(data, posted_files(request), has_file=bool(plan.file), initial=initial)
    today = _today()  # the rows' rules and the service's see the same day
    sent = None  # the actions sent before, shown to revise (the page as opened)
    if data is None:
        sent = [{"description": i.description, "owner": i.owner, "due_on": i.due_on} for i in plan.items.all()]
    formset = plan_action_formset(
        data, prefix=PREFIX, issued_on=plan.letter.issued_on, today=today, initial=sent, add_row=add_row
    )
    if request.method == "POST" and not add_row:
        if not plan.is_open:
            messages.error(request, action_plans.ALREADY_ACCEPTED)
            return redirect("letters:school_plan", pk=plan.pk)
        # Both checked, so both show their errors: each asks the plan's rules that its fields allow.
        if form.is_valid() & formset.is_valid():
            revised = plan.first_submitted_on is not None
            try:
                action_plans.action_plan_submit(
                    plan=plan,
                    actor=request.user,
                    text=form.cleaned_data["text"],
                    items=_items(formset),
                    upload=form.cleaned_data.get("file"),
                    today=today,
                    version=form.cleaned_data["version"],
                )
            except ChangedSince as error:  # sent from another tab, or the LA gave its view, since
                add_service_errors(form, error)
                form.take_version(error.version)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, REVISED if revised else SENT)
                return redirect("letters:school_plan", pk=plan.pk)
    return render(
        request,
        "letters/plans/school_plan.html",
        {
            "plan": plan,
            "letter": plan.letter,
            "form": form if plan.is_open else None,
            "formset": formset,
            "show_errors": plan.is_open and errors_shown(request, add_row, form, formset),
            "items": list(plan.items.all()),
            "events": action_plans.history_for_school(plan),
            "today": today,
            "title": f"Action plan: {plan.letter.school.name}",
        },
    )


# ---- the local authority's pages ------------------------------------------------------------------


@permission_required("letters.view_action_plans", raise_exception=True)
def plan_list(request):
    """Plans the school sent that await the LA's view, and plans due that the school never sent."""
    today = _today()
    return render(
        request,
        "letters/plans/list.html",
        {
            "awaiting": list(action_plans.plans_awaiting_review()[:200]),
            "overdue": list(action_plans.plans_overdue(today=today)[:200]),
            "today": today,
            "title": "Action plans from schools",
        },
    )


@permission_required("letters.view_action_plans", raise_exception=True)
def plan_detail(request, pk: int):
    """One plan for the LA: what the school sent, its actions, the history with internal notes, and
    the form to record the LA's view (the school's link adviser or an officer, once it is sent)."""
    plan = action_plans.plan_for_staff(pk=pk)
    may_review = action_plans.may_review(request.user, plan)
    form = ActionPlanReviewForm(posted(request), initial={"version": version_of(plan)})
    not_saved = None  # a view refused because the plan was reviewed since: what was typed, shown to copy
    if request.method == "POST":
        if not may_review:
            raise PermissionDenied(action_plans.NOT_A_REVIEWER)
        if form.is_valid():
            try:
                action_plans.action_plan_review(
                    plan=plan,
                    actor=request.user,
                    view=form.cleaned_data["view"],
                    comments=form.cleaned_data["view_comments"],
                    internal_note=form.cleaned_data["internal_note"],
                    version=form.cleaned_data["version"],
                )
            except ChangedSince as error:
                add_service_errors(form, error)
                form.take_version(error.version)
            except ValidationError as error:
                add_service_errors(form, error)
                plan.refresh_from_db()
                if plan.status != PlanStatus.SUBMITTED:
                    form.error_anchor = "not-saved"  # the summary links to what was typed
                    not_saved = {
                        "form": form,
                        "view": PlanView(form.cleaned_data["view"]).label.partition(":")[0],
                        "comments": form.cleaned_data["view_comments"],
                        "internal_note": form.cleaned_data["internal_note"],
                    }
            else:
                messages.success(request, REVIEWED[form.cleaned_data["view"]])
                return redirect("letters:plan", pk=plan.pk)
    record_request_read(request, plan, label=f"Action plan for {plan.letter.reference}")
    return render(
        request,
        "letters/plans/detail.html",
        {
            "plan": plan,
            "letter": plan.letter,
            "form": form if may_review and plan.status == PlanStatus.SUBMITTED else None,
            "not_saved": not_saved,
            "items": list(plan.items.all()),
            "actions": list(plan.actions.all()),
            "events": list(plan.events.select_related("actor")),
            "today": _today(),
            "title": f"Action plan: {plan.letter.school.name}",
        },
    )


@login_required
def plan_file(request, pk: int):
    """The plan's file for LA staff and the school's headteacher (another school's: 404; other
    roles: 403), as an attachment with the type judged from its bytes; the read is logged."""
    if is_la_staff(request.user):
        plan = action_plans.plan_for_staff(pk=pk)
    elif is_headteacher(request.user):
        plan = action_plans.plan_for_headteacher(user=request.user, pk=pk)
    else:
        raise PermissionDenied
    if not plan.file:
        raise Http404
    try:
        handle = plan.file.open("rb")
    except FileNotFoundError:
        log.error("The action plan file %s of plan %s is missing from the media storage", plan.file.name, plan.pk)
        raise Http404("The file is missing") from None
    record_request_read(request, plan, label=f"Action plan file for {plan.letter.reference}")
    response = FileResponse(handle, content_type=plan_files.CONTENT_TYPES[plan.file_kind], as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="action-plan-{plan.letter.reference}.{plan.file_kind}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
