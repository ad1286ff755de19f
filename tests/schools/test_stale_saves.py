"""An officer's save of a school's LA-kept details, or of a trust's contacts, made from a page read
before a GIAS import changed the same row: the import's change is kept. The services read the row
again, locked, and write only their own fields; they once saved the page's copy whole, putting the
old head (or trust name) back."""

import pytest

from schools import services
from schools.demo_files import current_gias_header, gias_row, to_csv_bytes
from schools.models import School, Trust

pytestmark = pytest.mark.django_db


def run_import(*, head=("Mrs", "Jane", "Smith"), trust=("90003", "Fen Trust")):
    row = gias_row(urn=874114, name="Wren Academy", type_code=34, phase="Primary", head=head, trust=trust)
    services.import_run(
        kind="gias", data=to_csv_bytes(current_gias_header(), [row]), filename="edubasealldata.csv", actor=None,
        options={"la_codes": ["874"]},
    )  # fmt: skip


def test_an_officers_save_keeps_the_new_head_an_import_recorded_after_the_page_was_read(officer, adviser):
    run_import()
    page_copy = School.objects.get(urn=874114)  # the officer's page opens
    run_import(head=("Mr", "Owen", "Davies"))  # the GIAS import names a new head

    services.school_update_la_details(
        school=page_copy, actor=officer, link_adviser=adviser, head_start_date=None, head_appointment="",
        chair_of_governors="Grace Holt",
    )  # fmt: skip

    school = School.objects.get(urn=874114)
    assert (school.head_last_name, school.chair_of_governors, school.link_adviser) == ("Davies", "Grace Holt", adviser)
    latest = school.history.first()  # the officer's change, audited with the row as it now is
    assert (latest.history_user, latest.head_last_name, latest.chair_of_governors) == (officer, "Davies", "Grace Holt")


def test_a_save_of_a_trusts_contacts_keeps_the_name_an_import_gave_it_after_the_page_was_read(officer):
    run_import()
    page_copy = Trust.objects.get(code="90003")
    run_import(trust=("90003", "Fen and Nene Trust"))  # the trust renamed in GIAS

    services.trust_update(trust=page_copy, actor=officer, ceo_name="Dr Ann Lee", chair_name="Ravi Shah")

    trust = Trust.objects.get(code="90003")
    assert (trust.name, trust.ceo_name, trust.chair_name) == ("Fen and Nene Trust", "Dr Ann Lee", "Ravi Shah")
    assert trust.history.first().history_user == officer


def test_the_details_page_opened_before_an_import_named_a_new_head_refuses_the_start_date_and_keeps_it(
    client_as, officer
):
    """The start date typed for the head the page showed would be given to the head GIAS named since:
    the page's version is checked (core.versions), what was typed stays, and saving again saves it."""
    from django.urls import reverse

    from core.versions import CHANGED_SINCE

    run_import()
    client = client_as("officer")
    url = reverse("schools:edit", kwargs={"urn": 874114})
    version = client.get(url).context["form"].initial["version"]
    run_import(head=("Mr", "Owen", "Davies"))  # the GIAS import names a new head
    typed = {"head_start_date_0": "1", "head_start_date_1": "9", "head_start_date_2": "2024"}
    fields = {"link_adviser": "", "head_appointment": "substantive", "chair_of_governors": "", **typed}

    refused = client.post(url, {**fields, "version": version})

    assert refused.status_code == 200
    opened = "after this page was opened"
    assert opened in CHANGED_SINCE
    assert opened in str(refused.context["form"].non_field_errors())
    assert School.objects.get(urn=874114).head_start_date is None
    saved = client.post(url, {**fields, "version": refused.context["form"]["version"].value()})
    assert saved.status_code == 302
    assert str(School.objects.get(urn=874114).head_start_date) == "2024-09-01"
