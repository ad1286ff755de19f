from datetime import date, timedelta
from typing import cast

import pytest
from django.utils import timezone

from accounts.roles import Role
from schools.models import OfstedInspection
from tests.factories import InspectionFactory, SchoolFactory


@pytest.fixture
def link_school(school, adviser):
    """`school` (governed by `governor`) with `adviser` as its link adviser and a chair recorded."""
    school.link_adviser = adviser
    school.chair_of_governors = "Grace Holt"
    school.save()
    return school


@pytest.fixture
def academy(db):
    return SchoolFactory(name="Osprey Academy", academy=True)


@pytest.fixture
def second_officer(make_user):
    """Another officer: a warning notice or a top-tier letter that `officer` wrote needs their approval."""
    return make_user(Role.OFFICER, username="officer2", first_name="Sam", last_name="Patel")


@pytest.fixture
def trust_academy(academy):
    """`academy`, its trust named, with a chair of trustees and a chief executive recorded."""
    trust = academy.trust
    trust.name, trust.chair_name, trust.ceo_name = "Fenland Learning Trust", "Mr Richard Cole", "Dr Helen Marsh"
    trust.save()
    return academy


# The day a letter of concern asking for an action plan is issued in the plan pages' tests (a Monday
# before the Christmas holiday); they run on that day, so two years ahead is 14 December 2028.
PLAN_ISSUED_ON = date(2026, 12, 14)


# The actions of the plan the school sends in the `sent` fixture.
PLAN_ROWS = (
    ("Train every teacher in phonics", "school", date(2027, 2, 12)),
    ("Adviser reviews", "la", date(2027, 3, 19)),
)


@pytest.fixture
def plan(link_school, headteacher, adviser, officer, on_day):
    """The action plan a significant concerns letter issued today (PLAN_ISSUED_ON) asks of `link_school`."""
    from .factories import issued

    on_day(PLAN_ISSUED_ON)
    return issued(link_school, "significant_concerns", drafter=adviser, officer=officer).action_plan


# The warning notice of the warning-notice tests: issued 1 August 2026, its compliance period ending
# on NOTICE_END (the tests' own days around it; no test reads the real date against it).
NOTICE_END = date(2026, 10, 1)


@pytest.fixture
def notice(officer, link_school, second_officer):
    """A warning notice to `link_school`, drafted by `second_officer`, approved and issued by `officer`."""
    from .factories import issued

    return issued(
        link_school, "warning_notice", drafter=second_officer, officer=officer, issued_on=date(2026, 8, 1),
        compliance_end_date=NOTICE_END,
    )  # fmt: skip


@pytest.fixture
def sent(plan, headteacher):
    """`plan`, sent by the headteacher with a PDF and PLAN_ROWS' actions, awaiting the LA's view."""
    from letters import action_plans

    from .plan_files import PDF, upload

    return action_plans.action_plan_submit(
        plan=plan,
        actor=headteacher,
        text="Our plan",
        items=[action_plans.PlanItem(d, o, day) for d, o, day in PLAN_ROWS],
        upload=upload("Our plan.pdf", PDF),
        today=date(2027, 1, 6),
    )


def grade_improved(school) -> OfstedInspection:
    """Two graded inspections, Requires improvement then Good: a congratulations letter is
    suggested (its key: f"ofsted-{the latest's pk}"). Returns the latest."""
    today = timezone.localdate()
    for days, grade in ((4 * 365, 3), (100, 2)):
        when = today - timedelta(days=days)
        inspection = cast(
            OfstedInspection,
            InspectionFactory(
                school=school, start_date=when, publication_date=when + timedelta(days=20), overall_effectiveness=grade
            ),
        )
    return inspection
