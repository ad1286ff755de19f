import pytest
from django.utils import timezone


@pytest.fixture
def today():
    return timezone.localdate()


@pytest.fixture
def linked(school, adviser):
    """`school` with `adviser` as its link adviser."""
    school.link_adviser = adviser
    school.save()
    return school


def date_fields(name: str, day) -> dict:
    """A GOV.UK date input's three boxes, as the browser posts them."""
    return {f"{name}_0": str(day.day), f"{name}_1": str(day.month), f"{name}_2": str(day.year)}


def content(response) -> str:
    if getattr(response, "streaming", False):
        return b"".join(response.streaming_content).decode("utf-8", "replace")
    return response.content.decode("utf-8", "replace")
