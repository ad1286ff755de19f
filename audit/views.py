"""Officers' and admins' pages: role requests (officers decide, admins withdraw), the access log
(officers and admins) and the read log (officers), with CSV exports. Nothing here is case material
and reading these pages is not itself logged."""

import contextlib

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts import own_passwords, rules, services
from accounts.models import RoleRequest, RoleRequestStatus
from accounts.roles import Role
from core.exports import csv_response
from core.forms import add_service_errors, posted
from core.model_choices import holds_no_key
from core.pagination import paginate

from . import selectors
from .forms import AccessLogFilterForm, DeclineForm, ReadLogFilterForm
from .models import ReadEvent

# ---- role requests ------------------------------------------------------------------------------


@permission_required("audit.view_role_requests", raise_exception=True)
def role_requests(request):
    user = request.user
    pending = list(selectors.pending_role_requests())
    decide = user.has_perm("audit.decide_role_request")
    for each in pending:
        # Why this officer may decline but not approve it (four eyes), if so.
        refusals = (
            rules.four_eyes_no_one_approves_a_role_request_they_made_or_that_is_about_them(
                approver=user, requester_id=each.requested_by_id, subject_id=each.user_id
            )
            if decide
            else []
        )
        each.may_not_approve = refusals[0] if refusals else ""
    return render(
        request,
        "audit/role_requests.html",
        {
            "pending": pending,
            "pagination": paginate(request, selectors.decided_role_requests(), per_page=25),
            "can_decide": decide,
            "can_withdraw": user.has_perm("audit.withdraw_role_request"),
            "title": "Role requests",
        },
    )


def _role_request(pk: int) -> RoleRequest:
    return get_object_or_404(RoleRequest.objects.select_related("user"), pk=pk)


def approved_message(role_request) -> str:
    """What approving gave: a school's headship names the school (they may have had the role already)."""
    if role_request.school_id:
        return f"Approved: {role_request.user} is now headteacher of {role_request.school.name}."
    if role_request.role == Role.GOVERNOR:  # only ever a reactivation (docs/adr/0082)
        return f"Approved: {role_request.user}'s account is active again."
    return f"Approved: {role_request.user} now has the {role_request.get_role_display().lower()} role."


@require_POST
@permission_required("audit.decide_role_request", raise_exception=True)
def role_request_approve(request, pk: int):
    role_request = _role_request(pk)
    try:
        # The address the officer's page showed: the link to choose a password goes there (ADR 0062).
        email_seen = request.POST.get("email")  # the page always sends it
        services.role_request_approve(role_request=role_request, actor=request.user, email_seen=email_seen)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, approved_message(role_request))
        if link := own_passwords.link_sent_for(role_request):
            messages.info(request, own_passwords.LINK_SENT.format(email=link.emailed_to))
    return redirect("audit:role_requests")


@permission_required("audit.decide_role_request", raise_exception=True)
def role_request_decline(request, pk: int):
    role_request = _role_request(pk)
    if role_request.status != RoleRequestStatus.PENDING:
        messages.info(request, services.REQUEST_DECIDED.format(status=role_request.get_status_display().lower()))
        return redirect("audit:role_requests")
    form = DeclineForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.role_request_decline(
                role_request=role_request, actor=request.user, comments=form.cleaned_data["comments"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Declined: {role_request}.")
            return redirect("audit:role_requests")
    return render(
        request,
        "audit/role_request_decline.html",
        {"role_request": role_request, "form": form, "title": f"Decline the request: {role_request}"},
    )


@require_POST
@permission_required("audit.withdraw_role_request", raise_exception=True)
def role_request_withdraw(request, pk: int):
    role_request = _role_request(pk)
    try:
        services.role_request_withdraw(role_request=role_request, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Withdrawn: {role_request}.")
    back = request.POST.get("next", "")
    if back == "user":
        return redirect("accounts:user_detail", pk=role_request.user_id)
    return redirect("audit:role_requests")


# ---- the access log ----------------------------------------------------------------------------

ACCESS_LOG_HEADER = ["When", "What", "Whose account", "Username", "By", "Role before", "Role after", "Details", "Email"]


def _access_events(request):
    form = AccessLogFilterForm(request.GET or None)
    user, kind = None, ""
    if form.is_valid():
        user, kind = form.cleaned_data["user"], form.cleaned_data["kind"]
    return form, selectors.access_log(user=user, kind=kind)


@permission_required("audit.view_access_log", raise_exception=True)
def access_log(request):
    form, events = _access_events(request)
    return render(
        request,
        "audit/access_log.html",
        {"form": form, "pagination": paginate(request, events), "title": "Access log"},
    )


def _email_note(event) -> str:
    if event.email_error:
        return event.email_error
    if event.emailed_at:
        return f"Told {event.emailed_to} on {timezone.localtime(event.emailed_at):%d/%m/%Y %H:%M}"
    if event.emailed_to:
        return f"Being sent to {event.emailed_to}"
    return ""


@permission_required("audit.view_access_log", raise_exception=True)
def access_log_export(request):
    _, events = _access_events(request)
    rows = (
        [
            timezone.localtime(e.at),
            e.get_kind_display(),
            str(e.user),
            e.user.username,
            str(e.actor) if e.actor else "the system",
            e.get_role_before_display(),
            e.get_role_after_display(),
            e.detail,
            _email_note(e),
        ]
        for e in events.iterator(chunk_size=2000)
    )
    return csv_response(f"access-log-{timezone.localdate():%Y-%m-%d}.csv", ACCESS_LOG_HEADER, rows)


# ---- the read log ------------------------------------------------------------------------------

READ_LOG_HEADER = ["When", "Who", "Username", "Record", "Kind", "Id", "How"]


def _reads(request):
    form = ReadLogFilterForm(request.GET or None)
    user = form.cleaned_data["user"] if form.is_valid() else None
    return form, selectors.read_log(user=user)


@permission_required("audit.view_read_log", raise_exception=True)
def read_log(request):
    form, reads = _reads(request)
    pagination = paginate(request, reads)
    for read in pagination.page.object_list:
        read.kind, read.how = selectors.kind_name(read.content_type), selectors.how_read(read.view)
    return render(
        request,
        "audit/read_log.html",
        {"form": form, "pagination": pagination, "title": "Read log", "retention_days": _retention_days()},
    )


@permission_required("audit.view_read_log", raise_exception=True)
def read_log_export(request):
    _, reads = _reads(request)
    rows = (
        [
            timezone.localtime(r.at),
            str(r.user),
            r.user.username,
            r.label,
            selectors.kind_name(r.content_type),
            r.object_id,
            selectors.how_read(r.view),
        ]
        for r in reads.iterator(chunk_size=2000)
    )
    return csv_response(f"read-log-{timezone.localdate():%Y-%m-%d}.csv", READ_LOG_HEADER, rows)


@permission_required("audit.view_read_log", raise_exception=True)
def record_reads(request, app_label: str, model: str, object_id: int):
    """Who has read one record: every read still kept, newest first."""
    try:
        content_type = ContentType.objects.get_by_natural_key(app_label, model)
    except ContentType.DoesNotExist as missing:
        raise Http404 from missing
    if holds_no_key(ReadEvent.objects.all(), object_id, to_field_name="object_id"):  # no record has it
        raise Http404
    reads = selectors.reads_of(content_type=content_type, object_id=object_id)
    pagination = paginate(request, reads)
    # A record with no read kept is shown only if its page links here (an issued letter, or one
    # whose reads were purged): not an account, an authenticator app or the task queue's tables.
    record = None
    if f"{app_label}.{model}" in selectors.READ_LOG_LINKED:
        with contextlib.suppress(ObjectDoesNotExist):
            record = content_type.get_object_for_this_type(pk=object_id)
    page = list(pagination.page.object_list)
    if record is None and not page:
        raise Http404
    for read in page:
        read.how = selectors.how_read(read.view)
    label = page[0].label if page else str(record)
    return render(
        request,
        "audit/record_reads.html",
        {
            "pagination": pagination,
            "reads": page,
            "label": label,
            "kind": selectors.kind_name(content_type),
            "record_url": getattr(record, "get_absolute_url", lambda: "")(),
            "retention_days": _retention_days(),
            "title": f"Who has read this: {label}",
        },
    )


def _retention_days() -> int:
    return settings.READ_LOG_RETENTION_DAYS
