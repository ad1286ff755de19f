"""The work on a concern: ladder steps, routing, RAG ratings, decisions, resolving, closing and
reopening. Each POST re-shows the concern's page with its errors."""

from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.forms import add_service_errors, posted
from core.text import in_sentence, is_number
from letters.models import TRUST_LETTER_KINDS, LetterKind

from .. import rules, selectors, services
from ..forms import ConcernEditForm, DecisionForm, EndForm, RagForm, ReopenForm, RoutingForm, StepForm
from ..models import ConcernStatus, LadderStage, Routing
from .concerns import detail_context


def _concern_to_change(request, pk: int):
    concern = selectors.concern_for_user(user=request.user, pk=pk)
    if not request.user.has_perm("academies.change_concern", concern):
        raise PermissionDenied
    return concern


def _detail_with_errors(request, concern, **forms):
    return render(request, "academies/concern_detail.html", detail_context(request, concern, **forms))


@permission_required("academies.change_concern", raise_exception=True)
def concern_edit(request, pk: int):
    concern = _concern_to_change(request, pk)
    initial = {
        "concern_types": list(concern.concern_types.all()),
        "description": concern.description,
        "owner": concern.owner,
        "next_review_on": concern.next_review_on,
    }
    form = ConcernEditForm(posted(request), initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_update(concern=concern, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Concern updated.")
            return redirect(concern)
    return render(
        request, "academies/concern_edit.html", {"concern": concern, "form": form, "title": "Change the concern"}
    )


@permission_required("academies.change_concern", raise_exception=True)
def concern_step(request, pk: int):
    concern = _concern_to_change(request, pk)
    stage = selectors.stage_of(concern)
    letters = selectors.letters_for_a_step(concern)
    initial: dict[str, object] = {"taken_on": timezone.localdate()}
    chosen = letters.filter(pk=request.GET.get("letter")).first() if is_number(request.GET.get("letter", "")) else None
    if chosen is not None:
        # "Record the step with this letter" from the concern page: the letter, its date and stage.
        initial.update(
            letter=chosen,
            taken_on=chosen.issued_on,
            stage=LadderStage.FORMAL_LETTER if chosen.letter_type.code == LetterKind.TRUST_CHAIR_MEETING else "",
            notes=f"{chosen.letter_type.name} ({chosen.reference}) issued.",
        )
    form = StepForm(posted(request), initial=initial, letters=letters)
    if request.method == "POST" and form.is_valid():
        try:
            step = services.concern_record_step(concern=concern, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded: {in_sentence(step.get_stage_display())}.")
            return redirect(concern)
    return render(
        request,
        "academies/concern_step.html",
        {
            "concern": concern,
            "form": form,
            "next_step": rules.next_step(stage=stage, status=concern.status),
            "title": "Record a step of the ladder",
        },
    )


@permission_required("academies.change_concern", raise_exception=True)
def concern_routing(request, pk: int):
    concern = _concern_to_change(request, pk)
    route = rules.routing_for_source(concern.source)
    if route is None or Routing.objects.filter(concern=concern).exists():
        raise Http404("Nothing to route")
    form = RoutingForm(
        posted(request),
        source=concern.source,
        raised_by_ofsted=concern.raised_by_ofsted,
        initial={"done_on": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.concern_record_routing(concern=concern, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, f"Recorded as done: {in_sentence(route.title)}.")
            return redirect(concern)
    return render(
        request,
        "academies/concern_routing.html",
        {"concern": concern, "route": route, "form": form, "title": "Record the routing"},
    )


def _act_on_concern(request, pk: int, *, form_class, service, form_name: str, done):
    """A form posted from the concern page: the service does it and the page says `done(result)`,
    or the concern page comes back with the form's errors."""
    concern = _concern_to_change(request, pk)
    form = form_class(request.POST)
    if form.is_valid():
        try:
            result = service(concern=concern, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            if not hasattr(error, "error_dict"):
                # The concern's state refused it (ended since the page was opened): its page may not
                # show this form any more, so the reason is said at the top of the page.
                messages.error(request, " ".join(error.messages))
                return redirect(concern)
            add_service_errors(form, error)
        else:
            messages.success(request, done(result))
            return redirect(concern)
    return _detail_with_errors(request, concern, **{form_name: form})


@require_POST
@permission_required("academies.change_concern", raise_exception=True)
def concern_rate(request, pk: int):
    return _act_on_concern(
        request, pk, form_class=RagForm, service=services.concern_rate, form_name="rag_form",
        done=lambda _: "RAG rating recorded.",
    )  # fmt: skip


@require_POST
@permission_required("academies.change_concern", raise_exception=True)
def concern_decide(request, pk: int):
    return _act_on_concern(
        request, pk, form_class=DecisionForm, service=services.concern_record_decision, form_name="decision_form",
        done=lambda _: "Decision recorded.",
    )  # fmt: skip


@require_POST
@permission_required("academies.change_concern", raise_exception=True)
def concern_end(request, pk: int):
    return _act_on_concern(
        request, pk, form_class=EndForm, service=services.concern_end, form_name="end_form",
        done=lambda ended: "Concern resolved." if ended.status == ConcernStatus.RESOLVED else "Concern closed.",
    )  # fmt: skip


@require_POST
@permission_required("academies.change_concern", raise_exception=True)
def concern_reopen(request, pk: int):
    return _act_on_concern(
        request, pk, form_class=ReopenForm, service=services.concern_reopen, form_name="reopen_form",
        done=lambda _: "Concern reopened: its history is kept.",
    )  # fmt: skip


DRAFTED = "Drafted the {letter_type} from the concern. Complete it, then submit it for approval."
ALREADY_DRAFTED = "The {letter_type} drafted from this concern is {status}: here it is."


@require_POST
@permission_required("academies.change_concern", raise_exception=True)
def concern_draft_letter(request, pk: int, kind: str):
    """Draft the letter to the trust chair (or the letter of concern to the trust's chief executive)
    from the concern, through the letters app, and go to it to complete it. Who may draft is the
    letters app's rule (an officer, or the academy's link adviser)."""
    if kind not in TRUST_LETTER_KINDS:
        raise Http404
    concern = _concern_to_change(request, pk)
    if not request.user.has_perm("letters.draft_letter", concern.school):
        raise PermissionDenied
    try:
        letter, created = services.concern_draft_trust_letter(concern=concern, kind=kind, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect(concern)
    name = letter.letter_type.name.lower()
    if created:
        messages.success(request, DRAFTED.format(letter_type=name))
        return redirect("letters:edit", pk=letter.pk)
    messages.info(request, ALREADY_DRAFTED.format(letter_type=name, status=letter.get_status_display().lower()))
    return redirect(letter)
