"""A warning notice's progress after issue: the governing body's response, the outcome of the
compliance period, the notice of intention and the decision on the intervention powers.
Thin: rules are in services and rules, reads in selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils import timezone

from core.forms import add_service_errors, posted
from core.versions import ChangedSince, version_of

from . import services
from .forms import DecisionForm, IntentionForm, OutcomeForm, ResponseForm
from .models import Letter
from .placeholders import long_date
from .views_shared import staff_letter


def _notice_form(
    request, pk: int, *, perm: str, form_class, initial, save, success: str, title: str, intro: str = "",
    with_letter: bool = True,
):  # fmt: skip
    """`with_letter`: the form checks what it is given against the letter (its dates, the powers proposed)."""
    letter = staff_letter(request, pk, perm)
    if not (letter.is_issued and letter.letter_type.is_warning_notice):
        raise Http404
    form = form_class(posted(request), initial=initial(letter), **({"letter": letter} if with_letter else {}))
    if request.method == "POST" and form.is_valid():
        try:
            save(letter, form.cleaned_data)
        except ChangedSince as error:
            form.take_version(error.version)
            add_service_errors(form, error)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, success)
            return redirect(letter)
    return render(request, "letters/action_form.html", {"letter": letter, "form": form, "title": title, "intro": intro})


def record_response(request, pk: int):
    return _notice_form(
        request,
        pk,
        perm="letters.record_response",
        form_class=ResponseForm,
        initial=lambda letter: {
            "received_on": letter.progress.response_received_on,
            "text": letter.progress.response_text,
            "version": version_of(letter.progress),  # a save over another tab's is refused (core.versions)
        },
        save=lambda letter, data: services.warning_notice_response_record(letter=letter, actor=request.user, **data),
        success="Saved the governing body's response.",
        title="The governing body's response",
    )


def record_outcome(request, pk: int):
    return _notice_form(
        request,
        pk,
        perm="letters.record_compliance",
        form_class=OutcomeForm,
        initial=lambda letter: {},
        with_letter=False,
        save=lambda letter, data: services.warning_notice_outcome_record(
            letter=letter, actor=request.user, outcome=data["outcome"], notes=data["notes"]
        ),
        success="Recorded the outcome of the compliance period.",
        title="Outcome of the compliance period",
        intro=(
            "Record whether the governing body complied with the notice to the local authority's satisfaction by "
            "the end of the compliance period (Education and Inspections Act 2006, s60(1)(c))."
        ),
    )


def _intention_text(letter: Letter) -> str:
    return (
        "To the governing body of {school_name}\n\n"
        f"On {long_date(letter.issued_on)} the local authority gave the governing body a warning notice under "
        "section 60 of the Education and Inspections Act 2006. The compliance period ended on "
        "{compliance_end_date}. The local authority is not satisfied that the governing body has complied with "
        "the notice, or secured compliance with it.\n\n"
        "The local authority gives the governing body notice that it proposes to use the following powers:\n\n"
        "{powers}\n\n"  # the powers ticked on the form (placeholders.intention_blocks)
        "[What each power would mean for the school]\n\n"
        "The powers in sections 63 and 64 can only be used within two months following the end of the "
        "compliance period, that is by {powers_deadline}.\n\n"
        "Yours faithfully,"
    )


def give_intention(request, pk: int):
    return _notice_form(
        request,
        pk,
        perm="letters.record_compliance",
        form_class=IntentionForm,
        initial=lambda letter: {"given_on": timezone.localdate(), "text": _intention_text(letter)},
        save=lambda letter, data: services.warning_notice_intention_give(
            letter=letter, actor=request.user, given_on=data["given_on"], powers=data["powers"], text=data["text"]
        ),
        success="Gave the notice of intention. The school is now eligible for intervention.",
        title="Notice of intention to use intervention powers",
        intro=(
            "Reasonable notice in writing that the local authority proposes to use its intervention powers "
            "(s60(1)(d)). Its PDF and Word files are produced when you save."
        ),
    )


def record_decision(request, pk: int):
    return _notice_form(
        request,
        pk,
        perm="letters.record_compliance",
        form_class=DecisionForm,
        initial=lambda letter: {"decided_on": timezone.localdate()},
        save=lambda letter, data: services.intervention_decision_record(
            letter=letter, actor=request.user, decided_on=data["decided_on"], powers=data["powers"], notes=data["notes"]
        ),
        success="Recorded the decision.",
        title="Decision on the intervention powers",
    )
