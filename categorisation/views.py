"""Categorisation pages: lists of schools by category and due for review, the approval queue,
starting and editing a categorisation (with the live best-fit suggestion), the categorisation
page with the officer's review, and the frameworks."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import record_request_read
from core.exports import csv_response, xlsx_response
from core.forms import add_service_errors, posted
from core.pagination import paginate
from schools.models import School
from schools.selectors import school_for_user
from schools.terms import term_on, term_periods

from . import exports, selectors, services
from .evidence import (
    cited_items,
    evidence_sources,
    may_see,
    offered_evidence,
    record_restricted_reads,
    source_title,
)
from .facts import facts_by_key, facts_for
from .filters import CategoryFilter
from .forms import (
    NEW_AREA_COUNTS,
    ActivateForm,
    ApproveForm,
    AreaForm,
    CategorisationForm,
    CopyFrameworkForm,
    CriterionForm,
    FrameworkForm,
    ReturnForm,
    StartForm,
    categorisation_initial,
    posted_ticks,
)
from .models import Area, Categorisation, CategoryNotice, Criterion, Framework, Status, SupportLevel
from .policy import (
    four_eyes_an_officer_approves_a_judgement_made_by_someone_else,
    intelligence_from_across_childrens_services_is_offered_from_the_last_twelve_months,
    may_be_categorised,
    term_key,
)

# ---- lists ------------------------------------------------------------------------------------

EXPORT_HEADER = [
    "URN",
    "School",
    "Phase",
    "Type",
    "Link adviser",
    "Current category",
    "Term",
    "Approved on",
    "Approved by",
    "Direction of travel",
    "In progress",
]


def _category_rows(request):
    category_filter = CategoryFilter(request.GET, queryset=selectors.schools_by_category().exclude(status="closed"))
    return category_filter, category_filter.qs.order_by("name", "urn")


def _attach_current(schools) -> None:
    current = selectors.current_categories([s.pk for s in schools])
    for school in schools:
        school.current = current.get(school.pk)
        school.categorised_by_la = may_be_categorised(school)


@permission_required("categorisation.see_categories", raise_exception=True)
def category_list(request):
    category_filter, schools = _category_rows(request)
    pagination = paginate(request, schools)
    _attach_current(pagination.page.object_list)
    counts = selectors.level_counts(School.objects.maintained().exclude(status="closed"))
    return render(
        request,
        "categorisation/list.html",
        {
            "filter": category_filter,
            "pagination": pagination,
            "counts": counts,
            "levels": SupportLevel,
            "can_read": request.user.has_perm("categorisation.read_categorisations"),
            "can_review": request.user.has_perm("categorisation.review"),
            "title": "Schools by support category",
        },
    )


@permission_required("categorisation.see_categories", raise_exception=True)
def category_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _, schools = _category_rows(request)
    can_read = request.user.has_perm("categorisation.read_categorisations")

    def rows():
        ids = list(schools.values_list("pk", flat=True))
        current = selectors.current_categories(ids)
        for school in schools.iterator(chunk_size=2000):
            now = current.get(school.pk)
            yield [
                school.urn,
                school.name,
                school.phase,
                school.establishment_type.name,
                str(school.link_adviser or ""),
                now.level_label if now else ("Not categorised by the LA" if not may_be_categorised(school) else ""),
                now.term_label if now else "",
                timezone.localtime(now.approved_at).date() if now else None,
                now.approved_by if now else "",
                now.direction_label if now else "",
                (Status(school.open_status).label if school.open_status else "") if can_read else "",
            ]

    if fmt == "xlsx":
        return xlsx_response("support-categories.xlsx", "Support categories", EXPORT_HEADER, rows())
    return csv_response("support-categories.csv", EXPORT_HEADER, rows())


@permission_required("categorisation.see_categories", raise_exception=True)
def review_due(request):
    today = timezone.localdate()
    due_filter, due = exports.filtered_review_due(user=request.user, params=request.GET)
    pagination = paginate(request, due)
    _attach_current(pagination.page.object_list)
    return render(
        request,
        "categorisation/review_due.html",
        {
            "filter": due_filter,
            "pagination": pagination,
            "term": term_on(today),
            "can_read": request.user.has_perm("categorisation.read_categorisations"),
            "title": "Schools due for review",
        },
    )


@permission_required("categorisation.review", raise_exception=True)
def queue(request):
    pagination = paginate(request, selectors.approval_queue())
    items = pagination.page.object_list
    current = selectors.current_categories([c.school_id for c in items])
    for item in items:
        item.current = current.get(item.school_id)
    return render(request, "categorisation/queue.html", {"pagination": pagination, "title": "Waiting for approval"})


# ---- starting and editing --------------------------------------------------------------------


def _start_periods(today, current_category=None):
    """The previous, current and next terms, leaving out any before the current category's term
    (policy.a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one)."""
    current = term_on(today)
    periods = (
        term_periods(current.academic_year - 1)
        + term_periods(current.academic_year)
        + term_periods(current.academic_year + 1)
    )
    index = next(i for i, p in enumerate(periods) if (p.academic_year, p.term) == (current.academic_year, current.term))
    periods = periods[index - 1 : index + 2]
    if current_category is not None:
        earliest = term_key(current_category.academic_year, current_category.term)
        periods = [p for p in periods if term_key(p.academic_year, p.term) >= earliest]
    return periods, current


@permission_required("categorisation.read_categorisations", raise_exception=True)
def start(request, urn: int):
    school = school_for_user(user=request.user, urn=urn)
    context = {"school": school, "title": f"Categorise {school.name}"}
    if not may_be_categorised(school):
        context["refused"] = True
        return render(request, "categorisation/start.html", context)
    if not request.user.has_perm("categorisation.start", school):
        raise PermissionDenied
    in_progress = selectors.open_categorisation(school)
    if in_progress is not None:
        context["in_progress"] = in_progress
        return render(request, "categorisation/start.html", context)
    today = timezone.localdate()
    current = selectors.current_category(school)
    periods, current_period = _start_periods(today, current)
    form = StartForm(
        posted(request),
        periods=periods,
        can_copy=current is not None,
        initial={"period": f"{current_period.academic_year}-{current_period.term}"},
    )
    if request.method == "POST" and form.is_valid():
        period = form.chosen_period()
        try:
            if form.cleaned_data.get("copy_current") and current is not None:
                categorisation = services.categorisation_supersede(
                    categorisation=Categorisation.objects.get(pk=current.categorisation_id),
                    actor=request.user,
                    academic_year=period.academic_year,
                    term=period.term,
                    on=today,
                )
            else:
                categorisation = services.categorisation_start(
                    school=school, actor=request.user, academic_year=period.academic_year, term=period.term, on=today
                )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Started the categorisation of {school.name} for {period.label}.")
            return redirect("categorisation:edit", pk=categorisation.pk)
    context.update({"form": form, "current": current})
    return render(request, "categorisation/start.html", context)


def _categorisation_for(request, pk: int) -> Categorisation:
    if not request.user.has_perm("categorisation.read_categorisations"):
        raise PermissionDenied
    try:
        return selectors.categorisation_detail(pk)
    except Categorisation.DoesNotExist as missing:
        raise Http404 from missing


def _label(categorisation) -> str:
    """How the read log names it (confidential pages record each read: audit.services)."""
    return f"Categorisation of {categorisation.school.name}, {categorisation.term_label}"


def _visible_cited(user, categorisation):
    """The evidence the categorisation cites that the user may see."""
    return [item for item in cited_items(categorisation.cited_evidence) if may_see(user, item)]


def _evidence_offered(request, categorisation):
    """What the form offers to cite: the evidence dated in the window that the user may see, then
    any cited earlier that is no longer offered (older, or deleted since); and the window's start."""
    today = timezone.localdate()
    since = intelligence_from_across_childrens_services_is_offered_from_the_last_twelve_months(today)
    options = {
        item.key: item
        for item in offered_evidence(user=request.user, school=categorisation.school, since=since, until=today)
    }
    for item in _visible_cited(request.user, categorisation):
        options.setdefault(item.key, item)
    return list(options.values()), since


def _cited_groups(cited) -> list[tuple[str, list]]:
    """(title, items) per source, every registered source included (an empty one says so)."""
    groups: dict[str, list] = {source.title: [] for source in evidence_sources()}
    for item in cited:
        groups.setdefault(source_title(item.source), []).append(item)
    return list(groups.items())


def _form_for(request, categorisation, data=None, *, with_evidence: bool = False):
    evidence, since = _evidence_offered(request, categorisation) if with_evidence else (None, None)
    criteria = selectors.framework_criteria(categorisation.framework)
    known = facts_by_key(facts_for([categorisation.school_id], timezone.localdate()).get(categorisation.school_id, []))
    stored_sources = {t.criterion_id: t.fact_source for t in categorisation.ticks.all() if t.fact_source}
    # The saved ticks, or the posted ones read exactly as the form reads them.
    ticked = [t.criterion_id for t in categorisation.ticks.all()] if data is None else posted_ticks(criteria, data)
    fit = selectors.suggestion_for(criteria, ticked)
    form = CategorisationForm(
        data,
        criteria=criteria,
        facts=known,
        stored_sources=stored_sources,
        suggestion=fit,
        initial={
            **categorisation_initial(categorisation, criteria, known),
            "cited": [item.key for item in _visible_cited(request.user, categorisation)],
        },
        evidence=evidence,
        evidence_since=since,
    )
    return form, criteria, fit


def edit(request, pk: int):
    categorisation = _categorisation_for(request, pk)
    if not request.user.has_perm("categorisation.edit", categorisation):
        raise PermissionDenied
    if not categorisation.is_editable:
        messages.info(
            request, f"This categorisation is {categorisation.get_status_display().lower()}: it cannot be changed."
        )
        return redirect(categorisation)
    form, _, fit = _form_for(request, categorisation, posted(request), with_evidence=True)
    if request.method == "POST" and form.is_valid():
        arguments = {
            "categorisation": categorisation,
            "actor": request.user,
            "ticks": form.ticks(),
            "level": form.cleaned_data["level"],
            "rationale": form.cleaned_data["rationale"],
            "school_reasons": form.cleaned_data["school_reasons"],
            "cited": form.cited(),
        }
        try:
            if "submit" in request.POST:
                services.categorisation_submit(**arguments)
            else:
                services.categorisation_save(**arguments)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if "submit" in request.POST:
                messages.success(request, f"Submitted the categorisation of {categorisation.school.name} for approval.")
                return redirect(categorisation)
            messages.success(request, "Saved. The suggestion is updated.")
            return redirect(reverse("categorisation:edit", kwargs={"pk": pk}) + "#suggestion")
    previous = selectors.current_category(categorisation.school)
    record_request_read(request, categorisation, label=_label(categorisation))
    record_restricted_reads(request, categorisation.school, form.evidence.values())
    return render(
        request,
        "categorisation/edit.html",
        {
            "categorisation": categorisation,
            "school": categorisation.school,
            "form": form,
            "fit": fit,
            "previous": previous,
            "title": f"Categorise {categorisation.school.name}",
        },
    )


@require_POST
def suggestion(request, pk: int):
    """The best fit of the posted ticks, for the form's live suggestion panel. Nothing is saved."""
    categorisation = _categorisation_for(request, pk)
    if not request.user.has_perm("categorisation.edit", categorisation) or not categorisation.is_editable:
        raise PermissionDenied
    _, _, fit = _form_for(request, categorisation, request.POST)
    html = render_to_string("categorisation/_suggestion.html", {"fit": fit}, request=request)
    return JsonResponse({**fit.as_dict(), "html": html})


# ---- the categorisation page and its review ----------------------------------------------------


def detail(request, pk: int, return_form=None, approve_form=None):
    categorisation = _categorisation_for(request, pk)
    previous = selectors.previous_approved(categorisation)
    this = selectors.evidence_of(categorisation)
    before = selectors.evidence_of(previous) if previous else None
    can_review = categorisation.status == Status.SUBMITTED and request.user.has_perm("categorisation.review")
    may_not_approve = ""  # why this officer may return it but not approve it
    if can_review:
        try:
            four_eyes_an_officer_approves_a_judgement_made_by_someone_else(
                approver_id=request.user.pk, authors=selectors.judgement_authors(categorisation)
            )
        except ValidationError as refusal:
            may_not_approve = refusal.messages[0]
    current = selectors.current_category(categorisation.school)
    is_current = current is not None and current.categorisation_id == categorisation.pk
    cited = _visible_cited(request.user, categorisation)
    notice = None
    if categorisation.status == Status.APPROVED:
        notice = (
            CategoryNotice.objects.filter(categorisation=categorisation)
            .select_related("responded_by", "decided_by")
            .prefetch_related("emails")
            .first()
        )
    record_request_read(request, categorisation, label=_label(categorisation))
    record_restricted_reads(request, categorisation.school, cited)
    return render(
        request,
        "categorisation/detail.html",
        {
            "notice": notice,
            "can_decide": notice is not None
            and notice.is_open_challenge
            and request.user.has_perm("categorisation.decide_challenges"),
            "categorisation": categorisation,
            "school": categorisation.school,
            "evidence": this,
            "previous": previous,
            "rows": selectors.side_by_side(this, before),
            "cited_groups": _cited_groups(cited),
            "can_review": can_review,
            "may_not_approve": may_not_approve,
            "return_form": return_form or ReturnForm(),
            "approve_form": approve_form or ApproveForm(),
            "can_edit": categorisation.is_editable and request.user.has_perm("categorisation.edit", categorisation),
            "can_supersede": is_current
            and request.user.has_perm("categorisation.start", categorisation.school)
            and selectors.open_categorisation(categorisation.school) is None,
            "is_current": is_current,
            "title": f"Categorisation of {categorisation.school.name}, {categorisation.term_label}",
        },
    )


def _reviewable(request, pk: int) -> Categorisation:
    if not request.user.has_perm("categorisation.review"):
        raise PermissionDenied
    return get_object_or_404(Categorisation, pk=pk)


@require_POST
def approve(request, pk: int):
    categorisation = _reviewable(request, pk)
    form = ApproveForm(request.POST)
    if form.is_valid():
        try:
            services.categorisation_approve(
                categorisation=categorisation, actor=request.user, comments=form.cleaned_data["approve_comments"]
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, f"Approved. {categorisation.school.name}'s current category is updated.")
    return redirect("categorisation:detail", pk=pk)


@require_POST
def return_to_adviser(request, pk: int):
    categorisation = _reviewable(request, pk)
    form = ReturnForm(request.POST)
    if form.is_valid():
        try:
            services.categorisation_return(
                categorisation=categorisation, actor=request.user, comments=form.cleaned_data["comments"]
            )
        except ValidationError as error:
            if hasattr(error, "error_dict"):
                add_service_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("categorisation:detail", pk=pk)
        else:
            messages.success(request, "Returned to the adviser with your comments.")
            return redirect("categorisation:detail", pk=pk)
    return detail(request, pk, return_form=form)


def withdraw(request, pk: int):
    """GET asks to confirm (withdrawing cannot be undone); POST withdraws."""
    categorisation = _categorisation_for(request, pk)
    if not request.user.has_perm("categorisation.edit", categorisation):
        raise PermissionDenied
    if request.method == "POST":
        try:
            services.categorisation_withdraw(categorisation=categorisation, actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect(categorisation)
        messages.success(request, "Withdrawn. You can start a new categorisation of this school.")
        return redirect(categorisation.school)
    if not categorisation.is_editable:
        messages.info(
            request, f"This categorisation is {categorisation.get_status_display().lower()}: it cannot be withdrawn."
        )
        return redirect(categorisation)
    return render(
        request,
        "categorisation/withdraw.html",
        {
            "categorisation": categorisation,
            "school": categorisation.school,
            "title": f"Withdraw the categorisation of {categorisation.school.name}",
        },
    )


# ---- frameworks -------------------------------------------------------------------------------


@permission_required("categorisation.read_frameworks", raise_exception=True)
def framework_list(request):
    today = timezone.localdate()
    in_use = selectors.framework_in_use(today)
    frameworks = list(selectors.frameworks_list())
    for framework in frameworks:
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
    form = FrameworkForm(posted(request), initial={"name": framework.name, "description": framework.description})
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
    form = ActivateForm(posted(request))
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
    form = AreaForm(posted(request), initial=initial)
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
    form = CriterionForm(posted(request), initial=initial)
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
