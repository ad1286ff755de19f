"""Facts the system knows, and how they pre-tick statements as suggestions labelled with their source."""

from datetime import date
from decimal import Decimal

import pytest

from categorisation.fact_providers import (
    Gap,
    a_new_or_interim_headteacher_in_the_first_year_of_headship,
    attainment_facts_of,
    attendance_facts_of,
    ofsted_facts,
    performance_facts,
    register_facts,
    tolerance_of,
)
from categorisation.facts import FactKey, facts_for
from schools.models import OfstedFramework, PerformanceMeasure
from tests.factories import InspectionFactory, PerformanceResultFactory, SchoolFactory

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 22)


def keys(facts) -> set[str]:
    return {f.key for f in facts}


@pytest.mark.parametrize(
    ("appointment", "start", "expected"),
    [
        ("interim", None, True),
        ("interim", date(2015, 9, 1), True),
        ("substantive", date(2026, 4, 20), True),
        ("substantive", date(2025, 11, 23), True),  # 364 days before
        ("substantive", date(2025, 11, 22), False),  # a full year before
        ("substantive", date(2027, 1, 1), False),  # not started yet
        ("substantive", None, False),
        ("unknown", None, False),
    ],
)
def test_a_new_or_interim_headteacher_in_the_first_year_of_headship(appointment, start, expected):
    assert (
        a_new_or_interim_headteacher_in_the_first_year_of_headship(
            head_appointment=appointment, head_start_date=start, on=TODAY
        )
        is expected
    )


def test_the_register_fact_is_labelled_with_its_source():
    interim = SchoolFactory(head_appointment="interim", head_start_date=date(2026, 4, 20))
    new = SchoolFactory(head_appointment="substantive", head_start_date=date(2026, 9, 1))
    settled = SchoolFactory(head_appointment="substantive", head_start_date=date(2012, 9, 1))
    found = register_facts([interim.pk, new.pk, settled.pk], TODAY)
    assert found[interim.pk][0].source == "School register: interim or acting headteacher since 20 April 2026"
    assert found[new.pk][0].source == "School register: headteacher started 1 September 2026, first year of headship"
    assert settled.pk not in found


@pytest.mark.parametrize(
    ("inspection", "expected_keys", "source"),
    [
        ({"overall_effectiveness": 3}, {FactKey.OFSTED_REQUIRES_IMPROVEMENT},
         "Ofsted: requires improvement (10 March 2025)"),
        ({"overall_effectiveness": 4}, {FactKey.OFSTED_INADEQUATE_OR_CATEGORY}, "Ofsted: inadequate (10 March 2025)"),
        ({"overall_effectiveness": 4, "category_of_concern": "SM"}, {FactKey.OFSTED_INADEQUATE_OR_CATEGORY},
         "Ofsted: special measures (10 March 2025)"),
        ({"overall_effectiveness": 4, "category_of_concern": "SWK"}, {FactKey.OFSTED_INADEQUATE_OR_CATEGORY},
         "Ofsted: serious weaknesses (10 March 2025)"),
        ({"overall_effectiveness": 2}, {FactKey.OFSTED_GOOD_OR_BETTER}, "Ofsted: good (10 March 2025)"),
        ({"overall_effectiveness": 1}, {FactKey.OFSTED_GOOD_OR_BETTER}, "Ofsted: outstanding (10 March 2025)"),
        ({"overall_effectiveness": 3, "safeguarding_effective": False},
         {FactKey.OFSTED_REQUIRES_IMPROVEMENT, FactKey.SAFEGUARDING_NOT_MET},
         "Ofsted: requires improvement (10 March 2025)"),
        ({"framework": OfstedFramework.REPORT_CARD, "overall_effectiveness": None, "rc_achievement": 4,
          "rc_inclusion": 3, "safeguarding_met": True}, {FactKey.OFSTED_REQUIRES_IMPROVEMENT},
         "Ofsted report card: needs attention in achievement (10 March 2025)"),
        ({"framework": OfstedFramework.REPORT_CARD, "overall_effectiveness": None, "rc_leadership_and_governance": 5,
          "rc_achievement": 4, "safeguarding_met": True}, {FactKey.OFSTED_INADEQUATE_OR_CATEGORY},
         "Ofsted report card: urgent improvement in leadership and governance (10 March 2025)"),
        ({"framework": OfstedFramework.REPORT_CARD, "overall_effectiveness": None, "rc_inclusion": 3,
          "safeguarding_met": False}, {FactKey.SAFEGUARDING_NOT_MET},
         "Ofsted report card: safeguarding standards not met (10 March 2025)"),
        ({"framework": OfstedFramework.REPORT_CARD, "overall_effectiveness": None, "rc_inclusion": 2,
          "rc_achievement": 3, "safeguarding_met": True}, {FactKey.OFSTED_GOOD_OR_BETTER},
         "Ofsted report card: expected standard or better in every area (10 March 2025)"),
    ],
)  # fmt: skip
def test_the_latest_ofsted_inspection_suggests_the_matching_statement(inspection, expected_keys, source):
    school = SchoolFactory()
    InspectionFactory(school=school, start_date=date(2019, 5, 1), overall_effectiveness=1)
    InspectionFactory(school=school, start_date=date(2025, 3, 10), **inspection)
    facts = ofsted_facts([school.pk], TODAY)[school.pk]
    assert keys(facts) == expected_keys
    assert facts[0].source == source


def test_an_inspection_after_the_day_and_ungraded_inspections_are_not_used():
    school = SchoolFactory()
    InspectionFactory(school=school, start_date=date(2025, 3, 10), overall_effectiveness=3)
    InspectionFactory(school=school, start_date=date(2025, 6, 1), framework=OfstedFramework.UNGRADED,
                      overall_effectiveness=None, outcome="School remains Good")  # fmt: skip
    InspectionFactory(school=school, start_date=date(2027, 1, 10), overall_effectiveness=4)
    assert keys(ofsted_facts([school.pk], TODAY)[school.pk]) == {FactKey.OFSTED_REQUIRES_IMPROVEMENT}


def gaps(code: str, series: dict[int, tuple[float, float]], higher_is_better=True, unit="percent") -> list[Gap]:
    result = []
    for year, (value, national) in series.items():
        v, n = Decimal(str(value)), Decimal(str(national))
        result.append(Gap(code, code, year, v, n, (v - n) if higher_is_better else (n - v), tolerance_of(code, unit)))
    return result


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ({2022: (50, 59), 2023: (52, 61), 2024: (53, 62)}, {FactKey.ATTAINMENT_BELOW_NATIONAL}),
        ({2022: (55, 59), 2023: (50, 61), 2024: (44, 62)},
         {FactKey.ATTAINMENT_BELOW_NATIONAL, FactKey.ATTAINMENT_DECLINING_AND_BELOW}),
        ({2022: (70, 59), 2023: (66, 61), 2024: (63, 62)}, {FactKey.ATTAINMENT_DECLINING, FactKey.ATTAINMENT_IN_LINE}),
        ({2022: (60, 59), 2023: (61, 61), 2024: (63, 62)}, {FactKey.ATTAINMENT_IN_LINE}),
        ({2022: (70, 59), 2023: (72, 61), 2024: (74, 62)}, set()),
        ({2024: (50, 62)}, set()),  # one year below is not "consistently"
        ({2023: (50, 61), 2024: (50, 62)}, {FactKey.ATTAINMENT_BELOW_NATIONAL}),
        ({}, set()),
    ],
)  # fmt: skip
def test_attainment_data_suggests_the_see_data_statements(series, expected):
    assert keys(attainment_facts_of(gaps("ks2_rwm_expected", series))) == expected


@pytest.mark.parametrize(
    ("series", "expected"),
    [
        ({2022: (94.0, 92.5), 2023: (93.5, 93.0), 2024: (93.2, 93.1)}, {FactKey.ATTENDANCE_HIGH_OR_IMPROVING}),
        ({2022: (90.0, 92.5), 2023: (90.5, 93.0), 2024: (90.2, 93.1)}, {FactKey.ATTENDANCE_CONSISTENTLY_LOW}),
        ({2022: (93.0, 92.5), 2023: (93.0, 93.0), 2024: (91.9, 93.1)}, {FactKey.ATTENDANCE_LOW}),
        ({2022: (88.0, 92.5), 2023: (89.0, 93.0), 2024: (91.5, 93.1)}, {FactKey.ATTENDANCE_HIGH_OR_IMPROVING}),
        ({2024: (91.0, 93.1)}, {FactKey.ATTENDANCE_LOW}),
    ],
)  # fmt: skip
def test_attendance_data_suggests_exactly_one_attendance_statement(series, expected):
    assert keys(attendance_facts_of(gaps("attendance", series))) == expected


def test_lower_is_better_measures_count_the_other_way():
    below = gaps("persistent_absence", {2023: (25, 19.4), 2024: (24, 17.8)}, higher_is_better=False)
    assert keys(attendance_facts_of(below)) == {FactKey.ATTENDANCE_CONSISTENTLY_LOW}


def test_performance_facts_read_the_imported_results_of_years_that_have_ended():
    school = SchoolFactory()
    for year, value in ((2022, 50), (2023, 48), (2024, 45), (2026, 80)):
        PerformanceResultFactory(school=school, academic_year=year, value=value, national_value=60)
    attendance = PerformanceMeasure.objects.get(code="attendance")
    PerformanceResultFactory(school=school, measure=attendance, academic_year=2024, value=95, national_value=93)
    facts = performance_facts([school.pk], TODAY)[school.pk]
    assert keys(facts) == {
        FactKey.ATTAINMENT_BELOW_NATIONAL,
        FactKey.ATTAINMENT_DECLINING_AND_BELOW,
        FactKey.ATTENDANCE_HIGH_OR_IMPROVING,
    }
    below = next(f for f in facts if f.key == FactKey.ATTAINMENT_BELOW_NATIONAL)
    assert below.source == "Performance data: attainment below national in 2022/23, 2023/24 and 2024/25"


def test_facts_for_many_schools_runs_a_constant_number_of_queries(django_assert_max_num_queries, monkeypatch):
    from categorisation import facts

    mine = {name: facts._providers[name] for name in ("school_register", "ofsted", "performance")}
    monkeypatch.setattr(facts, "_providers", mine)  # other apps' providers are tested by them
    schools = [SchoolFactory(head_appointment="interim") for _ in range(20)]
    for school in schools:
        InspectionFactory(school=school, overall_effectiveness=3)
        PerformanceResultFactory(school=school)
    with django_assert_max_num_queries(3):
        found = facts_for([s.pk for s in schools], TODAY)
    assert len(found) == 20
