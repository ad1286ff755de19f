"""The schools list, exports, school page, LA details and the browser import flow."""

import csv
import io
import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from openpyxl import load_workbook

from core.forms import DATE_YEAR_OUT_OF_RANGE
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.forms import FILE_REQUIRED
from schools.models import HeadAppointment, ImportRecord, ImportStatus, OfstedFramework, School
from tests.conftest import collapsed
from tests.factories import InspectionFactory, PerformanceResultFactory, SchoolFactory, TrustFactory

pytestmark = pytest.mark.django_db
LIST = reverse("schools:list")


def names(response) -> list[str]:
    return [s.name for s in response.context["pagination"].page.object_list]


def test_search_finds_a_school_by_name_or_urn(client_as, school, other_school):
    client = client_as("officer")
    assert names(client.get(LIST, {"q": "kingfisher"})) == ["Kingfisher Primary School"]
    assert names(client.get(LIST, {"q": str(other_school.urn)})) == ["Heron Primary School"]


def test_filters_by_type_group_ofsted_grade_link_adviser_ward_and_trust(client_as, adviser, school, other_school):
    academy = SchoolFactory(name="Osprey Academy", academy=True)
    InspectionFactory(school=school, overall_effectiveness=3)
    InspectionFactory(school=other_school, overall_effectiveness=2, start_date=date(2020, 1, 1))
    InspectionFactory(school=other_school, overall_effectiveness=4, category_of_concern="SM")
    school.link_adviser = adviser
    school.save()
    client = client_as("officer")

    assert names(client.get(LIST, {"governance": "academy"})) == ["Osprey Academy"]
    assert names(client.get(LIST, {"ofsted": "3"})) == ["Kingfisher Primary School"]
    assert names(client.get(LIST, {"ofsted": "category"})) == ["Heron Primary School"]  # latest, not the older Good
    assert names(client.get(LIST, {"ofsted": "none"})) == ["Osprey Academy"]
    assert names(client.get(LIST, {"link_adviser": adviser.pk})) == ["Kingfisher Primary School"]
    assert names(client.get(LIST, {"ward": other_school.ward_id})) == ["Heron Primary School"]
    assert names(client.get(LIST, {"trust": academy.trust_id})) == ["Osprey Academy"]


def test_every_filter_drop_down_is_styled_as_a_gov_uk_select(client_as, school):
    html = client_as("officer").get(LIST).content.decode()
    selects = re.findall(r"<select[^>]*>", html)
    assert len(selects) == 5  # phase, type, Ofsted, adviser, status: ward and trust are typed
    assert [tag for tag in selects if "govuk-select" not in tag] == []


def test_closed_schools_are_hidden_unless_asked_for(client_as, school):
    SchoolFactory(name="Old Mill Primary School", status="closed")
    client = client_as("adviser")
    assert names(client.get(LIST)) == ["Kingfisher Primary School"]
    assert names(client.get(LIST, {"status": "closed"})) == ["Old Mill Primary School"]
    assert len(names(client.get(LIST, {"status": "all"}))) == 2


def test_sorts_by_a_column_both_ways_and_marks_it_for_screen_readers(client_as):
    SchoolFactory(name="Alpha", number_on_roll=400)
    SchoolFactory(name="Beta", number_on_roll=100)
    client = client_as("officer")
    assert names(client.get(LIST, {"sort": "pupils"})) == ["Beta", "Alpha"]
    response = client.get(LIST, {"sort": "-pupils"})
    assert names(response) == ["Alpha", "Beta"]
    assert 'aria-sort="descending"' in response.content.decode()
    assert '<span aria-hidden="true"> ▼</span>' in response.content.decode()  # aria-sort says it once
    assert names(client.get(LIST, {"sort": "nonsense"})) == ["Alpha", "Beta"]


def test_the_list_is_paginated_fifty_to_a_page(client_as):
    SchoolFactory.create_batch(55)
    client = client_as("officer")
    assert len(names(client.get(LIST))) == 50
    assert len(names(client.get(LIST, {"page": 2}))) == 5
    assert len(names(client.get(LIST, {"page": 99}))) == 5  # past the end: the last page, not an error


def test_the_csv_export_has_the_filtered_rows_with_formulas_neutralised(client_as, school):
    SchoolFactory(name='=HYPERLINK("http://evil.example","Click")', phase="Secondary")
    client = client_as("officer")
    body = b"".join(
        client.get(reverse("schools:export", kwargs={"fmt": "csv"}), {"phase": "Secondary"}).streaming_content
    )
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0][:3] == ["URN", "LAESTAB", "Name"]
    assert len(rows) == 2
    assert rows[1][2] == '\'=HYPERLINK("http://evil.example","Click")'


def test_the_xlsx_export_matches_the_filters(client_as, school, other_school):
    client = client_as("adviser")
    page = client.post(reverse("schools:export", kwargs={"fmt": "xlsx"}), {"q": "Heron"}, follow=True)
    response = client.get(reverse("core:export_download", args=[page.context["export"].pk]))
    rows = list(load_workbook(io.BytesIO(b"".join(response.streaming_content))).active.values)
    assert rows[0][:3] == ("URN", "LAESTAB", "Name")
    assert [r[2] for r in rows[1:]] == ["Heron Primary School"]


def test_an_unknown_export_format_is_not_found(client_as):
    assert client_as("officer").get(reverse("schools:export", kwargs={"fmt": "pdf"})).status_code == 404
    assert client_as("officer").post(reverse("schools:export", kwargs={"fmt": "pdf"})).status_code == 404


def test_the_school_page_shows_details_ofsted_history_and_performance_against_national(client_as, school):
    InspectionFactory(school=school, overall_effectiveness=3, start_date=date(2025, 3, 10))
    InspectionFactory(school=school, framework=OfstedFramework.REPORT_CARD, overall_effectiveness=None,
                      rc_inclusion=2, safeguarding_met=True, start_date=date(2026, 1, 13))  # fmt: skip
    PerformanceResultFactory(school=school, value=55, national_value=62)
    page = client_as("adviser").get(school.get_absolute_url()).content.decode()
    assert "Kingfisher Primary School" in page
    assert "Requires improvement" in page
    assert "Inclusion: Strong standard" in page
    assert "KS2 reading, writing and maths" in page
    assert "55" in page
    assert "(62" in page


def test_a_governor_sees_their_school_without_the_edit_link(client_as, school):
    page = client_as("governor").get(school.get_absolute_url()).content.decode()
    assert "Kingfisher Primary School" in page
    assert reverse("schools:edit", kwargs={"urn": school.urn}) not in page


def test_the_adviser_sees_their_link_schools_under_my_schools(client_as, adviser, school, other_school):
    school.link_adviser = adviser
    school.save()
    response = client_as("adviser").get(reverse("schools:mine"))
    assert [s.name for s in response.context["schools"]] == ["Kingfisher Primary School"]


def test_an_officer_sets_the_link_adviser_and_headteacher_details(client_as, adviser, school):
    response = client_as("officer").post(
        reverse("schools:edit", kwargs={"urn": school.urn}),
        {
            "link_adviser": adviser.pk,
            "head_start_date_0": "1",
            "head_start_date_1": "9",
            "head_start_date_2": "2026",
            "head_appointment": "interim",
            "chair_of_governors": "Grace Holt",
        },
    )
    assert response.status_code == 302
    school.refresh_from_db()
    assert (school.link_adviser, school.head_start_date, school.head_appointment, school.chair_of_governors) == (
        adviser,
        date(2026, 9, 1),
        HeadAppointment.INTERIM,
        "Grace Holt",
    )
    assert school.history.first().history_user.username == "officer"


def test_a_bad_date_is_shown_on_the_form_and_nothing_is_saved(client_as, school):
    response = client_as("officer").post(
        reverse("schools:edit", kwargs={"urn": school.urn}),
        {
            "head_start_date_0": "31",
            "head_start_date_1": "2",
            "head_start_date_2": "2026",
            "head_appointment": "interim",
        },
    )
    assert response.status_code == 200
    assert "govuk-error-summary" in response.content.decode()
    school.refresh_from_db()
    assert school.head_appointment == HeadAppointment.UNKNOWN


def test_a_head_appointed_before_2000_keeps_their_start_date_through_other_changes(client_as, school, adviser):
    """A long-serving head: the start date is typed, and a school holding one can still be saved."""
    edit = reverse("schools:edit", kwargs={"urn": school.urn})
    posted = {
        "head_start_date_0": "1",
        "head_start_date_1": "9",
        "head_start_date_2": "1995",
        "head_appointment": "substantive",
    }
    assert client_as("officer").post(edit, posted).status_code == 302
    assert client_as("officer").post(edit, posted | {"link_adviser": adviser.pk}).status_code == 302
    school.refresh_from_db()
    assert (school.head_start_date, school.link_adviser) == (date(1995, 9, 1), adviser)

    refused = client_as("officer").post(edit, posted | {"head_start_date_2": "1959"})
    message = DATE_YEAR_OUT_OF_RANGE.format(label="Headteacher's start date", first=1960, last=2100)
    assert escape(message) in collapsed(refused.content.decode())


def test_a_governor_cannot_be_made_link_adviser(client_as, governor, school):
    response = client_as("officer").post(
        reverse("schools:edit", kwargs={"urn": school.urn}),
        {"link_adviser": governor.pk, "head_appointment": "unknown"},
    )
    assert response.status_code == 200  # a governor is not even offered as a choice
    school.refresh_from_db()
    assert school.link_adviser is None


def upload(client, data: bytes, name="edubasealldata.csv", kind="gias"):
    return client.post(reverse("schools:import_new", kwargs={"kind": kind}), {"file": SimpleUploadedFile(name, data)})


def test_an_admin_uploads_previews_and_confirms_a_gias_file_in_the_browser(client_as):
    client = client_as("admin")
    data = to_csv_bytes(
        current_gias_header(),
        [
            gias_row(urn=874201, name="Skylark Primary School", type_code=1, phase="Primary"),
            gias_row(urn=874202, name="", type_code=1, phase="Primary"),
        ],
    )
    response = upload(client, data)
    record = ImportRecord.objects.get()
    assert response["Location"] == record.get_absolute_url()
    preview = client.get(record.get_absolute_url()).content.decode()
    assert "Check the import before you confirm it" in preview
    assert "EstablishmentName is required" in preview
    assert not School.objects.exists()

    client.post(reverse("schools:import_confirm", kwargs={"pk": record.pk}))
    record.refresh_from_db()
    assert (record.status, record.created, record.rejected) == (ImportStatus.COMMITTED, 1, 1)
    assert School.objects.get().name == "Skylark Primary School"


def test_a_refused_upload_says_why_and_changes_nothing(client_as):
    client = client_as("admin")
    response = upload(client, b"just,some\ncsv,without urn\n")
    page = client.get(response["Location"]).content.decode()
    assert "The file was refused" in page
    assert "no &quot;URN&quot; column" in page
    assert ImportRecord.objects.get().status == ImportStatus.REFUSED
    assert not School.objects.exists()


def test_submitting_without_a_file_shows_an_error_summary(client_as):
    response = client_as("admin").post(reverse("schools:import_new", kwargs={"kind": "gias"}), {})
    assert response.status_code == 200
    assert FILE_REQUIRED in response.content.decode()


def test_an_oversized_upload_is_refused_before_reading(client_as, settings):
    settings.IMPORT_MAX_UPLOAD_BYTES = 10
    response = upload(client_as("admin"), b"URN,LA (code)\n123456,874\n")
    assert response.status_code == 200
    assert "larger than" in response.content.decode()
    assert not ImportRecord.objects.exists()


def test_cancelling_a_preview_changes_nothing_and_it_can_no_longer_be_confirmed(client_as):
    client = client_as("admin")
    upload(
        client, to_csv_bytes(current_gias_header(), [gias_row(urn=874203, name="Teal", type_code=1, phase="Primary")])
    )
    record = ImportRecord.objects.get()
    client.post(reverse("schools:import_cancel", kwargs={"pk": record.pk}))
    client.post(reverse("schools:import_confirm", kwargs={"pk": record.pk}))
    record.refresh_from_db()
    assert record.status == ImportStatus.CANCELLED
    assert not School.objects.exists()


def test_the_import_buttons_and_headings_keep_the_capitals_of_names_only(client_as):
    client = client_as("admin")
    page = " ".join(client.get(reverse("schools:import_list")).content.decode().split())
    for phrase in ("GIAS establishments", "Ofsted inspections", "performance measures", "ward councillors"):
        assert f"Import {phrase}</a>" in page
    assert "Import gias" not in page
    heading = client.get(reverse("schools:import_new", args=["councillors"])).content.decode()
    assert "Import ward councillors</h1>" in heading


def test_the_import_history_counts_created_and_updated_records_only_for_imports_applied(client_as):
    def record(status, created):
        return ImportRecord.objects.create(
            kind="gias", status=status, original_filename=f"{status}.csv", sha256="0" * 64, created=created, updated=57
        )

    record(ImportStatus.COMMITTED, 3)
    for status in (ImportStatus.CANCELLED, ImportStatus.PREVIEWED, ImportStatus.FAILED, ImportStatus.DRY_RUN):
        record(status, 4)
    page = client_as("admin").get(reverse("schools:import_list")).content.decode()
    cells = re.findall(r'numeric">(.*?)</td>', page)
    assert cells.count("57") == 1  # the committed import's, and none of the four that changed nothing
    assert cells.count('–<span class="govuk-visually-hidden"> none: not applied</span>') == 8


def test_an_unknown_import_kind_is_not_found(client_as):
    assert client_as("admin").get(reverse("schools:import_new", kwargs={"kind": "pupils"})).status_code == 404


def queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def populate(count: int, adviser):
    trust = TrustFactory()
    for n in range(count):
        school = SchoolFactory(link_adviser=adviser, trust=trust if n % 2 else None)
        InspectionFactory(school=school, start_date=date(2019, 1, 1))
        InspectionFactory(school=school, start_date=date(2024, 1, 1), overall_effectiveness=3)
        PerformanceResultFactory(school=school)


def test_the_list_and_my_schools_run_the_same_number_of_queries_for_3_or_60_schools(client_as, adviser):
    client = client_as("adviser")
    populate(3, adviser)
    small = (
        queries(client, LIST),
        queries(client, LIST, {"ofsted": "3", "q": "School"}),
        queries(client, reverse("schools:mine")),
    )
    populate(57, adviser)
    large = (
        queries(client, LIST),
        queries(client, LIST, {"ofsted": "3", "q": "School"}),
        queries(client, reverse("schools:mine")),
    )
    assert small == large
    assert max(large) <= 15


def test_the_school_page_runs_the_same_number_of_queries_however_long_its_history(client_as, school):
    client = client_as("officer")
    # Two recent inspections, so that a letter is suggested (a section with queries of its own)
    # before and after the history grows.
    today = timezone.localdate()
    InspectionFactory(school=school, start_date=today - timedelta(days=100))
    InspectionFactory(school=school, start_date=today - timedelta(days=1000))
    PerformanceResultFactory(school=school)
    few = queries(client, school.get_absolute_url())
    for year in range(2012, 2021):
        InspectionFactory(school=school, start_date=date(year, 5, 1))
        PerformanceResultFactory(school=school, academic_year=year)
    SchoolFactory.create_batch(20)
    # Each app's section adds a few queries (about 28 in all for LA staff, the documents exchanged with
    # the school among them): the number must not grow with the history.
    assert queries(client, school.get_absolute_url()) == few <= 36


def test_no_two_regions_of_the_school_page_share_a_name(client_as, school):
    """A screen reader's list of regions names each once: a section ("Ofsted inspections") and the
    scrolling table inside it were both "Ofsted inspections" (the accessibility audit)."""
    InspectionFactory(school=school, overall_effectiveness=2)
    PerformanceResultFactory(school=school)
    html = client_as("officer").get(reverse("schools:detail", kwargs={"urn": school.urn})).content.decode()
    headings = dict(re.findall(r'<h2 class="govuk-heading-m" id="([^"]+)">([^<]+)</h2>', html))
    sections = [headings[key] for key in re.findall(r'<section aria-labelledby="([^"]+)"', html)]
    scroll_regions = re.findall(r'role="region" aria-label="([^"]+)"', html)
    names = sections + scroll_regions
    assert "Ofsted inspections" in sections
    assert len(names) == len(set(names)), sorted(names)
