"""The academies demo: a concern at each rung of the ladder, each routing, a closed and a reopened
concern, and intelligence entries (one restricted)."""

import io
from datetime import date

import pytest
from django.core.management import call_command

from academies.models import (
    Concern,
    ConcernDecision,
    ConcernLetter,
    ConcernStatus,
    ConcernStep,
    DecisionKind,
    IntelligenceEntry,
    Routing,
)
from academies.selectors import concerns_visible_to, stage_of

pytestmark = pytest.mark.django_db


def test_the_demo_has_every_stage_routing_and_ending(make_user, on_day):
    on_day(date(2026, 11, 16))
    call_command("seed_demo", stdout=io.StringIO())
    concerns = list(Concern.objects.prefetch_related("steps"))
    assert {stage_of(c) for c in concerns} == {"", "meeting", "formal_letter", "escalation"}
    assert set(Routing.objects.values_list("kind", flat=True)) == {"parent_complaint", "whistleblowing", "safeguarding"}
    assert {c.status for c in concerns} == {ConcernStatus.OPEN, ConcernStatus.CLOSED}
    assert ConcernDecision.objects.filter(kind=DecisionKind.REOPENED).exists()
    assert IntelligenceEntry.objects.filter(sensitivity="restricted").exists()
    assert IntelligenceEntry.objects.filter(sensitivity="normal").exists()
    assert concerns_visible_to(concerns[0].owner).count() == len(concerns)
    # The formal-letter steps carry their issued letter to the chair of the trust (ADR 0017).
    with_letters = ConcernStep.objects.filter(stage="formal_letter", letter__isnull=False).select_related("letter")
    assert with_letters.exists()
    for step in with_letters:
        assert step.letter.is_issued
        assert step.letter.issued_on == step.taken_on
        assert step.letter.copies
        assert ConcernLetter.objects.get(letter=step.letter).concern == step.concern
