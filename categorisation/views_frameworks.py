"""Categorisation frameworks: their list and page, creating, editing, copying and activating one,
and its areas and statements."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.forms import add_service_errors, posted

from . import selectors, services
from .forms_frameworks import (
    NEW_AREA_COUNTS,
    ActivateForm,
    AreaForm,
    CopyFrameworkForm,
    CriterionForm,
    FrameworkForm,
)
from .models import Area, Criterion, Framework, SupportLevel


@permission_required("categorisation.read_frameworks", raise_exception=True)
def framework_list(request):
    today = timezone.localdate()
    in_use = selectors.framework_in_use(today)
    frameworks = list(selectors.frameworks_list())
    for framework in frameworks:
        framework.status_key = selectors.framework_status_key(framework, today=today, in_use=in_use)
        framework.status_label = selectors.framework_status(framework, today=today, in_use=in_use)
    return render(
        request,
        "categorisation/frameworks/list.html",
        {
            "frameworks": frameworks,
            "can_manage": request.user.has_perm("categorisation.manage_frameworks"),
            "title": "Criteria frameworks",
        },
    )


@permission_required("categorisation.read_frameworks", raise_exception=True)
def framework_detail(request, pk: int):
    framework = get_object_or_404(Framework, pk=pk)
    today = timezone.localdate()
    areas = list(framework.areas.prefetch_related("criteria"))
    for area in areas:
        area.by_level = [(level, [c for c in area.criteria.all() if c.level == level]) for level in SupportLevel]
    return render(
        request,
        "categorisation/frameworks/detail.html",
        {
            "framework": framework,
            "areas": areas,
            "status": selectors.framework_status(framework, today=today, in_use=selectors.framework_in_use(today)),
            "can_manage": request.user.has_perm("categorisation.manage_frameworks"),
            "used": framework.categorisations.count(),
            "title": framework.name,
        },
    )


def _framework_page(request, template: str, form, framework=None, **extra):
    return render(request, f"categorisation/frameworks/{template}", {"form": form, "framework": framework, **extra})


@permission_required("categorisation.manage_frameworks", raise_exception=True)
def framework_create(request):
    form = FrameworkForm(posted(request), submit="Create draft framework")
    if request.method == "POST" and form.is_valid():
        try:
            framework = services.framework_create(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Created the draft framework {framework.name}. Add its areas and statements.")
            return redirect(framework)
    return _framework_page(request, "form.html", form, title="New framework", heading="New framework")


def _framework(pk: int) -> Framework:
    return get_object_or_404(Framework, pk=pk)


def _refuse_if_activated(request, framework: Framework):
    """An activated framework's pages for changing it send the user back, saying why."""
    if framework.is_draft:
        return None
    messages.info(request, services.FRAMEWORK_NOT_DRAFT.format(framework=framework.name))
    return redirect(framework)


@permission_required("categorisation.manage_frameworks", raise_exception=True)
def framework_edit(request, pk: int):
    framework = _framework(pk)
    if refused := _refuse_if_activated(request, framework):
        return refused
    form = FrameworkForm(
        posted(request), framework=framework, initial={"name": framework.name, "description": framework.description}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.framework_update(framework=framework, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved.")
            return redirect(framework)
    return _framework_page(
        request, "form.html", form, framework, title=f"Edit {framework.name}", heading="Edit framework"
    )


@permission_required("categorisation.manage_frameworks", raise_exception=True)
def framework_copy(request, pk: int):
    framework = _framework(pk)
    form = CopyFrameworkForm(posted(request), initial={"name": f"{framework.name} (copy)"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.framework_copy(framework=framework, actor=request.user, name=form.cleaned_data["name"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Copied into the draft {copy.name}. Change it, then activate it.")
            return redirect(copy)
    return _framework_page(
        request, "form.html", form, framework, title=f"Copy {framework.name}", heading="Copy into a new draft"
    )


@permission_required("categorisation.manage_frameworks", raise_exception=True)
def framework_activate(request, pk: int):
    framework = _framework(pk)
    if refused := _refuse_if_activated(request, framework):
        return refused
    form = ActivateForm(posted(request), framework=framework)
    if request.method == "POST" and form.is_valid():
        try:
            services.framework_activate(
                framework=framework, actor=request.user, active_from=form.cleaned_data["active_from"]
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"{framework.name} is in use from {form.cleaned_data['active_from']:%-d %B %Y}.")
            return redirect(framework)
    return _framework_page(
        request, "activate.html", form, framework, title=f"Activate {framework.name}", heading="Activate the framework"
    )


@permission_required("categorisation.manage_frameworks", raise_exception=True)
def area_edit(request, pk: int | None = None, framework_pk: int | None = None):
    area = get_object_or_404(Area.objects.select_related("framework"), pk=pk) if pk else None
    framework = area.framework if area else _framework(framework_pk)
    if refused := _refuse_if_activated(request, framework):
        return refused
    initial = (
        {name: getattr(area, name) for name in ("name", "code", "order", "medium_count", "high_count")}
        if area
        else {"order": framework.areas.count() + 1, **NEW_AREA_COUNTS}
    )
    form = AreaForm(posted(request), framework=framework, area=area, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.area_save(framework=framework, area=area, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the area {form.cleaned_data['name']}.")
            return redirect(framework)
    heading = f"Edit {area.name}" if area else "Add an area"
    return _framework_page(request, "form.html", form, framework, title=heading, heading=heading)


@require_POST
@permission_required("categorisation.manage_frameworks", raise_exception=True)
def area_delete(request, pk: int):
    area = get_object_or_404(Area.objects.select_related("framework"), pk=pk)
    try:
        services.area_delete(area=area, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed the area {area.name}.")
    return redirect(area.framework)


@permission_required("categorisation.manage_frameworks", raise_exception=True)
def criterion_edit(request, pk: int | None = None, area_pk: int | None = None):
    criterion = get_object_or_404(Criterion.objects.select_related("area__framework"), pk=pk) if pk else None
    area = criterion.area if criterion else get_object_or_404(Area.objects.select_related("framework"), pk=area_pk)
    if refused := _refuse_if_activated(request, area.framework):
        return refused
    if criterion:
        initial = {
            name: getattr(criterion, name)
            for name in ("level", "text", "code", "order", "data_driven", "is_safeguarding", "decisive", "fact_key")
        }
    else:
        initial = {"order": area.criteria.count() + 1}
    form = CriterionForm(posted(request), framework=area.framework, criterion=criterion, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.criterion_save(area=area, criterion=criterion, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Saved the statement {form.cleaned_data['code']}.")
            return redirect(area.framework)
    heading = f"Edit statement {criterion.code}" if criterion else f"Add a statement to {area.name}"
    return _framework_page(request, "form.html", form, area.framework, title=heading, heading=heading)


@require_POST
@permission_required("categorisation.manage_frameworks", raise_exception=True)
def criterion_delete(request, pk: int):
    criterion = get_object_or_404(Criterion.objects.select_related("area__framework"), pk=pk)
    try:
        services.criterion_delete(criterion=criterion, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, f"Removed the statement {criterion.code}.")
    return redirect(criterion.area.framework)
