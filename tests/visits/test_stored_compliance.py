"""Stored compliance status (visits.stored_compliance, docs/adr/0026): after every kind of write,
in any order, and on any later day, the stored rows equal a full recomputation by compliance_rows.
The property test drives the services (and the model writes the other apps make) in random
sequences; the named tests pin each trigger and the locking and query behaviour."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase

from accounts.roles import Role
from accounts.services import user_set_role
from categorisation.models import SupportLevel
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.models import Governance, School, SchoolStatus, Term, TermName
from schools.services import import_run
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.factories import SchoolFactory, UserFactory
from visits import services
from visits.compliance import compliance_rows
from visits.entitlement import ComplianceStatus
from visits.models import MspGroup, MspGroupStatus, MspMeetingStatus, StoredCompliance, Visit, VisitStatus
from visits.stored_compliance import differences, refresh, stored_compliance, summarise_stored

START = date(2026, 9, 14)  # a Monday early in the autumn term
LEVELS = [SupportLevel.LOW, SupportLevel.MEDIUM, SupportLevel.HIGH]


def user(role: Role, username: str):
    made = UserFactory(username=username)
    user_set_role(user=made, role=role, actor=None)
    return made


# ---- the property: any sequence of writes ---------------------------------------------------


class World:
    """Three schools, an adviser and an officer; each step is one write through a service (or the
    model write another app makes), choosing its school and dates from the drawn numbers."""

    def __init__(self):
        self.day = START
        self.adviser = user(Role.ADVISER, "adviser")
        self.officer = user(Role.OFFICER, "officer")
        self.schools = [SchoolFactory(name=f"School {n}", link_adviser=self.adviser) for n in range(3)]
        # A start in which each kind of write changes something: one school per level, the first
        # visited by the adviser this term, the high-support one with an MSP group.
        for n, level in enumerate(LEVELS):
            ApprovedCategorisationFactory(school=self.schools[n], level=level, approved_at=aware(2026, 7, 10))
        visit = services.visit_plan(
            school=self.schools[0], adviser=self.adviser, visit_date=START - timedelta(days=7), actor=self.adviser
        )
        services.visit_complete(visit=visit, actor=self.adviser, today=START)
        self.set_up_msp(2, 10)

    def school(self, n: int):
        return self.schools[n % len(self.schools)]

    def categorise(self, n: int, k: int) -> None:
        approved = self.day - timedelta(days=k % 20)
        ApprovedCategorisationFactory(
            school=self.school(n), level=LEVELS[k % 3], approved_at=aware(approved.year, approved.month, approved.day)
        )

    def plan_visit(self, n: int, k: int) -> None:
        # led by the adviser while they are one (change_role), otherwise by the officer
        lead = self.adviser if self.adviser.groups.filter(name=Role.ADVISER).exists() else self.officer
        services.visit_plan(
            school=self.school(n), adviser=lead, visit_date=self.day + timedelta(days=k % 30 - 15), actor=lead
        )

    def complete_visit(self, n: int, k: int) -> None:
        visit = Visit.objects.filter(status=VisitStatus.PLANNED, visit_date__lte=self.day).order_by("pk").first()
        if visit:
            services.visit_complete(visit=visit, actor=self.adviser, today=self.day)

    def cancel_visit(self, n: int, k: int) -> None:
        visit = Visit.objects.filter(status=VisitStatus.PLANNED).order_by("-pk").first()
        if visit:
            services.visit_cancel(visit=visit, reason="School closed for snow", actor=self.adviser)

    def set_up_msp(self, n: int, k: int) -> None:
        school = School.objects.get(pk=self.school(n).pk)  # as an earlier import may have left it
        if not school.is_maintained:  # converted to an academy: the service refuses a group
            return
        if not MspGroup.objects.filter(school=school, status=MspGroupStatus.OPEN).exists():
            services.msp_group_set_up(
                school=school, chair=self.officer, set_up_on=self.day - timedelta(days=k % 40),
                headteacher="A Head", governor_name="A Chair", link_adviser=self.officer, actor=self.officer,
                today=self.day,
            )  # fmt: skip

    def plan_meeting(self, n: int, k: int) -> None:
        group = MspGroup.objects.filter(status=MspGroupStatus.OPEN).order_by("pk").first()
        if group:
            held_on = max(self.day - timedelta(days=k % 30), group.set_up_on)  # never before the group existed
            meeting = services.msp_meeting_plan(group=group, held_on=held_on, actor=self.officer)
            if k % 2:  # a meeting that took place
                meeting.status = MspMeetingStatus.HELD
                meeting.save()

    def close_msp(self, n: int, k: int) -> None:
        group = MspGroup.objects.filter(status=MspGroupStatus.OPEN).order_by("pk").first()
        if group:
            services.msp_group_close(
                group=group, closed_on=self.day, reason="Left high support", actor=self.officer, today=self.day
            )

    def buy_offer(self, n: int, k: int) -> None:
        year = self.day.year if self.day.month >= 9 else self.day.year - 1
        services.enhanced_offer_set(school=self.school(n), academic_year=year, half_days=k % 7, actor=self.officer)

    def close_school(self, n: int, k: int) -> None:
        school = self.school(n)
        school.status = SchoolStatus.CLOSED if school.status == SchoolStatus.OPEN else SchoolStatus.OPEN
        school.save()

    def change_link_adviser(self, n: int, k: int) -> None:
        school = self.school(n)
        school.link_adviser = None if school.link_adviser_id else self.adviser
        school.save()

    def change_role(self, n: int, k: int) -> None:
        # Visits count only when led by an adviser or officer: a lead who becomes a governor
        # stops counting.
        user_set_role(user=self.adviser, role=Role.GOVERNOR if k % 2 else Role.ADVISER, actor=self.officer)

    def move_term(self, n: int, k: int) -> None:
        Term.objects.update_or_create(
            academic_year=2026, name=TermName.AUTUMN,
            defaults={"starts_on": date(2026, 9, 1 + k % 7), "half_term_starts_on": date(2026, 10, 24 + k % 5),
                      "half_term_ends_on": date(2026, 11, 1), "ends_on": date(2026, 12, 18)},
        )  # fmt: skip

    def pass_days(self, n: int, k: int) -> None:
        self.day += timedelta(days=k % 40)  # across half-terms, into the next term

    def gias_import(self, n: int, k: int) -> None:
        # The register written set-wise (no model signals): a school converted to an academy (28) or
        # back, closed or reopened, beside a new maintained school that later steps visit.
        school, urn = self.school(n), 874600 + k % 2
        rows = [
            gias_row(urn=school.urn, name=school.name, type_code=28 if k % 2 else 1, phase="Primary",
                     establishment_number=school.establishment_number, status_code="2" if k % 3 == 0 else "1"),
            gias_row(urn=urn, name=f"Dunlin Primary School {k % 2}", type_code=1, phase="Primary"),
        ]  # fmt: skip
        data = to_csv_bytes(current_gias_header(), rows, encoding="utf-8")
        import_run(kind="gias", data=data, filename="edubasealldata.csv", actor=None, options={"la_codes": ["874"]})
        new = School.objects.get(urn=urn)
        if new.pk not in {s.pk for s in self.schools}:
            self.schools.append(new)

    STEPS = [
        "categorise", "plan_visit", "complete_visit", "cancel_visit", "set_up_msp", "plan_meeting", "close_msp",
        "buy_offer", "close_school", "change_link_adviser", "change_role", "move_term", "pass_days", "gias_import",
    ]  # fmt: skip


step = st.tuples(st.sampled_from(World.STEPS), st.integers(0, 2), st.integers(0, 200))


class StoredStatusEqualsRecomputationTests(TestCase):
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(st.lists(step, min_size=1, max_size=12))
    def test_the_stored_status_equals_a_full_recomputation_after_any_sequence_of_writes(self, steps):
        world = World()
        refresh(today=world.day)
        for name, n, k in steps:
            getattr(world, name)(n, k)
            refresh(today=world.day)
            assert differences(today=world.day) == [], f"after {name}({n}, {k}) on {world.day}"


# ---- each trigger, by name --------------------------------------------------------------------

pytestmark = pytest.mark.django_db
TODAY = date(2026, 11, 23)


@pytest.fixture
def school():
    school = SchoolFactory(name="Heron Primary School")
    ApprovedCategorisationFactory(school=school, level=SupportLevel.MEDIUM, approved_at=aware(2026, 9, 10))
    return school


def stored(school) -> StoredCompliance:
    return stored_compliance(today=TODAY).get(school=school)


def test_a_new_school_gets_a_stale_row_when_saved_and_the_next_read_computes_it(school):
    assert StoredCompliance.objects.get(school=school).stale
    assert stored(school).visits_status == ComplianceStatus.DUE
    assert not StoredCompliance.objects.get(school=school).stale


def test_an_academy_saved_gets_no_row(school):
    academy = SchoolFactory(name="Dunlin Academy", academy=True)
    assert not StoredCompliance.objects.filter(school=academy).exists()


def test_a_school_whose_type_becomes_maintained_gets_a_row_and_one_whose_type_does_not_loses_it(school):
    academy = SchoolFactory(name="Dunlin Academy", academy=True)
    refresh(today=TODAY)
    academy.establishment_type.governance = Governance.MAINTAINED
    academy.establishment_type.save()
    assert StoredCompliance.objects.get(school=academy).stale
    maintained = school.establishment_type
    maintained.governance = Governance.ACADEMY
    maintained.save()
    assert refresh(today=TODAY) == 2
    assert list(StoredCompliance.objects.values_list("school_id", flat=True)) == [academy.pk]


def test_a_school_with_no_row_past_the_signals_is_found_by_the_nightly_refresh_only(school):
    StoredCompliance.objects.all().delete()  # as if loaded past the signals (a raw load)
    assert refresh(today=TODAY) == 0
    assert refresh(today=TODAY, look_for_missing=True) == 1
    assert not StoredCompliance.objects.get(school=school).stale


def test_a_completed_visit_marks_the_row_stale_in_its_transaction_and_the_next_read_has_it(school, adviser):
    stored(school)
    visit = services.visit_plan(school=school, adviser=adviser, visit_date=TODAY - timedelta(days=5), actor=adviser)
    services.visit_complete(visit=visit, actor=adviser, today=TODAY)
    assert StoredCompliance.objects.get(school=school).stale
    assert stored(school).visits_status == ComplianceStatus.MET


def test_a_role_given_to_an_account_that_leads_no_visits_marks_no_row_stale(school):
    SchoolFactory(name="Avocet Primary School")
    refresh(today=TODAY)
    user(Role.GOVERNOR, "new-governor")
    user(Role.ADVISER, "new-adviser")
    assert set(StoredCompliance.objects.values_list("stale", flat=True)) == {False}


def test_an_adviser_who_becomes_a_governor_marks_only_the_schools_of_the_visits_they_led_stale(school, adviser):
    other = SchoolFactory(name="Avocet Primary School")
    visit = services.visit_plan(school=school, adviser=adviser, visit_date=TODAY - timedelta(days=5), actor=adviser)
    services.visit_complete(visit=visit, actor=adviser, today=TODAY)
    refresh(today=TODAY)
    assert stored(school).visits_status == ComplianceStatus.MET
    user_set_role(user=adviser, role=Role.GOVERNOR, actor=None)
    assert dict(StoredCompliance.objects.values_list("school_id", "stale")) == {school.pk: True, other.pk: False}
    assert stored(school).visits_status == ComplianceStatus.DUE  # a governor's visit does not count


def test_an_approved_categorisation_is_in_the_stored_row_at_once(school):
    stored(school)
    ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH, approved_at=aware(2026, 11, 20))
    row = stored(school)
    assert (row.level, row.msp_to_set_up, row.needs_attention) == (SupportLevel.HIGH, True, True)


def test_a_closed_school_loses_its_row(school):
    stored(school)
    school.status = SchoolStatus.CLOSED
    school.save()
    assert not stored_compliance(today=TODAY).filter(school=school).exists()


def test_a_gias_import_marks_the_rows_of_the_schools_it_changes_stale_and_its_new_school_gets_a_row(school):
    other = SchoolFactory(name="Avocet Primary School")
    refresh(today=TODAY)
    # The school becomes an academy converter (type 28): it loses its entitlement, so its row goes.
    converted = gias_row(urn=school.urn, name=school.name, type_code=28, phase="Primary",
                         establishment_number=school.establishment_number)  # fmt: skip
    new = gias_row(urn=874555, name="Kingfisher Primary School", type_code=1, phase="Primary")
    data = to_csv_bytes(current_gias_header(), [converted, new], encoding="utf-8")
    record = import_run(kind="gias", data=data, filename="edubasealldata.csv", actor=None,
                        options={"la_codes": ["874"]})  # fmt: skip
    assert (record.created, record.updated) == (1, 1), record.message
    new_school = School.objects.get(urn=874555)
    assert dict(StoredCompliance.objects.values_list("school_id", "stale")) == {
        school.pk: True,
        other.pk: False,
        new_school.pk: True,
    }
    assert refresh(today=TODAY) == 2
    assert dict(StoredCompliance.objects.values_list("school_id", "stale")) == {other.pk: False, new_school.pk: False}


def test_once_a_gias_import_commits_the_worker_has_recomputed_what_it_marked(
    school, django_capture_on_commit_callbacks, on_day
):
    from letters.models import StoredSuggestionState

    on_day(TODAY)
    refresh(today=TODAY)
    row = gias_row(urn=874555, name="Kingfisher Primary School", type_code=1, phase="Primary")
    data = to_csv_bytes(current_gias_header(), [row], encoding="utf-8")
    with django_capture_on_commit_callbacks(execute=True):  # tasks run inline in tests, after the commit
        record = import_run(kind="gias", data=data, filename="edubasealldata.csv", actor=None,
                            options={"la_codes": ["874"]})  # fmt: skip
    assert record.created == 1, record.message
    new = School.objects.get(urn=874555)
    assert dict(StoredCompliance.objects.values_list("school_id", "stale")) == {school.pk: False, new.pk: False}
    assert not StoredSuggestionState.objects.filter(stale=True).exists()
    assert refresh(today=TODAY) == 0


def test_rows_computed_for_yesterday_are_recomputed_for_today(school):
    refresh(today=TODAY - timedelta(days=1))
    assert refresh(today=TODAY) == 1
    assert StoredCompliance.objects.get(school=school).computed_for == TODAY


def test_a_read_after_no_write_recomputes_nothing(school):
    refresh(today=TODAY)
    assert refresh(today=TODAY) == 0


def test_the_summary_counted_by_the_database_is_the_summary_of_the_computed_rows(school, adviser):
    from visits.compliance import summarise

    SchoolFactory(name="Avocet Primary School")
    visit = services.visit_plan(school=school, adviser=adviser, visit_date=TODAY - timedelta(days=3), actor=adviser)
    services.visit_complete(visit=visit, actor=adviser, today=TODAY)
    assert summarise_stored(stored_compliance(today=TODAY)) == summarise(compliance_rows(today=TODAY))


def test_a_read_after_one_write_recomputes_one_school_in_a_fixed_number_of_queries(school, adviser):
    for n in range(30):
        SchoolFactory(name=f"School {n}")
    refresh(today=TODAY)
    services.visit_plan(school=school, adviser=adviser, visit_date=TODAY + timedelta(days=3), actor=adviser)
    with CaptureQueriesContext(connection) as one:
        assert refresh(today=TODAY) == 1
    assert len(one) <= 16


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL (SQLite serialises writers)")
# serialized_rollback: a transactional test run after another (a browser test's flush) gets the data
# migrations' reference rows back (establishment types, roles).
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_request_that_finds_a_recomputation_under_way_waits_and_does_not_pay_for_it_again(monkeypatch):
    import threading

    from visits import stored_compliance as module

    school = SchoolFactory(name="Heron Primary School")
    refresh(today=TODAY)
    StoredCompliance.objects.filter(school=school).update(stale=True)
    started, go, results = threading.Event(), threading.Event(), {}
    real = module.compliance_rows

    def slow_rows(**kwargs):
        started.set()
        go.wait(60)
        return real(**kwargs)

    monkeypatch.setattr(module, "compliance_rows", slow_rows)

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


@pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL (SQLite serialises writers)")
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_a_write_made_while_its_school_is_recomputed_waits_and_leaves_the_row_stale(monkeypatch):
    """The refresh could not see the write (still in flight): had the mark skipped the row because it
    was already stale, the refresh would store it fresh and the write would be lost until tomorrow."""
    import threading

    from visits import stored_compliance as module

    school = SchoolFactory(name="Heron Primary School")
    refresh(today=TODAY)
    module.mark_stale(school_ids=[school.pk])
    started, go, marked = threading.Event(), threading.Event(), threading.Event()
    real = module.compliance_rows

    def slow_rows(**kwargs):
        rows = real(**kwargs)
        started.set()
        go.wait(60)
        return rows

    monkeypatch.setattr(module, "compliance_rows", slow_rows)

    def recompute():
        try:
            refresh(today=TODAY)
        finally:
            connection.close()

    def write():
        try:
            module.mark_stale(school_ids=[school.pk])
            marked.set()
        finally:
            connection.close()

    reader = threading.Thread(target=recompute)
    reader.start()
    assert started.wait(60)
    writer = threading.Thread(target=write)
    writer.start()
    writer.join(2)
    assert writer.is_alive()  # waiting for the refresh's lock
    assert not marked.is_set()
    go.set()
    reader.join(60)
    writer.join(60)
    assert marked.is_set()
    assert StoredCompliance.objects.get(school=school).stale
