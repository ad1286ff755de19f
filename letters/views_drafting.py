"""Drafting a letter: choosing the school and type, the draft form with its preview, and editing a draft.
Thin: rules are in services and rules, reads in selectors."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone

from core.forms import add_service_errors, posted
from core.versions import ChangedSince, version_of
from schools.picker import school_picker
from schools.selectors import open_schools_user_acts_for, schools_visible_to

from . import documents, placeholders, selectors, services
from .forms import LetterForm, StartForm
from .models import Letter, LetterType
from .placeholders import long_date
from .views_shared import record_draft_read, require_la_staff, staff_letter

PICKER_HINT_ADVISER = "You can draft letters for your link schools."
PICKER_HINT_OFFICER = "You can draft letters for any open school."
ONLY_CONGRATULATIONS = (
    "{school} is not maintained by the local authority: letters of concern and warning notices are for "
    "LA-maintained schools, so only a congratulations letter can be drafted."
)


def start(request):
    """Choose the school (the school picker: search by name or URN, then choose), then the type of
    letter, then go to the draft form. All GET: nothing is written until the draft is saved."""
    require_la_staff(request)
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


SAVED_ALREADY = "You had already saved this draft ({reference}), so no second copy was made."


def _preview(letter: Letter, form: LetterForm) -> documents.LetterContent | None:
    """The letter as it will be sent if issued today, from the form's unsaved data."""
    data = form.cleaned_data
    grounds = set(data.get("grounds", []))
    letter.subject, letter.body = data["subject"], data["body"]
    letter.ground_a, letter.ground_b, letter.ground_c = "a" in grounds, "b" in grounds, "c" in grounds
    letter.compliance_end_date = data.get("compliance_end_date")
    try:  # the checks a save makes, so a preview is never shown of what saving refuses
        services.letter_content_check(
            school=letter.school, letter_type=letter.letter_type, today=timezone.localdate(), **form.service_data()
        )
    except ValidationError as error:
        add_service_errors(form, error)
        return None
    copies = documents.statutory_copies(letter.letter_type)
    return documents.build_content(
        letter,
        issue_date=timezone.localdate(),
        copies=copies,
        draft=True,
        indicators=[i.text for i in data["indicators"]],
    )


def _letter_form_page(
    request, *, form, letter, school, letter_type, title, preview: documents.LetterContent | None = None, drafts=()
):
    facts = placeholders.Facts.for_school(school, letter_type, issue_date=timezone.localdate())
    return render(
        request,
        "letters/letter_form.html",
        {
            "form": form,
            "letter": letter,
            "school": school,
            "letter_type": letter_type,
            "preview": preview,
            "returned": selectors.return_comments(letter),
            "placeholders": [(p, _example(facts, p.name)) for p in placeholders.placeholders_for(letter_type.code)],
            "recipients": documents.recipients_for(school, letter_type),
            "title": title,
            "drafts": drafts,  # a new letter's page: the school's drafts of its type already
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
    require_la_staff(request)
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
    form = LetterForm(
        posted(request), letter_type=letter_type, school=school, initial={"subject": subject, "body": body}
    )
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = _preview(Letter(school=school, letter_type=letter_type), form)
        else:
            try:
                letter, created = services.letter_draft_create_once(
                    school=school, letter_type=letter_type, actor=request.user, **form.service_data()
                )
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                if created:
                    messages.success(request, f"Saved the draft {letter_type.name.lower()} to {school.name}.")
                else:
                    messages.info(request, SAVED_ALREADY.format(reference=letter.reference))
                return redirect(letter)
    return _letter_form_page(
        request,
        form=form,
        letter=None,
        school=school,
        letter_type=letter_type,
        title=f"New {letter_type.name.lower()}",
        preview=preview,
        drafts=list(selectors.open_drafts_of(school=school, letter_type=letter_type)),
    )


def edit(request, pk: int):
    letter = staff_letter(request, pk, "letters.edit_letter")
    if not letter.is_editable:
        messages.error(request, services.NOT_EDITABLE.format(status=letter.get_status_display().lower()))
        return redirect(letter)
    initial = {
        "subject": letter.subject,
        "body": letter.body,
        "indicators": [i.pk for i in letter.indicators.all()],
        "grounds": letter.grounds,
        "compliance_end_date": letter.compliance_end_date,
        "version": version_of(letter),  # a save over another tab's is refused (core.versions)
    }
    form = LetterForm(posted(request), letter_type=letter.letter_type, letter=letter, initial=initial)
    preview = None
    if request.method == "POST" and form.is_valid():
        if "preview" in request.POST:
            preview = _preview(letter, form)
        else:
            try:
                version = form.cleaned_data["version"]
                services.letter_draft_update(letter=letter, actor=request.user, version=version, **form.service_data())
            except ChangedSince as error:
                form.take_version(error.version)
                add_service_errors(form, error)
            except ValidationError as error:
                add_service_errors(form, error)
            else:
                messages.success(request, "Saved the letter.")
                return redirect(letter)
    record_draft_read(request, letter)
    return _letter_form_page(
        request,
        form=form,
        letter=letter,
        school=letter.school,
        letter_type=letter.letter_type,
        title=f"Edit {letter.letter_type.name.lower()} {letter.reference}",
        preview=preview,
    )
