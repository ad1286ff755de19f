"""Schools register pages: list, export, school page, LA details, governorships, term dates, wards and
councillors, letterheads (the imports' pages are views_imports)."""

from django.contrib import messages
from django.contrib.auth import get_user_model
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import is_la_staff
from accounts.selectors import pending_role_request
from accounts.views import SUSPENDED_NOW
from core.exports import csv_response
from core.forms import add_service_errors, posted, posted_files
from core.pagination import paginate
from core.uploads import upload_limit
from core.versions import ChangedSince, version_of
from core.views_exports import ask_for_export, asked_filters

from . import exports, school_page, selectors, services
from .filters import ids_in_order
from .forms import (
    CouncillorForm,
    GovernorshipForm,
    LetterheadForm,
    SchoolDetailsForm,
    TermDatesForm,
)
from .logos import LOGO_MAX_BYTES, stored_logo
from .models import (
    Councillor,
    Governorship,
    Ward,
    academic_year_label,
)
from .terms import academic_year_of, terms_for_year


def _filtered(request):
    return exports.filtered_schools(user=request.user, params=request.GET)


@permission_required("schools.view_school_list", raise_exception=True)
def school_list(request):
    school_filter, schools, sort = _filtered(request)
    # Id-first (docs/adr/0019): the page's 50 ids in the chosen order, then those schools whole.
    pagination = paginate(request, ids_in_order(schools, sort))
    page = pagination.page
    page.object_list = selectors.schools_in_order(user=request.user, ids=list(page.object_list))
    selectors.attach_latest_inspections(page.object_list)
    return render(
        request,
        "schools/list.html",
        {"filter": school_filter, "pagination": pagination, "sort": sort, "title": "Schools"},
    )


@permission_required("schools.view_school_list", raise_exception=True)
def school_export(request, fmt: str):
    """CSV streamed from the request; XLSX built by a task worker (docs/adr/0024), on its own page,
    asked for by POST with the list's filters (a GET records nothing: core.views_exports.ask_for_export)."""
    if fmt == "xlsx":
        return ask_for_export(request, kind=exports.SCHOOLS, params=asked_filters(request))
    if fmt != "csv":
        raise Http404
    _, schools, _ = _filtered(request)
    return csv_response("schools.csv", exports.EXPORT_HEADER, exports.school_rows(schools))


def my_schools(request):
    if not is_la_staff(request.user):
        raise PermissionDenied
    schools = list(selectors.my_schools(user=request.user).order_by("name"))
    selectors.attach_latest_inspections(schools)
    return render(request, "schools/my_schools.html", {"schools": schools, "title": "My schools"})


def school_detail(request, urn: int):
    school = selectors.school_for_user(user=request.user, urn=urn)
    if not request.user.has_perm("schools.view_school", school):
        raise PermissionDenied
    return render(
        request,
        "schools/detail.html",
        {
            "school": school,
            "sections": school_page.sections_for(request, school),
            "can_edit": request.user.has_perm("schools.edit_school_details"),
            "title": school.name,
        },
    )


@permission_required("schools.edit_school_details", raise_exception=True)
def school_edit(request, urn: int):
    school = selectors.school_for_user(user=request.user, urn=urn)
    initial = {
        "link_adviser": school.link_adviser,
        "head_start_date": school.head_start_date,
        "head_appointment": school.head_appointment,
        "chair_of_governors": school.chair_of_governors,
        "version": version_of(school),
    }
    form = SchoolDetailsForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.school_update_la_details(school=school, actor=request.user, **form.cleaned_data)
        except ChangedSince as error:  # the page keeps what was typed and takes the new version
            form.take_version(error.version)
            add_service_errors(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the details of {school.name}.")
            return redirect(school)
    return render(request, "schools/edit.html", {"school": school, "form": form, "title": f"Edit {school.name}"})


# ---- governorships (managed from the admin's user page) ---------------------------------------


@require_POST
@permission_required("accounts.manage_users", raise_exception=True)
def governorship_add(request, user_pk: int):
    user = get_object_or_404(get_user_model(), pk=user_pk)
    form = GovernorshipForm(request.POST)
    if form.is_valid():
        try:
            services.governorship_add(user=user, school=form.school, role=form.cleaned_data["role"], actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            added = f"{user} is now a governor of {form.school.name}."
            if waiting := pending_role_request(user=user):  # a chair's or vice-chair's seat (docs/adr/0082)
                added = f"{added} {SUSPENDED_NOW.format(request=waiting)}"
            messages.success(request, added)
    else:
        messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
    return redirect(reverse("accounts:user_detail", kwargs={"pk": user.pk}))


@require_POST
@permission_required("accounts.manage_users", raise_exception=True)
def governorship_remove(request, pk: int):
    governorship = get_object_or_404(Governorship.objects.select_related("user", "school"), pk=pk)
    services.governorship_remove(governorship=governorship, actor=request.user)
    messages.success(request, f"{governorship.user} is no longer a governor of {governorship.school.name}.")
    return redirect(reverse("accounts:user_detail", kwargs={"pk": governorship.user_id}))


# ---- term dates and ward councillors (reference data) ------------------------------------------


@permission_required("schools.view_reference_data", raise_exception=True)
def term_dates(request):
    year = academic_year_of(timezone.localdate())
    years = [(y, academic_year_label(y), terms_for_year(y)) for y in range(year - 1, year + 3)]
    return render(
        request,
        "schools/terms/list.html",
        {"years": years, "can_edit": request.user.has_perm("schools.manage_reference_data"), "title": "Term dates"},
    )


@permission_required("schools.manage_reference_data", raise_exception=True)
def term_dates_edit(request, year: int):
    if not 2000 <= year <= 2100:
        raise Http404
    form = TermDatesForm(posted(request), terms=terms_for_year(year))
    if request.method == "POST" and form.is_valid():
        try:
            services.terms_save(academic_year=year, dates=form.dates(), actor=request.user)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the term dates for {academic_year_label(year)}.")
            return redirect("schools:term_dates")
    label = academic_year_label(year)
    return render(
        request, "schools/terms/edit.html", {"form": form, "year_label": label, "title": f"Term dates {label}"}
    )


@permission_required("schools.view_reference_data", raise_exception=True)
def ward_list(request):
    wards = Ward.objects.annotate(school_count=Count("schools", distinct=True)).prefetch_related("councillors")
    return render(
        request, "schools/wards/list.html", {"wards": wards.order_by("name"), "title": "Wards and councillors"}
    )


@permission_required("schools.view_reference_data", raise_exception=True)
def ward_detail(request, pk: int):
    ward = get_object_or_404(Ward, pk=pk)
    can_edit = request.user.has_perm("schools.manage_reference_data")
    form = CouncillorForm(posted(request) if can_edit else None)
    if request.method == "POST":
        if not can_edit:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.councillor_save(ward=ward, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Added Cllr {form.cleaned_data['name']} to {ward.name}.")
                return redirect("schools:ward_detail", pk=ward.pk)
    return render(
        request,
        "schools/wards/detail.html",
        {
            "ward": ward,
            "councillors": ward.councillors.all(),
            "schools": ward.schools.open().order_by("name").only("urn", "name"),
            "form": form,
            "can_edit": can_edit,
            "title": f"{ward.name} ward",
        },
    )


@permission_required("schools.manage_reference_data", raise_exception=True)
def councillor_edit(request, pk: int):
    councillor = get_object_or_404(Councillor.objects.select_related("ward"), pk=pk)
    initial = {"name": councillor.name, "email": councillor.email, "party": councillor.party}
    form = CouncillorForm(posted(request), initial=initial, submit="Save")
    if request.method == "POST" and form.is_valid():
        try:
            services.councillor_save(
                ward=councillor.ward, councillor=councillor, actor=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved Cllr {councillor.name}.")
            return redirect("schools:ward_detail", pk=councillor.ward_id)
    return render(
        request,
        "schools/wards/councillor_edit.html",
        {"form": form, "councillor": councillor, "title": f"Edit {councillor}"},
    )


@require_POST
@permission_required("schools.manage_reference_data", raise_exception=True)
def councillor_remove(request, pk: int):
    councillor = get_object_or_404(Councillor, pk=pk)
    services.councillor_remove(councillor=councillor, actor=request.user)
    messages.success(request, f"Removed Cllr {councillor.name}.")
    return redirect("schools:ward_detail", pk=councillor.ward_id)


# ---- letterheads (one per LA code; ADR 0005) ---------------------------------------------------


@permission_required("schools.manage_letterheads", raise_exception=True)
def letterhead_list(request):
    return render(
        request, "schools/letterheads/list.html", {"letterheads": selectors.letterheads(), "title": "Letterheads"}
    )


@upload_limit(LOGO_MAX_BYTES)  # counted as it streams in (core.uploads)
@permission_required("schools.manage_letterheads", raise_exception=True)
def letterhead_edit(request, la_code: str):
    if la_code not in selectors.letterhead_la_codes():
        raise Http404
    letterhead = selectors.letterhead_for(la_code)
    initial = {
        name: getattr(letterhead, name)
        for name in ("council_name", "directorate", "address", "signatory_name", "signatory_title")
    }
    form = LetterheadForm(posted(request), posted_files(request), initial=initial, has_logo=bool(letterhead.logo))
    if request.method == "POST" and form.is_valid():
        data = dict(form.cleaned_data)
        upload = data.pop("logo", None)
        try:
            services.letterhead_save(
                la_code=la_code,
                actor=request.user,
                logo=upload.read() if upload else None,
                remove_logo=data.pop("remove_logo", False),
                **data,
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the letterhead for LA {la_code}.")
            return redirect("schools:letterheads")
    logo = stored_logo(letterhead.logo)
    return render(
        request,
        "schools/letterheads/edit.html",
        {
            "letterhead": letterhead,
            "logo_uri": logo.data_uri if logo else "",
            "form": form,
            "history": letterhead.history.select_related("history_user").order_by("-history_date")[:10]
            if letterhead.pk
            else [],
            "title": f"Letterhead for LA {la_code}",
        },
    )
