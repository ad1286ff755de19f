"""Pages run the same number of SQL queries for a few schools as for many, and however many visits,
actions and meetings they have (DESIGN.md quality bar; the pattern of tests/schools/test_pages.py)."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from categorisation.models import SupportLevel
from tests.categorisation.factories import ApprovedCategorisationFactory, aware
from tests.factories import SchoolFactory
from tests.visits.factories import (
    ActionFactory,
    EnhancedOfferFactory,
    MspGroupFactory,
    MspMeetingFactory,
    MspMemberFactory,
    VisitFactory,
)
from visits import services
from visits.models import MspMemberRole, VisitStatus, VisitType

pytestmark = pytest.mark.django_db
LEVELS = [SupportLevel.HIGH, SupportLevel.MEDIUM, SupportLevel.LOW, None]


def populate(count: int, *, adviser, officer, school=None) -> None:
    """`count` maintained schools (the first is `school` when given), each with categories, visits,
    actions, an MSP group with meetings and an enhanced offer."""
    today = timezone.localdate()
    for n in range(count):
        target = school if (school is not None and n == 0) else SchoolFactory(link_adviser=adviser)
        level = LEVELS[n % len(LEVELS)]
        if level:
            ApprovedCategorisationFactory(school=target, level=SupportLevel.MEDIUM, approved_at=aware(2025, 6, 1))
            ApprovedCategorisationFactory(school=target, level=level, approved_at=aware(2026, 6, 1))
        for k in range(3):
            kind = [VisitType.CORE, VisitType.ENHANCED][k % 2]
            day = today - timedelta(days=20 * k + 1)
            visit = VisitFactory(
                school=target, adviser=adviser, visit_date=day, status=VisitStatus.COMPLETED, visit_type=kind
            )
            ActionFactory(school=target, visit=visit, due_on=today - timedelta(days=k))
        VisitFactory(school=target, adviser=adviser, visit_date=today + timedelta(days=2 + n % 5))
        group = MspGroupFactory(school=target, chair=officer, set_up_on=date(2026, 1, 12))
        MspMemberFactory(group=group, name="Adam Reid", role=MspMemberRole.LINK_ADVISER, user=adviser)
        for k in range(2):
            MspMeetingFactory(
                group=group, held_on=today - timedelta(days=30 * k + 3), summary_published_at=timezone.now()
            )
        MspMeetingFactory(group=group, planned=True, held_on=today + timedelta(days=4))
        EnhancedOfferFactory(school=target, academic_year=2026, half_days=4)


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    if getattr(response, "streaming", False):
        b"".join(response.streaming_content)
    return len(captured)


PAGES = [
    ("officer", lambda ctx: reverse("visits:compliance"), None),
    ("officer", lambda ctx: reverse("visits:compliance"), {"category": "high", "status": "attention"}),
    ("adviser", lambda ctx: reverse("visits:compliance"), None),
    ("officer", lambda ctx: reverse("visits:compliance_export", kwargs={"fmt": "csv"}), None),
    ("officer", lambda ctx: reverse("visits:compliance_export", kwargs={"fmt": "xlsx"}), None),
    ("adviser", lambda ctx: reverse("visits:list"), {"adviser": ""}),
    ("adviser", lambda ctx: reverse("visits:actions"), None),
    ("officer", lambda ctx: reverse("visits:msp_list"), None),
    ("adviser", lambda ctx: reverse("visits:calendar"), {"weeks": "13"}),
    ("adviser", lambda ctx: reverse("dashboard:home"), None),
    ("officer", lambda ctx: reverse("dashboard:home"), None),
    ("adviser", lambda ctx: ctx["school"].get_absolute_url(), None),
    ("governor", lambda ctx: ctx["school"].get_absolute_url(), None),
    ("adviser", lambda ctx: ctx["school"].visits.order_by("id").first().get_absolute_url(), None),
    ("officer", lambda ctx: ctx["school"].msp_groups.get().get_absolute_url(), None),
    ("officer", lambda ctx: ctx["school"].msp_groups.get().meetings.order_by("id").first().get_absolute_url(), None),
    ("officer", lambda ctx: reverse("visits:msp_meeting_new", kwargs={"pk": ctx["school"].msp_groups.get().pk}), None),
    ("anonymous", lambda ctx: reverse("visits:calendar_feed", kwargs={"token": ctx["token"]}), None),
]


@pytest.mark.parametrize(("role", "url", "params"), PAGES)
def test_pages_run_the_same_queries_for_few_or_many_schools_and_visits(
    client_as, school, governor, adviser, officer, role, url, params
):
    school.link_adviser = adviser
    school.save()
    ctx = {"school": school, "token": services.calendar_token_regenerate(user=adviser, actor=adviser)}
    client = client_as(role)
    populate(3, adviser=adviser, officer=officer, school=school)
    queries(client, url(ctx), params)  # warm the process's caches (content types for the read log)
    few = queries(client, url(ctx), params)
    populate(12, adviser=adviser, officer=officer)
    # and a longer history for the school itself
    for k in range(6):
        visit = VisitFactory(school=school, adviser=adviser, visit_date=date(2025, 10, 1) + timedelta(days=k))
        ActionFactory(school=school, visit=visit)
    # the stored compliance status of the new schools is computed by the first read after the
    # writes (tests/visits/test_stored_compliance.py counts that); the pages' own queries after it
    queries(client, url(ctx), params)
    many = queries(client, url(ctx), params)
    assert few == many
