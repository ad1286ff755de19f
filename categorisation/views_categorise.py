"""Starting and editing a categorisation, with the live best-fit suggestion."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from audit.services import record_request_read
from core.forms import add_service_errors, posted
from core.versions import ChangedSince, version_of
from schools.selectors import school_for_user
from schools.terms import term_on, term_periods

from . import selectors, services
from .evidence import (
    offered_evidence,
    record_restricted_reads,
)
from .facts import facts_by_key, facts_for
from .forms import (
    CategorisationForm,
    StartForm,
    categorisation_initial,
    posted_ticks,
)
from .models import Categorisation
from .rules import (
    intelligence_from_across_childrens_services_is_offered_from_the_last_twelve_months,
    may_be_categorised,
    term_key,
)
from .views_shared import categorisation_for, read_label, visible_cited


def _start_periods(today, current_category=None):
    """The previous, current and next terms, leaving out any before the current category's term
    (rules.a_new_categorisation_is_for_the_current_categorys_term_or_a_later_one)."""
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


def _evidence_offered(request, categorisation):
    """What the form offers to cite: the evidence dated in the window that the user may see, then
    any cited earlier that is no longer offered (older, or deleted since); and the window's start."""
    today = timezone.localdate()
    since = intelligence_from_across_childrens_services_is_offered_from_the_last_twelve_months(today)
    options = {
        item.key: item
        for item in offered_evidence(user=request.user, school=categorisation.school, since=since, until=today)
    }
    for item in visible_cited(request.user, categorisation):
        options.setdefault(item.key, item)
    return list(options.values()), since


def _form_for(request, categorisation, data=None, *, with_evidence: bool = False, submitting: bool = False):
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
            "cited": [item.key for item in visible_cited(request.user, categorisation)],
            "version": version_of(categorisation),  # a save over another tab's is refused (core.versions)
        },
        evidence=evidence,
        evidence_since=since,
        submitting=submitting,
    )
    return form, criteria, fit


def _say_if_changed_since(form, categorisation, actor) -> None:
    """A page refused for what was typed (nothing saved) also says whether another save came since
    it was opened, and takes that version (core.versions): one round, not a second refusal once the
    rest is put right (ADR 0070)."""
    version = form.cleaned_data.get("version")
    if changed := services.categorisation_changed_since(categorisation=categorisation, actor=actor, version=version):
        form.take_version(changed.version)
        add_service_errors(form, changed)


def edit(request, pk: int):
    categorisation = categorisation_for(request, pk)
    if not request.user.has_perm("categorisation.edit", categorisation):
        raise PermissionDenied
    if not categorisation.is_editable:
        messages.info(
            request, f"This categorisation is {categorisation.get_status_display().lower()}: it cannot be changed."
        )
        return redirect(categorisation)
    submitting = "submit" in request.POST
    form, _, fit = _form_for(request, categorisation, posted(request), with_evidence=True, submitting=submitting)
    if request.method == "POST" and not form.is_valid():
        _say_if_changed_since(form, categorisation, request.user)
    elif request.method == "POST":
        arguments = {
            "categorisation": categorisation,
            "actor": request.user,
            "ticks": form.ticks(),
            "level": form.cleaned_data["level"],
            "rationale": form.cleaned_data["rationale"],
            "school_reasons": form.cleaned_data["school_reasons"],
            "cited": form.cited(),
            "version": form.cleaned_data["version"],
        }
        try:
            if submitting:
                services.categorisation_submit(**arguments)
            else:
                services.categorisation_save(**arguments)
        except ChangedSince as error:
            form.take_version(error.version)
            add_service_errors(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if submitting:
                messages.success(request, f"Submitted the categorisation of {categorisation.school.name} for approval.")
                return redirect(categorisation)
            messages.success(request, "Saved. The suggestion is updated.")
            return redirect(reverse("categorisation:edit", kwargs={"pk": pk}) + "#suggestion")
    previous = selectors.current_category(categorisation.school)
    record_request_read(request, categorisation, label=read_label(categorisation))
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
    categorisation = categorisation_for(request, pk)
    if not request.user.has_perm("categorisation.edit", categorisation) or not categorisation.is_editable:
        raise PermissionDenied
    _, _, fit = _form_for(request, categorisation, request.POST)
    html = render_to_string("categorisation/_suggestion.html", {"fit": fit}, request=request)
    return JsonResponse({**fit.as_dict(), "html": html})
