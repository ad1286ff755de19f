"""Reads of the schools register, always scoped to what the user may see."""

import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.db.models import Exists, F, OuterRef, Q, QuerySet
from django.shortcuts import get_object_or_404

from accounts.models import User
from accounts.permissions import is_admin, is_adviser, is_la_staff, is_officer
from accounts.roles import Role
from core.text import is_number

from .models import (
    REPORT_CARD_AREAS,
    Letterhead,
    OfstedFramework,
    OfstedInspection,
    PerformanceResult,
    School,
    Trust,
    Ward,
    academic_year_label,
)

GRADED_FRAMEWORKS = [OfstedFramework.GRADED, OfstedFramework.REPORT_CARD]


def schools_visible_to(user: User | AnonymousUser) -> QuerySet[School]:
    """Every school for LA staff and admins; a governor's or headteacher's own schools; nothing for anyone else."""
    if not user.is_authenticated:
        return School.objects.none()
    if is_la_staff(user) or is_admin(user):
        return School.objects.all()
    if user.role == Role.GOVERNOR:
        return School.objects.filter(governorships__user=user)
    if user.role == Role.HEADTEACHER:  # docs/adr/0023
        return School.objects.filter(headships__user=user)
    return School.objects.none()


def open_schools_user_acts_for(user: User) -> QuerySet[School]:
    """The open schools a user may start casework for (plan a visit, draft a letter): an officer
    every open school, an adviser their link schools, anyone else none. The school pickers offer
    exactly these."""
    if is_officer(user):
        return School.objects.open()
    if is_adviser(user):
        return School.objects.open().filter(link_adviser=user)
    return School.objects.none()


def latest_judgement(field: str) -> F:
    """The value of `field` ("id", "framework", "start_date", "overall_effectiveness" or
    "category_of_concern") of a school's latest graded or report-card inspection: a join to its stored
    row (schools.latest_judgement), None when it has none."""
    return F("latest_judgement__inspection_id" if field == "id" else f"latest_judgement__{field}")


def with_latest_judgement(queryset: QuerySet[School]) -> QuerySet[School]:
    return queryset.annotate(
        latest_inspection_id=latest_judgement("id"),
        latest_ofsted_grade=latest_judgement("overall_effectiveness"),
        latest_ofsted_framework=latest_judgement("framework"),
        latest_ofsted_category=latest_judgement("category_of_concern"),
        latest_ofsted_date=latest_judgement("start_date"),
    )


def school_list(*, user: User) -> QuerySet[School]:
    return with_latest_judgement(
        schools_visible_to(user).select_related("establishment_type", "trust", "ward", "link_adviser")
    )


def schools_in_order(*, user: User, ids: list[int]) -> list[School]:
    """The schools with these ids, in that order, as the list shows them: the second step of the
    list's id-first pagination (docs/adr/0019), so that the annotations and joins are paid for the
    50 schools of a page only, however deep the page."""
    found = school_list(user=user).in_bulk(ids) if ids else {}
    return [found[pk] for pk in ids if pk in found]


# What a table of schools (schools/_table.html) shows of an inspection: its tag and date
# (core.templatetags.app_tags.ofsted_tag, OfstedInspection.headline).
HEADLINE_FIELDS = (
    "start_date", "framework", "overall_effectiveness", "category_of_concern", "outcome",
    *(name for name, _label in REPORT_CARD_AREAS),
)  # fmt: skip
# What the table shows of a school when it has no adviser column (the adviser's own schools).
LINK_TABLE_FIELDS = ("urn", "name", "status", "phase", "number_on_roll", "establishment_type__name", "ward__name")


def attach_latest_inspections(schools: Iterable[Any]) -> None:
    """Set `latest_inspection` on each school of a page (annotated with `latest_inspection_id`:
    school_list) in one query, reading only what the table shows of it."""
    ids = [s.latest_inspection_id for s in schools if s.latest_inspection_id]
    found = OfstedInspection.objects.only(*HEADLINE_FIELDS).in_bulk(ids)
    for school in schools:
        school.latest_inspection = found.get(school.latest_inspection_id)


def school_for_user(*, user: User, urn: int) -> School:
    """The school, or 404 if it does not exist or the user may not see it."""
    return get_object_or_404(
        schools_visible_to(user).select_related("establishment_type", "trust", "ward", "link_adviser"), urn=urn
    )


def my_schools(*, user: User) -> QuerySet[School]:
    """The user's link schools with what the table of them shows (no adviser column): 108 schools
    for an England-scale caseload, so the register's other 40 columns are not read."""
    schools = schools_visible_to(user).filter(link_adviser=user).select_related("establishment_type", "ward")
    return with_latest_judgement(schools.only(*LINK_TABLE_FIELDS))


def link_school_ids(user: User) -> QuerySet[School, int]:
    """The ids of every school the user is link adviser of (open or not): a list, or a subquery
    (`school__in=`) that PostgreSQL reads from the link-adviser index. Under an OR, a join to the
    school instead made it hash all 22,000 schools of England to keep a handful (docs/adr/0043)."""
    return School.objects.filter(link_adviser=user).values_list("pk", flat=True)


def school_inspections(*, school: School) -> list[OfstedInspection]:
    return list(school.inspections.all().order_by("-start_date", "-id"))


@dataclass
class PerformanceRow:
    measure: object
    cells: list[Any]  # one PerformanceResult or None per year


@dataclass
class PerformanceTable:
    years: list[int]
    rows: list[PerformanceRow]

    @property
    def year_labels(self) -> list[str]:
        return [academic_year_label(y) for y in self.years]


def school_performance_table(*, school: School, years: int = 3) -> PerformanceTable:
    """The school's measures by academic year (the latest `years`), with national values."""
    results = list(PerformanceResult.objects.filter(school=school).select_related("measure"))
    all_years = sorted({r.academic_year for r in results})[-years:]
    by_measure: dict[int, dict[int, PerformanceResult]] = {}
    measures = {}
    for result in results:
        if result.academic_year in all_years:
            by_measure.setdefault(result.measure_id, {})[result.academic_year] = result
            measures[result.measure_id] = result.measure
    ordered = sorted(measures.values(), key=lambda m: (m.display_order, m.name))
    rows = [PerformanceRow(measure=m, cells=[by_measure[m.id].get(y) for y in all_years]) for m in ordered]
    return PerformanceTable(years=all_years, rows=rows)


URN_MAX_DIGITS = 9  # a URN is six digits; longer numbers cannot be one (and would overflow the column)
# A whole UK postcode: the outward code (PE3, SW1A) and the inward code (2XY), space or not.
POSTCODE = re.compile(r"([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})")
POSTCODE_DISTRICT = re.compile(r"[A-Z]{1,2}[0-9][A-Z0-9]?")  # the outward code alone: "PE3", "SW1A"


def postcode_as_stored(text: str) -> str:
    """A whole postcode as GIAS writes it ("pe32xy", "PE3  2XY" -> "PE3 2XY"); other text as it is."""
    found = POSTCODE.fullmatch(text.strip().upper())
    return f"{found[1]} {found[2]}" if found else text


def search_condition(text: str) -> Q:
    """What a search box finds (docs/adr/0019), each part answered by an index:

    - all digits: the school with that URN exactly (6 digits), its LAESTAB (7: LA code and
      establishment number) or establishment number (4); never a part of a number;
    - otherwise any part of the name, case-insensitively (PostgreSQL's trigram index on
      UPPER(name), migration 0009), spaces typed twice read once, and, when the text has a digit in
      it, the exact postcode, or every postcode of a district ("PE3": "PE3 2XY", not "PE30 1AA")."""
    text = " ".join(text.split())
    if is_number(text):
        condition = Q(urn=int(text)) if len(text) <= URN_MAX_DIGITS else Q(pk__in=[])
        if len(text) == 7:
            condition |= Q(la_code=text[:3], establishment_number=text[3:])
        elif len(text) == 4:
            condition |= Q(establishment_number=text)
        return condition
    condition = Q(name__icontains=text)
    if any(is_number(character) for character in text):
        condition |= Q(postcode__iexact=postcode_as_stored(text))
        if POSTCODE_DISTRICT.fullmatch(text.upper()):
            condition |= Q(postcode__istartswith=f"{text.upper()} ")
    return condition


def phases() -> list[str]:
    """The phases of education the register holds, in order: the phase filters' choices. Read by
    stepping through the index on phase, one probe per phase (a recursive query), rather than
    reading 22,000 schools to find eight values on every list page."""
    table = connection.ops.quote_name(School._meta.db_table)
    with connection.cursor() as cursor:
        cursor.execute(
            f"WITH RECURSIVE held(phase) AS (SELECT MIN(phase) FROM {table} WHERE phase > '' UNION ALL "
            f"SELECT (SELECT MIN(phase) FROM {table} WHERE phase > held.phase) FROM held WHERE held.phase IS NOT NULL) "
            "SELECT phase FROM held WHERE phase IS NOT NULL"
        )
        return [phase for (phase,) in cursor.fetchall()]


def wards_with_schools() -> QuerySet[Ward]:
    return Ward.objects.filter(Exists(School.objects.filter(ward=OuterRef("pk"))))


def trusts_with_schools() -> QuerySet[Trust]:
    return Trust.objects.filter(Exists(School.objects.filter(trust=OuterRef("pk"))))


@dataclass
class NamedMatch:
    """What a typed ward or trust name found: the one it names (`found`), else the first
    `candidates` of `count` matches (none when count is 0)."""

    found: object | None = None
    candidates: list[Any] = field(default_factory=list)
    count: int = 0


def find_by_name_or_code(queryset: QuerySet[Any], text: str, *, chosen_id: str = "", limit: int = 20) -> NamedMatch:
    """The ward or trust that `text` names: the one already chosen (`chosen_id`, from a link or a
    bookmark) while the text is still its name or code; else the one with that code; else the one
    with exactly that name; else the one whose name contains the text (case-insensitively).
    Several with the same name, or containing the text, are candidates to choose from."""
    text = text.strip()
    folded = text.casefold()
    if is_number(chosen_id) and len(chosen_id) <= 9:
        chosen = queryset.filter(pk=int(chosen_id)).first()
        if chosen is not None and folded in (chosen.name.casefold(), chosen.code.casefold()):
            return NamedMatch(found=chosen, count=1)
    exact = list(queryset.filter(Q(code__iexact=text) | Q(name__iexact=text)).order_by("name", "code")[: limit + 1])
    by_code = [candidate for candidate in exact if candidate.code.casefold() == folded]
    if by_code:
        return NamedMatch(found=by_code[0], count=1)
    for candidates, condition in ((exact, Q(name__iexact=text)), (None, Q(name__icontains=text))):
        if candidates is None:
            candidates = list(queryset.filter(condition).order_by("name", "code")[: limit + 1])
        if len(candidates) == 1:
            return NamedMatch(found=candidates[0], count=1)
        if candidates:
            count = len(candidates) if len(candidates) <= limit else queryset.filter(condition).count()
            return NamedMatch(candidates=candidates[:limit], count=count)
    return NamedMatch()


# ---- letterheads ---------------------------------------------------------------------------------


def letterhead_for(la_code: str) -> Letterhead:
    """The letterhead of a school's local authority: the one the council set, else the default
    (Letterhead.default_for), so that a document never fails for want of one."""
    return Letterhead.objects.filter(la_code=la_code).first() or Letterhead.default_for(la_code)


def letterhead_la_codes() -> list[str]:
    """The LA codes a letterhead can be set for: those the deployment manages
    (LOCAL_AUTHORITY_CODES), those of the schools on the register and those already set."""
    codes = set(settings.LOCAL_AUTHORITY_CODES)
    codes |= set(School.objects.order_by().values_list("la_code", flat=True).distinct())
    codes |= set(Letterhead.objects.values_list("la_code", flat=True))
    return sorted(code for code in codes if code)


def letterheads() -> list[Letterhead]:
    """One letterhead per LA code (letterhead_la_codes), the default where none is set yet; each
    with `is_set`."""
    saved = {lh.la_code: lh for lh in Letterhead.objects.select_related("updated_by")}
    result = []
    for code in letterhead_la_codes():
        letterhead = saved.get(code) or Letterhead.default_for(code)
        letterhead.is_set = code in saved
        result.append(letterhead)
    return result
