"""One long unbroken word someone typed (a pasted URL, a name without spaces) wraps inside its table
cell: the table stays as wide as its column, so its other columns (an action's due date and status,
a user's role and email) stay in view for every row. Before, a 5,000-letter action made the
governor's actions table 53,570 px wide and hid "Due by" and "Status" for every action.

The records are made before the browser starts (no ORM calls while Playwright runs: conftest.py)."""

import pytest

from .conftest import sign_in

LONG = "A" * 2000


@pytest.fixture
def long_text(demo_site):
    from django.contrib.auth import get_user_model

    from schools.models import School
    from tests.visits.factories import ActionFactory, VisitFactory

    User = get_user_model()
    User.objects.create_user(username="longname", email="long@example.org", first_name="F" * 150, last_name="L" * 150)
    school = School.objects.get(urn=874001)
    shared = VisitFactory(school=school, adviser=User.objects.get(username="adviser"), completed=True)
    shared.shared_on = shared.visit_date
    shared.save()
    ActionFactory(school=school, visit=shared, description=f"Publish {LONG}")
    return {"admin": "/accounts/users/", "governor": "/schools/874001/", "officer": f"/visits/{shared.pk}/"}


WIDEST = """() => Math.max(...[...document.querySelectorAll('table')].map(
    table => table.getBoundingClientRect().width - table.parentElement.getBoundingClientRect().width))"""


def test_a_long_unbroken_word_wraps_in_its_cell_and_every_column_stays_in_view(long_text, browser, demo_site):
    for role, path in long_text.items():
        context = browser.new_context(viewport={"width": 1280, "height": 900})
        page = context.new_page()
        try:
            sign_in(page, demo_site, role)
            page.goto(f"{demo_site}{path}")
            assert page.get_by_text("Publish AAAA").count() or page.get_by_text("FFFF").count(), (role, path)
            assert page.evaluate(WIDEST) <= 1, (role, path)  # no table wider than the column it is in
        finally:
            context.close()
