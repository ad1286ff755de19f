"""Concerns: the list, opening one about an academy, and its page. Thin: permissions and scoped
selectors here, rules in services and rules."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone

from audit.services import record_request_read
from core.forms import add_service_errors, posted
from core.pagination import paginate
from letters.models import LetterKind
from schools.picker import school_picker

from .. import exports, rules, selectors, services
from ..forms import ConcernForm, DecisionForm, EndForm, RagForm, ReopenForm
from ..suggestions import suggested_concern_types

PICKER_HINT = "Concerns are recorded about open academies and free schools."
# An adviser who takes a whistleblowing call records it, then cannot open it (docs/academies.md).
WHISTLEBLOWING_RECORDED = (
    "Whistleblowing concern about {school} recorded. Only officers see whistleblowing concerns: its owner "
    "redirects it to the ESFA (Department for Education)."
)


@permission_required("academies.view_concerns", raise_exception=True)
def concern_list(request):
    form, concerns = exports.filtered_concerns(user=request.user, params=request.GET)
    pagination = paginate(request, concerns)
    for concern in pagination.page.object_list:
        concern.stage_label = selectors.stage_label(concern)
    return render(
        request,
        "academies/concern_list.html",
        {"form": form, "pagination": pagination, "title": "Concerns about academies"},
    )


@permission_required("academies.change_concern", raise_exception=True)
def concern_new(request):
    picker = school_picker(request, scope=selectors.academies_open(), hint=PICKER_HINT)
    school = picker.chosen
    if school is None:
        return render(request, "academies/concern_new.html", {"picker": picker, "title": "Open a concern"})
    today = timezone.localdate()
    suggestions = suggested_concern_types(school=school, on=today)
    form = ConcernForm(posted(request), suggestions=suggestions, initial={"owner": request.user, "raised_on": today})
    if request.method == "POST" and form.is_valid():
        try:
            concern = services.concern_open(school=school, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            if concern.is_whistleblowing and not request.user.has_perm("academies.view_restricted"):
                messages.success(request, WHISTLEBLOWING_RECORDED.format(school=school.name))
                return redirect("academies:list")
            messages.success(request, f"Concern about {school.name} opened.")
            return redirect(concern)
    return render(
        request,
        "academies/concern_new.html",
        {
            "picker": picker,
            "chosen": school,
            "form": form,
            "suggestions": suggestions,
            "intelligence": selectors.school_intelligence(user=request.user, school=school, limit=5),
            "title": "Open a concern",
        },
    )


def detail_context(request, concern, **forms) -> dict:
    rag_history = selectors.rag_history(concern)
    stage = selectors.stage_of(concern)
    routing = getattr(concern, "routing", None) if hasattr(concern, "routing") else None
    can_change = request.user.has_perm("academies.change_concern")
    letters = selectors.concern_letters(concern)
    on_steps = {step.letter_id for step in concern.steps.all() if step.letter_id}
    context = {
        "letters": letters,
        "letters_on_steps": on_steps,
        "may_write_to_trust": not rules.the_la_writes_formally_to_the_chair_of_the_academy_trust(
            source=concern.source, status=concern.status
        ),
        "can_draft_letters": can_change and request.user.has_perm("letters.draft_letter", concern.school),
        "trust_letter_kinds": [
            (LetterKind.TRUST_CHAIR_MEETING, "Draft the letter to the trust chair"),
            (LetterKind.TRUST_CEO_CONCERN, "Draft a letter of concern to the trust's chief executive"),
        ],
        "no_letter_reason": rules.NO_LETTER_ABOUT_WHISTLEBLOWING if concern.is_whistleblowing else "",
        "concern": concern,
        "school": concern.school,
        "steps": list(concern.steps.all()),
        "stage": stage,
        "stage_label": selectors.stage_label(concern),
        "next_step": rules.next_step(stage=stage, status=concern.status),
        "rag_history": rag_history,
        "direction": selectors.direction_of_travel(rag_history),
        "route": rules.routing_for_source(concern.source),
        "routing": routing,
        "decisions": list(concern.decisions.select_related("decided_by")),
        "can_change": can_change,
        "rag_form": forms.get("rag_form") or RagForm(),
        "decision_form": forms.get("decision_form") or DecisionForm(),
        "end_form": forms.get("end_form") or EndForm(),
        "reopen_form": forms.get("reopen_form") or ReopenForm(),
        "title": f"Concern: {concern.school.name}",
    }
    bound = [f for f in forms.values() if f is not None and f.is_bound]
    context["form"] = bound[0] if bound else None  # the error summary's form
    return context


@permission_required("academies.view_concerns", raise_exception=True)
def concern_detail(request, pk: int):
    concern = selectors.concern_for_user(user=request.user, pk=pk)
    record_request_read(request, concern, label=concern.read_label)
    return render(request, "academies/concern_detail.html", detail_context(request, concern))
