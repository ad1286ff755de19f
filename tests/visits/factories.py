"""factory-boy factories for visits, actions, MSP groups and meetings, enhanced offers. Their
dates are relative to the clock's today (the suite can run on any day: `pytest --today`)."""

from datetime import timedelta

import factory
from django.utils import timezone

from accounts.roles import Role
from accounts.services import user_set_role
from schools.terms import academic_year_of
from tests.factories import SchoolFactory, UserFactory
from visits.models import (
    Action,
    ActionOwner,
    EnhancedOffer,
    MspGroup,
    MspMeeting,
    MspMeetingStatus,
    MspMember,
    MspMemberRole,
    MspRecommendation,
    Visit,
    VisitLength,
    VisitStatus,
    VisitType,
)


def days_from_today(days: int):
    return factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=days))


class AdviserFactory(UserFactory):
    """A user with the adviser role (only advisers and officers lead visits)."""

    class Meta:
        skip_postgeneration_save = True

    @factory.post_generation
    def role(obj, create, extracted, **kwargs):
        if create:
            user_set_role(user=obj, role=extracted or Role.ADVISER, actor=None)


class VisitFactory(factory.django.DjangoModelFactory):
    """A planned half-day core-entitlement visit, led by an adviser."""

    class Meta:
        model = Visit

    school = factory.SubFactory(SchoolFactory)
    adviser = factory.SubFactory(AdviserFactory)
    visit_date = days_from_today(-20)
    length = VisitLength.HALF_DAY
    visit_type = VisitType.CORE
    status = VisitStatus.PLANNED

    class Params:
        completed = factory.Trait(status=VisitStatus.COMPLETED)
        cancelled = factory.Trait(status=VisitStatus.CANCELLED, cancelled_reason="The head was ill.")


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    school = factory.SubFactory(SchoolFactory)
    description = factory.Sequence(lambda n: f"Improve writing across key stage 2 (action {n})")
    owner = ActionOwner.SCHOOL
    due_on = days_from_today(+14)


class MspGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MspGroup

    school = factory.SubFactory(SchoolFactory)
    chair = factory.SubFactory(UserFactory)
    set_up_on = days_from_today(-320)


class MspMemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MspMember

    group = factory.SubFactory(MspGroupFactory)
    name = "Mrs Jane Smith"
    role = MspMemberRole.HEADTEACHER


class MspMeetingFactory(factory.django.DjangoModelFactory):
    """A held meeting recommending that support continues, summary not published."""

    class Meta:
        model = MspMeeting

    group = factory.SubFactory(MspGroupFactory)
    held_on = days_from_today(-18)
    status = MspMeetingStatus.HELD
    attendees = "The chair, the headteacher, the chair of governors, the link adviser"
    minutes = "Minutes of the meeting."
    summary_key_points = "Summary key points of the meeting."
    recommendation = MspRecommendation.CONTINUE

    class Params:
        planned = factory.Trait(status=MspMeetingStatus.PLANNED, minutes="", summary_key_points="", recommendation="")


class EnhancedOfferFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EnhancedOffer

    school = factory.SubFactory(SchoolFactory)
    academic_year = factory.LazyFunction(lambda: academic_year_of(timezone.localdate()))
    half_days = 6
