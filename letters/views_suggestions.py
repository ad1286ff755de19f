"""Suggested letters: the list, and drafting a letter from a suggestion or dismissing it.
Thin: rules are in services and rules, reads in selectors."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from core.forms import add_service_errors, posted
from core.pagination import paginate
from schools.models import School

from . import exports, services, stored_suggestions, suggestions
from .forms import DismissForm
from .views_shared import require_la_staff


@permission_required("letters.view_suggestions", raise_exception=True)
def suggestion_list(request):
    found = stored_suggestions.open_suggestions(school_ids=exports.suggestion_school_ids(request.user))
    pagination = paginate(request, found)
    return render(
        request,
        "letters/suggestions.html",
        {
            "suggestions": suggestions.materialise(list(pagination.page.object_list)),
            "pagination": pagination,
            "title": "Suggested letters",
        },
    )


def _suggestion_school(request, urn: int) -> School:
    require_la_staff(request)
    school = get_object_or_404(School.objects.select_related("establishment_type"), urn=urn)
    if not request.user.has_perm("letters.decide_suggestion", school):
        raise PermissionDenied
    return school


@require_POST
def suggestion_accept(request, urn: int, key: str):
    school = _suggestion_school(request, urn)
    try:
        letter = services.suggestion_accept(school=school, source_key=key, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("letters:suggestions")
    messages.success(
        request, "Drafted the letter from the suggestion. Check it, complete it and submit it for approval."
    )
    return redirect("letters:edit", pk=letter.pk)


def suggestion_dismiss(request, urn: int, key: str):
    school = _suggestion_school(request, urn)
    suggestion = stored_suggestions.suggestion_by_key(school=school, source_key=key)
    if suggestion is None:
        messages.error(request, services.SUGGESTION_GONE)
        return redirect("letters:suggestions")
    form = DismissForm(posted(request))
    if request.method == "POST" and form.is_valid():
        try:
            services.suggestion_dismiss(
                school=school, source_key=key, reason=form.cleaned_data["reason"], actor=request.user
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Dismissed the suggestion. It will not be suggested again.")
            return redirect("letters:suggestions")
    # The title says what the h1 and its caption say: each suggestion's page is told apart in tabs and history.
    heading = f"Dismiss the suggested {suggestion.letter_type.name.lower()}"
    return render(
        request,
        "letters/suggestion_dismiss.html",
        {"suggestion": suggestion, "form": form, "heading": heading, "title": f"{heading}: {school.name}"},
    )
