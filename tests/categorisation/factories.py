"""factory-boy factories for categorisations, for this app's tests and other apps' (visits,
letters) that need categorised schools:

    ApprovedCategorisationFactory(school=school, level=SupportLevel.HIGH, academic_year=2026,
                                  term="autumn", approved_at=aware_datetime)

Both use the framework loaded by the data migration (the 2022-2024 strategy's criteria) unless
given another. The approved one ticks a statement at its level so that its evidence is not
empty; neither goes through the services (no elected members alert is raised)."""

from datetime import date, datetime

import factory
from django.utils import timezone

from categorisation.models import (
    Categorisation,
    Criterion,
    Framework,
    Status,
    SupportLevel,
    Tick,
)
from schools.terms import term_on
from tests.factories import SchoolFactory, UserFactory

STRATEGY_FRAMEWORK = "School Improvement Strategy 2022-2024"


TERM_DAYS = {"autumn": (0, 10, 1), "spring": (1, 2, 1), "summer": (1, 5, 1)}


def day_in_term(academic_year: int, term: str) -> date:
    offset, month, day = TERM_DAYS[term]
    return date(academic_year + offset, month, day)


def strategy_framework() -> Framework:
    return Framework.objects.get(name=STRATEGY_FRAMEWORK)


def _current_term():
    return term_on(timezone.localdate())


class CategorisationFactory(factory.django.DjangoModelFactory):
    """A draft categorisation for the current term (the clock's), under the 2022-2024 framework."""

    class Meta:
        model = Categorisation

    school = factory.SubFactory(SchoolFactory)
    framework = factory.LazyFunction(strategy_framework)
    academic_year = factory.LazyFunction(lambda: _current_term().academic_year)
    term = factory.LazyFunction(lambda: _current_term().term)
    status = Status.DRAFT
    started_on = factory.LazyAttribute(lambda o: min(day_in_term(o.academic_year, o.term), timezone.localdate()))
    created_by = factory.SubFactory(UserFactory)


class ApprovedCategorisationFactory(CategorisationFactory):
    """An approved categorisation at `level` (default medium), approved at `approved_at` (default
    now), with one ticked statement at its level."""

    class Meta:
        skip_postgeneration_save = True

    status = Status.APPROVED
    level = SupportLevel.MEDIUM
    suggested_level = factory.SelfAttribute("level")
    submitted_by = factory.SelfAttribute("created_by")
    approved_by = factory.SubFactory(UserFactory, first_name="Olivia", last_name="Okafor")
    approved_at = factory.LazyFunction(timezone.now)
    submitted_at = factory.SelfAttribute("approved_at")

    @factory.post_generation
    def ticks(obj, create, extracted, **kwargs):
        if not create:
            return
        criterion = (
            Criterion.objects.filter(area__framework=obj.framework, level=obj.level).order_by("area__order", "order")
        ).first()
        if criterion is not None:
            Tick.objects.create(categorisation=obj, criterion=criterion, evidence="Seen on the autumn visit.")


def aware(year: int, month: int, day: int, hour: int = 12) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))
