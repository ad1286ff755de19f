"""factory-boy factories for the register and users. Dates are relative to the clock's today."""

from datetime import timedelta

import factory
from django.contrib.auth import get_user_model
from django.utils import timezone

from schools.models import (
    EstablishmentType,
    OfstedFramework,
    OfstedInspection,
    PerformanceMeasure,
    PerformanceResult,
    School,
    Trust,
    Ward,
)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name")
    last_name = factory.Faker("last_name")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("correct-horse-battery")


class TrustFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Trust

    code = factory.Sequence(lambda n: f"{20000 + n}")
    name = factory.Sequence(lambda n: f"Trust {n}")


class WardFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Ward

    code = factory.Sequence(lambda n: f"E0{5100000 + n}")
    name = factory.Sequence(lambda n: f"Ward {n}")


class SchoolFactory(factory.django.DjangoModelFactory):
    """An open LA-maintained community primary of LA 874 (type 1 exists from the data migration)."""

    class Meta:
        model = School

    urn = factory.Sequence(lambda n: 300000 + n)
    la_code = "874"
    la_name = "Peterborough"
    establishment_number = factory.Sequence(lambda n: f"{2000 + n % 7000:04d}")
    name = factory.Sequence(lambda n: f"Test Primary School {n}")
    establishment_type = factory.LazyFunction(lambda: EstablishmentType.objects.get(code=1))
    phase = "Primary"
    number_on_roll = 210
    ward = factory.SubFactory(WardFactory)
    head_title = "Mrs"
    head_first_name = "Jane"
    head_last_name = "Smith"

    class Params:
        academy = factory.Trait(
            establishment_type=factory.LazyFunction(lambda: EstablishmentType.objects.get(code=34)),
            trust=factory.SubFactory(TrustFactory),
        )


class InspectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = OfstedInspection

    school = factory.SubFactory(SchoolFactory)
    inspection_number = factory.Sequence(lambda n: f"{10000000 + n}")
    framework = OfstedFramework.GRADED
    start_date = factory.LazyFunction(lambda: timezone.localdate() - timedelta(days=400))
    overall_effectiveness = 2


class PerformanceResultFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PerformanceResult

    school = factory.SubFactory(SchoolFactory)
    measure = factory.LazyFunction(lambda: PerformanceMeasure.objects.get(code="ks2_rwm_expected"))
    academic_year = 2024
    value = 55
    national_value = 62
