"""The moderation sheet and its CSV and XLSX show each proposal's reasons and the moderators': each
records a read of every categorisation on it in the read log, named as the categorisation's own
page names it, in one INSERT however many rows (audit.services, docs/adr/0012)."""

from typing import cast

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import ReadEvent
from audit.selectors import how_read
from categorisation import moderation
from categorisation.models import Categorisation, Status
from tests.categorisation.factories import CategorisationFactory
from tests.factories import SchoolFactory

pytestmark = pytest.mark.django_db


def propose(name: str) -> Categorisation:
    categorisation = CategorisationFactory(
        school=SchoolFactory(name=name), status=Status.SUBMITTED, level="high", rationale="Leaders slow to act."
    )
    return cast(Categorisation, categorisation)


@pytest.fixture
def proposals(db) -> list[Categorisation]:
    return [propose("Kingfisher Primary School"), propose("Heron Primary School")]


@pytest.fixture
def session(officer, proposals):
    return moderation.moderation_session_open(actor=officer)


def reads(view: str) -> list[tuple[int, int, str]]:
    kind = ContentType.objects.get_for_model(Categorisation)
    return sorted(ReadEvent.objects.filter(view=view, content_type=kind).values_list("user_id", "object_id", "label"))


def expected(user, categorisations: list[Categorisation]) -> list[tuple[int, int, str]]:
    return sorted((user.pk, c.pk, f"Categorisation of {c.school.name}, {c.term_label}") for c in categorisations)


@pytest.mark.parametrize("role", ["officer", "adviser"])
def test_reading_the_sheet_records_a_read_of_each_categorisation_on_it(client_as, request, session, proposals, role):
    response = client_as(role).get(session.get_absolute_url())
    assert response.status_code == 200
    assert reads("categorisation:moderation_sheet") == expected(request.getfixturevalue(role), proposals)
    assert how_read("categorisation:moderation_sheet") == "Moderation sheet"


def test_a_closed_sheet_records_the_reads_of_the_decided_rows(client_as, officer, session, proposals):
    first = proposals[0]
    moderation.moderation_decision_record(session=session, categorisation=first, level="high", reason="", actor=officer)
    moderation.moderation_session_close(session=session, actor=officer)
    client_as("adviser").get(session.get_absolute_url())
    assert [object_id for _, object_id, _ in reads("categorisation:moderation_sheet")] == [first.pk]


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_each_export_of_the_sheet_records_a_read_of_each_categorisation(client_as, officer, session, proposals, fmt):
    url = reverse("categorisation:moderation_export", kwargs={"pk": session.pk, "fmt": fmt})
    assert client_as("officer").get(url).status_code == 200
    assert reads("categorisation:moderation_export") == expected(officer, proposals)


def test_an_export_refused_records_nothing(client_as, session):
    url = reverse("categorisation:moderation_export", kwargs={"pk": session.pk, "fmt": "pdf"})
    assert client_as("officer").get(url).status_code == 404
    assert not ReadEvent.objects.exists()


@pytest.mark.parametrize("url_name", ["categorisation:moderation_sheet", "categorisation:moderation_export"])
def test_the_reads_are_one_insert_and_the_queries_do_not_grow_with_the_rows(client_as, session, url_name):
    kwargs = {"pk": session.pk, **({"fmt": "csv"} if url_name.endswith("export") else {})}
    client = client_as("officer")

    def queries() -> list[str]:
        ReadEvent.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name, kwargs=kwargs)).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    two = queries()
    propose("Avocet Academy"), propose("Bittern School"), propose("Curlew Infant School")
    five = queries()
    assert len(five) == len(two)
    assert len([sql for sql in five if sql.startswith("INSERT") and '"audit_readevent"' in sql]) == 1
    assert ReadEvent.objects.count() == 5
