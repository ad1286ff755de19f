"""The academies meeting pack (page, PDF, XLSX) shows each concern's last step and its outcome: each
records a read of every concern in it, named as the concern's own page names it, in one INSERT
however many concerns (audit.services, docs/adr/0012)."""

import pytest
from django.contrib.contenttypes.models import ContentType
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from academies.models import Concern, ConcernSource, Rag
from audit.models import ReadEvent
from audit.selectors import how_read
from tests.factories import SchoolFactory

from .conftest import DAY

pytestmark = pytest.mark.django_db

PACK = ["academies:meeting_pack", "academies:meeting_pack_pdf", "academies:meeting_pack_xlsx"]


@pytest.fixture
def concerns(academy, make_concern, on_day) -> list[Concern]:
    """Two concerns in the pack (red), and an amber one at the first rung, which is not."""
    on_day(DAY)
    make_concern(SchoolFactory(name="Gannet Academy", academy=True), rag=Rag.AMBER)
    return [
        make_concern(academy, rag=Rag.RED),
        make_concern(SchoolFactory(name="Tern Academy", academy=True), rag=Rag.RED),
    ]


def reads(view: str) -> list[tuple[int, int, str]]:
    kind = ContentType.objects.get_for_model(Concern)
    return sorted(ReadEvent.objects.filter(view=view, content_type=kind).values_list("user_id", "object_id", "label"))


@pytest.mark.parametrize("url_name", PACK)
def test_the_meeting_pack_records_a_read_of_each_concern_in_it(client_as, officer, concerns, url_name):
    client = client_as("officer")
    assert client.get(reverse(url_name)).status_code == 200
    labels = {object_id: label for user_id, object_id, label in reads(url_name) if user_id == officer.pk}
    assert sorted(labels) == sorted(c.pk for c in concerns)  # not the amber concern left out of the pack
    client.get(concerns[0].get_absolute_url())  # named as the concern's own page names it
    [(_, _, label)] = reads("academies:detail")
    assert labels[concerns[0].pk] == label == "Concern about Osprey Academy"
    assert not how_read(url_name).startswith("academies:")


def test_a_concern_the_reader_may_not_see_is_not_in_the_pack_nor_recorded(client_as, academy, make_concern, on_day):
    """Whistleblowing is for officers who may read restricted material: an adviser's pack leaves it out."""
    on_day(DAY)
    make_concern(academy, source=ConcernSource.WHISTLEBLOWING, rag=Rag.RED)
    assert client_as("adviser").get(reverse("academies:meeting_pack")).status_code == 200
    assert not ReadEvent.objects.exists()


@pytest.mark.parametrize("url_name", ["academies:meeting_pack", "academies:meeting_pack_xlsx"])
def test_the_reads_are_one_insert_and_the_queries_do_not_grow_with_the_concerns(
    client_as, make_concern, concerns, url_name
):
    client = client_as("officer")

    def queries() -> list[str]:
        ReadEvent.objects.all().delete()
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse(url_name)).status_code == 200
        return [query["sql"] for query in captured.captured_queries]

    two = queries()
    for name in ("Avocet Academy", "Bittern Academy", "Curlew Academy"):
        make_concern(SchoolFactory(name=name, academy=True), rag=Rag.RED)
    five = queries()
    assert len(five) == len(two)
    assert len([sql for sql in five if sql.startswith("INSERT") and '"audit_readevent"' in sql]) == 1
    assert ReadEvent.objects.count() == 5
