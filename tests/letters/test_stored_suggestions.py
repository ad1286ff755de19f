"""Stored letter suggestions (letters.stored_suggestions, docs/adr/0036): after every kind of write,
in any order, and on any later day, the stored suggestions equal a full recomputation by
suggestions.compute_candidates. The property test drives the services (and the model writes other
apps make) in random sequences with the clock on the world's day; the named tests pin each
trigger, the partial and whole recomputations, locking and query counts."""

import contextlib
from datetime import date, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.roles import Role
from accounts.services import user_set_role
from categorisation.models import SupportLevel
from letters import services, stored_suggestions
from letters.models import Letter, LetterKind, LetterStatus, StoredSuggestion, StoredSuggestionState
from letters.stored_suggestions import differences, open_suggestions, refresh
from letters.suggestions import compute_candidates
from schools import services as school_services
from schools.demo_files import (
    GRADED_HEADER,
    LATEST_GRADED_COLUMNS,
    current_gias_header,
    gias_row,
    graded_cells,
    ofsted_date,
    to_csv_bytes,
)
from schools.models import EstablishmentType, Governance, OfstedFramework, OfstedInspection, School, SchoolStatus
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.conftest import moment
from tests.factories import InspectionFactory, SchoolFactory, UserFactory
from visits import services as visit_services
from visits.models import MspGroup, MspGroupStatus, MspMeeting, MspMeetingStatus, MspRecommendation

from .factories import draft

START = date(2026, 9, 14)
KINDS = [
    LetterKind.CONGRATULATIONS,
    LetterKind.SIGNIFICANT_CONCERNS,
    LetterKind.WARNING_NOTICE,
    LetterKind.SIGNIFICANT_CONCERNS_TOP,
]


def user(role: Role, username: str):
    made = UserFactory(username=username)
    user_set_role(user=made, role=role, actor=None)
    return made


def ofsted_import(school: School, *, number: str, start: date, grade: int, category: str = "") -> None:
    """One graded inspection through the Ofsted import (set-wise: no model signals)."""
    row = {
        "URN": str(school.urn),
        "Inspection number of latest graded inspection": number,
        "Inspection type": "S5 Inspection",
        "Inspection start date": ofsted_date(start),
        "Publication date": ofsted_date(start + timedelta(days=25)),
        **graded_cells(LATEST_GRADED_COLUMNS, grade, category=category),
    }
    record = school_services.import_run(
        kind="ofsted", data=to_csv_bytes(GRADED_HEADER, [row]), filename="mi.csv", actor=None, options={}
    )
    assert record.created + record.updated + record.unchanged == 1, record.message


# ---- the property: any sequence of writes ---------------------------------------------------


class World:
    """Two maintained schools and an academy, an adviser and two officers; each step is one write
    through a service (or the model write another app makes), choosing its school, dates and
    grades from the drawn numbers. The clock stands on the world's day."""

    def __init__(self):
        self.day = START
        self.clock = time_machine.travel(moment(self.day), tick=False)
        self.clock.start()
        self.adviser = user(Role.ADVISER, "adviser")
        self.officer = user(Role.OFFICER, "officer")
        self.schools = [
            SchoolFactory(name="Avocet Primary School", link_adviser=self.adviser),
            SchoolFactory(name="Bittern Primary School"),
            SchoolFactory(name="Curlew Academy", academy=True),
        ]
        # A start in which each kind of write changes something: every school with a graded
        # inspection four years ago and one in the look-back, one a drop, one an improvement.
        for school, (old, new) in zip(self.schools, [(2, 3), (3, 2), (2, 3)], strict=True):
            InspectionFactory(school=school, start_date=START - timedelta(days=1500), overall_effectiveness=old)
            InspectionFactory(
                school=school, start_date=START - timedelta(days=90), publication_date=START - timedelta(days=60),
                overall_effectiveness=new,
            )  # fmt: skip

    def stop(self) -> None:
        self.clock.stop()

    def school(self, n: int) -> School:
        return School.objects.get(pk=self.schools[n % len(self.schools)].pk)

    def inspect(self, n: int, k: int) -> None:
        framework = [OfstedFramework.GRADED, OfstedFramework.REPORT_CARD, OfstedFramework.UNGRADED][k % 3]
        start = self.day - timedelta(days=(k * 37) % 1000)
        fields: dict = {"overall_effectiveness": None}
        if framework == OfstedFramework.GRADED:
            fields = {"overall_effectiveness": 1 + k % 4, "category_of_concern": "SWK" if k % 13 == 0 else ""}
        elif framework == OfstedFramework.REPORT_CARD:
            fields |= {
                "rc_inclusion": 1 + k % 5, "rc_curriculum_and_teaching": 1 + (k // 5) % 5,
                "rc_achievement": 1 + (k // 25) % 5, "safeguarding_met": k % 7 != 0,
            }  # fmt: skip
        else:
            fields["outcome"] = "School remains Good" if k % 2 else "Standards may be declining"
        InspectionFactory(
            school=self.school(n), framework=framework, start_date=start,
            publication_date=None if k % 5 == 0 else start + timedelta(days=20), **fields,
        )  # fmt: skip

    def import_inspection(self, n: int, k: int) -> None:
        # A number from a small pool per school: the import creates, updates or leaves it.
        school = self.school(n)
        ofsted_import(
            school, number=f"9{school.pk:03d}{k % 3:04d}", start=self.day - timedelta(days=(k * 11) % 900),
            grade=1 + k % 4, category="SM" if k % 17 == 0 else "",
        )  # fmt: skip

    def regrade(self, n: int, k: int) -> None:
        inspection = OfstedInspection.objects.filter(school=self.school(n)).order_by("-start_date", "-pk").first()
        if inspection and inspection.framework == OfstedFramework.GRADED:
            inspection.overall_effectiveness = 1 + k % 4
            inspection.save()

    def delete_inspection(self, n: int, k: int) -> None:
        inspection = OfstedInspection.objects.filter(school=self.school(n)).order_by("-start_date", "-pk").first()
        if inspection:
            inspection.delete()

    def msp_recommend(self, n: int, k: int) -> None:
        school = self.school(n)
        group = MspGroup.objects.filter(school=school, status=MspGroupStatus.OPEN).first()
        if group is None:
            try:
                group = visit_services.msp_group_set_up(
                    school=school, chair=self.officer, set_up_on=self.day - timedelta(days=900),
                    headteacher="A Head", governor_name="A Chair", link_adviser=self.officer, actor=self.officer,
                )  # fmt: skip
            except ValidationError:  # an academy
                return
        if k % 4 == 0:  # planned only: not a recommendation yet
            visit_services.msp_meeting_plan(group=group, held_on=self.day + timedelta(days=7), actor=self.officer)
            return
        visit_services.msp_meeting_record_new(
            group=group, held_on=self.day - timedelta(days=(k * 29) % 900), start_time=None, actor=self.officer,
            attendees="The group", reviews=[], impact_of_support="", support_refocused=False, refocus_details="",
            minutes="Minutes", summary_key_points="",
            recommendation=MspRecommendation.WARNING_NOTICE if k % 2 else MspRecommendation.CONTINUE,
        )  # fmt: skip

    def change_recommendation(self, n: int, k: int) -> None:
        meeting = MspMeeting.objects.filter(status=MspMeetingStatus.HELD).order_by("-pk").first()
        if meeting:
            meeting.recommendation = (
                MspRecommendation.CONTINUE
                if meeting.recommendation == MspRecommendation.WARNING_NOTICE
                else MspRecommendation.WARNING_NOTICE
            )
            meeting.save()

    def draft_letter(self, n: int, k: int) -> None:
        with contextlib.suppress(ValidationError):  # a closed school, or a letter of concern to an academy
            draft(self.school(n), KINDS[k % 4], actor=self.officer)

    def withdraw_letter(self, n: int, k: int) -> None:
        letter = Letter.objects.filter(status=LetterStatus.DRAFT).order_by("pk").first()
        if letter:
            services.letter_withdraw(letter=letter, actor=self.officer)

    def accept(self, n: int, k: int) -> None:
        found = open_suggestions(school_ids=[self.school(n).pk]).first()
        if found:
            services.suggestion_accept(school=self.school(n), source_key=found.source_key, actor=self.officer)

    def dismiss(self, n: int, k: int) -> None:
        found = open_suggestions(school_ids=[self.school(n).pk]).first()
        if found:
            services.suggestion_dismiss(
                school=self.school(n), source_key=found.source_key, reason="Spoken to", actor=self.officer
            )

    def close_school(self, n: int, k: int) -> None:
        school = self.school(n)
        school.status = SchoolStatus.CLOSED if school.status == SchoolStatus.OPEN else SchoolStatus.OPEN
        school.save()

    def rename_school(self, n: int, k: int) -> None:
        school = self.school(n)
        school.name = f"School {k}"
        school.save()

    def convert(self, n: int, k: int) -> None:
        # A maintained school becomes an academy, or back (concerns are for maintained schools).
        school = self.school(n)
        school.establishment_type = EstablishmentType.objects.get(code=1 if school.establishment_type_id == 34 else 34)
        school.save()

    def change_governance(self, n: int, k: int) -> None:
        # Reference data: type 1 counted as an academy's type, or back (rare: every school).
        kind = EstablishmentType.objects.get(code=1)
        kind.governance = Governance.ACADEMY if kind.governance == Governance.MAINTAINED else Governance.MAINTAINED
        kind.save()

    def gias_import(self, n: int, k: int) -> None:
        # The register written set-wise (no model signals): a school added (which later steps
        # inspect), and a maintained school renamed, closed or reopened.
        urn = 874600 + k % 2
        rows = [gias_row(urn=urn, name=f"Dunlin Primary School {k % 2}", type_code=1, phase="Primary")]
        school = self.school(n)
        if school.establishment_type_id == 1:
            rows.append(
                gias_row(urn=school.urn, name=f"Egret Primary School {k}", type_code=1, phase="Primary",
                         status_code="2" if k % 3 == 0 else "1")
            )  # fmt: skip
        data = to_csv_bytes(current_gias_header(), rows, encoding="utf-8")
        school_services.import_run(
            kind="gias", data=data, filename="edubasealldata.csv", actor=None, options={"la_codes": ["874"]}
        )
        school = School.objects.get(urn=urn)
        if school.pk not in {s.pk for s in self.schools}:
            self.schools.append(school)

    def categorise(self, n: int, k: int) -> None:
        # Not read by the suggestion rules: the property shows it changes nothing stored.
        ApprovedCategorisationFactory(
            school=self.school(n), level=[SupportLevel.LOW, SupportLevel.MEDIUM, SupportLevel.HIGH][k % 3],
            approved_at=aware(self.day.year, self.day.month, self.day.day),
        )  # fmt: skip

    def pass_days(self, n: int, k: int) -> None:
        self.day += timedelta(days=k * 4)  # up to two years: facts leave the look-back
        self.clock.stop()
        self.clock = time_machine.travel(moment(self.day), tick=False)
        self.clock.start()

    STEPS = [
        "inspect", "import_inspection", "regrade", "delete_inspection", "msp_recommend", "change_recommendation",
        "draft_letter", "withdraw_letter", "accept", "dismiss", "close_school", "rename_school", "convert",
        "change_governance", "gias_import", "categorise", "pass_days",
    ]  # fmt: skip


step = st.tuples(st.sampled_from(World.STEPS), st.integers(0, 3), st.integers(0, 200))


class StoredSuggestionsEqualRecomputationTests(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(step, min_size=1, max_size=10))
    def test_the_stored_suggestions_equal_a_full_recomputation_after_any_sequence_of_writes(self, steps):
        world = World()
        try:
            refresh(today=world.day)
            assert differences(today=world.day) == []
            for name, n, k in steps:
                getattr(world, name)(n, k)
                refresh(today=world.day)
                assert differences(today=world.day) == [], f"after {name}({n}, {k}) on {world.day}"
        finally:
            world.stop()


# ---- each trigger, by name --------------------------------------------------------------------

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture
def today(on_day):
    return on_day(TODAY)


def graded(school, start: date, grade: int, **fields):
    return InspectionFactory(
        school=school, start_date=start, publication_date=start + timedelta(days=20), overall_effectiveness=grade,
        **fields,
    )  # fmt: skip


@pytest.fixture
def dropped(today, school):
    """`school` with a drop from good to requires improvement published this autumn."""
    graded(school, TODAY - timedelta(days=1500), 2)
    graded(school, TODAY - timedelta(days=60), 3)
    return school


def stored(school) -> list[tuple[str, str]]:
    return [(s.kind, s.source_key) for s in open_suggestions(school_ids=[school.pk], today=TODAY)]


def state(school) -> StoredSuggestionState:
    return StoredSuggestionState.objects.get(school=school)


def test_every_school_gets_its_state_row_with_the_school_and_its_suggestions_at_the_first_read(dropped):
    assert state(dropped).stale
    assert not StoredSuggestion.objects.exists()
    latest = dropped.inspections.latest("start_date")
    assert stored(dropped) == [(LetterKind.SIGNIFICANT_CONCERNS, f"ofsted-{latest.pk}")]
    assert (state(dropped).stale, state(dropped).computed_for) == (False, TODAY)


def test_a_new_inspection_marks_its_school_stale_in_its_transaction_and_the_next_read_has_it(today, school):
    graded(school, TODAY - timedelta(days=1500), 2)
    assert stored(school) == []
    inspection = graded(school, TODAY - timedelta(days=30), 1)
    assert state(school).stale
    assert stored(school) == [(LetterKind.CONGRATULATIONS, f"ofsted-{inspection.pk}")]


def test_an_ofsted_import_marks_the_schools_of_its_inspections_stale(today, school, other_school):
    graded(school, TODAY - timedelta(days=1500), 2)
    refresh(today=TODAY)
    ofsted_import(school, number="10999001", start=TODAY - timedelta(days=40), grade=4, category="SM")
    assert (state(school).stale, state(other_school).stale) == (True, False)
    assert [kind for kind, _ in stored(school)] == [LetterKind.SIGNIFICANT_CONCERNS]
    ofsted_import(school, number="10999001", start=TODAY - timedelta(days=40), grade=2)  # corrected: an update
    assert state(school).stale
    assert [kind for kind, _ in stored(school)] == [LetterKind.CONGRATULATIONS]


def test_a_gias_import_marks_the_schools_it_creates_or_changes_stale_and_no_other(today, dropped, other_school):
    refresh(today=TODAY)
    renamed = gias_row(urn=dropped.urn, name="Kingfisher Academy Primary", type_code=1, phase="Primary",
                       establishment_number=dropped.establishment_number)  # fmt: skip
    new = gias_row(urn=874555, name="Dunlin Primary School", type_code=1, phase="Primary")
    data = to_csv_bytes(current_gias_header(), [renamed, new], encoding="utf-8")
    record = school_services.import_run(kind="gias", data=data, filename="edubasealldata.csv", actor=None,
                                        options={"la_codes": ["874"]})  # fmt: skip
    assert (record.created, record.updated) == (1, 1), record.message
    stale = dict(StoredSuggestionState.objects.values_list("school__urn", "stale"))
    assert stale == {dropped.urn: True, 874555: True, other_school.urn: False}
    assert refresh(today=TODAY) == 2
    assert [s.school_name for s in open_suggestions(school_ids=[dropped.pk], today=TODAY)] == [
        "Kingfisher Academy Primary"
    ]
    assert differences(today=TODAY) == []


def test_a_decision_or_a_letter_answering_the_fact_removes_the_suggestion_at_once(dropped, other_school, officer):
    graded(other_school, TODAY - timedelta(days=1500), 2)
    graded(other_school, TODAY - timedelta(days=50), 3)
    [(_, key)], [(_, other_key)] = stored(dropped), stored(other_school)
    services.suggestion_dismiss(school=dropped, source_key=key, reason="Spoken to the chair", actor=officer)
    assert stored(dropped) == []
    draft(other_school, "warning_notice", actor=officer)
    assert stored(other_school) == []
    letter = Letter.objects.get(school=other_school)
    services.letter_withdraw(letter=letter, actor=officer)  # a withdrawn letter answers nothing
    assert stored(other_school) == [(LetterKind.SIGNIFICANT_CONCERNS, other_key)]


def test_an_msp_recommendation_of_a_warning_notice_is_stored_when_recorded(today, school, officer):
    group = visit_services.msp_group_set_up(
        school=school, chair=officer, set_up_on=TODAY - timedelta(days=200), headteacher="A Head",
        governor_name="A Chair", link_adviser=officer, actor=officer,
    )  # fmt: skip
    meeting = visit_services.msp_meeting_plan(group=group, held_on=TODAY - timedelta(days=3), actor=officer)
    assert stored(school) == []
    visit_services.msp_meeting_record(
        meeting=meeting, held_on=TODAY - timedelta(days=3), start_time=None, attendees="The group", reviews=[],
        impact_of_support="", support_refocused=False, refocus_details="", minutes="Minutes", summary_key_points="",
        recommendation=MspRecommendation.WARNING_NOTICE, actor=officer,
    )  # fmt: skip
    assert stored(school) == [(LetterKind.WARNING_NOTICE, f"msp-{meeting.pk}")]


def test_a_closed_school_loses_its_suggestions_and_an_academy_its_concerns(dropped):
    assert stored(dropped)
    dropped.establishment_type = EstablishmentType.objects.get(code=34)
    dropped.save()
    assert stored(dropped) == []
    dropped.establishment_type = EstablishmentType.objects.get(code=1)
    dropped.save()
    assert stored(dropped)
    dropped.status = SchoolStatus.CLOSED
    dropped.save()
    assert stored(dropped) == []


def test_an_approved_categorisation_is_not_read_by_the_rules_and_marks_nothing(dropped):
    """Categorisations are not among the suggestion rules' facts (letters.suggestions): approving
    one leaves the stored suggestions current (the property test includes them too)."""
    refresh(today=TODAY)
    ApprovedCategorisationFactory(school=dropped, level=SupportLevel.HIGH, approved_at=aware(2026, 11, 20))
    assert not state(dropped).stale
    assert differences(today=TODAY) == []


def test_suggestions_computed_for_yesterday_are_recomputed_for_today(dropped, other_school):
    refresh(today=TODAY - timedelta(days=1))
    assert refresh(today=TODAY) == 2
    assert set(StoredSuggestionState.objects.values_list("computed_for", flat=True)) == {TODAY}


def test_a_read_after_no_write_recomputes_nothing(dropped):
    refresh(today=TODAY)
    assert refresh(today=TODAY) == 0


def test_a_read_for_some_schools_recomputes_those_only(dropped, other_school):
    assert refresh(today=TODAY, school_ids=[dropped.pk]) == 1
    assert (state(dropped).stale, state(other_school).stale) == (False, True)
    assert refresh(today=TODAY) == 1


def test_a_school_deleted_with_its_inspections_leaves_no_state_behind(today, school, other_school):
    graded(school, TODAY - timedelta(days=1500), 2)
    graded(school, TODAY - timedelta(days=60), 3)
    refresh(today=TODAY)
    school.delete()
    assert not StoredSuggestionState.objects.filter(school_id=school.pk).exists()
    assert list(StoredSuggestionState.objects.values_list("school_id", flat=True)) == [other_school.pk]


def test_recomputing_every_school_at_once_gives_what_naming_them_gives(monkeypatch, dropped, other_school, officer):
    graded(other_school, TODAY - timedelta(days=1500), 3)
    graded(other_school, TODAY - timedelta(days=50), 2)
    monkeypatch.setattr(stored_suggestions, "WHOLE_SET", 0)
    assert refresh(today=TODAY) == 2
    assert differences(today=TODAY) == []
    assert len(StoredSuggestion.objects.all()) == 2


def test_the_nightly_task_recomputes_for_the_day_and_makes_missing_state_rows(dropped, other_school):
    from letters.tasks import refresh_stored_suggestions

    StoredSuggestionState.objects.filter(school=other_school).delete()  # as a raw SQL insert would leave it
    assert refresh_stored_suggestions(0) == 2
    assert differences(today=TODAY) == []


def test_the_stored_read_is_in_the_computed_order(today, officer):
    schools = [SchoolFactory(name=name) for name in ("Avocet", "Bittern", "Curlew")]
    for n, school in enumerate(schools):
        graded(school, TODAY - timedelta(days=1500), 2)
        graded(school, TODAY - timedelta(days=60 + 10 * (n % 2)), 3)
    computed = [(c.school_id, c.source_key) for c in compute_candidates(school_ids=None, today=TODAY)]
    assert [(s.school_id, s.source_key) for s in open_suggestions(school_ids=None, today=TODAY)] == computed


# ---- queries --------------------------------------------------------------------------------


def with_suggestions(count: int) -> list[School]:
    made = SchoolFactory.create_batch(count)
    for school in made:
        graded(school, TODAY - timedelta(days=1500), 2)
        graded(school, TODAY - timedelta(days=60), 3)
    return made


def test_a_read_after_one_write_recomputes_one_school_in_a_fixed_number_of_queries(today, school):
    with_suggestions(30)
    refresh(today=TODAY)
    graded(school, TODAY - timedelta(days=5), 4)
    with CaptureQueriesContext(connection) as one:
        assert refresh(today=TODAY) == 1
    assert len(one) <= 12


def test_every_schools_recomputation_runs_the_same_queries_for_few_or_many_schools(today):
    with_suggestions(3)
    with CaptureQueriesContext(connection) as few:
        refresh(today=TODAY)
    StoredSuggestionState.objects.update(stale=True)
    with_suggestions(30)
    with CaptureQueriesContext(connection) as many:
        refresh(today=TODAY)
    assert len(many) == len(few)


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("officer", "dashboard:home"),
        ("officer", "letters:suggestions"),
        ("adviser", "letters:suggestions"),
        ("adviser", "dashboard:home"),
    ],
)
def test_the_pages_reading_stored_suggestions_run_the_same_queries_for_few_or_many(
    client_as, today, adviser, role, url
):
    def counted() -> int:
        client = client_as(role)
        client.get(reverse(url))  # the first read recomputes what the writes marked
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse(url))
        assert response.status_code == 200
        return len(queries)

    for school in with_suggestions(3):
        School.objects.filter(pk=school.pk).update(link_adviser=adviser)
    few = counted()
    for school in with_suggestions(60):
        School.objects.filter(pk=school.pk).update(link_adviser=adviser)
    assert counted() == few


def test_the_suggestions_export_rows_run_the_same_queries_for_few_or_many(today, officer):
    from letters.exports import SUGGESTIONS

    def counted() -> tuple[int, int]:
        refresh(today=TODAY)
        fresh = type(officer).objects.get(pk=officer.pk)  # its permissions not yet cached
        with CaptureQueriesContext(connection) as queries:
            rows = list(SUGGESTIONS.rows(user=fresh, params={}))
        return len(rows), len(queries)

    with_suggestions(3)
    few_rows, few = counted()
    with_suggestions(40)
    many_rows, many = counted()
    assert (few_rows, many_rows) == (3, 43)
    assert many == few


# ---- concurrency (PostgreSQL) ---------------------------------------------------------------


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL (SQLite serialises writers)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_request_that_finds_a_recomputation_under_way_waits_and_does_not_pay_for_it_again(monkeypatch):
    import threading

    school = SchoolFactory(name="Heron Primary School")
    refresh(today=TODAY)
    StoredSuggestionState.objects.filter(school=school).update(stale=True)
    started, go, results = threading.Event(), threading.Event(), {}
    real = stored_suggestions.compute_candidates

    def slow(**kwargs):
        started.set()
        go.wait(60)
        return real(**kwargs)

    monkeypatch.setattr(stored_suggestions, "compute_candidates", slow)

    def run(name):
        try:
            results[name] = refresh(today=TODAY)
        finally:
            connection.close()

    first = threading.Thread(target=run, args=("first",))
    first.start()
    assert started.wait(60)  # the first request holds the stale row, computing
    started.clear()
    second = threading.Thread(target=run, args=("second",))
    second.start()
    second.join(2)
    assert second.is_alive()  # waiting for the first's lock, not computing
    go.set()
    first.join(60)
    second.join(60)
    assert results == {"first": 1, "second": 0}
    assert not started.is_set()  # the second never computed
