"""A letter's workflow: submit, approve (four eyes), return, withdraw and issue.
Thin: rules are in services and rules, reads in selectors."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.forms import add_service_errors, posted

from . import documents, links, rules, selectors, services
from .forms import CommentsForm, IssueForm
from .models import LetterStatus
from .services_shared import status_label
from .views_shared import FILES_STATUS, staff_letter


def _workflow_post(request, pk: int, perm: str, action, success: str):
    letter = staff_letter(request, pk, perm)
    try:
        action(letter)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, success)
    return redirect("letters:detail", pk=letter.pk)


@require_POST
def submit(request, pk: int):
    return _workflow_post(
        request,
        pk,
        "letters.edit_letter",
        lambda letter: services.letter_submit(letter=letter, actor=request.user),
        "Submitted the letter for approval.",
    )


@require_POST
def approve(request, pk: int):
    form = CommentsForm(request.POST, required=False, button="Approve", hint="Optional.")
    if not form.is_valid():  # comments over their limit: the form again, the comments kept, nothing approved
        letter = staff_letter(request, pk, "letters.approve_letter")
        return render(
            request,
            "letters/action_form.html",
            {"letter": letter, "form": form, "title": f"Approve {letter.reference}"},
        )
    comments = form.cleaned_data["comments"]
    return _workflow_post(
        request,
        pk,
        "letters.approve_letter",
        lambda letter: services.letter_approve(letter=letter, actor=request.user, comments=comments),
        "Approved the letter. It can now be issued.",
    )


WITHDRAW_INTRO = (
    "A withdrawn letter is not sent and cannot be changed or issued afterwards. "
    "It stays in the register with its timeline."
)
WITHDRAW_SUGGESTION_INTRO = " The suggestion it was drafted from will be offered again."
WITHDRAWN = "Withdrew the letter. It stays in the register."
WITHDRAWN_SUGGESTION = " The suggestion it was drafted from is offered again."


def withdraw(request, pk: int):
    """Ask first (a withdrawal cannot be undone), with an optional reason for the timeline."""
    letter = staff_letter(request, pk, "letters.edit_letter")
    if request.method != "POST" and not letter.may_be_withdrawn:
        messages.error(request, services.CANNOT_WITHDRAW.format(status=status_label(letter)))
        return redirect(letter)
    from_a_suggestion = selectors.drafted_from_a_suggestion(letter)
    form = CommentsForm(
        posted(request),
        required=False,
        button="Withdraw the letter",
        label="Why it will not be sent (optional)",
        hint="Shown in the letter's timeline.",
        warning=True,
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_withdraw(letter=letter, actor=request.user, comments=form.cleaned_data["comments"])
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, WITHDRAWN + (WITHDRAWN_SUGGESTION if from_a_suggestion else ""))
        return redirect(letter)
    intro = WITHDRAW_INTRO + (WITHDRAW_SUGGESTION_INTRO if from_a_suggestion else "")
    return render(
        request,
        "letters/action_form.html",
        {"letter": letter, "form": form, "title": f"Withdraw {letter.reference}", "intro": intro},
    )


def return_letter(request, pk: int):
    letter = staff_letter(request, pk, "letters.approve_letter")
    form = CommentsForm(
        posted(request),
        required=True,
        button="Return the letter",
        hint="Say what needs to change before it can be approved.",
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.letter_return(letter=letter, actor=request.user, comments=form.cleaned_data["comments"])
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Returned the letter to its drafter with your comments.")
            return redirect(letter)
    return render(
        request, "letters/action_form.html", {"letter": letter, "form": form, "title": f"Return {letter.reference}"}
    )


def _suggested_copies(school) -> str:
    """A church or other foundation/voluntary school: whom the LA should also send a copy to (Part 4
    of the Act names these bodies for its notices); pre-filled for the officer to check."""
    if school.establishment_type_id not in (2, 3, 5):  # voluntary aided, voluntary controlled, foundation
        return ""
    character = (school.religious_character or "").lower()
    if "church of england" in character or "roman catholic" in character or "catholic" in character:
        return "The appropriate diocesan authority"
    return "The person or persons who appoint the foundation governors"


ALERT_QUEUED = " An email alert to the ward's councillors is being sent: the school's page shows when it has gone."


def issue(request, pk: int):
    letter = staff_letter(request, pk, "letters.issue_letter")
    if letter.status != LetterStatus.APPROVED:
        messages.error(request, services.CANNOT_ISSUE.format(status=letter.get_status_display().lower()))
        return redirect(letter)
    initial = {"issued_on": timezone.localdate(), "other_copies": _suggested_copies(letter.school)}
    form = IssueForm(posted(request), initial=initial, letter_type=letter.letter_type)
    if request.method == "POST" and form.is_valid():
        try:
            letter = services.letter_issue(
                letter=letter,
                actor=request.user,
                issued_on=form.cleaned_data["issued_on"],
                other_copies=form.copies(),
                copy_to=form.cleaned_data.get("copy_to", []),
            )
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            # The files and the alert's email are made in the background: never say they are ready
            # or that it went before they are (the letter's and the school's pages show it).
            note = ALERT_QUEUED if letter.letter_type.alerts_councillors else ""
            messages.success(request, f"Issued {letter.reference}. {FILES_STATUS[letter.documents_status]}{note}")
            return redirect(letter)
    return render(
        request,
        "letters/issue.html",
        {
            "letter": letter,
            "form": form,
            "recipients": documents.recipients_for(letter.school, letter.letter_type),
            "statutory_copies": documents.statutory_copies(letter.letter_type),
            "addressee_missing": rules.trust_letters_name_their_addressee(
                school=letter.school, letter_type=letter.letter_type
            ),
            "trust_page": links.trust_page_url(letter.school.trust) if letter.letter_type.is_trust_letter else "",
            "drafted_on": services.drafted_on(letter),
            "title": f"Issue {letter.reference}",
        },
    )
