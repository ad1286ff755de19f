"""The partial index behind the open maintained schools (schools.School.Meta.indexes) covers
exactly the schools visits.compliance gives an entitlement: its condition names the same statuses."""

from django.db.models import Q

from schools.models import School
from visits.compliance import NO_ENTITLEMENT_STATUSES


def test_the_entitled_schools_index_excludes_exactly_the_statuses_without_an_entitlement():
    index = next(i for i in School._meta.indexes if i.name == "school_entitled_by_type")
    assert index.condition == ~Q(status__in=[str(status) for status in NO_ENTITLEMENT_STATUSES])
