"""The read log (issue 9, docs/adr/0012): each view that shows confidential material records who
read which record, with one INSERT and nothing read first; other views, and governors, record
nothing. Officers see who read a record and what a person read; entries are kept for
READ_LOG_RETENTION_DAYS and repeated reads within READ_LOG_COLLAPSE_MINUTES are one entry."""

import io
from datetime import timedelta

import pytest
from django.contrib.contenttypes.models import ContentType
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from audit.models import ReadEvent
from audit.services import record_read
from tests.categorisation.factories import CategorisationFactory
from tests.dashboard.case_file_pdf import download_pdf
from tests.letters.factories import draft as draft_letter
from tests.letters.factories import issued as issued_letter
from tests.visits.factories import MspGroupFactory, MspMeetingFactory, VisitFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def records(school, adviser, officer, make_user):
    """One confidential record of each kind at `school`, whose link adviser is `adviser`."""
    from accounts.roles import Role

    school.link_adviser = adviser
    school.chair_of_governors = "Grace Holt"
    school.save()
    second = make_user(Role.OFFICER, username="officer2")
    group = MspGroupFactory(school=school, chair=officer)
    published = MspMeetingFactory(group=group, held_on=timezone.localdate() - timedelta(days=40))
    published.summary_published_at, published.summary_published_by = timezone.now(), officer
    published.save()
    return {
        "categorisation": CategorisationFactory(school=school, created_by=adviser),
        "visit": VisitFactory(school=school, adviser=adviser, status="completed"),
        "meeting": MspMeetingFactory(group=group),
        "published": published,
        "letter": draft_letter(school, "congratulations", actor=adviser),
        "issued": issued_letter(school, "congratulations", drafter=officer, officer=second),
    }


# (URL name, which record, the record's kwargs) of every page showing confidential material.
CONFIDENTIAL = [
    ("categorisation:detail", "categorisation"),
    ("categorisation:edit", "categorisation"),
    ("visits:detail", "visit"),
    ("visits:record", "visit"),
    ("visits:note", "visit"),
    ("visits:note_pdf", "visit"),
    ("visits:msp_meeting", "meeting"),
    ("visits:msp_meeting_record", "meeting"),
    ("letters:detail", "letter"),
    ("letters:edit", "letter"),
    ("letters:draft_pdf", "letter"),
]


def url_of(name: str, record) -> str:
    return reverse(name, kwargs={"pk": record.pk})


def reads_of(record) -> list[ReadEvent]:
    return list(ReadEvent.objects.filter(content_type=ContentType.objects.get_for_model(record), object_id=record.pk))


@pytest.mark.parametrize("role", ["adviser", "officer"])
@pytest.mark.parametrize(("url_name", "which"), CONFIDENTIAL)
def test_each_confidential_page_records_who_read_which_record(client_as, records, url_name, which, role, request):
    record = records[which]
    reader = request.getfixturevalue(role)

    response = client_as(role).get(url_of(url_name, record))

    assert response.status_code == 200
    [read] = reads_of(record)
    assert (read.user, read.view, read.object_id) == (reader, url_name, record.pk)
    assert read.label
    assert abs(read.at - timezone.now()) < timedelta(minutes=1)


@pytest.mark.parametrize(("url_name", "which"), CONFIDENTIAL)
def test_a_confidential_page_costs_one_insert_and_reads_nothing_from_the_log(client_as, records, url_name, which):
    client = client_as("officer")
    url = url_of(url_name, records[which])
    for _ in range(2):  # the second read is in the same window: still one INSERT, skipped
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        logged = [q["sql"] for q in queries.captured_queries if "audit_readevent" in q["sql"]]
        assert len(logged) == 1
        assert logged[0].lstrip().upper().startswith("INSERT")
    assert len(reads_of(records[which])) == 1


@pytest.mark.parametrize(
    ("role", "url"),
    [
        ("officer", lambda r: reverse("schools:detail", kwargs={"urn": r["visit"].school.urn})),
        ("officer", lambda r: reverse("visits:list")),
        ("officer", lambda r: reverse("categorisation:list")),
        ("officer", lambda r: reverse("letters:register")),
        ("officer", lambda r: reverse("dashboard:home")),
        ("officer", lambda r: reverse("letters:detail", kwargs={"pk": r["issued"].pk})),  # issued: the school's
        ("officer", lambda r: reverse("visits:msp_summary", kwargs={"pk": r["published"].pk})),
        ("adviser", lambda r: reverse("visits:msp_group", kwargs={"pk": r["meeting"].group_id})),
    ],
)
def test_pages_without_confidential_material_record_nothing(client_as, records, role, url):
    assert client_as(role).get(url(records)).status_code == 200
    assert not ReadEvent.objects.exists()


def test_governors_never_produce_read_log_entries(client_as, records, governor, other_governor):
    client = client_as("governor")
    for url in (
        reverse("schools:detail", kwargs={"urn": records["visit"].school.urn}),
        reverse("letters:detail", kwargs={"pk": records["issued"].pk}),
        reverse("visits:msp_summary", kwargs={"pk": records["published"].pk}),
    ):
        assert client.get(url).status_code == 200, url
    for url_name, which in CONFIDENTIAL:  # refused before anything is recorded
        assert client.get(url_of(url_name, records[which])).status_code in (403, 404), url_name
    assert not ReadEvent.objects.exists()


@pytest.mark.parametrize("role", ["admin", "other_governor"])
def test_a_refused_read_records_nothing(client_as, records, role):
    client = client_as(role)
    for url_name, which in CONFIDENTIAL:
        assert client.get(url_of(url_name, records[which])).status_code in (403, 404), url_name
    assert not ReadEvent.objects.exists()


# ---- collapsing repeated reads -----------------------------------------------------------------


def test_reads_of_a_record_through_a_page_within_the_window_are_one_entry(client_as, records, on_day, time_machine):
    day = on_day(timezone.localdate())  # 10:30: a window starts on the quarter hour
    client, url = client_as("officer"), url_of("visits:detail", records["visit"])
    client.get(url)
    time_machine.move_to(timezone.now() + timedelta(minutes=14), tick=False)
    client.get(url)
    assert len(reads_of(records["visit"])) == 1
    time_machine.move_to(timezone.now() + timedelta(minutes=1), tick=False)  # 10:45: the next window
    client.get(url)
    reads = reads_of(records["visit"])
    assert len(reads) == 2
    assert sorted(timezone.localtime(r.at).strftime("%H:%M") for r in reads) == ["10:30", "10:45"]
    assert day == timezone.localdate()


def test_another_page_of_the_same_record_is_another_entry(client_as, records):
    client = client_as("officer")
    client.get(url_of("visits:detail", records["visit"]))
    client.get(url_of("visits:note_pdf", records["visit"]))
    assert sorted(r.view for r in reads_of(records["visit"])) == ["visits:detail", "visits:note_pdf"]


def test_with_no_window_every_read_is_an_entry(client_as, records, settings):
    settings.READ_LOG_COLLAPSE_MINUTES = 0
    client = client_as("officer")
    for _ in range(3):
        client.get(url_of("visits:detail", records["visit"]))
    assert len(reads_of(records["visit"])) == 3


def test_record_read_ignores_an_anonymous_user(records):
    from django.contrib.auth.models import AnonymousUser

    record_read(user=AnonymousUser(), obj=records["visit"], view="visits:detail")
    assert not ReadEvent.objects.exists()


# ---- what officers see ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url_name", "which"),
    [("categorisation:detail", "categorisation"), ("visits:detail", "visit"), ("visits:msp_meeting", "meeting"),
     ("letters:detail", "letter")],
)  # fmt: skip
def test_each_confidential_page_links_officers_and_only_officers_to_who_has_read_it(
    client_as, records, url_name, which
):
    record = records[which]
    link = reverse(
        "audit:record_reads",
        kwargs={"app_label": record._meta.app_label, "model": record._meta.model_name, "object_id": record.pk},
    )
    assert link in client_as("officer").get(url_of(url_name, record)).content.decode()
    assert link not in client_as("adviser").get(url_of(url_name, record)).content.decode()


def test_an_officer_sees_who_has_read_a_record_newest_first(client_as, records, adviser, officer, time_machine):
    visit = records["visit"]
    client_as("adviser").get(url_of("visits:detail", visit))
    time_machine.move_to(timezone.now() + timedelta(hours=1), tick=False)
    client = client_as("officer")
    client.get(url_of("visits:note_pdf", visit))

    response = client.get(
        reverse("audit:record_reads", kwargs={"app_label": "visits", "model": "visit", "object_id": visit.pk})
    )

    reads = response.context["reads"]
    assert [(r.user, r.how) for r in reads] == [(officer, "Note of visit, PDF"), (adviser, "Visit page")]
    page = response.content.decode()
    assert "Who has read this" in page
    assert visit.get_absolute_url() in page


def test_an_officer_sees_what_one_person_read(client_as, records, adviser, officer):
    client_as("adviser").get(url_of("visits:detail", records["visit"]))
    client = client_as("officer")
    client.get(url_of("categorisation:detail", records["categorisation"]))

    everyone = client.get(reverse("audit:read_log")).context["pagination"].page.object_list
    assert {r.user for r in everyone} == {adviser, officer}
    one = client.get(reverse("audit:read_log"), {"user": adviser.pk}).context["pagination"].page.object_list
    assert [(r.user, r.kind, r.how) for r in one] == [(adviser, "Visit", "Visit page")]


def test_the_read_log_downloads_as_csv(client_as, records, adviser):
    client_as("adviser").get(url_of("letters:detail", records["letter"]))
    response = client_as("officer").get(reverse("audit:read_log_export"), {"user": adviser.pk})
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    header, row = text.splitlines()
    assert header == "When,Who,Username,Record,Kind,Id,How"
    assert f",{adviser.username}," in row
    assert records["letter"].reference in row
    assert row.endswith(",Letter page (draft)")


def test_the_log_pages_take_the_same_queries_however_many_reads(client_as, records, make_user, settings):
    from accounts.roles import Role

    settings.READ_LOG_COLLAPSE_MINUTES = 0
    client = client_as("officer")
    visit = records["visit"]
    pages = [
        reverse("audit:read_log"),
        reverse("audit:record_reads", kwargs={"app_label": "visits", "model": "visit", "object_id": visit.pk}),
    ]
    record_read(user=make_user(Role.ADVISER, username="a0"), obj=visit, view="visits:detail")

    def counts():
        counted = []
        for url in pages:
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            counted.append(len(queries))
        return counted

    few = counts()
    for n in range(1, 30):
        reader = make_user(Role.ADVISER, username=f"a{n}")
        record_read(user=reader, obj=visit, view="visits:detail")
        record_read(user=reader, obj=records["meeting"], view="visits:msp_meeting")
    assert counts() == few


# ---- retention -------------------------------------------------------------------------------------


def test_purge_read_log_deletes_what_is_older_than_the_retention_period(records, officer, time_machine, settings):
    settings.READ_LOG_RETENTION_DAYS = 730
    now = timezone.now()
    for days_ago in (731, 729, 1):
        time_machine.move_to(now - timedelta(days=days_ago), tick=False)
        record_read(user=officer, obj=records["visit"], view="visits:detail")
    time_machine.move_to(now, tick=False)

    out = io.StringIO()
    call_command("purge_read_log", "--dry-run", stdout=out)
    assert "Would delete 1 read-log entry older than 730 days" in out.getvalue()
    assert ReadEvent.objects.count() == 3

    out = io.StringIO()
    with CaptureQueriesContext(connection) as queries:
        call_command("purge_read_log", stdout=out)
    assert "Deleted 1 read-log entry older than 730 days" in out.getvalue()
    assert len(queries) == 1  # one DELETE
    kept = sorted((now - r.at).days for r in ReadEvent.objects.all())
    assert kept == [1, 729]

    time_machine.move_to(now + timedelta(days=2), tick=False)  # two days on, the 729-day-old one goes
    call_command("purge_read_log", stdout=io.StringIO())
    assert ReadEvent.objects.count() == 1


def test_the_retention_period_is_a_setting(records, officer, time_machine, settings):
    settings.READ_LOG_RETENTION_DAYS = 30
    now = timezone.now()
    time_machine.move_to(now - timedelta(days=31), tick=False)
    record_read(user=officer, obj=records["visit"], view="visits:detail")
    time_machine.move_to(now, tick=False)
    out = io.StringIO()
    call_command("purge_read_log", stdout=out)
    assert "Deleted 1 read-log entry older than 30 days" in out.getvalue()
    assert not ReadEvent.objects.exists()


@pytest.mark.parametrize(("name", "value"), [("READ_LOG_RETENTION_DAYS", "0"), ("READ_LOG_COLLAPSE_MINUTES", "-5")])
def test_a_retention_or_window_that_makes_no_sense_stops_the_app_starting(name, value):
    from tests.core.test_settings import manage

    result = manage("check", DEBUG="true", **{name: value})
    assert result.returncode != 0
    assert "READ_LOG_RETENTION_DAYS must be at least 1 and READ_LOG_COLLAPSE_MINUTES at least 0" in result.stderr


def test_every_page_that_records_a_read_is_named_in_the_read_log(
    client_as, school, adviser, officer, headteacher, on_day
):
    """The read log says through which page a record was read, in words, never a URL name: the
    headteacher's copy of a note of visit and the case file (restricted intelligence) too."""
    from datetime import date

    from academies import services as academy_services
    from academies.models import Sensitivity, SourceTeam
    from audit.selectors import HOW_READ

    on_day(date(2026, 11, 13))
    school.link_adviser = adviser
    school.save()
    visit = VisitFactory(school=school, adviser=adviser, completed=True, visit_date=date(2026, 11, 12))
    client_as("adviser").post(reverse("visits:share_with_school", kwargs={"pk": visit.pk}))
    academy_services.intelligence_record(
        school=school, received_on=date(2026, 11, 1), source_team=SourceTeam.HR, summary="x",
        sensitivity=Sensitivity.RESTRICTED, actor=officer,
    )  # fmt: skip
    ReadEvent.objects.all().delete()

    assert client_as("headteacher").get(reverse("visits:shared_note", kwargs={"pk": visit.pk})).status_code == 200
    client = client_as("officer")
    assert client.get(reverse("dashboard:timeline", kwargs={"urn": school.urn})).status_code == 200
    assert download_pdf(client, reverse("dashboard:timeline_pdf", kwargs={"urn": school.urn})).status_code == 200

    views = set(ReadEvent.objects.values_list("view", flat=True))
    assert views == {"visits:shared_note", "dashboard:timeline", "dashboard:timeline_pdf"}
    assert views - set(HOW_READ) == set()
