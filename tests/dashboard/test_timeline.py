"""A school's case file (issue 13, docs/adr/0021): every app's records in one story, as each role
may see it, in a bounded number of queries, filterable, paginated and exportable as a PDF."""

import io
import re
from datetime import date, timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from academies.models import Concern, ConcernSource, IntelligenceEntry, Rag, Sensitivity, SourceTeam
from audit.models import ReadEvent
from categorisation.models import Tick
from core.models import Export
from dashboard import timeline
from dashboard.timeline import Entry, Kind
from letters.models import Letter, LetterStatus, LetterType
from schools.models import School
from tests.categorisation.factories import ApprovedCategorisationFactory, CategorisationFactory
from tests.dashboard.case_file_pdf import ask_for_pdf, download_pdf
from tests.factories import InspectionFactory, SchoolFactory
from tests.letters.factories import issued
from tests.visits.factories import ActionFactory, MspGroupFactory, MspMeetingFactory, VisitFactory

pytestmark = pytest.mark.django_db

SECRET = "PLANTED-CONFIDENTIAL-7731"
DAY = date(2026, 11, 16)


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def page_url(school, **query) -> str:
    from urllib.parse import urlencode

    url = reverse("dashboard:timeline", kwargs={"urn": school.urn})
    return url + ("?" + urlencode(query, doseq=True) if query else "")


PDF_QUERY_CEILING = 30


def pdf_url(school, **query) -> str:
    from urllib.parse import urlencode

    url = reverse("dashboard:timeline_pdf", kwargs={"urn": school.urn})
    return url + ("?" + urlencode(query, doseq=True) if query else "")


def import_change(school: School, record_id: int = 1, **values) -> None:
    """A change the GIAS importer made (its change reason on the history row)."""
    for name, value in values.items():
        setattr(school, name, value)
    school._change_reason = f"GIAS import #{record_id}"
    school.save()
    del school._change_reason


def letter(school, *, status, subject="Letter", body="Body", issued_on=None) -> Letter:
    return Letter.objects.create(
        letter_type=LetterType.objects.get(code="congratulations"),
        school=school,
        status=status,
        subject=subject,
        body=body,
        issued_on=issued_on,
    )


def every_kind(school, *, n: int, officer) -> None:
    """`n` records of every kind for the school, with the secret in every confidential field."""
    today = timezone.localdate()
    for i in range(n):
        import_change(school, record_id=i + 1, telephone=f"01733 {i:06d}")
        InspectionFactory(school=school, start_date=today - timedelta(days=30 * i + 1))
        categorisation = ApprovedCategorisationFactory(school=school, rationale=SECRET, review_comments=SECRET)
        Tick.objects.filter(categorisation=categorisation).update(evidence=SECRET)
        VisitFactory(school=school, notes=SECRET, strengths=SECRET, purpose=SECRET, areas_for_development=SECRET)
        ActionFactory(school=school, progress=SECRET, owner="la", description=f"LA action {SECRET}")
        ActionFactory(school=school, progress=SECRET)
        letter(school, status=LetterStatus.DRAFT, subject=SECRET, body=SECRET)
        sent = issued(school, "congratulations", drafter=officer, officer=officer)
        Letter.objects.filter(pk=sent.pk).update(subject=f"Well done {i}")
        Concern.objects.create(
            school=school, source=ConcernSource.WHISTLEBLOWING, description=SECRET, raised_on=today,
            rag=Rag.RED, rag_reason=SECRET, owner=officer,
        )  # fmt: skip
        IntelligenceEntry.objects.create(
            school=school, received_on=today, source_team=SourceTeam.HR, summary=SECRET,
            sensitivity=Sensitivity.RESTRICTED if i % 2 else Sensitivity.NORMAL,
        )  # fmt: skip
    group = MspGroupFactory(school=school, chair=officer, closed_reason=SECRET)
    for _ in range(n):
        MspMeetingFactory(group=group, minutes=SECRET, summary_key_points=SECRET, attendees=SECRET)
    CategorisationFactory(school=school, rationale=SECRET)  # a draft


# ---- who sees what ------------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["governor", "officer", "adviser"])
def test_the_case_file_page_and_its_pdf_open_for_staff_and_the_schools_governors(client_as, school, role):
    client = client_as(role)
    assert client.get(page_url(school)).status_code == 200
    response = download_pdf(client, pdf_url(school))
    assert response.status_code == 200
    assert response.content_type == "application/pdf"
    assert pdf_text(response.content).startswith("Case file:")


def test_a_governors_case_file_and_pdf_never_show_confidential_text(client_as, school, officer):
    every_kind(school, n=2, officer=officer)
    publish = MspMeetingFactory(group=school.msp_groups.get(), summary_key_points="Reading is improving fast.")
    publish.summary_published_at = timezone.now()
    publish.save()
    client = client_as("governor")
    page = client.get(page_url(school, kind=[k.value for k in Kind])).content.decode()
    pdf = pdf_text(download_pdf(client, pdf_url(school)).content)
    for shown in (page, pdf):
        assert SECRET not in shown
        assert "Reading is improving fast." in shown  # the published summary
        assert "Well done 0" in shown  # an issued letter
    assert "Categorised" not in page
    assert "Intelligence from" not in page
    assert "Concern raised" not in page


def test_a_governor_cannot_ask_for_kinds_governors_may_not_see(client_as, school, officer):
    every_kind(school, n=1, officer=officer)
    page = client_as("governor").get(page_url(school, kind=["intelligence", "concern"])).content.decode()
    assert SECRET not in page
    assert not re.search(r'<input[^>]*type="checkbox"[^>]*value="intelligence"', page)  # not offered


def test_restricted_items_reach_officers_only_and_officers_reads_are_logged(client_as, school, officer):
    IntelligenceEntry.objects.create(
        school=school, received_on=DAY, source_team=SourceTeam.HR, summary=SECRET, sensitivity=Sensitivity.RESTRICTED
    )
    Concern.objects.create(
        school=school, source=ConcernSource.WHISTLEBLOWING, description="x", raised_on=DAY, rag=Rag.RED,
        rag_reason="x", owner=officer,
    )  # fmt: skip
    adviser_page = client_as("adviser").get(page_url(school)).content.decode()
    assert SECRET not in adviser_page
    assert "Restricted" not in adviser_page
    officer_page = client_as("officer").get(page_url(school)).content.decode()
    assert SECRET in officer_page
    assert "Concern raised: whistleblowing" in officer_page
    assert ReadEvent.objects.filter(user=officer, object_id=IntelligenceEntry.objects.get().pk).exists()


# ---- queries ------------------------------------------------------------------------------------


def test_the_case_file_runs_a_bounded_number_of_queries_however_long_the_history(
    client_as, school, officer, django_assert_max_num_queries
):
    every_kind(school, n=15, officer=officer)
    client = client_as("officer")
    # Once first: the read log's content types are cached after their first lookup in the process
    # (alone, this test met them uncached; in the suite an earlier test had filled the cache).
    client.get(page_url(school))
    # Session, user, groups and the school; one query per source (two for MSP); the read log. The
    # same 15 with 2 records of each kind.
    with django_assert_max_num_queries(15):
        assert client.get(page_url(school)).status_code == 200
    # The PDF button records an export and (inline in tests) builds it: the page's reads, the export's
    # row and its task's; the same 15 records or 2 (docs/adr/0037).
    with django_assert_max_num_queries(PDF_QUERY_CEILING):
        assert ask_for_pdf(client, pdf_url(school)).status_code == 302


def test_a_governors_case_file_runs_a_bounded_number_of_queries(
    client_as, school, officer, django_assert_max_num_queries
):
    every_kind(school, n=15, officer=officer)
    client = client_as("governor")
    with django_assert_max_num_queries(9):
        assert client.get(page_url(school)).status_code == 200


# ---- the story ----------------------------------------------------------------------------------


def test_register_changes_from_imports_name_the_columns_they_changed(officer, school):
    import_change(school, record_id=7, telephone="01733 111111", website="https://example.org")
    school.head_last_name = "Edited by hand"
    school.save()  # not an import: not on the case file
    entries = timeline.case_file(user=officer, school=school, kinds=["register"])
    expected = [("Register updated (GIAS import #7)", "Changed: Website, Telephone.")]
    assert [(e.title, e.summary) for e in entries] == expected


def test_a_governor_reads_where_a_register_change_came_from_not_the_imports_number(school, governor):
    """The school-side journey: "Added to the register (GIAS import #1)" on a governor's case file."""
    import_change(school, record_id=7, telephone="01733 111111")
    entries = timeline.case_file(user=governor, school=school, kinds=["register"])
    assert [e.title for e in entries] == [f"Register updated ({timeline.FROM_GIAS})"]


def test_entries_are_in_date_order_with_ties_broken_by_kind_then_id():
    day = date(2026, 3, 1)
    entries = [
        Entry(day, Kind.LETTER, 5, "b"),
        Entry(day, Kind.OFSTED, 9, "a"),
        Entry(day, Kind.LETTER, 2, "c"),
        Entry(day + timedelta(days=1), Kind.ACTION, 1, "d"),
    ]
    ordered = sorted(entries, key=Entry.sort_key)
    assert [e.title for e in ordered] == ["a", "c", "b", "d"]


def test_the_newest_come_first_unless_the_oldest_are_asked_for(client_as, school):
    InspectionFactory(school=school, start_date=date(2020, 1, 6), inspection_type="Old one")
    InspectionFactory(school=school, start_date=date(2024, 1, 8), inspection_type="New one")
    client = client_as("officer")
    newest = client.get(page_url(school)).content.decode()
    oldest = client.get(page_url(school, order="oldest")).content.decode()
    assert newest.index("New one") < newest.index("Old one")
    assert oldest.index("Old one") < oldest.index("New one")


def test_the_filter_shows_only_the_kinds_ticked(client_as, school):
    InspectionFactory(school=school, inspection_type="Section 5")
    VisitFactory(school=school)
    client = client_as("officer")
    only_ofsted = client.get(page_url(school, kind="ofsted")).content.decode()
    assert "Section 5" in only_ofsted
    assert 'data-kind="visit"' not in only_ofsted
    everything = client.get(page_url(school)).content.decode()
    assert 'data-kind="visit"' in everything
    assert 'data-kind="ofsted"' in everything


def test_an_unknown_kind_or_order_in_the_address_shows_everything_rather_than_failing(client_as, school):
    VisitFactory(school=school)
    response = client_as("officer").get(page_url(school, kind="<script>", order="sideways", page="x"))
    assert response.status_code == 200
    assert 'data-kind="visit"' in response.content.decode()


def test_the_case_file_is_paginated_fifty_entries_a_page(client_as, school):
    for i in range(60):
        InspectionFactory(school=school, start_date=date(2020, 1, 1) + timedelta(days=i))
    client = client_as("officer")
    first = client.get(page_url(school)).content.decode()
    second = client.get(page_url(school, page=2)).content.decode()
    assert first.count('data-kind="ofsted"') == 50
    assert second.count('data-kind="ofsted"') == 10
    assert "govuk-pagination" in first
    assert "60 entries" in first


def test_each_entry_links_to_its_record(officer, school):
    visit = VisitFactory(school=school)
    entries = timeline.case_file(user=officer, school=school)
    assert [e.url for e in entries if e.kind == Kind.VISIT] == [reverse("visits:detail", kwargs={"pk": visit.pk})]


def test_the_school_page_links_to_the_case_file_except_for_admins(client_as, school):
    link = reverse("dashboard:timeline", kwargs={"urn": school.urn})
    assert link in client_as("governor").get(school.get_absolute_url()).content.decode()
    assert link not in client_as("admin").get(school.get_absolute_url()).content.decode()


def test_the_pdf_keeps_the_filter_and_lists_the_entries(client_as, school):
    InspectionFactory(school=school, inspection_type="Section 8 monitoring")
    VisitFactory(school=school)
    text = pdf_text(download_pdf(client_as("officer"), pdf_url(school, kind="ofsted")).content)
    assert "Section 8 monitoring" in text
    assert "visit" not in text.lower().split("official-sensitive")[-1]


def test_another_schools_records_are_never_on_the_case_file(officer, school):
    VisitFactory(school=SchoolFactory())
    assert timeline.case_file(user=officer, school=school) == []


def test_an_action_is_dated_by_the_visit_that_agreed_it(officer, school):
    visit = VisitFactory(school=school, visit_date=date(2026, 2, 3))
    ActionFactory(school=school, visit=visit)
    (entry,) = timeline.case_file(user=officer, school=school, kinds=["action"])
    assert entry.day == date(2026, 2, 3)


def test_every_link_on_a_governors_case_file_opens_for_that_governor(client_as, school, governor, officer):
    every_kind(school, n=1, officer=officer)
    meeting = school.msp_groups.get().meetings.get()
    meeting.summary_published_at = timezone.now()
    meeting.save()
    entries = timeline.case_file(user=governor, school=school)
    assert {e.kind for e in entries} == {Kind.REGISTER, Kind.OFSTED, Kind.MSP, Kind.LETTER, Kind.ACTION}
    client = client_as("governor")
    for entry in entries:
        assert client.get(entry.url).status_code == 200, entry


def test_the_pdf_is_built_in_the_background_for_the_user_who_asked_and_only_them(client_as, school, officer):
    """docs/adr/0037: the button records an export of the school's case file with the page's filters;
    its page and file are the asker's only, and only while they may still read the school."""
    governor = client_as("governor")
    asked = ask_for_pdf(governor, pdf_url(school, kind="ofsted"))
    assert asked.status_code == 302
    page = governor.get(asked["Location"])
    export = page.context["export"]
    assert (export.kind, export.params) == ("case-file", [["kind", "ofsted"], ["urn", str(school.urn)]])
    body = page.content.decode()
    assert "Your case file PDF is ready" in body
    downloaded = governor.get(reverse("core:export_download", kwargs={"pk": export.pk}))
    assert f'filename="case-file-{school.urn}-' in downloaded["Content-Disposition"]  # names its school
    assert reverse("dashboard:timeline", kwargs={"urn": school.urn}) in body  # back to the case file
    assert client_as("officer").get(asked["Location"]).status_code == 404  # someone else's export
    assert ask_for_pdf(client_as("other_governor"), pdf_url(school)).status_code == 404  # another school's
    assert client_as("other_governor").get(pdf_url(school)).status_code == 404
    download = reverse("core:export_download", kwargs={"pk": export.pk})
    school.governorships.all().delete()  # no longer a governor of the school
    assert governor.get(download).status_code == 404


# ---- the PDF is asked for by POST -----------------------------------------------------------------


def test_the_case_file_asks_for_its_pdf_by_post_with_its_filters_escaped(client_as, school):
    """The PDF is stored and built by a task worker: a button posting the page's filters (with the
    CSRF token), never a link a prefetcher or crawler could follow."""
    body = client_as("officer").get(page_url(school, kind="ofsted", order='"><b>x', page="1")).content.decode()
    action = reverse("dashboard:timeline_pdf", kwargs={"urn": school.urn})
    form = re.search(rf'<form method="post"\s+action="{action}".*?</form>', body, re.S).group(0)
    assert 'name="csrfmiddlewaretoken"' in form
    assert '<input type="hidden" name="kind" value="ofsted">' in form
    assert '<input type="hidden" name="order" value="&quot;&gt;&lt;b&gt;x">' in form  # data, escaped
    assert 'name="page"' not in form
    assert re.search(r"<button[^>]*>\s*Download the case file as a PDF<span", form)
    assert f'href="{action}' not in body


def test_a_get_of_the_case_file_pdf_records_nothing_and_offers_the_button(client_as, school):
    client = client_as("officer")
    page = client.get(pdf_url(school, kind="ofsted"))
    assert page.status_code == 200
    assert not Export.objects.exists()
    body = page.content.decode()
    assert "Prepare your case file PDF" in body
    assert '<input type="hidden" name="kind" value="ofsted">' in body
    assert reverse("dashboard:timeline", kwargs={"urn": school.urn}) in body  # back to the case file
    assert ask_for_pdf(client, pdf_url(school, kind="ofsted")).status_code == 302  # its button
    assert Export.objects.get().params == [["kind", "ofsted"], ["urn", str(school.urn)]]


def test_the_pdf_asked_for_without_the_csrf_token_is_refused_and_records_nothing(school, officer):
    client = Client(enforce_csrf_checks=True)
    client.force_login(officer)
    assert client.post(pdf_url(school), {"kind": "ofsted"}).status_code == 403
    assert not Export.objects.exists()
