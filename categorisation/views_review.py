"""The categorisation page and its review: approving, returning to the adviser, withdrawing."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from audit.services import record_request_read
from core.forms import add_service_errors

from . import selectors, services
from .evidence import (
    evidence_sources,
    record_restricted_reads,
    source_title,
)
from .forms import (
    ApproveForm,
    ReturnForm,
)
from .models import Categorisation, CategoryNotice, Status
from .rules import (
    four_eyes_an_officer_approves_a_judgement_made_by_someone_else,
)
from .views_shared import categorisation_for, read_label, visible_cited


def _cited_groups(cited) -> list[tuple[str, list]]:
    """(title, items) per source, every registered source included (an empty one says so)."""
    groups: dict[str, list] = {source.title: [] for source in evidence_sources()}
    for item in cited:
        groups.setdefault(source_title(item.source), []).append(item)
    return list(groups.items())


def detail(request, pk: int, return_form=None, approve_form=None):
    categorisation = categorisation_for(request, pk)
    previous = selectors.previous_approved(categorisation)
    this = selectors.evidence_of(categorisation)
    before = selectors.evidence_of(previous) if previous else None
    can_review = categorisation.status == Status.SUBMITTED and request.user.has_perm("categorisation.review")
    may_not_approve = ""  # why this officer may return it but not approve it
    if can_review:
        refusals = four_eyes_an_officer_approves_a_judgement_made_by_someone_else(
            approver_id=request.user.pk, authors=selectors.judgement_authors(categorisation)
        )
        may_not_approve = refusals[0] if refusals else ""
    current = selectors.current_category(categorisation.school)
    is_current = current is not None and current.categorisation_id == categorisation.pk
    cited = visible_cited(request.user, categorisation)
    notice = None
    if categorisation.status == Status.APPROVED:
        notice = (
            CategoryNotice.objects.filter(categorisation=categorisation)
            .select_related("responded_by", "decided_by")
            .prefetch_related("emails")
            .first()
        )
    school = categorisation.school
    record_request_read(request, categorisation, label=read_label(categorisation))
    record_restricted_reads(request, categorisation.school, cited)
    return render(
        request,
        "categorisation/detail.html",
        {
            "notice": notice,
            "nobody_reads_it": notice is not None and selectors.nobody_at_the_school_reads_its_category(school),
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
            if hasattr(error, "error_dict"):
                add_service_errors(form, error)
            else:
                messages.error(request, " ".join(error.messages))
                return redirect("categorisation:detail", pk=pk)
        else:
            messages.success(request, f"Approved. {categorisation.school.name}'s current category is updated.")
            return redirect("categorisation:detail", pk=pk)
    # The page again with the comment kept and the problem on its field (a redirect lost both).
    return detail(request, pk, approve_form=form)


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
    categorisation = categorisation_for(request, pk)
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
