import pytest

from tests.factories import SchoolFactory


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
