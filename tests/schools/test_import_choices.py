"""What the browser import offers: nothing to confirm when a file would change nothing (and the service
refuses to apply such a file), and, for a service managing several LAs, which LA codes to keep."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse

from schools import services
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.forms import LA_CODES_REQUIRED
from schools.importers.base import Plan
from schools.models import ImportRecord, ImportStatus, School
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db

SKYLARK = gias_row(urn=874201, name="Skylark Primary School", type_code=1, phase="Primary")
SWIFT = gias_row(urn=873301, name="Swift Primary School", type_code=1, phase="Primary", la_code="873",
                 la_name="Cambridgeshire")  # fmt: skip


def gias_file(*rows) -> bytes:
    return to_csv_bytes(current_gias_header(), list(rows))


def upload(client, data: bytes, **fields):
    url = reverse("schools:import_new", kwargs={"kind": "gias"})
    return client.post(url, {"file": SimpleUploadedFile("edubasealldata.csv", data), **fields})


def run(data: bytes, **kwargs) -> ImportRecord:
    return services.import_run(kind="gias", data=data, filename="e.csv", actor=None, options={"la_codes": ["874"]},
                               **kwargs)  # fmt: skip


# ---- nothing to import ---------------------------------------------------------------------------


def test_nothing_to_import_message_says_every_row_is_unchanged_or_that_no_row_is_usable():
    assert services.nothing_to_import_message(Plan(rows_total=3, unchanged=3)) == services.IMPORT_NOTHING_CHANGED
    assert services.nothing_to_import_message(Plan(rows_total=3, rows_skipped=3)) == services.IMPORT_NOTHING_USABLE
    assert Plan(created=1).changes_anything
    assert Plan(other_changes=1).changes_anything
    assert not Plan(unchanged=5).changes_anything


def test_a_file_that_would_change_nothing_is_not_offered_for_confirmation(client_as):
    client = client_as("admin")
    data = gias_file(SKYLARK)
    run(data)
    before = list(School.objects.values())

    response = upload(client, data)

    record = ImportRecord.objects.latest("pk")
    assert record.status == ImportStatus.NOTHING_TO_IMPORT
    page = client.get(response["Location"]).content.decode()
    assert "Nothing to import: every row is unchanged." in page
    assert "Confirm import" not in page
    assert "Check the import before you confirm it" not in page
    assert list(School.objects.values()) == before


def test_the_service_refuses_to_apply_an_import_with_nothing_to_import(client_as, admin_user):
    data = gias_file(SKYLARK)
    run(data)
    upload(client_as("admin"), data)
    record = ImportRecord.objects.latest("pk")

    with pytest.raises(services.ValidationError) as refused:
        services.import_confirm(record=record, actor=admin_user)

    assert refused.value.messages == [services.IMPORT_NOTHING_CHANGED]
    record.refresh_from_db()
    assert record.status == ImportStatus.NOTHING_TO_IMPORT
    assert record.committed_at is None


def test_a_preview_overtaken_by_another_import_applies_nothing_and_says_so(client_as, admin_user):
    client = client_as("admin")
    data = gias_file(SKYLARK)
    upload(client, data)
    waiting = ImportRecord.objects.get()
    assert waiting.status == ImportStatus.PREVIEWED
    run(data)  # the same file, imported by the command meanwhile
    history = School.history.count()

    response = client.post(reverse("schools:import_confirm", kwargs={"pk": waiting.pk}), follow=True)

    waiting.refresh_from_db()
    assert waiting.status == ImportStatus.NOTHING_TO_IMPORT
    assert waiting.committed_at is None
    assert School.history.count() == history
    assert "Nothing to import: every row is unchanged." in response.content.decode()


def test_the_command_applies_nothing_when_nothing_would_change():
    data = gias_file(SKYLARK)
    run(data)
    again = run(data)
    assert (again.status, again.unchanged, again.committed_at) == (ImportStatus.NOTHING_TO_IMPORT, 1, None)


def test_a_file_whose_every_row_is_rejected_is_not_offered_either(client_as):
    client = client_as("admin")
    upload(client, gias_file(gias_row(urn=874202, name="", type_code=1, phase="Primary")))
    record = ImportRecord.objects.get()
    page = client.get(record.get_absolute_url()).content.decode()
    assert record.status == ImportStatus.NOTHING_TO_IMPORT
    assert services.IMPORT_NOTHING_USABLE in page
    assert "EstablishmentName is required" in page  # the rejected row is still listed
    assert "Confirm import" not in page


def test_a_file_with_changes_is_still_offered_for_confirmation(client_as):
    client = client_as("admin")
    response = upload(client, gias_file(SKYLARK))
    page = client.get(response["Location"]).content.decode()
    assert "Confirm import" in page
    assert "Nothing to import" not in page


def test_import_counts_are_pluralised(client_as):
    client = client_as("admin")
    response = upload(client, gias_file(SKYLARK, gias_row(urn=874202, name="", type_code=1, phase="Primary")))
    page = client.get(response["Location"]).content.decode()
    assert re.search(r"\b1 rows\b", page) is None
    assert "row rejected" in page
    assert "1 data row in the file" not in page  # two rows: plural
    assert "2 data rows in the file" in page


# ---- which LA codes ------------------------------------------------------------------------------


def test_with_one_managed_la_the_upload_offers_no_choice(client_as, settings):
    settings.LOCAL_AUTHORITY_CODES = ["874"]
    page = client_as("admin").get(reverse("schools:import_new", kwargs={"kind": "gias"})).content.decode()
    assert 'name="la_codes"' not in page
    assert "Only schools of local authority 874 are kept." in page


def test_with_several_managed_las_every_one_is_offered_and_ticked(client_as, settings):
    settings.LOCAL_AUTHORITY_CODES = ["873", "874"]
    SchoolFactory(urn=873999, la_code="873", la_name="Cambridgeshire")
    page = client_as("admin").get(reverse("schools:import_new", kwargs={"kind": "gias"})).content.decode()
    boxes = re.findall(r'<input[^>]*name="la_codes"[^>]*>', page)
    assert len(boxes) == 2
    assert all("checked" in box for box in boxes)
    assert "873 Cambridgeshire" in page  # named where the register knows the LA


def test_the_admin_imports_only_the_la_codes_they_choose(client_as, settings):
    settings.LOCAL_AUTHORITY_CODES = ["873", "874"]
    client = client_as("admin")
    upload(client, gias_file(SKYLARK, SWIFT), la_codes=["873"])
    record = ImportRecord.objects.get()
    assert record.options == {"la_codes": ["873"]}
    assert (record.created, record.rows_skipped) == (1, 1)
    assert "1 row is for other local authorities (this import keeps LA 873)." in record.message

    client.post(reverse("schools:import_confirm", kwargs={"pk": record.pk}))
    assert list(School.objects.values_list("urn", flat=True)) == [873301]


def test_by_default_every_managed_la_is_kept(client_as, settings):
    settings.LOCAL_AUTHORITY_CODES = ["873", "874"]
    upload(client_as("admin"), gias_file(SKYLARK, SWIFT), la_codes=["873", "874"])
    assert ImportRecord.objects.get().created == 2


@pytest.mark.parametrize("chosen", [[], ["999"]])
def test_choosing_no_la_or_one_not_managed_is_refused_with_a_message(client_as, settings, chosen):
    settings.LOCAL_AUTHORITY_CODES = ["873", "874"]
    response = upload(client_as("admin"), gias_file(SKYLARK), la_codes=chosen)
    page = response.content.decode()
    assert response.status_code == 200
    assert "govuk-error-summary" in page
    if not chosen:
        assert LA_CODES_REQUIRED in page
    assert not ImportRecord.objects.exists()


def test_the_command_still_keeps_the_la_codes_it_is_given(settings):
    settings.LOCAL_AUTHORITY_CODES = ["874"]
    data = gias_file(SKYLARK, SWIFT)
    out = io.StringIO()
    from tempfile import NamedTemporaryFile

    with NamedTemporaryFile(suffix=".csv") as file:
        file.write(data)
        file.flush()
        call_command("import_gias", file.name, "--la", "873", stdout=out, stderr=io.StringIO())
    assert list(School.objects.values_list("urn", flat=True)) == [873301]


# ---- the report of rejected rows -----------------------------------------------------------------


def test_a_rejected_rows_long_value_is_cut_short_so_the_problem_beside_it_stays_in_view(client_as):
    client = client_as("admin")
    long_name = "Skylark " + "x" * 492  # 500 characters: over the register's 255
    response = upload(client, gias_file(SKYLARK, gias_row(urn=874202, name=long_name, type_code=1, phase="Primary")))
    page = client.get(response["Location"]).content.decode()
    assert "Rejected rows" in page
    assert long_name not in page
    assert f"<code>{long_name[:119]}…</code>" in page
    assert "EstablishmentName is longer than 255 characters" in page
    assert '<td class="govuk-table__cell app-table__cell--value">' in page  # wrapped by app.css
