"""GOV.UK error pattern on every form page: a submission with errors shows the error summary, and the
page's <title> starts "Error: " (one mechanism for all: {% error_prefix %} in base.html). Dates that
do not exist get a message naming the date, never Python's own ("day is out of range for month")."""

import re
from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape

from categorisation.models import Framework
from core.forms import DATE_YEAR_OUT_OF_RANGE, NOT_A_REAL_DATE
from schools.models import Ward
from tests.categorisation.factories import CategorisationFactory, strategy_framework
from tests.factories import SchoolFactory
from tests.letters.factories import approved, draft
from tests.visits.factories import ActionFactory, MspGroupFactory, MspMeetingFactory, VisitFactory

pytestmark = pytest.mark.django_db

TITLE = re.compile(r"<title>(.*?)</title>", re.S)
PYTHON_DATE_MESSAGES = ("out of range", "must be in", "day is", "month must", "year is")


@pytest.fixture
def objects(school, adviser, officer, admin_user):
    """One of everything a form page needs, by the name the pages below give their URL argument."""
    school.link_adviser = adviser
    school.save()
    today = timezone.localdate()
    ward = Ward.objects.create(code="E05000001", name="Central")
    councillor = ward.councillors.create(name="Cllr Jo Bloggs", email="jo@example.gov.uk")
    group = MspGroupFactory(school=school, chair=officer)
    return {
        "school": school.urn,
        "uncategorised": SchoolFactory(name="Wren Primary School").urn,
        "visit": VisitFactory(
            school=school, adviser=adviser, visit_date=today, focus_areas=["safeguarding", "quality_of_education"]
        ).pk,
        "completed": VisitFactory(school=school, adviser=adviser, visit_date=today - timedelta(3), completed=True).pk,
        "action": ActionFactory(school=school).pk,
        "group": group.pk,
        "meeting": MspMeetingFactory(group=group, held_on=today).pk,
        "categorisation": CategorisationFactory(school=school, created_by=adviser).pk,
        "framework": strategy_framework().pk,
        "draft_framework": Framework.objects.create(name="Report card 2027").pk,
        "ward": ward.pk,
        "councillor": councillor.pk,
        "letter": draft(school, "congratulations", actor=adviser).pk,
        "approved": approved(school, "significant_concerns", drafter=adviser, officer=officer).pk,
        "user": adviser.pk,
        "year": today.year,
        "gias": "gias",
        "congratulations": "congratulations",
    }


def address(objects, view: str, argument: str | None) -> str:
    return reverse(view, args=[objects[argument]] if argument else [])


# (name, role, view, its argument (a key of `objects`), posted data): each submission lacks something required.
FORM_PAGES = [
    ("own password", "adviser", "accounts:password_change", None, {}),
    ("create a user", "admin", "accounts:user_create", None, {}),
    ("change a user", "admin", "accounts:user_detail", "user", {}),
    ("set a password", "admin", "accounts:user_password", "user", {}),
    ("school details", "officer", "schools:edit", "school", {}),
    ("upload an import", "admin", "schools:import_new", "gias", {}),
    ("term dates", "admin", "schools:term_dates_edit", "year", {}),
    ("add a councillor", "admin", "schools:ward_detail", "ward", {}),
    ("change a councillor", "admin", "schools:councillor_edit", "councillor", {}),
    ("start a categorisation", "officer", "categorisation:start", "uncategorised", {}),
    ("submit a categorisation", "adviser", "categorisation:edit", "categorisation", {"submit": "1"}),
    ("new framework", "officer", "categorisation:framework_create", None, {}),
    ("edit a framework", "officer", "categorisation:framework_edit", "draft_framework", {}),
    ("copy a framework", "officer", "categorisation:framework_copy", "framework", {}),
    ("activate a framework", "officer", "categorisation:framework_activate", "draft_framework", {}),
    ("add an area", "officer", "categorisation:area_create", "draft_framework", {}),
    ("plan a visit", "adviser", "visits:plan", None, {}),
    ("record a visit", "adviser", "visits:record", "visit", {"complete": "1"}),
    ("cancel a visit", "adviser", "visits:cancel", "visit", {}),
    ("send the pre-visit section", "headteacher", "visits:pre_visit", "visit", {"send": "1"}),
    ("share a note", "adviser", "visits:share", "completed", {}),
    ("update an action", "adviser", "visits:action_detail", "action", {"update": "1"}),
    ("enhanced offer", "officer", "visits:enhanced_offer", "school", {}),
    ("set up an MSP group", "officer", "visits:msp_set_up", "uncategorised", {}),
    ("plan an MSP meeting", "officer", "visits:msp_group", "group", {"plan": "1"}),
    ("close an MSP group", "officer", "visits:msp_group", "group", {"close": "1"}),
    ("MSP members", "officer", "visits:msp_group_edit", "group", {}),
    ("record an MSP meeting", "officer", "visits:msp_meeting_record", "meeting", {"complete": "1"}),
    ("edit a letter", "adviser", "letters:edit", "letter", {}),
    ("issue a letter", "officer", "letters:issue", "approved", {}),
    ("letter template", "officer", "letters:template_edit", "congratulations", {}),
    ("reminders email", "adviser", "dashboard:reminders", None, {}),
]


def title(page: str) -> str:
    return " ".join(TITLE.search(page).group(1).split())


@pytest.mark.parametrize(("name", "role", "view", "argument", "data"), FORM_PAGES, ids=[p[0] for p in FORM_PAGES])
def test_every_form_page_with_errors_shows_the_error_summary_and_says_error_in_its_title(
    client_as, objects, name, role, view, argument, data
):
    client = client_as(role)
    url = address(objects, view, argument)
    unsent = client.get(url).content.decode()
    assert "govuk-error-summary" not in unsent, name
    assert not title(unsent).startswith("Error:"), name

    response = client.post(url, data)

    page = response.content.decode()
    assert response.status_code == 200, (name, response.status_code)
    assert 'class="govuk-error-summary"' in page, name
    assert title(page).startswith("Error: "), (name, title(page))
    assert "There is a problem" in page


SUMMARY_LINK = re.compile(r'<a href="#([^"]+)"')


@pytest.mark.parametrize(("name", "role", "view", "argument", "data"), FORM_PAGES, ids=[p[0] for p in FORM_PAGES])
def test_every_link_in_an_error_summary_leads_to_an_element_on_the_page(
    client_as, objects, name, role, view, argument, data
):
    page = client_as(role).post(address(objects, view, argument), data).content.decode()
    start = page.index('class="govuk-error-summary"')
    summary = page[start : page.index("</ul>", start)]
    targets = SUMMARY_LINK.findall(summary)
    assert targets, name
    for target in targets:
        assert f'id="{target}"' in page, (name, target)
    # ...in the order the page shows them, so the summary reads as the form does
    positions = [page.index(f'id="{target}"', start) for target in targets]
    assert positions == sorted(positions), (name, targets)


def test_a_page_whose_errors_are_hidden_does_not_say_error(client_as, objects):
    """The visit record's "Add another action" redisplays the form without its errors."""
    rows = {"actions-TOTAL_FORMS": "2", "actions-INITIAL_FORMS": "0", "actions-0-description": "Half typed"}
    response = client_as("adviser").post(reverse("visits:record", args=[objects["visit"]]), {"add_action": "1", **rows})
    page = response.content.decode()
    assert "govuk-error-summary" not in page
    assert not title(page).startswith("Error:")


def test_the_password_change_page_lists_every_error_in_the_summary_linked_to_its_field(client_as, adviser):
    response = client_as("adviser").post(
        reverse("accounts:password_change"),
        {"old_password": "wrong", "new_password1": "short", "new_password2": "different"},
    )
    page = response.content.decode()
    start = page.index('class="govuk-error-summary"')
    summary = page[start : page.index("<h1", start)]
    assert 'href="#id_old_password"' in summary
    assert 'href="#id_new_password2"' in summary
    assert title(page).startswith("Error: Change your password")


IMPOSSIBLE_DATES = [
    # (page, role, view, its argument, date field, the date's name in the message)
    ("plan a visit", "adviser", "visits:plan", None, "visit_date", "Date of the visit"),
    ("school details", "officer", "schools:edit", "school", "head_start_date", "Headteacher's start date"),
    ("issue a letter", "officer", "letters:issue", "approved", "issued_on", "Date of issue"),
    ("activate a framework", "officer", "categorisation:framework_activate", "draft_framework", "active_from",
     "The date the framework is in use from"),
    ("term dates", "admin", "schools:term_dates_edit", "year", "spring_starts_on", "First day of the spring term"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("name", "role", "view", "argument", "field", "label"), IMPOSSIBLE_DATES, ids=[d[0] for d in IMPOSSIBLE_DATES]
)
def test_a_date_that_does_not_exist_gets_a_message_naming_the_date_never_pythons(
    client_as, objects, name, role, view, argument, field, label
):
    next_year = str(objects["year"] + 1)
    response = client_as(role).post(
        address(objects, view, argument), {f"{field}_0": "31", f"{field}_1": "2", f"{field}_2": next_year}
    )
    page = response.content.decode()
    assert escape(NOT_A_REAL_DATE.format(label=label)) in page, name
    for python_says in PYTHON_DATE_MESSAGES:
        assert python_says not in page, (name, python_says)
    assert title(page).startswith("Error: ")


@pytest.mark.parametrize("box", [0, 2])
@pytest.mark.parametrize(
    ("name", "role", "view", "argument", "field", "label"), IMPOSSIBLE_DATES, ids=[d[0] for d in IMPOSSIBLE_DATES]
)
def test_a_day_or_year_too_big_for_a_date_is_not_a_real_date_not_a_server_error(
    client_as, objects, name, role, view, argument, field, label, box
):
    parts = {f"{field}_0": "15", f"{field}_1": "12", f"{field}_2": str(objects["year"] + 1)}
    parts[f"{field}_{box}"] = "9" * 20
    response = client_as(role).post(address(objects, view, argument), parts)
    assert response.status_code == 200, name
    assert escape(NOT_A_REAL_DATE.format(label=label)) in response.content.decode(), name


def test_an_action_due_in_a_year_too_big_for_a_date_is_not_a_server_error(client_as, objects):
    rows = {"actions-TOTAL_FORMS": "1", "actions-INITIAL_FORMS": "0", "actions-0-description": "Plan writing",
            "actions-0-owner": "school", "actions-0-due_on_0": "1", "actions-0-due_on_1": "1",
            "actions-0-due_on_2": "9" * 20}  # fmt: skip
    response = client_as("adviser").post(reverse("visits:record", args=[objects["visit"]]), rows)
    assert response.status_code == 200
    assert escape(NOT_A_REAL_DATE.format(label="Due date of new action 1")) in response.content.decode()


def test_a_date_missing_its_month_says_so_and_names_the_date(client_as, objects):
    response = client_as("adviser").post(
        reverse("visits:plan"), {"visit_date_0": "3", "visit_date_1": "", "visit_date_2": "2027"}
    )
    page = response.content.decode()
    assert "Date of the visit must include a month" in page
    assert 'href="#id_visit_date_1"' in page  # the summary links to the month box


def _date_boxes_in_error(page: str) -> list[str]:
    boxes = re.findall(r"<input [^>]*govuk-date-input__input[^>]*>", page)
    return [re.search(r' id="([^"]+)"', box).group(1) for box in boxes if "govuk-input--error" in box]


def test_a_date_missing_two_parts_gets_one_message_on_the_first_box_left_empty(client_as, objects):
    """GOV.UK: "must include a month and year", once, before the day's own problem (45 is no day)."""
    response = client_as("adviser").post(
        reverse("visits:plan"), {"visit_date_0": "45", "visit_date_1": "", "visit_date_2": ""}
    )
    page = response.content.decode()
    assert page.count("Date of the visit must include a month and year") == 2  # the summary and the field
    assert "must include a month<" not in page
    assert 'href="#id_visit_date_1"' in page
    assert _date_boxes_in_error(page) == ["id_visit_date_1"]


def test_a_two_number_year_is_linked_to_and_marks_the_year_box_only(client_as, objects):
    response = client_as("adviser").post(
        reverse("visits:plan"), {"visit_date_0": "3", "visit_date_1": "3", "visit_date_2": "27"}
    )
    page = response.content.decode()
    assert 'href="#id_visit_date_2"' in page
    assert _date_boxes_in_error(page) == ["id_visit_date_2"]


def test_letters_for_a_date_give_the_real_date_message_on_its_box(client_as, objects):
    response = client_as("adviser").post(
        reverse("visits:plan"), {"visit_date_0": "3", "visit_date_1": "March", "visit_date_2": "2027"}
    )
    page = response.content.decode()
    assert "Date of the visit must be a real date" in page
    assert "Enter a valid" not in page


@pytest.mark.parametrize("year", ["1999", "2101", "0999"])
def test_a_real_date_in_a_year_the_service_cannot_mean_says_which_years_it_takes(client_as, objects, year):
    response = client_as("adviser").post(
        reverse("visits:plan"), {"visit_date_0": "15", "visit_date_1": "1", "visit_date_2": year}
    )
    page = response.content.decode()
    assert DATE_YEAR_OUT_OF_RANGE.format(label="Date of the visit", first=2000, last=2100) in page
    assert "must be a real date" not in page


BAD_FILTERS = [
    ("schools", "officer", "/schools/?ofsted=bogus"),
    ("categories", "officer", "/categorisation/?level=bogus"),
    ("review due", "officer", "/categorisation/review-due/?phase=bogus"),
    ("visits", "officer", "/visits/?adviser=abc"),
    ("actions", "officer", "/visits/actions/?status=bogus"),
    ("compliance", "officer", "/visits/compliance/?status=bogus"),
    ("letters", "officer", "/letters/?issued_from=31-02-2027"),
    ("academy concerns", "officer", "/academies/?status=bogus"),
]


@pytest.mark.parametrize(("name", "role", "url"), BAD_FILTERS, ids=[f[0] for f in BAD_FILTERS])
def test_a_filter_with_a_bad_value_shows_the_error_summary_and_says_error_in_its_title(client_as, name, role, url):
    page = client_as(role).get(url).content.decode()
    assert 'class="govuk-error-summary"' in page, name
    assert title(page).startswith("Error: "), name
    plain = url.split("?")[0]
    assert not title(client_as(role).get(plain).content.decode()).startswith("Error:")


# Filters that ignore a value they do not know (a stale or hand-made address): no error to show, so
# neither an error message nor "Error:" in the title.
IGNORED_FILTERS = [
    ("officer dashboard", "officer", "dashboard:officer", None, {"la": "999", "phase": "bogus", "adviser": "abc"}),
    ("case file", "officer", "dashboard:timeline", "school", {"kind": "bogus", "order": "sideways"}),
]


@pytest.mark.parametrize(
    ("name", "role", "view", "argument", "query"), IGNORED_FILTERS, ids=[f[0] for f in IGNORED_FILTERS]
)
def test_a_filter_that_ignores_an_unknown_value_shows_no_error(client_as, objects, name, role, view, argument, query):
    response = client_as(role).get(address(objects, view, argument), query)
    page = response.content.decode()
    assert response.status_code == 200, name
    assert "govuk-error-message" not in page, name
    assert "govuk-error-summary" not in page, name
    assert not title(page).startswith("Error:"), name


def test_a_refused_action_shown_as_an_error_message_says_error_in_the_title(client_as, objects):
    """An import that is no longer waiting cannot be confirmed: the message is an error summary."""
    from schools.models import ImportKind, ImportRecord, ImportStatus

    record = ImportRecord.objects.create(kind=ImportKind.GIAS, status=ImportStatus.CANCELLED, size_bytes=0)
    response = client_as("admin").post(reverse("schools:import_confirm", args=[record.pk]), follow=True)
    page = response.content.decode()
    assert 'class="govuk-error-summary"' in page
    assert title(page).startswith("Error: ")


def test_a_required_field_left_empty_is_named_in_its_message_never_this_field_is_required(client_as):
    response = client_as("admin").post(reverse("accounts:user_create"), {})
    page = response.content.decode()
    start = page.index('class="govuk-error-summary"')
    summary = page[start : page.index("<h1", start)]
    for message in ("Enter username", "Enter first name", "Enter last name", "Choose role", "Enter initial password"):
        assert message in summary
    assert "This field is required" not in page
