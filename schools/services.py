"""Writes to the schools register. Every function is atomic and takes the acting user.

This module holds the LA-kept school details, governor seats, term dates, ward councillors and
their alerts, and letterheads; it is the entry point for the imports of the register's files too,
which live in services_imports and are re-exported here."""

import hashlib
import itertools
import logging
from datetime import date
from typing import cast

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.utils import timezone

from accounts.models import User
from accounts.roles import Role
from core import emails
from core import tasks as queue
from core.history import SYSTEM, delete_as, save_as
from core.versions import refuse_if_changed_since

from . import tasks
from .governorships import GOVERNOR_ROLE as GOVERNOR_ROLE
from .governorships import GOVERNORSHIP_EXISTS as GOVERNORSHIP_EXISTS
from .governorships import governorship_add as governorship_add
from .governorships import governorship_remove as governorship_remove
from .logos import LogoRefused, checked_logo
from .models import (
    ALERT_RETRYING_PREFIX,
    Councillor,
    ElectedMemberAlert,
    HeadAppointment,
    Letterhead,
    School,
    Term,
    TermName,
    Trust,
    Ward,
    academic_year_label,
)
from .models_councillors import councillor_name
from .selectors import letterhead_la_codes

# The services_imports names (each "as" itself) are re-exported: every caller goes on using schools.services.
from .services_imports import IMPORT_FAILED as IMPORT_FAILED
from .services_imports import IMPORT_FILE_CHANGED as IMPORT_FILE_CHANGED
from .services_imports import IMPORT_NOT_WAITING as IMPORT_NOT_WAITING
from .services_imports import IMPORT_NOTHING_CHANGED as IMPORT_NOTHING_CHANGED
from .services_imports import IMPORT_NOTHING_USABLE as IMPORT_NOTHING_USABLE
from .services_imports import IMPORT_STRICT_REFUSED as IMPORT_STRICT_REFUSED
from .services_imports import IMPORT_WORKER_STOPPED as IMPORT_WORKER_STOPPED
from .services_imports import IMPORTERS as IMPORTERS
from .services_imports import import_cancel as import_cancel
from .services_imports import import_check_stored as import_check_stored
from .services_imports import import_commit_stored as import_commit_stored
from .services_imports import import_confirm as import_confirm
from .services_imports import import_preview as import_preview
from .services_imports import import_progress as import_progress
from .services_imports import import_run as import_run
from .services_imports import imports_recover_stalled as imports_recover_stalled
from .services_imports import nothing_to_import_message as nothing_to_import_message
from .terms import TERM_DATE_ERROR_LABELS, TERM_ORDER, terms_for_year

log = logging.getLogger(__name__)

LINK_ADVISER_ROLE = "The link adviser must be a user with the adviser or officer role."


# ---- LA-kept school details ------------------------------------------------------------------


@transaction.atomic
def school_update_la_details(
    *,
    school: School,
    actor: User,
    link_adviser: User | None,
    head_start_date: date | None,
    head_appointment: str,
    chair_of_governors: str,
    version: str | None = None,
) -> School:
    """The LA's details of a school. `version`: the school's version the page was opened at; a save
    made since (a GIAS import naming a new head) refuses this one (core.versions)."""
    if link_adviser is not None and link_adviser.role not in (Role.ADVISER, Role.OFFICER):
        raise ValidationError({"link_adviser": LINK_ADVISER_ROLE})
    # The school's row as it is now, locked: what a GIAS import committed since the page read it
    # (a new head) is kept, and only the officer's fields are written.
    school = School.objects.select_for_update().get(pk=school.pk)
    refuse_if_changed_since(school, version, noun="school's record", actor=actor)
    new = {
        "link_adviser_id": link_adviser.pk if link_adviser else None,
        "head_start_date": head_start_date,
        "head_appointment": head_appointment or HeadAppointment.UNKNOWN,
        "chair_of_governors": chair_of_governors.strip(),
    }
    if all(getattr(school, name) == value for name, value in new.items()):
        return school  # nothing changed: no save, no audit row
    for name, value in new.items():
        setattr(school, name, value)
    save_as(school, actor=actor, update_fields=[*new, "updated_at"])
    return school


@transaction.atomic
def trust_update(*, trust: Trust, actor: User, ceo_name: str, chair_name: str) -> Trust:
    # The row as it is now, locked, and only these fields written: a GIAS import's change is kept.
    trust = Trust.objects.select_for_update().get(pk=trust.pk)
    trust.ceo_name, trust.chair_name = ceo_name.strip(), chair_name.strip()
    save_as(trust, actor=actor, update_fields=["ceo_name", "chair_name"])
    return trust


# ---- term dates ------------------------------------------------------------------------------

TermDates = dict[str, tuple[date, date, date, date]]  # {term name: (starts, half-term starts, half-term ends, ends)}
TypedTermDates = dict[str, tuple[date | None, ...]]  # as a form has them: None for a date not typed as a real one
TERM_DATES_ORDER = "{term}: the dates must run start, half-term start, half-term end, end, in that order."
TERMS_OVERLAP = "{later} must start after {earlier} ends."
TERM_DATES_MISSING = "Enter all four dates of each of the three terms"
TERM_DATE_OUTSIDE_YEAR = "{label} must be in the {year} school year, from {first:%-d %B %Y} to {last:%-d %B %Y}"
TERM_DAY_AT_A_WEEKEND = "{label} is a {day:%A}: a term starts and ends on a weekday"


def term_dates_in_their_school_year(*, academic_year: int, dates: TypedTermDates) -> dict[str, list[str]]:
    """Each date falls between 1 August and the next 31 August (an autumn term may start in late
    August): a date typed with last year's or next year's year would make the terms overlap
    another year's and move every school's current term. The first and last days of a term are
    weekdays: no school teaches on a Saturday, so a weekend day is a mistyped date. By the term
    form's field names ("spring_starts_on")."""
    first, last = date(academic_year, 8, 1), date(academic_year + 1, 8, 31)
    errors = {}
    for name in TERM_ORDER:
        for attribute, day in zip(TERM_DATE_ERROR_LABELS, dates[name], strict=True):
            label = TERM_DATE_ERROR_LABELS[attribute].format(term=TermName(name).label.lower())
            if day is None:  # not a real date: its field says so (term_dates_problems)
                continue
            if not first <= day <= last:
                year = academic_year_label(academic_year)
                message = TERM_DATE_OUTSIDE_YEAR.format(label=label, year=year, first=first, last=last)
            elif attribute in ("starts_on", "ends_on") and day.weekday() >= 5:
                message = TERM_DAY_AT_A_WEEKEND.format(label=label, day=day)
            else:
                continue
            errors[f"{name}_{attribute}"] = [message]
    return errors


TERM_ENDS_AFTER_NEXT_YEAR = (
    "Last day of the summer term must be before the {year} autumn term starts, on {day:%-d %B %Y}"
)
TERM_STARTS_BEFORE_LAST_YEAR = (
    "First day of the autumn term must be after the {year} summer term ends, on {day:%-d %B %Y}"
)


def terms_apart_from_the_years_either_side(*, academic_year: int, dates: TermDates) -> dict[str, list[str]]:
    """A year's summer term ends before the next year's autumn term starts, and its autumn term
    starts after the last year's summer term ends, by their saved dates or England's defaults: the
    school years' windows share August, and a day in two years' terms would count twice."""
    errors: dict[str, list[str]] = {}
    following, previous = terms_for_year(academic_year + 1)[0], terms_for_year(academic_year - 1)[-1]
    if dates[TermName.SUMMER][3] >= following.starts_on:
        year = academic_year_label(academic_year + 1)
        errors["summer_ends_on"] = [TERM_ENDS_AFTER_NEXT_YEAR.format(year=year, day=following.starts_on)]
    if dates[TermName.AUTUMN][0] <= previous.ends_on:
        year = academic_year_label(academic_year - 1)
        errors["autumn_starts_on"] = [TERM_STARTS_BEFORE_LAST_YEAR.format(year=year, day=previous.ends_on)]
    return errors


@transaction.atomic
def term_dates_problems(*, academic_year: int, dates: TypedTermDates) -> dict[str, list[str]]:
    """Everything that refuses a year's term dates, in one round (docs/adr/0070): the term form asks
    too, with None for a date not typed as a real one, whose own message is already on the page.
    The order of the terms and their dates is asked once every date is there."""
    errors = term_dates_in_their_school_year(academic_year=academic_year, dates=dates)
    if any(day is None for days in dates.values() for day in days):
        return errors
    complete = cast(TermDates, dates)
    for field, problems in terms_apart_from_the_years_either_side(academic_year=academic_year, dates=complete).items():
        errors.setdefault(field, []).extend(problems)
    order = []
    for name in TERM_ORDER:
        starts, half_starts, half_ends, ends = complete[name]
        if not starts < half_starts <= half_ends < ends:
            order.append(TERM_DATES_ORDER.format(term=TermName(name).label))
    for earlier, later in itertools.pairwise(TERM_ORDER):
        if complete[later][0] <= complete[earlier][3]:
            order.append(TERMS_OVERLAP.format(earlier=TermName(earlier).label, later=TermName(later).label))
    if order:
        errors["__all__"] = order
    return errors


def terms_save(*, academic_year: int, dates: TypedTermDates, actor: User | None) -> list[Term]:
    """Save the three terms of a year."""
    if any(day is None for days in dates.values() for day in days):
        raise ValidationError(TERM_DATES_MISSING)
    if errors := term_dates_problems(academic_year=academic_year, dates=dates):
        raise ValidationError(errors)
    complete = cast(TermDates, dates)  # every date there: term_dates_problems
    saved = []
    for name in TERM_ORDER:
        term = Term.objects.filter(academic_year=academic_year, name=name).first() or Term(
            academic_year=academic_year, name=name
        )
        term.starts_on, term.half_term_starts_on, term.half_term_ends_on, term.ends_on = complete[name]
        save_as(term, actor=actor or SYSTEM)  # None: saved by no person (as tests do)
        saved.append(term)
    return saved


# ---- ward councillors and their alerts ---------------------------------------------------------

NO_COUNCILLORS = "No councillor with an email address is recorded for {ward}."
NO_WARD = "The school has no ward recorded, so no councillor could be alerted."
COUNCILLOR_EXISTS = "{name} is already a councillor for {ward}."


@transaction.atomic
def councillor_save(
    *, ward: Ward, name: str, email: str, party: str, actor: User | None, councillor: Councillor | None = None
) -> Councillor:
    """Add or change a ward's councillor (actor None: the councillors import run by a command)."""
    name = councillor_name(name)
    # One save of the ward's councillors at a time: the check below ignores case, the constraint does not.
    Ward.objects.select_for_update().only("pk").get(pk=ward.pk)
    duplicate = Councillor.objects.filter(ward=ward, name__iexact=name)
    if councillor is not None:
        duplicate = duplicate.exclude(pk=councillor.pk)
    if duplicate.exists():
        raise ValidationError({"name": COUNCILLOR_EXISTS.format(name=name, ward=ward.name)})
    councillor = councillor or Councillor(ward=ward)
    councillor.name, councillor.email, councillor.party = name, email.strip(), party.strip()
    try:
        with transaction.atomic():
            save_as(councillor, actor=actor or SYSTEM)
    except IntegrityError as error:  # unique_councillor_per_ward: a write that did not take the ward's lock
        raise ValidationError({"name": COUNCILLOR_EXISTS.format(name=name, ward=ward.name)}) from error
    return councillor


@transaction.atomic
def councillor_remove(*, councillor: Councillor, actor: User | None) -> None:
    delete_as(councillor, actor=actor or SYSTEM)  # None: the councillors import run by a command


ALERT_NOT_SENT = "Could not send: {error}"
ALERT_RETRYING = ALERT_RETRYING_PREFIX + ": {error}"


def elected_members_alert(*, school: School, kind: str, summary: str, actor: User | None) -> ElectedMemberAlert:
    """Record that the school's ward councillors are alerted, and email them in the background (a
    task: schools.tasks.send_alert, queued in the caller's transaction, so an alert is never sent
    for a change that was rolled back). The alert is recorded even when nobody can be emailed, with
    the reason; it says "Sent" only once the mail server has taken the email."""
    ward = school.ward if school.ward_id else None
    councillors = list(ward.councillors.exclude(email="")) if ward else []
    alert = ElectedMemberAlert.objects.create(
        school=school,
        kind=kind,
        summary=summary,
        recipients=[f"{c.name} <{c.email}>" for c in councillors],
        created_by=actor,
        error="" if councillors else (NO_WARD if ward is None else NO_COUNCILLORS.format(ward=ward.name)),
    )
    if councillors:
        queue.defer(tasks.send_alert, queueing_lock=f"alert-{alert.pk}", alert_id=alert.pk)
    return alert


def alert_send(alert_id: int, *, last_attempt: bool = True) -> None:
    """Send an alert's email (task schools.tasks.send_alert) while claimed (core.emails.claimed). A failure is
    recorded on the alert: "trying again", then, after the last attempt or a refusal for good (emails.is_permanent),
    not sent; else raised for the queue to retry. Councillors are addresses: sent to those recorded when queued."""
    alert = ElectedMemberAlert.objects.select_related("school", "school__ward").get(pk=alert_id)
    school, to = alert.school, [r.split("<")[1].rstrip(">") for r in alert.recipients]
    subject = f"{settings.COUNCIL_NAME}: {alert.get_kind_display().lower()}, {school.name}"
    body = render_to_string(
        "schools/email/elected_member_alert.txt", {"alert": alert, "school": school, "council": settings.COUNCIL_NAME}
    )
    row = ElectedMemberAlert.objects.filter(pk=alert_id)
    with emails.claimed(row, sent_field="sent_at") as mine:
        if not mine:  # sent by an earlier attempt, or being sent by another sender now
            return
        try:
            send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, to)
        except Exception as exc:  # the mail server's failure is recorded on the alert, not raised at the user
            log.error("Elected member alert %s could not be sent: %s", alert_id, emails.failure(exc))
            final = last_attempt or emails.is_permanent(exc)
            row.update(error=ALERT_NOT_SENT.format(error=exc) if final else ALERT_RETRYING.format(error=exc))
            if not final:
                raise emails.EmailNotSent(emails.failure(exc)) from None
        else:
            row.update(sent_at=timezone.now(), error="")


# ---- letterheads -------------------------------------------------------------------------------

COUNCIL_NAME_REQUIRED = "Enter the council's name"
LETTERHEAD_UNKNOWN_LA = "{code} is not a local authority code this service manages."
LETTERHEAD_SAVED_AT_THE_SAME_TIME = (
    "Someone else set this letterhead at the same moment. Nothing was saved: look at it again and make your change."
)


@transaction.atomic
def letterhead_save(
    *,
    la_code: str,
    actor: User,
    council_name: str,
    directorate: str = "",
    address: str = "",
    signatory_name: str = "",
    signatory_title: str = "",
    logo: bytes | None = None,
    remove_logo: bool = False,
) -> Letterhead:
    """Set the letterhead of one LA code: every document produced afterwards for that LA's schools
    uses it (issued documents are stored files and never change). `logo` is the uploaded file's
    bytes, checked and re-encoded (schools.logos.checked_logo); a replaced or removed logo's file
    is deleted once the change is committed."""
    errors: dict[str, list[str]] = {}
    if la_code not in letterhead_la_codes():
        raise ValidationError(LETTERHEAD_UNKNOWN_LA.format(code=la_code))
    if not council_name.strip():
        errors["council_name"] = [COUNCIL_NAME_REQUIRED]
    clean_logo = None
    if logo is not None and not remove_logo:
        try:
            clean_logo = checked_logo(logo)
        except LogoRefused as refused:
            errors["logo"] = [str(refused)]
    if errors:
        raise ValidationError(errors)
    letterhead = Letterhead.objects.select_for_update().filter(la_code=la_code).first() or Letterhead(la_code=la_code)
    letterhead.council_name = council_name.strip()
    letterhead.directorate, letterhead.address = directorate.strip(), address.strip()
    letterhead.signatory_name, letterhead.signatory_title = signatory_name.strip(), signatory_title.strip()
    letterhead.updated_by = actor
    old_logo = letterhead.logo.name if letterhead.logo else ""
    if clean_logo is not None:
        digest = hashlib.sha256(clean_logo.data).hexdigest()[:12]
        letterhead.logo.save(f"logo-{digest}.{clean_logo.extension}", ContentFile(clean_logo.data), save=False)
    elif remove_logo:
        letterhead.logo = ""
    try:
        with transaction.atomic():  # a savepoint: two first saves of one LA's letterhead meet here
            save_as(letterhead, actor=actor)
    except Exception as error:
        if clean_logo is not None and letterhead.logo:
            letterhead.logo.delete(save=False)
        if isinstance(error, IntegrityError):
            raise ValidationError(LETTERHEAD_SAVED_AT_THE_SAME_TIME) from error
        raise
    if old_logo and old_logo != (letterhead.logo.name if letterhead.logo else ""):
        storage = letterhead.logo.storage
        transaction.on_commit(lambda: storage.delete(old_logo))
    return letterhead
