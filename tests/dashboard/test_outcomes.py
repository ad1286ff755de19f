"""The outcomes table (/dashboard/outcomes/, docs/adr/0029): the share of schools and of pupils in good
or better schools, primary and secondary, LA maintained and academies, against England's figure for
the year an admin enters; report-card inspections counted apart; every figure linked to its schools."""

from datetime import date
from decimal import Decimal
from urllib.parse import urlencode

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dashboard import forms as outcome_forms
from dashboard import national_import
from dashboard.models import NationalOutcome
from dashboard.outcomes import figure_count, outcomes_table, schools_in_set, set_of, share
from schools.models import EstablishmentType, Governance, OfstedFramework, SchoolStatus
from tests.conftest import ROLES, collapsed
from tests.factories import InspectionFactory, SchoolFactory

pytestmark = pytest.mark.django_db

DAY = date(2026, 11, 18)
TABLE = reverse("dashboard:outcomes")
SCHOOLS = reverse("dashboard:outcome_schools")
NATIONAL = reverse("dashboard:national_outcomes")


def school(name, *, grade=None, report_card=False, pupils=100, **kwargs):
    made = SchoolFactory(name=name, number_on_roll=pupils, **kwargs)
    if grade is not None:
        InspectionFactory(school=made, overall_effectiveness=grade, start_date=date(2024, 3, 1))
    if report_card:
        InspectionFactory(school=made, framework=OfstedFramework.REPORT_CARD, overall_effectiveness=None,
                          start_date=date(2026, 1, 20))  # fmt: skip
    return made


@pytest.fixture
def known(on_day):
    """LA 874 primaries (maintained): outstanding 300 pupils, good 200, good then an ungraded
    inspection 100, requires improvement 100, a report card after a good grade 150, none on record 50.
    Academy primaries: inadequate 400, good 600. LA 873 secondaries: maintained good 1,000, academy
    requires improvement 900, a middle school deemed secondary good 500. A maintained nursery, good,
    80. Not counted: a closed good school, an independent school."""
    on_day(DAY)
    school("P outstanding", grade=1, pupils=300)
    school("P good", grade=2, pupils=200)
    ungraded = school("P good then ungraded", grade=2, pupils=100)
    InspectionFactory(school=ungraded, framework=OfstedFramework.UNGRADED, overall_effectiveness=None,
                      start_date=date(2025, 6, 1))  # fmt: skip
    school("P requires improvement", grade=3, pupils=100)
    school("P report card", grade=2, report_card=True, pupils=150)
    school("P none", pupils=50)
    school("A inadequate", grade=4, pupils=400, academy=True)
    school("A good", grade=2, pupils=600, academy=True)
    school("S good", grade=2, pupils=1000, phase="Secondary", la_code="873")
    school("S requires improvement", grade=3, pupils=900, phase="Secondary", la_code="873", academy=True)
    school("S middle", grade=2, pupils=500, phase="Middle deemed secondary", la_code="873")
    school("N nursery", grade=2, pupils=80, phase="Nursery")
    school("Closed good", grade=2, status=SchoolStatus.CLOSED)
    school("Independent good", grade=1, establishment_type=EstablishmentType.objects.filter(
        governance=Governance.OTHER).first())  # fmt: skip
    NationalOutcome.objects.create(year=2025, phase="primary", share_of_schools=Decimal("90.0"),
                                   share_of_pupils=Decimal("89.5"))  # fmt: skip
    NationalOutcome.objects.create(year=2025, phase="secondary", share_of_schools=Decimal("80.0"),
                                   share_of_pupils=Decimal("79.0"))  # fmt: skip


def cell(table, phase, governance):
    rows = next(p for p in table.phases if p.phase == phase)
    return next(c for c in rows.cells if c.governance == governance)


# ---- the rules --------------------------------------------------------------------------------------


def test_a_school_counts_by_its_latest_graded_or_report_card_inspection():
    assert set_of("graded", 1) == set_of("graded", 2) == "good"
    assert set_of("graded", 3) == set_of("graded", 4) == "below"
    assert set_of("report_card", None) == "report_card"
    assert set_of(None, None) == "none"
    assert set_of("graded", None) == "none"  # recorded without its overall grade


def test_a_share_is_a_percentage_to_one_decimal_place_rounded_half_up():
    assert share(2, 3) == Decimal("66.7")
    assert share(1, 8) == Decimal("12.5")
    assert share(1, 16) == Decimal("6.3")  # 6.25 up
    assert share(0, 0) is None


def test_report_cards_and_schools_never_inspected_are_not_in_the_shares_but_counted_apart(known):
    table = outcomes_table(chosen={}, year=2025)
    maintained = cell(table, "primary", "maintained")
    assert (maintained.good.schools, maintained.judged.schools) == (3, 4)
    assert maintained.school_share == Decimal("75.0")
    assert (maintained.good.pupils, maintained.judged.pupils) == (600, 700)
    assert maintained.pupil_share == Decimal("85.7")
    assert (maintained.report_card.schools, maintained.not_inspected.schools) == (1, 1)
    assert (table.report_cards, table.not_inspected) == (1, 1)


def test_primary_and_secondary_split_maintained_schools_and_academies(known):
    table = outcomes_table(chosen={}, year=2025)
    academies = cell(table, "primary", "academy")
    assert (academies.good.schools, academies.judged.schools, academies.pupil_share) == (1, 2, Decimal("60.0"))
    primary = cell(table, "primary", "all")
    assert (primary.good.schools, primary.judged.schools) == (4, 6)
    secondary = cell(table, "secondary", "all")  # the middle school deemed secondary counts here
    assert (secondary.good.schools, secondary.judged.schools, secondary.good.pupils) == (2, 3, 1500)
    everyone = cell(table, "all", "all")  # the nursery too; never the closed or independent school
    assert (everyone.good.schools, everyone.judged.schools) == (7, 10)


def test_each_share_is_set_against_englands_figure_for_the_year(known):
    table = outcomes_table(chosen={}, year=2025)
    maintained = cell(table, "primary", "maintained")
    assert maintained.schools_against_national == "15.0 points below England"
    assert maintained.pupils_against_national == "3.8 points below England"
    assert cell(table, "all", "all").schools_against_national == ""  # no figure entered for all schools
    assert outcomes_table(chosen={}, year=None).phases[0].national is None


def test_the_la_code_filter_keeps_that_las_schools(known, settings):
    settings.LOCAL_AUTHORITY_CODES = ["873", "874"]  # the filter offers the service's codes only
    table = outcomes_table(chosen={"la": "873"}, year=2025)
    assert cell(table, "primary", "all").judged.schools == 0
    assert cell(table, "secondary", "all").judged.schools == 3


def test_an_la_the_service_no_longer_lists_is_counted_from_its_schools_not_as_none(known, settings):
    settings.LOCAL_AUTHORITY_CODES = ["874"]  # 873 left the service after a pack for it was asked for
    table = outcomes_table(chosen={"la": "873"}, year=2025)
    assert cell(table, "primary", "all").judged.schools == 0
    assert cell(table, "secondary", "all").judged.schools == 3
    assert cell(table, "secondary", "all").judged.pupils == 2400
    chosen, figure = {"la": "873"}, {"phase": "secondary", "governance": "academy", "which": "judged"}
    assert figure_count(chosen=chosen, **figure) == len(schools_in_set(chosen=chosen, **figure)) == 1


@pytest.mark.parametrize(
    ("phase", "governance", "which", "names"),
    [
        ("primary", "maintained", "good", ["P good", "P good then ungraded", "P outstanding"]),
        (
            "primary",
            "maintained",
            "judged",
            ["P good", "P good then ungraded", "P outstanding", "P requires improvement"],
        ),
        ("primary", "all", "report_card", ["P report card"]),
        ("all", "all", "none", ["P none"]),
        ("secondary", "academy", "judged", ["S requires improvement"]),
    ],
)
def test_each_figure_lists_the_schools_it_counts(known, phase, governance, which, names):
    listed = schools_in_set(chosen={}, phase=phase, governance=governance, which=which)
    assert [s.name for s in listed] == names
    table = outcomes_table(chosen={}, year=2025)
    counted = cell(table, phase, governance)
    assert (counted.judged if which == "judged" else counted.tally(which)).schools == len(names)
    assert figure_count(chosen={}, phase=phase, governance=governance, which=which) == len(names)


def test_a_figures_list_is_paged_by_its_stored_count_not_a_count_of_every_school(known, client_as, officer):
    for n in range(55):
        school(f"Q extra {n:02d}", grade=1)
    client = client_as("officer")
    url = SCHOOLS + "?phase=primary&governance=maintained&set=good&page=2"
    client.get(url)  # the first read after the writes counts them again
    with CaptureQueriesContext(connection) as queries:
        listing = client.get(url)
    page = listing.context["pagination"].page
    assert page.paginator.count == 58  # three known, 55 more
    assert [s.name for s in page.object_list] == [f"Q extra {n:02d}" for n in range(47, 55)]
    counts = [q["sql"] for q in queries.captured_queries if "COUNT(" in q["sql"].upper()]
    assert not [sql for sql in counts if '"schools_school"' in sql]
    school("Q extra 55", grade=2)  # a write: the figure is counted again
    assert client.get(url).context["pagination"].page.paginator.count == 59


# ---- the pages --------------------------------------------------------------------------------------

STAFF = {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 403}


@pytest.mark.parametrize("role", ROLES)
def test_la_staff_read_the_outcomes_and_their_lists_admins_enter_englands_figures_only(
    client_as, school, governor, other_governor, headteacher, adviser, officer, admin_user, role
):
    client = client_as(role)
    listing = SCHOOLS + "?phase=primary&governance=all&set=good"
    for url, expected in ((TABLE, STAFF), (listing, STAFF)):
        assert client.get(url).status_code == (302 if role == "anonymous" else expected[role])
    assert client.get(NATIONAL).status_code == {"anonymous": 302, "admin": 200}.get(role, 403)
    posted = client.post(NATIONAL, {"year": "2025", "phase": "primary", "share_of_schools": "90",
                                    "share_of_pupils": "89"})  # fmt: skip
    assert posted.status_code == {"anonymous": 302, "admin": 302}.get(role, 403)
    assert NationalOutcome.objects.exists() == (role == "admin")


def test_the_page_states_how_report_cards_are_counted_and_links_each_figure(known, client_as, officer):
    html = client_as("officer").get(TABLE).content.decode()
    assert "Schools whose latest inspection is a <strong>report card</strong> have no overall grade" in collapsed(html)
    assert "1 school with a report card and 1 with none on record" in collapsed(html)
    assert "England, 2025/26" in html
    assert "75.0%" in html
    assert "15.0 points below England" in html
    link = SCHOOLS + "?" + urlencode({"phase": "primary", "governance": "maintained", "set": "good"})
    assert f'href="{link.replace("&", "&amp;")}">3<' in html
    listing = client_as("officer").get(link)
    assert [s.name for s in listing.context["pagination"].page.object_list] == [
        "P good", "P good then ungraded", "P outstanding"]  # fmt: skip
    assert "Outstanding, 1 March 2024" in listing.content.decode()
    assert '<h1 class="govuk-heading-l">Primary, LA maintained: good or better</h1>' in listing.content.decode()


def test_the_table_and_its_lists_keep_the_la_code_filter(known, client_as, officer, settings):
    settings.LOCAL_AUTHORITY_CODES = ["873", "874"]  # the joint service
    html = client_as("officer").get(TABLE + "?la=873").content.decode()
    link = SCHOOLS + "?" + urlencode({"la": "873", "phase": "secondary", "governance": "all", "set": "good"})
    assert f'href="{link.replace("&", "&amp;")}">2<' in html
    names = [s.name for s in client_as("officer").get(link).context["pagination"].page.object_list]
    assert names == ["S good", "S middle"]


def test_with_no_figures_for_england_the_page_says_so(client_as, officer):
    html = client_as("officer").get(TABLE).content.decode()
    assert "No figures for England have been entered yet" in collapsed(html)


def test_unknown_filters_are_ignored_and_an_unknown_figure_is_not_found(known, client_as, officer):
    query = urlencode({"la": "<b>", "year": "1900'"})
    assert client_as("officer").get(TABLE + "?" + query).status_code == 200
    for bad in ({"phase": "tertiary", "governance": "all", "set": "good"},
                {"phase": "primary", "governance": "x", "set": "good"},
                {"phase": "primary", "governance": "all", "set": "<script>"}):  # fmt: skip
        assert client_as("officer").get(SCHOOLS + "?" + urlencode(bad)).status_code == 404


def test_an_earlier_years_figures_can_be_chosen(known, client_as, officer):
    NationalOutcome.objects.create(year=2024, phase="primary", share_of_schools=Decimal("88.0"),
                                   share_of_pupils=Decimal("87.0"))  # fmt: skip
    html = client_as("officer").get(TABLE).content.decode()
    assert "England, 2025/26" in html
    html = client_as("officer").get(TABLE + "?year=2024").content.decode()
    assert "England, 2024/25" in html
    assert "88.0%" in html


def _queries(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries)


QUERY_CEILING = 16  # a figure's list after a write: its stored counts recounted, then its ids and its page


@pytest.mark.parametrize("url", [TABLE, TABLE + "?la=874", SCHOOLS + "?phase=primary&governance=all&set=judged"])
def test_the_pages_run_a_bounded_number_of_queries_whatever_the_number_of_schools(known, client_as, officer, url):
    client = client_as("officer")
    few = _queries(client, url)
    for n in range(30):
        school(f"More {n}", grade=1 + n % 4, academy=bool(n % 3), phase="Secondary" if n % 2 else "Primary")
    many = _queries(client, url)
    assert many == few
    assert many <= QUERY_CEILING


# ---- England's figures, entered by an admin ---------------------------------------------------------

SCHOOLS_RANGE = outcome_forms.SHARE_OUT_OF_RANGE.format(what="share of schools")
PUPILS_RANGE = outcome_forms.SHARE_OUT_OF_RANGE.format(what="share of pupils")
PUPILS_PRECISION = outcome_forms.SHARE_TOO_PRECISE.format(what="share of pupils")


def test_an_admin_enters_englands_figure_and_entering_it_again_replaces_it(client_as, admin_user):
    client = client_as("admin")
    data = {"year": "2025", "phase": "secondary", "share_of_schools": "79.5", "share_of_pupils": "78",
            "source": "Ofsted, as at 31 August 2025"}  # fmt: skip
    response = client.post(NATIONAL, data, follow=True)
    assert "Saved England&#x27;s figure for secondary, 2025/26." in response.content.decode()
    response = client.post(NATIONAL, data | {"share_of_schools": "80.1"}, follow=True)
    assert "Replaced England&#x27;s figure for secondary, 2025/26." in response.content.decode()
    figure = NationalOutcome.objects.get()
    assert (figure.share_of_schools, figure.share_of_pupils, figure.entered_by) == (
        Decimal("80.1"), Decimal("78.0"), admin_user)  # fmt: skip
    assert "Ofsted, as at 31 August 2025" in client.get(NATIONAL).content.decode()


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"year": ""}, "year", outcome_forms.YEAR_REQUIRED),
        ({"year": "25"}, "year", outcome_forms.YEAR_OUT_OF_RANGE.format(low=2000, high=2100)),
        ({"year": "twenty"}, "year", outcome_forms.YEAR_REQUIRED),
        ({"phase": ""}, "phase", outcome_forms.PHASE_REQUIRED),
        ({"phase": "tertiary"}, "phase", None),
        ({"share_of_schools": ""}, "share_of_schools", outcome_forms.SHARE_REQUIRED.format(what="share of schools")),
        ({"share_of_schools": "ninety"}, "share_of_schools",
         outcome_forms.SHARE_REQUIRED.format(what="share of schools")),
        ({"share_of_schools": "100.1"}, "share_of_schools",
         outcome_forms.SHARE_OUT_OF_RANGE.format(what="share of schools")),
        ({"share_of_pupils": "-1"}, "share_of_pupils", PUPILS_RANGE),
        ({"share_of_pupils": "1000"}, "share_of_pupils", PUPILS_RANGE),
        ({"share_of_pupils": "89.55"}, "share_of_pupils", PUPILS_PRECISION),
        ({"share_of_pupils": "NaN"}, "share_of_pupils", None),
        ({"source": "x" * 201}, "source", None),
    ],
)  # fmt: skip
def test_a_bad_figure_is_refused_with_a_message_naming_the_field_and_nothing_is_saved(
    client_as, admin_user, changes, field, message
):
    data = {"year": "2025", "phase": "primary", "share_of_schools": "90", "share_of_pupils": "89"} | changes
    response = client_as("admin").post(NATIONAL, data)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == [field]
    if message:
        assert errors[field] == [message]
    html = response.content.decode()
    assert "There is a problem" in html
    assert f'href="#id_{field}' in html
    assert not NationalOutcome.objects.exists()


def test_the_admins_page_shows_no_case_material(client_as, admin_user, known):
    html = client_as("admin").get(NATIONAL).content.decode()
    assert "P outstanding" not in html
    assert "90.0%" in html


# ---- England's figures from a file ------------------------------------------------------------------


def upload(client, text: str | bytes, name: str = "england.csv"):
    from django.core.files.uploadedfile import SimpleUploadedFile

    data = text.encode("utf-8") if isinstance(text, str) else text
    return client.post(NATIONAL, {"import": "Import figures", "file": SimpleUploadedFile(name, data)})


def test_an_admin_imports_englands_figures_from_a_csv_file_and_a_rerun_replaces_them(client_as, admin_user):
    client = client_as("admin")
    text = (
        "Year,Phase,Share of schools,Share of pupils,Source\n"
        "2024,Primary,89.9,89.6,Ofsted\n2024,secondary,81.8,80.2,Ofsted\n2024,All schools,88.6,86.3,\n"
    )
    response = upload(client, text)
    assert response.status_code == 302
    assert client.get(NATIONAL).context["messages"]
    assert NationalOutcome.objects.filter(year=2024).count() == 3
    assert NationalOutcome.objects.get(year=2024, phase="all").share_of_pupils == Decimal("86.3")
    upload(client, text.replace("81.8", "82.0"))
    assert NationalOutcome.objects.count() == 3
    assert NationalOutcome.objects.get(year=2024, phase="secondary").share_of_schools == Decimal("82.0")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("year,phase,share_of_schools\n2024,primary,90\n", national_import.MISSING_COLUMNS.format(
            columns="year, phase, share_of_schools, share_of_pupils", missing="share_of_pupils")),
        ("year,phase,share_of_schools,share_of_pupils\n2024,primary,190,80\n", national_import.ROW_PROBLEM.format(
            row=2, column="share_of_schools", message=SCHOOLS_RANGE)),
        ("year,phase,share_of_schools,share_of_pupils\n2024,tertiary,90,80\n", national_import.ROW_PROBLEM.format(
            row=2, column="phase", message=outcome_forms.PHASE_INVALID)),
        ("year,phase,share_of_schools,share_of_pupils\n2024,primary,90,80\n2024,Primary,91,81\n",
         national_import.DUPLICATE_ROW.format(row=3, phase="primary", year=2024, first=2)),
        ("", outcome_forms.IMPORT_FILE_EMPTY),
    ],
)  # fmt: skip
def test_a_file_with_any_bad_row_saves_nothing_and_says_which_row_and_column(client_as, admin_user, text, message):
    good = "year,phase,share_of_schools,share_of_pupils\n2023,primary,88,87\n"
    response = upload(client_as("admin"), text + (good.split("\n", 1)[1] if text.startswith("year") else ""))
    assert response.status_code == 200
    assert message in response.context["upload"].errors["file"]
    assert "There is a problem" in response.content.decode()
    assert not NationalOutcome.objects.exists()


def test_a_file_that_is_not_a_spreadsheet_is_refused_with_a_message(client_as, admin_user):
    response = upload(client_as("admin"), b"%PDF-1.4\x00\x01binary", name="england.pdf")
    assert response.status_code == 200
    assert response.context["upload"].errors["file"]
    assert not NationalOutcome.objects.exists()


def test_the_import_is_refused_to_everyone_but_admins(client_as, officer):
    response = upload(client_as("officer"), "year,phase,share_of_schools,share_of_pupils\n2024,primary,90,80\n")
    assert response.status_code == 403
    assert not NationalOutcome.objects.exists()
