"""Action pages: the list of actions and one action, updated, closed or reopened."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from core.forms import add_service_errors, posted
from core.pagination import paginate
from core.versions import ChangedSince, version_of

from . import selectors, services
from .filters import filtered_actions
from .forms_actions import ActionCloseForm, ActionUpdateForm
from .models import ActionOwner


@permission_required("visits.view_actions", raise_exception=True)
def action_list(request):
    today = timezone.localdate()
    action_filter, actions = filtered_actions(user=request.user, params=request.GET, today=today)
    pagination = paginate(request, actions)
    return render(
        request,
        "visits/action_list.html",
        {"form": action_filter.form, "pagination": pagination, "today": today, "title": "Actions"},
    )


@permission_required("visits.view_actions", raise_exception=True)
def action_detail(request, pk: int):
    """One action, its form to update it (while open) and the form to close or reopen it. A post
    from a page opened before the action was closed (or reopened) in another tab is refused, never
    applied to the other state, and what was typed is shown to copy (not saved)."""
    action = selectors.action_for_user(user=request.user, pk=pk)
    can_change = request.user.has_perm("visits.change_action", action)
    data = posted(request)
    if data is not None and not can_change:
        raise PermissionDenied
    initial = {
        "description": action.description,
        "owner": action.owner,
        "due_on": action.due_on,
        "version": version_of(action),  # a save over another's, or another tab's, is refused (core.versions)
    }
    update_form = ActionUpdateForm(data if data is not None and "update" in data else None, initial=initial)
    close_form = ActionCloseForm(data if data is not None and ("close" in data) else None, reopen=not action.is_open)
    form = update_form if update_form.is_bound else close_form  # the one the error summary is about
    not_saved = None  # refused because the action was closed or reopened since: what was typed
    if request.method == "POST":
        closing = _closing(data, action)
        try:
            if "update" in data and update_form.is_valid():
                services.action_update(action=action, actor=request.user, **update_form.cleaned_data)
                messages.success(request, "Action updated.")
                return redirect(action)
            if "close" in data and close_form.is_valid():
                if closing:
                    services.action_close(action=action, note=close_form.cleaned_data["note"], actor=request.user)
                    messages.success(request, "Action closed.")
                else:
                    services.action_reopen(action=action, note=close_form.cleaned_data["note"], actor=request.user)
                    messages.success(request, "Action reopened.")
                return redirect(action)
        except ChangedSince as error:  # only the update saves the whole action
            update_form.take_version(error.version)
            add_service_errors(update_form, error)
        except ValidationError as error:
            add_service_errors(update_form if "update" in data else close_form, error)
        action.refresh_from_db()
        if ("update" in data and not action.is_open) or ("close" in data and closing != action.is_open):
            form.error_anchor = "not-saved"  # the error summary links to what was typed
            not_saved = _typed(data, update="update" in data, closing=closing)
            close_form = ActionCloseForm(reopen=not action.is_open)  # the form for the action as it is now
    return render(
        request,
        "visits/action_detail.html",
        {
            "action": action,
            "update_form": update_form,
            "close_form": close_form,
            "form": form,
            "not_saved": not_saved,
            "can_change": can_change,
            "updates": action.updates.select_related("created_by")[:20],
            "reviews": action.msp_progress.select_related("meeting").order_by("-meeting__held_on")[:10],
            "today": timezone.localdate(),
            "title": f"Action for {action.school.name}, due {action.due_on:%-d %B %Y}",
        },
    )


def _closing(data, action) -> bool:
    """Whether the close form's post closes the action (else it reopens it): as its page said
    (its hidden `intent`), or, from a page opened before it said, as the action is now."""
    intent = data.get("intent")
    return action.is_open if intent not in {"close", "reopen"} else intent == "close"


def _typed(data, *, update: bool, closing: bool) -> list[tuple[str, str]]:
    """What a refused post typed, as (label, text) rows to show back."""
    if not update:
        return [("Closing note" if closing else "Why the action is reopened", data.get("close-note", ""))]
    due = "/".join(data.get(f"due_on_{i}", "") for i in range(3)).strip("/")
    owner = dict(ActionOwner.choices).get(data.get("owner", ""), "")
    return [
        ("Action", data.get("description", "")),
        ("Owner", owner),
        ("Due by", due),
        ("Progress note", data.get("note", "")),
    ]
