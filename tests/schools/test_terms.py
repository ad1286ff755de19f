"""schools.terms at the edges of the school year: the first and last day of every term and half-term
and the days either side, each holiday (October half-term, Christmas, February half-term, Easter,
May half-term, summer), New Year, 31 August / 1 September, leap years, years whose 1 September is a
weekend, and LA term dates that start the autumn term after (or before) 1 September.

England default dates for 2026/27 (default_terms(2026)):

    Autumn  Tue 1 Sep 2026 - Fri 18 Dec   half-term 26-30 Oct   (the term counts until 3 Jan)
    Spring  Mon 4 Jan 2027 - Thu 25 Mar   half-term 15-19 Feb   (until 11 Apr: Easter; Good Friday 26 Mar)
    Summer  Mon 12 Apr 2027 - Fri 16 Jul  half-term 31 May-4 Jun (until 31 Aug)
    next autumn: Wed 1 Sep 2027"""

import itertools
from datetime import date, timedelta

import pytest
from dateutil.easter import easter

from schools import services
from schools.models import TermName
from schools.terms import (
    academic_year_of,
    default_terms,
    half_term_on,
    half_term_periods,
    not_a_school_day,
    school_days,
    term_on,
    term_periods,
    terms_for_year,
    working_day_on_or_before,
)

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("day", "year"),
    [
        (date(2026, 8, 31), 2025),  # the last day of the academic year
        (date(2026, 9, 1), 2026),  # the first
        (date(2026, 12, 31), 2026),  # New Year's Eve
        (date(2027, 1, 1), 2026),  # New Year's Day: the same academic year
        (date(2028, 2, 29), 2027),  # a leap day
        (date(2029, 9, 1), 2029),  # a Saturday: by the calendar, whatever the term dates say (see term_on)
        (date(2030, 8, 31), 2029),
    ],
)
def test_academic_year_of(day, year):
    assert academic_year_of(day) == year


# ---- default_terms ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("year", "autumn_starts"),
    [
        (2023, date(2023, 9, 1)),  # a Friday
        (2024, date(2024, 9, 2)),  # 1 September is a Sunday: the Monday after
        (2026, date(2026, 9, 1)),  # a Tuesday
        (2028, date(2028, 9, 1)),  # a Friday
        (2029, date(2029, 9, 3)),  # 1 September is a Saturday
        (2030, date(2030, 9, 2)),  # a Sunday
        (2035, date(2035, 9, 3)),  # a Saturday
    ],
)
def test_default_terms_start_the_autumn_term_on_the_first_weekday_of_september(year, autumn_starts):
    assert default_terms(year)[0].starts_on == autumn_starts


@pytest.mark.parametrize("year", range(2023, 2036))
def test_default_terms_keep_the_england_pattern_every_year(year):
    """Leap years (2023/24, 2027/28, 2031/32, 2035/36) and weekend 1 Septembers included."""
    autumn, spring, summer = default_terms(year)
    assert [t.name for t in (autumn, spring, summer)] == [TermName.AUTUMN, TermName.SPRING, TermName.SUMMER]
    for term in (autumn, spring, summer):
        assert term.academic_year == year
        assert term.starts_on < term.half_term_starts_on < term.half_term_ends_on < term.ends_on
        assert term.starts_on.weekday() < 5, term  # starts on a school day
        assert term.ends_on.weekday() < 5, term  # ends on a school day
        assert (term.half_term_starts_on.weekday(), term.half_term_ends_on.weekday()) == (0, 4), term
        assert term.half_term_ends_on - term.half_term_starts_on == timedelta(days=4)
    assert autumn.ends_on.weekday() == 4
    assert autumn.ends_on < spring.starts_on
    assert spring.ends_on.weekday() == 4 or spring.ends_on == good_friday(year + 1) - timedelta(days=1)
    assert spring.ends_on < summer.starts_on
    # October half-term: the last Monday-to-Friday week wholly in October
    assert autumn.half_term_starts_on.month == autumn.half_term_ends_on.month == 10
    assert (autumn.half_term_ends_on + timedelta(days=7)).month == 11
    # spring: the first Monday from 3 January (or the Tuesday after a bank holiday); its half-term the
    # week of the Monday from 12 February; the Easter holiday holds Good Friday and Easter Monday
    assert spring.starts_on.weekday() in (0, 1)
    assert date(year + 1, 1, 3) <= spring.starts_on <= date(year + 1, 1, 9)
    assert date(year + 1, 2, 12) <= spring.half_term_starts_on <= date(year + 1, 2, 18)
    assert spring.ends_on < good_friday(year + 1) < easter_monday(year + 1) < summer.starts_on
    # May half-term: the week of the last Monday in May; summer teaching ends on the last weekday
    # on or before 22 July
    assert summer.half_term_starts_on.month == 5
    assert (summer.half_term_starts_on + timedelta(days=7)).month == 6
    assert date(year + 1, 7, 20) <= summer.ends_on <= date(year + 1, 7, 22)
    # the next year's autumn term starts after this summer's ends, in September
    assert default_terms(year + 1)[0].starts_on.month == 9


@pytest.mark.parametrize(
    ("year", "spring_ends", "summer_starts"),
    [
        (2023, date(2024, 3, 28), date(2024, 4, 15)),  # Easter 31 March: spring ends the day before Good Friday
        (2024, date(2025, 4, 4), date(2025, 4, 22)),  # Easter 20 April: summer starts the day after Easter Monday
        (2025, date(2026, 3, 27), date(2026, 4, 13)),  # Easter 5 April: the week before Easter and the week after
        (2019, date(2020, 4, 3), date(2020, 4, 20)),  # Easter 12 April: likewise (6 to 17 April)
        (2020, date(2021, 3, 26), date(2021, 4, 12)),  # Easter 4 April: likewise (29 March to 9 April)
        (2022, date(2023, 3, 31), date(2023, 4, 17)),  # Easter 9 April: likewise (3 to 14 April)
        (2026, date(2027, 3, 25), date(2027, 4, 12)),  # Easter 28 March: Good Friday was the last Friday of March
        (2027, date(2028, 3, 31), date(2028, 4, 18)),  # Easter 16 April: Easter Monday was the Monday from 14 April
        (2028, date(2029, 3, 29), date(2029, 4, 16)),  # Easter 1 April
        (2030, date(2031, 3, 28), date(2031, 4, 15)),  # Easter 13 April
    ],
)
def test_default_terms_keep_good_friday_and_easter_monday_in_the_easter_holiday(year, spring_ends, summer_starts):
    _, spring, summer = default_terms(year)
    assert (spring.ends_on, summer.starts_on) == (spring_ends, summer_starts)


@pytest.mark.parametrize("year", range(2023, 2100))
def test_no_default_term_starts_or_ends_on_a_bank_holiday_and_the_easter_holiday_is_two_weeks(year):
    autumn, spring, summer = default_terms(year)
    bank_holidays = {good_friday(year + 1), easter_monday(year + 1), *new_years_holidays(year + 1)}
    for term in (autumn, spring, summer):
        assert not {term.starts_on, term.ends_on} & bank_holidays, term
    # two weeks with their weekends (16 days), or with a bank holiday at one end (17)
    assert timedelta(days=16) <= summer.starts_on - spring.ends_on - timedelta(days=1) <= timedelta(days=17)
    assert spring.ends_on < good_friday(year + 1) < easter_monday(year + 1) < summer.starts_on


@pytest.mark.parametrize("year", range(2023, 2100))
def test_the_default_christmas_holiday_is_two_weeks_with_their_weekends(year):
    """Autumn ends on the Friday before Boxing Day's week; spring starts after New Year: 16 days,
    or 17 with a New Year's substitute bank holiday. (The Friday on or before 19 December gave 23
    days in 2024 and 2028.)"""
    autumn, spring, _ = default_terms(year)
    assert timedelta(days=16) <= spring.starts_on - autumn.ends_on - timedelta(days=1) <= timedelta(days=17)
    assert autumn.ends_on.weekday() == 4
    assert date(year, 12, 17) <= autumn.ends_on <= date(year, 12, 23)


@pytest.mark.parametrize(
    ("year", "autumn_ends", "summer_ends"),
    [
        (2024, date(2024, 12, 20), date(2025, 7, 22)),  # Christmas on a Wednesday; 22 July a Tuesday
        (2026, date(2026, 12, 18), date(2027, 7, 22)),  # a Friday; a Thursday (not Friday 16 July)
        (2027, date(2027, 12, 17), date(2028, 7, 21)),  # a Saturday; 22 July a Saturday: the Friday
        (2028, date(2028, 12, 22), date(2029, 7, 20)),  # a Monday; a Sunday
        (2033, date(2033, 12, 23), date(2034, 7, 21)),  # a Sunday: Boxing Day's week starts on the 26th
    ],
)
def test_default_autumn_and_summer_terms_end_where_councils_end_them(year, autumn_ends, summer_ends):
    autumn, _, summer = default_terms(year)
    assert (autumn.ends_on, summer.ends_on) == (autumn_ends, summer_ends)


@pytest.mark.parametrize(
    ("year", "spring_starts"),
    [
        (2021, date(2022, 1, 4)),  # 1 January 2022 is a Saturday: Monday 3 January is the bank holiday
        (2027, date(2028, 1, 4)),  # likewise 2028
        (2022, date(2023, 1, 9)),  # a Sunday: the substitute day is Monday 2 January, before the term
        (2026, date(2027, 1, 4)),  # a Friday: no substitute day
    ],
)
def test_default_spring_term_starts_after_new_years_substitute_bank_holiday(year, spring_starts):
    assert default_terms(year)[1].starts_on == spring_starts


def good_friday(year: int) -> date:
    return easter(year) - timedelta(days=2)


def easter_monday(year: int) -> date:
    return easter(year) + timedelta(days=1)


def new_years_holidays(year: int) -> set[date]:
    """New Year's Day and, when it falls at a weekend, the Monday after."""
    new_year = date(year, 1, 1)
    if new_year.weekday() < 5:
        return {new_year}
    return {new_year, new_year + timedelta(days=7 - new_year.weekday())}


def test_default_terms_for_a_leap_year_put_29_february_in_spring_2():
    for year in (2023, 2027, 2031):
        leap_day = date(year + 1, 2, 29)
        assert (half_term_on(leap_day).term, half_term_on(leap_day).half) == (TermName.SPRING, 2)
        assert half_term_on(leap_day).academic_year == year


# ---- term_on and half_term_on -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("day", "term", "half_term"),
    [
        (date(2026, 8, 31), "Summer 2025/26", "Summer 2 2025/26"),  # the day before the year starts
        (date(2026, 9, 1), "Autumn 2026/27", "Autumn 1 2026/27"),  # first day of the autumn term
        (date(2026, 10, 23), "Autumn 2026/27", "Autumn 1 2026/27"),  # last teaching day before half-term
        (date(2026, 10, 26), "Autumn 2026/27", "Autumn 1 2026/27"),  # October half-term: the half that ended
        (date(2026, 10, 30), "Autumn 2026/27", "Autumn 1 2026/27"),  # its last day
        (date(2026, 10, 31), "Autumn 2026/27", "Autumn 2 2026/27"),  # the day after: autumn 2
        (date(2026, 11, 2), "Autumn 2026/27", "Autumn 2 2026/27"),  # first teaching day of autumn 2
        (date(2026, 12, 18), "Autumn 2026/27", "Autumn 2 2026/27"),  # last teaching day of the term
        (date(2026, 12, 19), "Autumn 2026/27", "Autumn 2 2026/27"),  # Christmas holiday
        (date(2026, 12, 25), "Autumn 2026/27", "Autumn 2 2026/27"),
        (date(2026, 12, 31), "Autumn 2026/27", "Autumn 2 2026/27"),  # New Year's Eve
        (date(2027, 1, 1), "Autumn 2026/27", "Autumn 2 2026/27"),  # New Year's Day
        (date(2027, 1, 3), "Autumn 2026/27", "Autumn 2 2026/27"),  # the day before spring
        (date(2027, 1, 4), "Spring 2026/27", "Spring 1 2026/27"),  # first day of spring
        (date(2027, 2, 12), "Spring 2026/27", "Spring 1 2026/27"),  # last teaching day before half-term
        (date(2027, 2, 15), "Spring 2026/27", "Spring 1 2026/27"),  # February half-term
        (date(2027, 2, 19), "Spring 2026/27", "Spring 1 2026/27"),
        (date(2027, 2, 20), "Spring 2026/27", "Spring 2 2026/27"),
        (date(2027, 2, 22), "Spring 2026/27", "Spring 2 2026/27"),  # first teaching day of spring 2
        (date(2027, 3, 25), "Spring 2026/27", "Spring 2 2026/27"),  # last teaching day of spring
        (date(2027, 3, 26), "Spring 2026/27", "Spring 2 2026/27"),  # Good Friday: the Easter holiday
        (date(2027, 3, 29), "Spring 2026/27", "Spring 2 2026/27"),  # Easter Monday
        (date(2027, 4, 11), "Spring 2026/27", "Spring 2 2026/27"),  # the day before summer
        (date(2027, 4, 12), "Summer 2026/27", "Summer 1 2026/27"),  # first day of summer
        (date(2027, 5, 28), "Summer 2026/27", "Summer 1 2026/27"),  # last teaching day before half-term
        (date(2027, 5, 31), "Summer 2026/27", "Summer 1 2026/27"),  # May half-term
        (date(2027, 6, 4), "Summer 2026/27", "Summer 1 2026/27"),
        (date(2027, 6, 5), "Summer 2026/27", "Summer 2 2026/27"),
        (date(2027, 7, 22), "Summer 2026/27", "Summer 2 2026/27"),  # last teaching day of the year
        (date(2027, 7, 23), "Summer 2026/27", "Summer 2 2026/27"),  # summer holiday
        (date(2027, 8, 31), "Summer 2026/27", "Summer 2 2026/27"),  # the last day of the academic year
        (date(2027, 9, 1), "Autumn 2027/28", "Autumn 1 2027/28"),  # the next
        (date(2029, 9, 1), "Summer 2028/29", "Summer 2 2028/29"),  # a Saturday: autumn starts on Monday 3rd
        (date(2029, 9, 2), "Summer 2028/29", "Summer 2 2028/29"),
        (date(2029, 9, 3), "Autumn 2029/30", "Autumn 1 2029/30"),
    ],
)
def test_term_on_and_half_term_on_at_the_edges_of_terms_and_holidays(day, term, half_term):
    assert term_on(day).label == term
    assert half_term_on(day).label == half_term
    assert day in term_on(day)
    assert day in half_term_on(day)


def _save_autumn(year: int, starts_on: date) -> None:
    dates = {t.name: (t.starts_on, t.half_term_starts_on, t.half_term_ends_on, t.ends_on) for t in default_terms(year)}
    dates[TermName.AUTUMN] = (starts_on, *dates[TermName.AUTUMN][1:])
    services.terms_save(academic_year=year, dates=dates, actor=None)


@pytest.mark.parametrize(
    ("day", "term", "half_term"),
    [
        (date(2026, 9, 1), "Summer 2025/26", "Summer 2 2025/26"),  # before the LA's autumn term: still summer
        (date(2026, 9, 2), "Summer 2025/26", "Summer 2 2025/26"),
        (date(2026, 9, 3), "Autumn 2026/27", "Autumn 1 2026/27"),  # the LA's first day
    ],
)
def test_a_term_that_starts_after_1_september_leaves_the_days_before_it_in_the_summer(day, term, half_term):
    _save_autumn(2026, date(2026, 9, 3))
    assert (term_on(day).label, half_term_on(day).label) == (term, half_term)
    assert term_periods(2025)[-1].ends_on == date(2026, 9, 2)


@pytest.mark.parametrize(
    ("day", "term", "half_term"),
    [
        (date(2027, 8, 29), "Summer 2026/27", "Summer 2 2026/27"),
        (date(2027, 8, 30), "Autumn 2027/28", "Autumn 1 2027/28"),  # the LA's first day, in August
        (date(2027, 8, 31), "Autumn 2027/28", "Autumn 1 2027/28"),
        (date(2027, 9, 1), "Autumn 2027/28", "Autumn 1 2027/28"),
    ],
)
def test_a_term_that_starts_before_1_september_begins_the_new_year_on_its_first_day(day, term, half_term):
    _save_autumn(2027, date(2027, 8, 30))
    assert (term_on(day).label, half_term_on(day).label) == (term, half_term)
    assert day in term_on(day)
    assert day in half_term_on(day)


@pytest.mark.parametrize("year", [2026, 2027, 2029])
def test_the_periods_of_a_year_cover_every_day_once_from_one_autumn_to_the_next(year):
    terms, halves = term_periods(year), half_term_periods(year)
    next_autumn = terms_for_year(year + 1)[0].starts_on
    for periods in (terms, halves):
        assert periods[0].starts_on == terms_for_year(year)[0].starts_on
        assert periods[-1].ends_on == next_autumn - timedelta(days=1)
        for earlier, later in itertools.pairwise(periods):
            assert later.starts_on == earlier.ends_on + timedelta(days=1)
    day = terms[0].starts_on
    while day < next_autumn:
        term, half = term_on(day), half_term_on(day)
        assert term in terms
        assert half in halves
        assert day in term
        assert day in half
        assert (half.term, half.academic_year) == (term.term, term.academic_year)
        day += timedelta(days=1)


def test_school_days_leave_out_weekends_holidays_half_terms_and_bank_holidays():
    days = school_days(date(2026, 12, 16), date(2027, 1, 6))
    # England's default autumn term ends Friday 18 December 2026; spring starts Monday 4 January 2027.
    assert days == [date(2026, 12, 16), date(2026, 12, 17), date(2026, 12, 18), date(2027, 1, 4), date(2027, 1, 5),
                    date(2027, 1, 6)]  # fmt: skip
    assert date(2027, 5, 3) not in school_days(date(2027, 5, 1), date(2027, 5, 7))  # the May Day bank holiday
    assert school_days(date(2026, 10, 26), date(2026, 10, 30)) == []  # the October half-term
    assert date(2023, 5, 8) not in school_days(date(2023, 5, 8), date(2023, 5, 9))  # the coronation: a one-off


@pytest.mark.parametrize(
    ("day", "office_day"),
    [
        (date(2026, 12, 24), date(2026, 12, 24)),  # in the school holiday, the office is open
        (date(2026, 12, 28), date(2026, 12, 24)),  # Boxing Day's substitute, the weekend, Christmas Day
        (date(2027, 1, 1), date(2026, 12, 31)),
        (date(2027, 3, 29), date(2027, 3, 25)),  # Easter Monday, the weekend, Good Friday
        (date(2028, 2, 29), date(2028, 2, 29)),
    ],
)
def test_working_day_on_or_before_skips_weekends_and_bank_holidays(day, office_day):
    assert working_day_on_or_before(day) == office_day


@pytest.mark.parametrize(
    ("day", "why"),
    [
        (date(2026, 9, 1), ""),  # the first day of the autumn term
        (date(2026, 8, 31), "in the summer holidays"),  # the day before it
        (date(2026, 10, 23), ""),  # the Friday before half-term
        (date(2026, 10, 26), "in the autumn half-term break"),
        (date(2026, 10, 30), "in the autumn half-term break"),
        (date(2026, 11, 2), ""),
        (date(2026, 12, 18), ""),  # the last day of the autumn term
        (date(2026, 12, 21), "in the Christmas holidays"),
        (date(2026, 12, 25), "in the Christmas holidays"),  # a bank holiday too: the holiday says more
        (date(2027, 1, 1), "in the Christmas holidays"),  # across the new year
        (date(2027, 1, 4), ""),
        (date(2027, 2, 15), "in the spring half-term break"),
        (date(2027, 3, 25), ""),  # the last day of the spring term
        (date(2027, 3, 26), "in the Easter holidays"),  # Good Friday
        (date(2027, 5, 3), "a bank holiday"),  # the May Day bank holiday, in the summer term
        (date(2027, 5, 31), "in the summer half-term break"),  # the spring bank holiday, in half-term
        (date(2027, 7, 22), ""),  # the last day of the summer term, a Thursday
        (date(2027, 7, 23), "in the summer holidays"),
        (date(2026, 12, 5), "a Saturday"),
        (date(2026, 12, 6), "a Sunday"),
    ],
)
def test_not_a_school_day_says_why_by_the_las_term_dates(day, why):
    assert not_a_school_day(day) == why


def test_not_a_school_day_follows_the_las_own_term_dates_not_englands():
    _save_autumn(2026, date(2026, 9, 3))
    assert not_a_school_day(date(2026, 9, 2)) == "in the summer holidays"  # England's default: a school day
    assert not_a_school_day(date(2026, 9, 3)) == ""
