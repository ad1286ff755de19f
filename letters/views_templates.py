"""Letter templates (with a preview filled from a sample school), their indicators, and each letter
type's approval setting.
Thin: rules are in services and rules, reads in selectors."""

from datetime import timedelta
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import permission_required
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_POST

from core.forms import add_service_errors, posted
from schools.selectors import letterhead_for

from . import documents, placeholders, selectors, services
from .forms import ApprovalSettingForm, IndicatorEditForm, IndicatorForm, TemplateForm
from .models import TRUST_ADDRESSEE, Indicator, LetterKind, LetterTemplate, LetterType
from .placeholders import long_date


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


SAMPLE_SCHOOL: dict[str, Any] = {
    "school_name": "Sample Primary School",
    "urn": "100000",
    "school_address": "Sample Primary School, 1 School Lane, Peterborough, PE1 1AA",
    "headteacher": "Mrs A Head",
    "chair_of_governors": "Mr B Chair",
    "link_adviser": "A. Adviser",
}
SAMPLE_TRUST: dict[str, Any] = {
    "trust_name": "Sample Academy Trust",
    "trust_chair": "Ms C Chair",
    "trust_ceo": "Dr D Executive",
}


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
        field_name, title = TRUST_ADDRESSEE[LetterKind(letter_type.code)]
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
