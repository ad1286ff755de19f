"""How long free text may be, one rule for every form and every save (docs/adr/0011).

- A one-line field of a model (CharField) holds at most its max_length; a form field for it says so.
- A multi-line field (TextField) holds at most LONG_TEXT characters (notes of a visit, minutes,
  evidence, comments), unless TEXT_LIMITS names a different limit for it (a letter, the short parts
  of a letterhead). No limit is in the database: a TextField's limit needs no migration.
- A form's text field with no model behind it (a search box, a name) gets ONE_LINE, or LONG_TEXT for
  a textarea (core.forms.TextLimits applies this to every form of the project).

Over the limit, the user reads the GOV.UK message "<Label> must be 20,000 characters or fewer": from
the form, or, for a write that comes through no form, from the ValidationError that the pre_save
check below raises before the row is written (SQLite would keep any length; PostgreSQL refuses an
over-long CharField with a database error)."""

from functools import cache

from django.core.exceptions import ValidationError
from django.db import models

from .single_line import PROJECT_APPS

LONG_TEXT = 20_000  # about 3,000 words: the longest notes of a visit or minutes of a meeting
ONE_LINE = 200  # a name, a search, one line
PASSWORD = 1_000  # longer than any password manager writes; bounds the cost of hashing it
LETTER = 100_000  # a whole letter, after its template's placeholders are filled in
LETTER_TEMPLATE = 50_000
LETTERHEAD_PART = 1_000  # a few lines at the top or the foot of a letter

TOO_LONG = "{label} must be {limit} characters or fewer"

# Multi-line fields whose limit is not LONG_TEXT ("app_label.Model.field").
TEXT_LIMITS = {
    "letters.Letter.body": LETTER,
    "letters.LetterTemplate.body": LETTER_TEMPLATE,
    "schools.Letterhead.directorate": LETTERHEAD_PART,
    "schools.Letterhead.address": LETTERHEAD_PART,
    "schools.Letterhead.signatory_title": LETTERHEAD_PART,
    "schools.Trust.address": LETTERHEAD_PART,
}
# Text the system writes, never a person: why an import was refused, an alert's summary and the
# mail server's error, a letter suggestion as it was made. Bounding it would turn a long report
# into a failure.
SYSTEM_TEXT = {
    "letters.SuggestionDecision.reason",
    "schools.ImportRecord.message",
    "schools.ElectedMemberAlert.summary",
    "schools.ElectedMemberAlert.error",
}


def too_long_message(label: str, limit: int) -> str:
    """ "Notes of the visit must be 20,000 characters or fewer": the label as the page shows it,
    without "(optional)", with a capital first letter; a question label is quoted."""
    label = str(label).strip()
    if label.casefold().endswith("(optional)"):
        label = label[: -len("(optional)")].rstrip()
    if label.endswith("?"):  # a question: "How is the support refocused?"
        label = f"The answer to “{label}”"
    label = label[:1].upper() + label[1:]
    return TOO_LONG.format(label=label, limit=f"{limit:,}")


def text_limit(model, name: str) -> int | None:
    """The most characters a model's text field may hold, or None for a field that is not free text."""
    field = model._meta.get_field(name)
    key = f"{model._meta.label}.{name}"
    if key in SYSTEM_TEXT:
        return None
    if key in TEXT_LIMITS:
        return TEXT_LIMITS[key]
    if isinstance(field, models.CharField | models.TextField):
        return field.max_length or (LONG_TEXT if isinstance(field, models.TextField) else None)
    return None


@cache
def _limited_fields(model) -> tuple[tuple[str, str, int], ...]:
    found = []
    for field in model._meta.concrete_fields:
        if isinstance(field, models.CharField | models.TextField) and field.name != "password":
            limit = text_limit(model, field.name)
            if limit:
                found.append((field.attname, str(field.verbose_name), limit))
    return tuple(found)


def text_fits_its_field(sender, instance, raw=False, **kwargs):
    """pre_save: refuse a row whose text is longer than its field's limit, naming the field, before
    it is written, whatever writes it (a service, a command, the demo)."""
    if raw or sender._meta.app_label not in PROJECT_APPS or hasattr(sender, "instance_type"):
        return  # a historical record (simple_history) copies a row that was checked
    errors = {}
    for attname, label, limit in _limited_fields(sender):
        value = getattr(instance, attname)
        if isinstance(value, str) and len(value) > limit:
            errors[attname] = [too_long_message(label, limit)]
    if errors:
        raise ValidationError(errors)


def form_text_limit(field, limit: int | None = None) -> int:
    """The limit for a form's text field: the one its form names, else its own max_length, else by
    its widget (a textarea is long text, a password a password, anything else one line)."""
    from django import forms

    if limit:
        return limit
    if field.max_length:
        return field.max_length
    if isinstance(field.widget, forms.Textarea):
        return LONG_TEXT
    if isinstance(field.widget, forms.PasswordInput):
        return PASSWORD
    return ONE_LINE


def apply_text_limits(form, limits: dict[str, int] | None = None, labels: dict[str, str] | None = None) -> None:
    """Give every text field of a bound or unbound form its limit, checked by a MaxLengthValidator
    whose message is the GOV.UK one. Fields added in a form's __init__ are included: this runs when
    the form is cleaned. No maxlength attribute is added to a textarea: a browser would cut pasted
    text short without a word, where the message says what is wrong."""
    from django import forms
    from django.core.validators import MaxLengthValidator
    from django.forms.utils import pretty_name

    limits, labels = limits or {}, labels or {}
    for name, field in form.fields.items():
        if not isinstance(field, forms.CharField):
            continue
        limit = form_text_limit(field, limits.get(name))
        if field.max_length != limit:
            field.validators = [v for v in field.validators if not isinstance(v, MaxLengthValidator)]
        if not any(isinstance(v, MaxLengthValidator) for v in field.validators):
            field.validators.append(MaxLengthValidator(limit))
        field.max_length = limit
        if "max_length" not in field.error_messages:  # a form's own message stays (EVIDENCE_TOO_LONG)
            label = labels.get(name) or field.label or pretty_name(name)
            # Django formats the message with % and the validator's values: a % in a label is text.
            field.error_messages["max_length"] = too_long_message(label, limit).replace("%", "%%")
