"""Term dates (defaults, LA overrides, which term a day counts in), ward councillors and the
alerts they receive."""

from datetime import date
from unittest import mock

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from schools import services
from schools.importers.councillors import LISTED_TWICE, NONE_REMOVED, REMOVED
from schools.models import Councillor, ElectedMemberAlertKind, ImportStatus, Term, TermName
from schools.services import (
    NO_COUNCILLORS,
    NO_WARD,
    TERM_DATE_OUTSIDE_YEAR,
    TERM_DATES_ORDER,
    TERM_DAY_AT_A_WEEKEND,
    TERM_ENDS_AFTER_NEXT_YEAR,
    TERM_STARTS_BEFORE_LAST_YEAR,
    TERMS_OVERLAP,
    term_dates_in_their_school_year,
    terms_apart_from_the_years_either_side,
)
from schools.terms import academic_year_of, default_terms, half_term_on, term_on, terms_for_year
from tests.factories import SchoolFactory, WardFactory

pytestmark = pytest.mark.django_db


def test_default_terms_follow_the_usual_england_pattern():
    autumn, spring, summer = default_terms(2025)
    assert (autumn.starts_on, autumn.half_term_starts_on, autumn.half_term_ends_on, autumn.ends_on) == (
        date(2025, 9, 1), date(2025, 10, 27), date(2025, 10, 31), date(2025, 12, 19),
    )  # fmt: skip
    assert (spring.starts_on, spring.half_term_starts_on, spring.ends_on) == (
        date(2026, 1, 5),
        date(2026, 2, 16),
        date(2026, 3, 27),
    )
    assert (summer.starts_on, summer.half_term_starts_on, summer.ends_on) == (
        date(2026, 4, 13),  # Easter 5 April: the Easter holiday is 30 March to 10 April
        date(2026, 5, 25),
        date(2026, 7, 22),  # the last weekday on or before 22 July
    )


@pytest.mark.parametrize(
    ("day", "year"), [(date(2026, 9, 1), 2026), (date(2026, 8, 31), 2025), (date(2027, 1, 10), 2026)]
)
def test_the_academic_year_runs_september_to_august(day, year):
    assert academic_year_of(day) == year


@pytest.mark.parametrize(
    ("day", "term", "half"),
    [
        (date(2025, 9, 1), "autumn", 1),  # first day of the year
        (date(2025, 10, 24), "autumn", 1),  # last day before half-term
        (date(2025, 10, 29), "autumn", 1),  # in the half-term holiday: the half that ended
        (date(2025, 11, 3), "autumn", 2),  # back after half-term
        (date(2025, 12, 25), "autumn", 2),  # Christmas holiday counts in autumn
        (date(2026, 1, 5), "spring", 1),
        (date(2026, 4, 10), "spring", 2),  # Easter holiday counts in spring
        (date(2026, 7, 17), "summer", 2),
        (date(2026, 8, 20), "summer", 2),  # summer holiday counts in summer
    ],
)
def test_a_day_counts_in_the_term_and_half_term_that_last_started(day, term, half):
    assert term_on(day).term == term
    assert (half_term_on(day).term, half_term_on(day).half) == (term, half)


def test_the_las_own_dates_replace_the_defaults(admin_user):
    dates = {name: tuple(getattr(t, f) for f in ("starts_on", "half_term_starts_on", "half_term_ends_on", "ends_on"))
             for name, t in ((t.name, t) for t in default_terms(2026))}  # fmt: skip
    dates[TermName.AUTUMN] = (date(2026, 9, 3), date(2026, 10, 26), date(2026, 10, 30), date(2026, 12, 18))
    services.terms_save(academic_year=2026, dates=dates, actor=admin_user)

    assert terms_for_year(2026)[0].starts_on == date(2026, 9, 3)
    assert term_on(date(2026, 9, 2)).academic_year == 2025  # before the LA's autumn start: still summer 2025/26
    assert Term.objects.get(academic_year=2026, name="autumn").history.first().history_user == admin_user


def test_term_dates_must_be_in_order_and_terms_must_not_overlap(admin_user):
    dates = {t.name: (t.starts_on, t.half_term_starts_on, t.half_term_ends_on, t.ends_on) for t in default_terms(2026)}
    dates[TermName.SPRING] = (date(2027, 1, 4), date(2027, 1, 1), date(2027, 2, 19), date(2027, 3, 25))
    dates[TermName.SUMMER] = (date(2027, 3, 1), date(2027, 5, 31), date(2027, 6, 4), date(2027, 7, 16))
    with pytest.raises(ValidationError) as error:
        services.terms_save(academic_year=2026, dates=dates, actor=admin_user)
    assert error.value.messages == [
        TERM_DATES_ORDER.format(term="Spring"),
        TERMS_OVERLAP.format(earlier="Spring", later="Summer"),
    ]
    assert not Term.objects.exists()


def _defaults(year: int) -> dict:
    return {t.name: (t.starts_on, t.half_term_starts_on, t.half_term_ends_on, t.ends_on) for t in default_terms(year)}


def _posted(dates: dict) -> dict:
    """The term dates form's boxes for these dates."""
    data = {}
    for name, days in dates.items():
        for attribute, day in zip(
            ("starts_on", "half_term_starts_on", "half_term_ends_on", "ends_on"), days, strict=True
        ):
            data |= {
                f"{name}_{attribute}_0": day.day,
                f"{name}_{attribute}_1": day.month,
                f"{name}_{attribute}_2": day.year,
            }
    return data


OUTSIDE_2026 = {"year": "2026/27", "first": date(2026, 8, 1), "last": date(2027, 8, 31)}


def outside(label: str) -> str:
    return TERM_DATE_OUTSIDE_YEAR.format(label=label, **OUTSIDE_2026)


def weekend(label: str, day: date) -> str:
    return TERM_DAY_AT_A_WEEKEND.format(label=label, day=day)


@pytest.mark.parametrize(
    ("term", "position", "day", "error"),
    [
        ("autumn", 0, date(2026, 8, 31), None),  # a Monday in late August: the LA's first day may be
        ("autumn", 0, date(2026, 8, 3), None),
        ("autumn", 0, date(2025, 9, 2), outside("First day of the autumn term")),
        ("autumn", 0, date(2026, 7, 31), outside("First day of the autumn term")),
        ("summer", 3, date(2027, 8, 31), None),  # a Tuesday, the last day of the school year
        ("summer", 3, date(2027, 9, 1), outside("Last day of the summer term")),
        ("spring", 2, date(2028, 2, 19), outside("Last day of the spring half-term holiday")),
        ("autumn", 0, date(2026, 9, 5), weekend("First day of the autumn term", date(2026, 9, 5))),
        ("spring", 3, date(2027, 3, 28), weekend("Last day of the spring term", date(2027, 3, 28))),
        ("autumn", 1, date(2026, 10, 24), None),  # a half-term holiday given from its Saturday: as the LA writes it
        ("autumn", 2, date(2026, 11, 1), None),  # ... to its Sunday
    ],
)  # fmt: skip
def test_term_dates_in_their_school_year(term, position, day, error):
    dates = _defaults(2026)
    dates[term] = tuple(day if i == position else d for i, d in enumerate(dates[term]))
    field = f"{term}_{('starts_on', 'half_term_starts_on', 'half_term_ends_on', 'ends_on')[position]}"
    assert term_dates_in_their_school_year(academic_year=2026, dates=dates) == ({field: [error]} if error else {})


def test_term_dates_in_the_wrong_year_are_refused_on_their_fields_before_the_order_is_checked(client_as):
    """The year mistyped used to come back as "the dates must run ... in order", on no field."""
    data = _posted(_defaults(2026))
    data["autumn_starts_on_2"] = 2025
    page = client_as("admin").post(reverse("schools:term_dates_edit", kwargs={"year": 2026}), data).content.decode()
    assert outside("First day of the autumn term") in page
    assert 'href="#id_autumn_starts_on_0"' in page
    assert TERM_DATES_ORDER.format(term="Autumn") not in page
    assert not Term.objects.exists()


def test_the_admin_changes_term_dates_in_the_browser(client_as):
    data = {}
    for term in default_terms(2026):
        for field in ("starts_on", "half_term_starts_on", "half_term_ends_on", "ends_on"):
            value = getattr(term, field)
            data |= {
                f"{term.name}_{field}_0": value.day,
                f"{term.name}_{field}_1": value.month,
                f"{term.name}_{field}_2": value.year,
            }
    data["autumn_starts_on_0"] = 2
    response = client_as("admin").post(reverse("schools:term_dates_edit", kwargs={"year": 2026}), data)
    assert response["Location"] == reverse("schools:term_dates")
    assert Term.objects.get(academic_year=2026, name="autumn").starts_on == date(2026, 9, 2)


@pytest.mark.parametrize(("role", "status"), [("adviser", 200), ("officer", 200), ("governor", 403), ("admin", 200)])
def test_term_dates_and_wards_are_visible_to_la_staff_and_admins(client_as, role, status, school):
    client = client_as(role)
    for url in (
        reverse("schools:term_dates"),
        reverse("schools:ward_list"),
        reverse("schools:ward_detail", kwargs={"pk": school.ward_id}),
    ):
        assert client.get(url).status_code == status


@pytest.mark.parametrize("role", ["adviser", "officer", "governor"])
def test_only_admins_change_term_dates_and_councillors(client_as, role, school):
    client = client_as(role)
    assert client.get(reverse("schools:term_dates_edit", kwargs={"year": 2026})).status_code == 403
    response = client.post(reverse("schools:ward_detail", kwargs={"pk": school.ward_id}), {"name": "Cllr X"})
    assert response.status_code == 403
    assert not Councillor.objects.exists()


def test_the_admin_adds_changes_and_removes_a_councillor(client_as, school):
    client = client_as("admin")
    ward_url = reverse("schools:ward_detail", kwargs={"pk": school.ward_id})
    client.post(ward_url, {"name": "Jane Doe", "email": "jane@example.gov.uk", "party": "Independent"})
    councillor = Councillor.objects.get()
    assert (councillor.ward, councillor.email) == (school.ward, "jane@example.gov.uk")

    response = client.post(ward_url, {"name": "jane doe", "email": ""})
    assert "already a councillor" in response.content.decode()

    client.post(
        reverse("schools:councillor_edit", kwargs={"pk": councillor.pk}),
        {"name": "Jane Doe", "email": "jd@example.gov.uk"},
    )
    councillor.refresh_from_db()
    assert councillor.email == "jd@example.gov.uk"

    client.post(reverse("schools:councillor_remove", kwargs={"pk": councillor.pk}))
    assert not Councillor.objects.exists()


def test_an_alert_is_recorded_and_emailed_to_the_wards_councillors_after_commit(
    admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    school = SchoolFactory(name="Willow Brook Primary School")
    Councillor.objects.create(ward=school.ward, name="Jane Doe", email="jane@example.gov.uk")
    Councillor.objects.create(ward=school.ward, name="No Email")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        alert = services.elected_members_alert(
            school=school,
            kind=ElectedMemberAlertKind.WARNING_NOTICE,
            summary="A warning notice was issued.",
            actor=admin_user,
        )
        assert mailoutbox == []  # nothing is sent before the change is committed
    for callback in callbacks:
        callback()

    alert.refresh_from_db()
    assert alert.recipients == ["Jane Doe <jane@example.gov.uk>"]
    assert alert.sent_at is not None
    assert [m.to for m in mailoutbox] == [["jane@example.gov.uk"]]
    assert "Willow Brook Primary School" in mailoutbox[0].body
    assert "A warning notice was issued." in mailoutbox[0].body


def test_an_alert_with_nobody_to_email_is_still_recorded_with_the_reason(
    admin_user, mailoutbox, django_capture_on_commit_callbacks
):
    school = SchoolFactory()
    no_ward = SchoolFactory(ward=None)
    with django_capture_on_commit_callbacks(execute=True):
        alert = services.elected_members_alert(
            school=school, kind="high_support", summary="High support.", actor=admin_user
        )
        other = services.elected_members_alert(
            school=no_ward, kind="high_support", summary="High support.", actor=admin_user
        )
    assert alert.error == NO_COUNCILLORS.format(ward=school.ward.name)
    assert other.error == NO_WARD
    assert mailoutbox == []


def test_a_mail_server_failure_is_recorded_on_the_alert_not_raised(admin_user, django_capture_on_commit_callbacks):
    school = SchoolFactory()
    Councillor.objects.create(ward=school.ward, name="Jane Doe", email="jane@example.gov.uk")
    with (
        mock.patch("schools.services.send_mail", side_effect=OSError("connection refused")),
        django_capture_on_commit_callbacks(execute=True),
    ):
        alert = services.elected_members_alert(
            school=school, kind="high_support", summary="High support.", actor=admin_user
        )
    alert.refresh_from_db()
    assert (alert.sent_at, alert.error) == (None, "Could not send: connection refused")


def test_the_school_page_lists_alerts_to_la_staff_but_not_to_governors(client_as, school, admin_user):
    services.elected_members_alert(school=school, kind="high_support", summary="Now high support.", actor=admin_user)
    assert "Alerts to ward councillors" in client_as("officer").get(school.get_absolute_url()).content.decode()
    assert "Alerts to ward councillors" not in client_as("governor").get(school.get_absolute_url()).content.decode()


def test_the_councillor_import_sets_each_listed_wards_councillors():
    ward, other = WardFactory(code="E05099001"), WardFactory(code="E05099002")
    Councillor.objects.create(ward=ward, name="Old Member", email="old@example.gov.uk")
    Councillor.objects.create(ward=ward, name="Jane Doe", email="old-jane@example.gov.uk")
    untouched = Councillor.objects.create(ward=other, name="Elsewhere", email="e@example.gov.uk")
    text = (
        "ward_code,name,email,party\n"
        "E05099001,Jane Doe,jane@example.gov.uk,Independent\n"
        "E05099001,Sam Lee,sam@example.gov.uk,\n"
        "E05099999,Nobody,n@example.gov.uk,\n"
        "E05099001,Bad Email,not-an-email,\n"
    )
    record = services.import_run(kind="councillors", data=text.encode(), filename="c.csv", actor=None, options={})

    assert (record.status, record.created, record.updated, record.rejected) == (ImportStatus.COMMITTED, 1, 1, 2)
    assert NONE_REMOVED.format(count="1 councillor") in record.message  # the file has rejected rows
    assert sorted(ward.councillors.values_list("name", "email")) == [
        ("Jane Doe", "jane@example.gov.uk"),
        ("Old Member", "old@example.gov.uk"),
        ("Sam Lee", "sam@example.gov.uk"),
    ]
    assert Councillor.objects.filter(pk=untouched.pk).exists()
    assert [e["message"] for e in record.errors] == [
        "is not the code of a ward of any school in the register",
        "is not an email address",
    ]

    corrected = "\n".join(text.splitlines()[:3]) + "\n"  # the rejected rows left out
    record = services.import_run(kind="councillors", data=corrected.encode(), filename="c.csv", actor=None, options={})
    assert REMOVED.format(count="1 councillor") in record.message
    assert sorted(ward.councillors.values_list("name", flat=True)) == ["Jane Doe", "Sam Lee"]


def test_a_councillor_whose_row_is_rejected_is_not_removed_as_no_longer_listed():
    ward = WardFactory(code="E05099001")
    kept = Councillor.objects.create(ward=ward, name="Alex Turner", email="alex@example.gov.uk")
    text = "ward_code,name,email\nE05099001,Alex Turner,alex@@example\nE05099001,Dana Kowalski,dana@example.gov.uk\n"
    record = services.import_run(kind="councillors", data=text.encode(), filename="c.csv", actor=None, options={})

    assert (record.created, record.rejected) == (1, 1)
    assert Councillor.objects.get(pk=kept.pk).email == "alex@example.gov.uk"


def test_a_councillor_file_without_an_email_or_party_column_keeps_the_registers_emails_and_parties():
    ward = WardFactory(code="E05099001")
    Councillor.objects.create(ward=ward, name="Jane Doe", email="jane@example.gov.uk", party="Independent")
    text = "ward_code,name\nE05099001,Jane Doe\nE05099001,Sam Lee\n"
    record = services.import_run(kind="councillors", data=text.encode(), filename="c.csv", actor=None, options={})

    assert (record.created, record.updated, record.unchanged) == (1, 0, 1)
    assert sorted(ward.councillors.values_list("name", "email", "party")) == [
        ("Jane Doe", "jane@example.gov.uk", "Independent"),
        ("Sam Lee", "", ""),
    ]


def test_englands_default_dates_pass_the_check_every_year_the_form_allows():
    """The edit form starts from them: an admin must be able to save a year unchanged."""
    for year in range(2000, 2101):
        assert term_dates_in_their_school_year(academic_year=year, dates=_defaults(year)) == {}, year


def test_terms_apart_from_the_years_either_side(admin_user):
    """The school years' windows share August: a summer term running into next year's saved autumn
    term, or an autumn term starting before last year's summer term ends, is refused on its field."""
    next_year = _defaults(2027)
    next_year[TermName.AUTUMN] = (date(2027, 8, 30), *next_year[TermName.AUTUMN][1:])  # a late-August start
    services.terms_save(academic_year=2027, dates=next_year, actor=admin_user)
    this_year = _defaults(2026)
    assert terms_apart_from_the_years_either_side(academic_year=2026, dates=this_year) == {}
    this_year[TermName.SUMMER] = (*this_year[TermName.SUMMER][:3], date(2027, 8, 31))
    errors = {"summer_ends_on": [TERM_ENDS_AFTER_NEXT_YEAR.format(year="2027/28", day=date(2027, 8, 30))]}
    assert terms_apart_from_the_years_either_side(academic_year=2026, dates=this_year) == errors
    with pytest.raises(ValidationError):
        services.terms_save(academic_year=2026, dates=this_year, actor=admin_user)
    this_year[TermName.SUMMER] = (*this_year[TermName.SUMMER][:3], date(2027, 8, 27))  # the Friday before: allowed
    services.terms_save(academic_year=2026, dates=this_year, actor=admin_user)
    early = _defaults(2027)
    early[TermName.AUTUMN] = (date(2027, 8, 27), *early[TermName.AUTUMN][1:])  # on 2026/27's last summer day
    errors = {"autumn_starts_on": [TERM_STARTS_BEFORE_LAST_YEAR.format(year="2026/27", day=date(2027, 8, 27))]}
    assert terms_apart_from_the_years_either_side(academic_year=2027, dates=early) == errors


def test_a_councillor_listed_twice_for_a_ward_is_refused_on_the_later_row_and_counted():
    ward = WardFactory(code="E05099001")
    text = (
        "ward_code,name,email,party\n"
        "E05099001,Jane Doe,jane@example.gov.uk,Independent\n"
        "E05099001,Sam Lee,sam@example.gov.uk,\n"
        "E05099001,jane  doe,jane@example.gov.uk,Independent\n"
    )
    record = services.import_run(kind="councillors", data=text.encode(), filename="c.csv", actor=None, options={})

    assert (record.created, record.rejected) == (2, 1)  # every row counted once
    assert [(e["row"], e["message"]) for e in record.errors] == [(4, LISTED_TWICE.format(first_row=2))]
    assert sorted(ward.councillors.values_list("name", flat=True)) == ["Jane Doe", "Sam Lee"]


def test_a_councillors_title_in_the_file_is_not_kept_as_part_of_their_name():
    ward = WardFactory(code="E05099001", name="Bretton")
    text = "ward_code,name\nE05099001,Cllr Jane Doe\nE05099001,Councillor  Sam Lee\nE05099001,Cllr. Ann Bell\n"
    record = services.import_run(kind="councillors", data=text.encode(), filename="c.csv", actor=None, options={})

    assert sorted(ward.councillors.values_list("name", flat=True)) == ["Ann Bell", "Jane Doe", "Sam Lee"]
    assert record.changes[0]["name"] == "Cllr Jane Doe (Bretton)"  # its ward, not "Cllr Cllr"
    again = services.import_run(kind="councillors", data=text.encode(), filename="c.csv", actor=None, options={})
    assert (again.created, again.unchanged) == (0, 3)


def test_a_councillor_added_by_hand_with_their_title_is_kept_without_it(admin_user):
    ward = WardFactory(code="E05099001")
    councillor = services.councillor_save(ward=ward, name=" Cllr  Jane Doe ", email="", party="", actor=admin_user)
    assert councillor.name == "Jane Doe"
    with pytest.raises(ValidationError):  # the same councillor, whichever way the name is written
        services.councillor_save(ward=ward, name="Councillor Jane Doe", email="", party="", actor=admin_user)


def test_the_term_dates_page_names_every_problem_in_one_round(client_as):
    """A date that is not real, and a Saturday start and a spring end in the wrong school year on
    the same page: all named at once (they had taken three rounds)."""
    data = _posted(_defaults(2027))
    data |= {"autumn_half_term_starts_on_0": "x"}  # not a date
    data |= {"autumn_starts_on_0": "4", "autumn_starts_on_1": "9", "autumn_starts_on_2": "2027"}  # a Saturday
    data |= {"spring_ends_on_0": "31", "spring_ends_on_1": "3", "spring_ends_on_2": "2029"}  # the wrong year
    response = client_as("admin").post(reverse("schools:term_dates_edit", kwargs={"year": 2027}), data)

    errors = response.context["form"].errors
    assert set(errors) == {"autumn_half_term_starts_on", "autumn_starts_on", "spring_ends_on"}
    assert "is a Saturday" in errors["autumn_starts_on"][0]
    assert "must be in the 2027/28 school year" in errors["spring_ends_on"][0]
    assert not Term.objects.filter(academic_year=2027).exists()
