"""Letters pages: register and export, drafting with preview, approval and issue, the letter page
with a warning notice's progress, downloads, templates and suggestions. Thin: rules are in
services and rules, reads in selectors."""

import logging
from datetime import timedelta

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from accounts.permissions import is_governor, is_la_staff
from audit.services import record_request_read
from core.documents import pdf_response
from core.exports import csv_response, xlsx_response
from core.forms import add_service_errors, posted
from core.pagination import paginate
from schools.models import School
from schools.picker import school_picker
from schools.selectors import letterhead_for, open_schools_user_acts_for, schools_visible_to

from . import (
    documents,
    exports,
    issued_documents,
    links,
    placeholders,
    rules,
    selectors,
    services,
    stored_suggestions,
    suggestions,
)
from .documents import DOCX_CONTENT_TYPE
from .forms import (
    ApprovalSettingForm,
    CommentsForm,
    DecisionForm,
    DismissForm,
    IndicatorEditForm,
    IndicatorForm,
    IntentionForm,
    IssueForm,
    LetterForm,
    OutcomeForm,
    RegisterFilter,
    ResponseForm,
    StartForm,
    TemplateForm,
)
from .models import (
    TRUST_ADDRESSEE,
    DocumentsStatus,
    Indicator,
    InterventionPower,
    Letter,
    LetterStatus,
    LetterTemplate,
    LetterType,
)
from .placeholders import long_date

log = logging.getLogger(__name__)


def _require_la_staff(request) -> None:
    if not is_la_staff(request.user):
        raise PermissionDenied


def _letter(request, pk: int) -> Letter:
    """A letter page any allowed role may open: LA staff every letter, a governor their school's
    issued letters (404 otherwise); anyone else (admins) 403."""
    if not (is_la_staff(request.user) or is_governor(request.user)):
        raise PermissionDenied
    return selectors.letter_for_user(user=request.user, pk=pk)


def _staff_letter(request, pk: int, perm: str | None = None) -> Letter:
    """A letter for an LA-staff action: 403 for other roles, 404 if missing, 403 without `perm`."""
    _require_la_staff(request)
    letter = selectors.letter_for_user(user=request.user, pk=pk)
    if perm and not request.user.has_perm(perm, letter):
        raise PermissionDenied
    return letter


# ---- register --------------------------------------------------------------------------------

EXPORT_HEADER = [
    "Reference",
    "Type",
    "Status",
    "URN",
    "School",
    "Drafted by",
    "Drafted on",
    "Date of issue",
    "Grounds",
    "Compliance period ends",
    "Stage",
    "Powers (s63, s64) usable until",
]


def _register(request):
    queryset = selectors.letters_visible_to(request.user).order_by("-created_at", "-id")
    register_filter = RegisterFilter(request.GET, queryset=queryset)
    return register_filter, register_filter.qs


@permission_required("letters.view_register", raise_exception=True)
def register(request):
    register_filter, letters = _register(request)
    pagination = paginate(request, letters)
    today = timezone.localdate()
    rows = [(letter, selectors.notice_stage(letter, today)) for letter in pagination.page.object_list]
    return render(
        request,
        "letters/register.html",
        {"filter": register_filter, "pagination": pagination, "rows": rows, "title": "Letters"},
    )


@permission_required("letters.view_register", raise_exception=True)
def register_export(request, fmt: str):
    if fmt not in ("csv", "xlsx"):
        raise Http404
    _, letters = _register(request)
    today = timezone.localdate()

    def rows():
        for letter in letters.iterator(chunk_size=2000):
            stage = selectors.notice_stage(letter, today)
            yield [
                letter.reference,
                letter.letter_type.name,
                letter.get_status_display(),
                letter.school.urn,
                letter.school.name,
                str(letter.drafted_by or ""),
                timezone.localdate(letter.created_at),
                letter.issued_on,
                "; ".join(letter.ground_short_labels),
                letter.compliance_end_date,
                stage.label if stage else "",
                stage.deadline if stage and stage.deadline_label.startswith("Powers") else None,
            ]

    if fmt == "xlsx":
        return xlsx_response("letters.xlsx", "Letters", EXPORT_HEADER, rows())
    return csv_response("letters.csv", EXPORT_HEADER, rows())


# ---- drafting --------------------------------------------------------------------------------


PICKER_HINT_ADVISER = "You can draft letters for your link schools."
PICKER_HINT_OFFICER = "You can draft letters for any open school."
ONLY_CONGRATULATIONS = (
    "{school} is not maintained by the local authority: letters of concern and warning notices are for "
    "LA-maintained schools, so only a congratulations letter can be drafted."
)


def start(request):
    """Choose the school (the school picker: search by name or URN, then choose), then the type of
    letter, then go to the draft form. All GET: nothing is written until the draft is saved."""
    _require_la_staff(request)
    officer = request.user.has_perm("letters.approve_letter")
    picker = school_picker(
        request,
        scope=open_schools_user_acts_for(request.user),
        hint=PICKER_HINT_OFFICER if officer else PICKER_HINT_ADVISER,
        forget=("letter_type", "continue"),
    )
    school = picker.chosen
    if school is None:
        return render(request, "letters/start.html", {"picker": picker, "title": "Draft a letter"})
    letter_types = selectors.letter_types_for(school)
    form = StartForm(
        request.GET if "continue" in request.GET else None,
        initial={"school": school.urn},
        letter_types=letter_types,
    )
    if form.is_bound and form.is_valid():
        return redirect("letters:new", urn=school.urn, code=form.cleaned_data["letter_type"])
    return render(
        request,
        "letters/start.html",
        {
            "picker": picker,
            "school": school,
            "form": form,
            "only_congratulations": ONLY_CONGRATULATIONS.format(school=school.name) if not school.is_maintained else "",
            "title": f"Draft a letter to {school.name}",
        },
    )


def _preview(letter: Letter, form: LetterForm):
    """The letter as it will be sent if issued today, from the form's unsaved data."""
    data = form.cleaned_data
    grounds = set(data.get("grounds", []))
    letter.subject, letter.body = data["subject"], data["body"]
    letter.ground_a, letter.ground_b, letter.ground_c = "a" in grounds, "b" in grounds, "c" in grounds
    letter.compliance_end_date = data.get("compliance_end_date")
    problems = placeholders.check(data["subject"], letter.letter_type.code) + placeholders.check(
        data["body"], letter.letter_type.code
    )
    if problems:
        for problem in problems:
            form.add_error("body", problem)
        return None
    copies = documents.statutory_copies(letter.letter_type)
    return documents.build_content(
        letter,
        issue_date=timezone.localdate(),
        copies=copies,
        draft=True,
        indicators=[i.text for i in data["indicators"]],
    )


def _letter_form_page(request, *, form, letter, school, letter_type, title):
    facts = placeholders.Facts.for_school(school, letter_type, issue_date=timezone.localdate())
    return render(
        request,
        "letters/letter_form.html",
        {
            "form": form,
            "letter": letter,
            "school": school,
            "letter_type": letter_type,
            "preview": getattr(form, "preview", None),
            "placeholders": [(p, _example(facts, p.name)) for p in placeholders.placeholders_for(letter_type.code)],
            "title": title,
        },
    )


def _example(facts, name: str) -> str:
    if name in (
        "indicators",
        "concern_types",
        "grounds",
        "compliance_end_date",
        "compliance_period",
        "powers_deadline",
    ):
        return "From the form when previewed and issued"
    if name == "date":
        return f"The date of issue (today: {long_date(facts.issue_date)})"
    value = facts.value(name)
    return "; ".join(value) if isinstance(value, list) else value


def new_letter(request, urn: int, code: str):
    _require_la_staff(request)
    school = get_object_or_404(
        schools_visible_to(request.user).select_related("establishment_type", "link_adviser"), urn=urn
    )
    letter_type = get_object_or_404(LetterType.objects.select_related("template"), code=code)
    if not request.user.has_perm("letters.draft_letter", school):
        raise PermissionDenied
    if letter_type.is_trust_letter:
        # Drafted from the academy concern it belongs to (academies), which records the link.
        raise Http404("A letter to a trust is drafted from the concern about the academy")
    subject, body = documents.prefilled_text(school, letter_type)
    form = LetterForm(posted(request), letter_type=letter_type, initial={"subject": subject, "body": body})
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            form.preview = _preview(Letter(school=school, letter_type=letter_type), form)
        else:
            try:
                letter = services.letter_draft_create(
                    school=school, letter_type=letter_type, actor=request.user, **form.service_data()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the draft {letter_type.name.lower()} to {school.name}.")
                return redirect(letter)
    return _letter_form_page(
        request, form=form, letter=None, school=school, letter_type=letter_type, title=f"New {letter_type.name.lower()}"
    )


def edit(request, pk: int):
    letter = _staff_letter(request, pk, "letters.edit_letter")
    if not letter.is_editable:
        messages.error(request, services.NOT_EDITABLE.format(status=letter.get_status_display().lower()))
        return redirect(letter)
    initial = {
        "subject": letter.subject,
        "body": letter.body,
        "indicators": [i.pk for i in letter.indicators.all()],
        "grounds": letter.grounds,
        "compliance_end_date": letter.compliance_end_date,
    }
    form = LetterForm(posted(request), letter_type=letter.letter_type, letter=letter, initial=initial)
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            form.preview = _preview(letter, form)
        else:
            try:
                services.letter_draft_update(letter=letter, actor=request.user, **form.service_data())
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Saved the letter.")
                return redirect(letter)
    _record_draft_read(request, letter)
    return _letter_form_page(
        request,
        form=form,
        letter=letter,
        school=letter.school,
        letter_type=letter.letter_type,
        title=f"Edit {letter.letter_type.name.lower()} {letter.reference}",
    )


# ---- the letter page and its workflow ---------------------------------------------------------


def detail(request, pk: int):
    letter = _letter(request, pk)
    la_view = is_la_staff(request.user)
    user = request.user
    today = timezone.localdate()
    if letter.is_issued:
        content = documents.LetterContent.from_dict(letter.issued_content)
    else:
        content = documents.build_content(letter, issue_date=today, draft=True)
    progress = getattr(letter, "progress", None)
    context = {
        "letter": letter,
        "content": content,
        "la_view": la_view,
        "stage": selectors.notice_stage(letter, today),
        "progress": progress,
        "window_end": services.rules.powers_window_end_s63_3_s64_2(letter.compliance_end_date)
        if letter.compliance_end_date
        else None,
        "powers": list(InterventionPower),
        "title": f"{letter.letter_type.name}: {letter.school.name}",
    }
    if la_view:
        can_approve = letter.status == LetterStatus.SUBMITTED and user.has_perm("letters.approve_letter")
        # Why this officer may return the letter but not approve it (four eyes), if so.
        may_not_approve = selectors.why_user_may_not_approve(user, letter) if can_approve else ""
        context.update(
            {
                "may_not_approve": may_not_approve,
                "events": selectors.letter_events(letter),
                "can_edit": letter.is_editable and user.has_perm("letters.edit_letter", letter),
                "can_approve": can_approve and not may_not_approve,
                "can_issue": letter.status == LetterStatus.APPROVED and user.has_perm("letters.issue_letter"),
                "can_produce_again": user.has_perm("letters.issue_letter"),
                "can_return": letter.status in (LetterStatus.SUBMITTED, LetterStatus.APPROVED)
                and user.has_perm("letters.approve_letter"),
                "can_withdraw": letter.status not in (LetterStatus.ISSUED, LetterStatus.WITHDRAWN)
                and user.has_perm("letters.edit_letter", letter),
                "can_respond": progress is not None and user.has_perm("letters.record_response", letter),
                "can_record": progress is not None and user.has_perm("letters.record_compliance"),
                "approve_form": CommentsForm(required=False, button="Approve", hint="Optional."),
                "history": letter.history.select_related("history_user").order_by("-history_date")[:10],
                "belongs_to": links.letter_owners(user, letter),
            }
        )
    _record_draft_read(request, letter)
    return render(request, "letters/detail.html", context)


def _record_draft_read(request, letter) -> None:
    """A letter before it is issued is confidential (its text is still a draft): each read is in
    the read log (audit.services). An issued letter is the school's; its reads are not logged."""
    if not letter.is_issued:
        label = f"{letter.reference}, {letter.letter_type.name}, {letter.school.name}"
        record_request_read(request, letter, label=label)


def _workflow_post(request, pk: int, perm: str, action, success: str):
    letter = _staff_letter(request, pk, perm)
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
    form = CommentsForm(request.POST, required=False, button="Approve")
    if not form.is_valid():  # comments over their limit: say so and approve nothing
        letter = _staff_letter(request, pk, "letters.approve_letter")
        messages.error(request, " ".join(str(e) for errors in form.errors.values() for e in errors))
        return redirect("letters:detail", pk=letter.pk)
    comments = form.cleaned_data["comments"]
    return _workflow_post(
        request,
        pk,
        "letters.approve_letter",
        lambda letter: services.letter_approve(letter=letter, actor=request.user, comments=comments),
        "Approved the letter. It can now be issued.",
    )


@require_POST
def withdraw(request, pk: int):
    return _workflow_post(
        request,
        pk,
        "letters.edit_letter",
        lambda letter: services.letter_withdraw(letter=letter, actor=request.user),
        "Withdrew the letter. It stays in the register.",
    )


def return_letter(request, pk: int):
    letter = _staff_letter(request, pk, "letters.approve_letter")
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


FILES_STATUS = {
    DocumentsStatus.READY: "The PDF and Word files are ready to send.",
    DocumentsStatus.PENDING: "The PDF and Word files are being produced: this page shows them when they are ready.",
    DocumentsStatus.FAILED: "The PDF and Word files could not be produced: this page lets you try again.",
}
ALERT_QUEUED = " An email alert to the ward's councillors is being sent: the school's page shows when it has gone."


def issue(request, pk: int):
    letter = _staff_letter(request, pk, "letters.issue_letter")
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


# ---- downloads -------------------------------------------------------------------------------


def download(request, pk: int, document: str, fmt: str):
    """An issued letter's (or its notice of intention's) PDF or Word file, through the same
    permission as the letter page; files are never served from a public URL."""
    if fmt not in ("pdf", "docx") or document not in ("letter", "intention"):
        raise Http404
    letter = _letter(request, pk)
    if document == "letter":
        stored, status = (letter.pdf if fmt == "pdf" else letter.docx), letter.documents_status
    else:
        progress = getattr(letter, "progress", None)
        stored = (progress.intention_pdf if fmt == "pdf" else progress.intention_docx) if progress else None
        status = progress.intention_documents_status if progress else ""
    if not stored and status in (DocumentsStatus.PENDING, DocumentsStatus.FAILED):
        # A link followed before the files exist (or after they failed): the letter's page says which.
        messages.info(request, FILES_STATUS[status])
        return redirect(letter)
    if not stored:
        raise Http404
    try:
        handle = stored.open("rb")
    except FileNotFoundError:
        log.error("The stored file %s of letter %s is missing from the media storage", stored.name, letter.pk)
        raise Http404("The file is missing") from None
    content_type = "application/pdf" if fmt == "pdf" else DOCX_CONTENT_TYPE
    response = FileResponse(handle, content_type=content_type, as_attachment=True)
    response["Content-Disposition"] = f'attachment; filename="{stored.name.rsplit("/", 1)[-1]}"'
    return response


@require_POST
def documents_retry(request, pk: int, document: str):
    """Produce again the files of an issued letter (or notice of intention) whose production failed."""
    if document not in issued_documents.KINDS:
        raise Http404
    letter = _staff_letter(request, pk, "letters.issue_letter")
    try:
        status = issued_documents.documents_retry(letter=letter, document=document, actor=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        (messages.success if status == DocumentsStatus.READY else messages.info)(request, FILES_STATUS[status])
    return redirect("letters:detail", pk=letter.pk)


def draft_pdf(request, pk: int):
    """A draft's PDF, marked DRAFT, for LA staff to check the layout before issue."""
    letter = _staff_letter(request, pk)
    if letter.is_issued:
        return redirect("letters:download", pk=letter.pk, document="letter", fmt="pdf")
    _record_draft_read(request, letter)
    content = documents.build_content(letter, issue_date=timezone.localdate(), draft=True)
    return pdf_response(documents.pdf_bytes(content), f"{letter.reference}-draft.pdf", inline=True)


# ---- warning notice progress ------------------------------------------------------------------


def _notice_form(request, pk: int, perm: str, form_class, initial, save, success: str, title: str, intro: str = ""):
    letter = _staff_letter(request, pk, perm)
    if not (letter.is_issued and letter.letter_type.is_warning_notice):
        raise Http404
    form = form_class(posted(request), initial=initial(letter))
    if request.method == "POST" and form.is_valid():
        try:
            save(letter, form.cleaned_data)
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
        "letters.record_response",
        ResponseForm,
        lambda letter: {"received_on": letter.progress.response_received_on, "text": letter.progress.response_text},
        lambda letter, data: services.warning_notice_response_record(
            letter=letter, actor=request.user, received_on=data["received_on"], text=data["text"]
        ),
        "Saved the governing body's response.",
        "The governing body's response",
    )


def record_outcome(request, pk: int):
    return _notice_form(
        request,
        pk,
        "letters.record_compliance",
        OutcomeForm,
        lambda letter: {},
        lambda letter, data: services.warning_notice_outcome_record(
            letter=letter, actor=request.user, outcome=data["outcome"], notes=data["notes"]
        ),
        "Recorded the outcome of the compliance period.",
        "Outcome of the compliance period",
        "Record whether the governing body complied with the notice to the local authority's satisfaction by the "
        "end of the compliance period (Education and Inspections Act 2006, s60(1)(c)).",
    )


def _intention_text(letter: Letter) -> str:
    return (
        "To the governing body of {school_name}\n\n"
        f"On {long_date(letter.issued_on)} the local authority gave the governing body a warning notice under "
        "section 60 of the Education and Inspections Act 2006. The compliance period ended on "
        "{compliance_end_date}. The local authority is not satisfied that the governing body has complied with "
        "the notice, or secured compliance with it.\n\n"
        "The local authority gives the governing body notice that it proposes to use the following powers:\n\n"
        "- [The powers proposed, and what each would mean for the school]\n\n"
        "The powers in sections 63 and 64 can only be used within two months following the end of the "
        "compliance period, that is by {powers_deadline}.\n\n"
        "Yours faithfully,"
    )


def give_intention(request, pk: int):
    return _notice_form(
        request,
        pk,
        "letters.record_compliance",
        IntentionForm,
        lambda letter: {"given_on": timezone.localdate(), "text": _intention_text(letter)},
        lambda letter, data: services.warning_notice_intention_give(
            letter=letter, actor=request.user, given_on=data["given_on"], powers=data["powers"], text=data["text"]
        ),
        "Gave the notice of intention. The school is now eligible for intervention.",
        "Notice of intention to use intervention powers",
        "Reasonable notice in writing that the local authority proposes to use its intervention powers "
        "(s60(1)(d)). Its PDF and Word files are produced when you save.",
    )


def record_decision(request, pk: int):
    return _notice_form(
        request,
        pk,
        "letters.record_compliance",
        DecisionForm,
        lambda letter: {"decided_on": timezone.localdate()},
        lambda letter, data: services.intervention_decision_record(
            letter=letter, actor=request.user, decided_on=data["decided_on"], powers=data["powers"], notes=data["notes"]
        ),
        "Recorded the decision.",
        "Decision on the intervention powers",
    )


# ---- templates and indicators ------------------------------------------------------------------


@permission_required("letters.manage_templates", raise_exception=True)
def template_list(request):
    return render(
        request, "letters/templates/list.html", {"letter_types": selectors.letter_types(), "title": "Letter templates"}
    )


@require_POST
@permission_required("letters.set_letter_type_approval", raise_exception=True)
def letter_type_approval(request, code: str):
    """The setting per letter type: whether a second officer must approve its letters."""
    letter_type = get_object_or_404(LetterType, code=code)
    form = ApprovalSettingForm(request.POST)
    if form.is_valid():
        try:
            services.letter_type_approval_update(
                letter_type=letter_type,
                actor=request.user,
                second_officer_approval=form.cleaned_data["second_officer_approval"],
            )
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(
                request,
                f"Saved. Each letter of this type ({letter_type.name.lower()}) now needs a second officer's approval."
                if letter_type.second_officer_approval
                else f"Saved. Any officer may now approve letters of this type ({letter_type.name.lower()}), "
                "including one who wrote them.",
            )
    return redirect(reverse("letters:template_edit", kwargs={"code": code}) + "#approval")


@permission_required("letters.manage_templates", raise_exception=True)
def template_edit(request, code: str):
    template = get_object_or_404(
        LetterTemplate.objects.select_related("letter_type", "updated_by"), letter_type__code=code
    )
    letter_type = template.letter_type
    initial = {f: getattr(template, f) for f in ("subject", "body")}
    form = TemplateForm(posted(request), initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = _template_preview(form, letter_type)
        else:
            try:
                services.template_update(template=template, actor=request.user, **form.cleaned_data)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, f"Saved the template for the {letter_type.name.lower()}.")
                return redirect("letters:template_edit", code=code)
    return render(
        request,
        "letters/templates/edit.html",
        {
            "template": template,
            "letter_type": letter_type,
            "form": form,
            "preview": preview,
            "indicators": letter_type.indicators.order_by("order", "id"),
            "indicator_form": IndicatorForm(),
            "approval_form": ApprovalSettingForm(
                initial={"second_officer_approval": letter_type.second_officer_approval}
            ),
            "placeholders": placeholders.placeholders_for(letter_type.code),
            "history": template.history.select_related("history_user").order_by("-history_date")[:10],
            "title": f"Template: {letter_type.name}",
        },
    )


SAMPLE_SCHOOL = {
    "school_name": "Sample Primary School",
    "urn": "100000",
    "school_address": "Sample Primary School, 1 School Lane, Peterborough, PE1 1AA",
    "headteacher": "Mrs A Head",
    "chair_of_governors": "Mr B Chair",
    "link_adviser": "A. Adviser",
}
SAMPLE_TRUST = {"trust_name": "Sample Academy Trust", "trust_chair": "Ms C Chair", "trust_ceo": "Dr D Executive"}


def _template_preview(form: TemplateForm, letter_type: LetterType):
    """The template filled with a sample school, so that admins (who read no case material) can
    check it too."""
    kind = letter_type.code
    problems = {name: placeholders.check(form.cleaned_data[name], kind) for name in ("subject", "body")}
    if any(problems.values()):
        for name, errors in problems.items():
            for error in errors:
                form.add_error(name, error)
        return None
    today = timezone.localdate()
    letterhead = letterhead_for(settings.LOCAL_AUTHORITY_CODES[0])
    facts = placeholders.Facts(
        **SAMPLE_SCHOOL,
        **SAMPLE_TRUST,
        council_name=letterhead.council_name,
        letter_type=letter_type.name,
        issue_date=today,
        indicators=[i.text for i in letter_type.indicators.filter(is_active=True)[:2]],
        grounds=["a", "b"],
        compliance_end_date=today + timedelta(weeks=8),
    )
    data = form.cleaned_data
    subject = placeholders.fill_inline(data["subject"], facts)
    address = ["Sample Primary School", "1 School Lane", "Peterborough", "PE1 1AA"]
    if letter_type.is_trust_letter:
        field_name, title = TRUST_ADDRESSEE[letter_type.code]
        name = SAMPLE_TRUST["trust_chair" if field_name == "chair_name" else "trust_ceo"]
        addressees = [f"{name}, {title}", SAMPLE_TRUST["trust_name"], f"c/o {address[0]}", *address[1:]]
    else:
        addressees = [
            f"{SAMPLE_SCHOOL['chair_of_governors']}, Chair of Governors",
            f"{SAMPLE_SCHOOL['headteacher']}, Headteacher",
            *address,
        ]
    return documents.LetterContent(
        **documents.letterhead_parts(letterhead),
        reference="SI-SAMPLE",
        date=long_date(today),
        addressees=addressees,
        subject=subject,
        blocks=placeholders.render_blocks(data["body"], facts),
        copies=documents.statutory_copies(letter_type),
        draft=True,
    )


@require_POST
@permission_required("letters.manage_templates", raise_exception=True)
def indicator_add(request, code: str):
    letter_type = get_object_or_404(LetterType, code=code)
    form = IndicatorForm(request.POST)
    if form.is_valid():
        try:
            services.indicator_add(letter_type=letter_type, text=form.cleaned_data["text"], actor=request.user)
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
        else:
            messages.success(request, "Added the indicator.")
    else:
        messages.error(request, "Enter the indicator's text")
    return redirect(reverse("letters:template_edit", kwargs={"code": code}) + "#indicators")


@permission_required("letters.manage_templates", raise_exception=True)
def indicator_edit(request, pk: int):
    indicator = get_object_or_404(Indicator.objects.select_related("letter_type"), pk=pk)
    form = IndicatorEditForm(posted(request), initial={"text": indicator.text, "is_active": indicator.is_active})
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_update(indicator=indicator, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            add_service_errors(form, error)
        else:
            messages.success(request, "Saved the indicator.")
            return redirect(
                reverse("letters:template_edit", kwargs={"code": indicator.letter_type.code}) + "#indicators"
            )
    return render(
        request,
        "letters/templates/indicator_edit.html",
        {"indicator": indicator, "form": form, "title": "Edit an indicator"},
    )


# ---- suggestions ------------------------------------------------------------------------------


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
    _require_la_staff(request)
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
    return render(
        request,
        "letters/suggestion_dismiss.html",
        {"suggestion": suggestion, "form": form, "title": "Dismiss a suggestion"},
    )
