"""Terms and half-terms: the LA's term dates where entered, England defaults otherwise.

Visits entitlement, MSP meeting frequency and categorisation reviews are counted per term or
half-term. A day in a holiday belongs to the term (or half-term) that last started before it, so
the summer holiday still counts as the summer term until the autumn term begins."""

import copy
import functools
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date, timedelta

from dateutil.easter import easter

from .models import Term, TermName, academic_year_label

TERM_ORDER = [TermName.AUTUMN, TermName.SPRING, TermName.SUMMER]
# A term's four dates, in order, as messages name them ("First day of the spring term").
TERM_DATE_ERROR_LABELS = {
    "starts_on": "First day of the {term} term",
    "half_term_starts_on": "First day of the {term} half-term holiday",
    "half_term_ends_on": "Last day of the {term} half-term holiday",
    "ends_on": "Last day of the {term} term",
}


@dataclass(frozen=True)
class Period:
    """A term, or one half of it (half = 1 or 2)."""

    academic_year: int
    term: str
    half: int | None
    starts_on: date
    ends_on: date

    @property
    def label(self) -> str:
        name = TermName(self.term).label
        if self.half:
            name = f"{name} {self.half}"
        return f"{name} {academic_year_label(self.academic_year)}"

    @property
    def short_label(self) -> str:
        """Within its academic year: "Spring 1" for a half-term, "Spring term" for a term."""
        name = TermName(self.term).label
        return f"{name} {self.half}" if self.half else f"{name} term"

    def __contains__(self, day: date) -> bool:
        return self.starts_on <= day <= self.ends_on


def academic_year_of(day: date) -> int:
    """The academic year (by its first calendar year) a day falls in: September to August."""
    return day.year if day.month >= 9 else day.year - 1


@functools.cache
def _bank_holidays():
    """England's bank holidays, one-off days included (the 2023 coronation), by the holidays package,
    each year filled in as it is asked for. Imported on first use: it takes 0.2 s, which every
    process would pay at start-up for what only the demo asks."""
    import holidays

    return holidays.country_holidays("GB", subdiv="ENG")


def is_bank_holiday(day: date) -> bool:
    return day in _bank_holidays()


def working_day_on_or_before(day: date) -> date:
    """The day, or the last before it that is a weekday and not a bank holiday: a day the LA's
    offices are open (they are in the school holidays)."""
    while not is_working_day(day):
        day -= timedelta(days=1)
    return day


def working_day_on_or_after(day: date) -> date:
    """The day, or the first after it that is a weekday and not a bank holiday."""
    while not is_working_day(day):
        day += timedelta(days=1)
    return day


def is_working_day(day: date) -> bool:
    return day.weekday() < 5 and not is_bank_holiday(day)


def _weekday_on_or_after(day: date, weekday: int) -> date:
    return day + timedelta(days=(weekday - day.weekday()) % 7)


def _weekday_on_or_before(day: date, weekday: int) -> date:
    return day - timedelta(days=(day.weekday() - weekday) % 7)


def default_terms(year: int) -> list[Term]:
    """Typical England term dates for academic year `year` (unsaved): autumn from the first
    weekday of September with half-term in the last full week of October, spring from the first
    Monday after 2 January (the Tuesday when that Monday is New Year's substitute bank holiday) with
    half-term in mid-February, summer from mid-April with half-term in the last week of May, ending
    on the last weekday on or before 22 July; autumn ends on the Friday before Boxing Day's week.
    Good Friday and Easter Monday always fall in the Easter holiday: `_easter_holiday` moves the
    end of spring or the start of summer round them."""
    monday, friday = 0, 4

    def week(monday_of: date) -> tuple[date, date]:
        return monday_of, monday_of + timedelta(days=4)

    autumn_start = (
        date(year, 9, 1) if date(year, 9, 1).weekday() < 5 else _weekday_on_or_after(date(year, 9, 1), monday)
    )
    autumn_half = week(_weekday_on_or_before(date(year, 10, 27), monday))  # last full week of October
    spring_start = _weekday_on_or_after(date(year + 1, 1, 3), monday)
    if spring_start == _new_year_bank_holiday(year + 1):
        spring_start += timedelta(days=1)
    spring_half = week(_weekday_on_or_after(date(year + 1, 2, 12), monday))
    spring_end, summer_start = _easter_holiday(year + 1)
    summer_half = week(_weekday_on_or_before(date(year + 1, 5, 31), monday))
    # Autumn ends on the Friday before the week of Boxing Day (20 December 2024, 22 December 2028,
    # 23 December 2033), not on or before 19 December, which gave a three-week holiday.
    autumn_end = _weekday_on_or_before(date(year, 12, 26), monday) - timedelta(days=3)
    # Summer ends on the last weekday on or before 22 July (Thursday 22 July 2027, not Friday 16th).
    july_22 = date(year + 1, 7, 22)
    summer_end = july_22 if july_22.weekday() <= friday else _weekday_on_or_before(july_22, friday)
    return [
        Term(academic_year=year, name=TermName.AUTUMN, starts_on=autumn_start, half_term_starts_on=autumn_half[0],
             half_term_ends_on=autumn_half[1], ends_on=autumn_end),
        Term(academic_year=year, name=TermName.SPRING, starts_on=spring_start, half_term_starts_on=spring_half[0],
             half_term_ends_on=spring_half[1], ends_on=spring_end),
        Term(academic_year=year, name=TermName.SUMMER, starts_on=summer_start, half_term_starts_on=summer_half[0],
             half_term_ends_on=summer_half[1], ends_on=summer_end),
    ]  # fmt: skip


def _new_year_bank_holiday(year: int) -> date:
    """New Year's Day, or the Monday after when it falls at a weekend (the substitute day)."""
    return _weekday_on_or_after(date(year, 1, 1), 0) if date(year, 1, 1).weekday() >= 5 else date(year, 1, 1)


def _easter_holiday(year: int) -> tuple[date, date]:
    """The spring term's last teaching day and the summer term's first in calendar year `year`: a
    two-week holiday that holds Good Friday and Easter Monday.

    An early Easter (Good Friday on or before the last Friday of March) ends spring on the Thursday
    before Good Friday and starts summer two weeks after Easter Monday; a late one (Easter Monday on
    or after the Monday from 14 April) ends spring two weeks before Easter Monday and starts summer
    the day after it. Between them the holiday is the week before Easter and the week after: 30 March
    to 10 April 2026 (Easter 5 April), as councils set it (docs/adr/0054)."""
    monday, friday = 0, 4
    good_friday = easter(year) - timedelta(days=2)
    easter_monday = easter(year) + timedelta(days=1)
    if good_friday <= _weekday_on_or_before(date(year, 3, 31), friday):
        return good_friday - timedelta(days=1), easter_monday + timedelta(days=14)
    if easter_monday >= _weekday_on_or_after(date(year, 4, 14), monday):
        return easter_monday - timedelta(days=17), easter_monday + timedelta(days=1)
    return easter(year) - timedelta(days=9), easter(year) + timedelta(days=8)


# The LA's saved terms by academic year, read once per request (TermsReadOnceMiddleware): one page
# asks for the term of a day up to nine times (the officer dashboard: 18 queries of the same rows).
# None outside a request (tasks, commands, tests): every call reads the database.
_saved_this_request: ContextVar[dict[int, list[Term]] | None] = ContextVar("saved_terms", default=None)


@contextmanager
def terms_read_once() -> Iterator[None]:
    """Within this block each academic year's saved terms are read from the database once; a term
    saved or deleted in the block is read again (forget_saved_terms, on Term's signals)."""
    token = _saved_this_request.set({})
    try:
        yield
    finally:
        _saved_this_request.reset(token)


def forget_saved_terms(**kwargs) -> None:
    if (memo := _saved_this_request.get()) is not None:
        memo.clear()


def _saved_terms(year: int) -> list[Term]:
    memo = _saved_this_request.get()
    if memo is None:
        return list(Term.objects.filter(academic_year=year))
    if year not in memo:
        memo[year] = list(Term.objects.filter(academic_year=year))
    # Copies: a caller may change a term (the term dates form does) without changing the memo.
    return [copy.copy(term) for term in memo[year]]


class TermsReadOnceMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        with terms_read_once():
            return self.get_response(request)


def terms_for_year(year: int) -> list[Term]:
    """The three terms of an academic year in order: the LA's where entered, else defaults."""
    saved = {t.name: t for t in _saved_terms(year)}
    return [saved.get(default.name, default) for default in default_terms(year)]


def school_days(first: date, last: date) -> list[date]:
    """The days from `first` to `last` on which pupils are taught, by the LA's term dates: the
    weekdays of a term outside its half-term break that are not bank holidays."""
    terms = [t for year in range(academic_year_of(first) - 1, academic_year_of(last) + 2) for t in terms_for_year(year)]
    days = (first + timedelta(days=n) for n in range((last - first).days + 1))
    return [
        day
        for day in days
        if day.weekday() < 5
        and not is_bank_holiday(day)
        and any(
            t.starts_on <= day <= t.ends_on and not t.half_term_starts_on <= day <= t.half_term_ends_on for t in terms
        )
    ]


HOLIDAY_AFTER = {
    TermName.AUTUMN: "in the Christmas holidays",
    TermName.SPRING: "in the Easter holidays",
    TermName.SUMMER: "in the summer holidays",
}


def not_a_school_day(day: date) -> str:
    """Why pupils are not taught on a day, by the LA's term dates, to follow "is": "a Saturday",
    "in the Christmas holidays", "in the spring half-term break", "a bank holiday"; "" on a day they are."""
    if day.weekday() >= 5:
        return f"a {day:%A}"
    year = academic_year_of(day)
    terms = [t for y in (year - 1, year, year + 1) for t in terms_for_year(y)]
    term = next((t for t in terms if t.starts_on <= day <= t.ends_on), None)
    if term is None:
        before = [t for t in terms if t.ends_on < day]
        return HOLIDAY_AFTER[TermName(before[-1].name)] if before else "in the school holidays"
    if term.half_term_starts_on <= day <= term.half_term_ends_on:
        return f"in the {TermName(term.name).label.lower()} half-term break"
    return "a bank holiday" if is_bank_holiday(day) else ""


def half_terms(term: Term) -> tuple[Period, Period]:
    return (
        Period(term.academic_year, term.name, 1, term.starts_on, term.half_term_starts_on - timedelta(days=1)),
        Period(term.academic_year, term.name, 2, term.half_term_ends_on + timedelta(days=1), term.ends_on),
    )


def school_year_terms(day: date) -> tuple[int, list[Term], list[Term]]:
    """The academic year a day counts in by the LA's term dates (from the first day of its autumn
    term to the day before the next year's: a summer holiday day is still last year, and an autumn
    term that starts in late August starts the new year), with its terms and the next year's."""
    year = academic_year_of(day)
    this, following = terms_for_year(year), terms_for_year(year + 1)
    if day < this[0].starts_on:
        return year - 1, terms_for_year(year - 1), this
    if day >= following[0].starts_on:
        return year + 1, following, terms_for_year(year + 2)
    return year, this, following


def periods_of_terms(this: list[Term], following: list[Term]) -> list[Period]:
    """A year's three terms as periods, each running until the day before the next starts
    (holidays included), the last until the day before the next year's autumn term."""
    starts = [t.starts_on for t in this[1:]] + [following[0].starts_on]
    return [
        Period(t.academic_year, t.name, None, t.starts_on, s - timedelta(days=1))
        for t, s in zip(this, starts, strict=True)
    ]


def periods_of_half_terms(this: list[Term], following: list[Term]) -> list[Period]:
    """A year's six half-terms, each running until the day before the next starts."""
    halves = [half for term in this for half in half_terms(term)]
    starts = [h.starts_on for h in halves[1:]] + [following[0].starts_on]
    return [
        Period(h.academic_year, h.term, h.half, h.starts_on, s - timedelta(days=1))
        for h, s in zip(halves, starts, strict=True)
    ]


def term_periods(year: int) -> list[Period]:
    return periods_of_terms(terms_for_year(year), terms_for_year(year + 1))


def half_term_periods(year: int) -> list[Period]:
    return periods_of_half_terms(terms_for_year(year), terms_for_year(year + 1))


def _containing(periods: list[Period], day: date) -> Period:
    return next(period for period in reversed(periods) if period.starts_on <= day)


def term_on(day: date) -> Period:
    """The term a day counts in (a holiday counts in the term before it)."""
    _, this, following = school_year_terms(day)
    return _containing(periods_of_terms(this, following), day)


def half_term_on(day: date) -> Period:
    """The half-term a day counts in (a holiday counts in the half-term before it)."""
    _, this, following = school_year_terms(day)
    return _containing(periods_of_half_terms(this, following), day)
