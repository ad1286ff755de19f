"""Writes to the letters' templates and indicators: a letter type's template (its subject and text),
whether the type needs a second officer's approval, and the indicators a letter may tick. The
public entry point is letters.services, which re-exports these."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from accounts.models import User
from core.history import save_as

from . import placeholders, rules
from .models import Indicator, LetterTemplate, LetterType

INDICATOR_TEXT_REQUIRED = "Enter the indicator's text"
INDICATOR_ALREADY_LISTED = "The indicators of a {letter_type} already include “{text}”."
INDICATOR_ALREADY_RETIRED = (
    "The {letter_type} list has the indicator “{text}”, retired: edit it to make it active again."
)


def _same_words(text: str) -> str:
    return " ".join(text.split()).casefold()


def _refuse_a_second_with_the_same_words(letter_type: LetterType, text: str, *, other_than: int | None = None) -> None:
    """One letter type's list names each indicator once (whatever its spacing and capitals): a letter
    ticks one of them, and a suggestion ticks it by its code. A retired one is made active again."""
    others = letter_type.indicators.all() if other_than is None else letter_type.indicators.exclude(pk=other_than)
    for indicator in others:
        if _same_words(indicator.text) == _same_words(text):
            if indicator.is_active:
                message = INDICATOR_ALREADY_LISTED.format(letter_type=letter_type.name, text=indicator.text)
            else:
                message = INDICATOR_ALREADY_RETIRED.format(letter_type=letter_type.name, text=indicator.text)
            raise ValidationError({"text": message})


@transaction.atomic
def template_update(*, template: LetterTemplate, actor: User, subject: str, body: str) -> LetterTemplate:
    """Save a letter type's template (its subject and text; the letterhead and signatory are the
    LA's, schools.services.letterhead_save). Every placeholder is checked here, so an unknown one
    is an error on the form, never at issue."""
    kind = template.letter_type.code
    errors = {}
    for name, text in (("subject", subject), ("body", body)):
        if problems := placeholders.check(text, kind):
            errors[name] = problems
    if errors:
        raise ValidationError(errors)
    template.subject, template.body = subject.strip(), body.strip()
    template.updated_by = actor
    save_as(template, actor=actor)
    return template


@transaction.atomic
def letter_type_approval_update(*, letter_type: LetterType, actor: User, second_officer_approval: bool) -> LetterType:
    """The LA's setting: whether a letter of this type needs a second officer's approval. It can
    be switched on or off for congratulations and significant concerns letters; a warning notice and
    a top-tier letter always need one (rules.second_officer_approval_cannot_be_switched_off)."""
    if problems := rules.second_officer_approval_cannot_be_switched_off(
        code=letter_type.code, letter_type=letter_type.name, setting=second_officer_approval
    ):
        raise ValidationError({"second_officer_approval": problems})
    letter_type.second_officer_approval = bool(second_officer_approval)
    save_as(letter_type, actor=actor, update_fields=["second_officer_approval"])
    return letter_type


@transaction.atomic
def indicator_add(*, letter_type: LetterType, text: str, actor: User) -> Indicator:
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": INDICATOR_TEXT_REQUIRED})
    # One indicator added to the type at a time: two at once would take the same code and order.
    letter_type = LetterType.objects.select_for_update().get(pk=letter_type.pk)
    _refuse_a_second_with_the_same_words(letter_type, text)
    base = slugify(text)[:50] or "indicator"
    code, n = base, 1
    while Indicator.objects.filter(letter_type=letter_type, code=code).exists():
        n += 1
        code = f"{base[:45]}-{n}"
    order = (letter_type.indicators.order_by("-order").values_list("order", flat=True).first() or 0) + 1
    indicator = Indicator(letter_type=letter_type, code=code, text=text, order=order)
    save_as(indicator, actor=actor)
    return indicator


@transaction.atomic
def indicator_update(*, indicator: Indicator, text: str, is_active: bool, actor: User) -> Indicator:
    """Reword or retire an indicator. Issued letters keep the words they were sent with."""
    text = " ".join(text.split())
    if not text:
        raise ValidationError({"text": INDICATOR_TEXT_REQUIRED})
    letter_type = LetterType.objects.select_for_update().get(pk=indicator.letter_type_id)  # as indicator_add
    _refuse_a_second_with_the_same_words(letter_type, text, other_than=indicator.pk)
    indicator.text, indicator.is_active = text, is_active
    save_as(indicator, actor=actor)
    return indicator
