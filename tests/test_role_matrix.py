"""Every page, every role: what each gets on GET (DESIGN.md: enforced on the server, 403/404 tested).

"governor" governs `school`; "other_governor" governs another school. Anonymous users are sent to
sign in (302)."""

import pytest
from django.http import QueryDict
from django.urls import reverse

from core.export_jobs import export_request
from core.models import Export
from schools.models import ImportRecord, ImportStatus
from tests.conftest import ROLES
from tests.role_matrix import (
    CASE_ARGS,
    SIGN_IN,
    Redirect,
    assert_role_gets,
    assert_role_posts,
    expected_for,
    matrix_cases,
    role_matrix,
)

# Allowed, and sent on to the page of a document built in the background (core/export_jobs.py).
TO_EXPORT = Redirect("/exports/")
# A stored export (built by a task worker) is asked for by POST; a GET records nothing.
STORED_EXPORTS = {
    "dashboard:timeline_pdf": (
        lambda ctx: {"urn": ctx["school"].urn},
        {
            "governor": TO_EXPORT,
            "other_governor": 404,
            "headteacher": TO_EXPORT,
            "adviser": TO_EXPORT,
            "officer": TO_EXPORT,
            "admin": 403,
        },
    ),
    "schools:export": (
        lambda ctx: {"fmt": "xlsx"},
        {
            "governor": 403,
            "other_governor": 403,
            "headteacher": 403,
            "adviser": TO_EXPORT,
            "officer": TO_EXPORT,
            "admin": TO_EXPORT,
        },
    ),
}
MATRIX = {
    # url name: (kwargs builder, {role: status})
    "dashboard:home": (None, dict.fromkeys(ROLES[1:], 200)),
    # The officer dashboard (docs/adr/0022): LA staff read it; governors, headteachers and admins do not.
    "dashboard:officer": (
        None,
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 403},
    ),
    # Its charts, each an SVG document (docs/adr/0035): the same readers as the page.
    "dashboard:chart": (
        lambda ctx: {"name": "levels"},
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 403},
    ),
    # docs/adr/0029: the adviser's own dashboard; the outcomes table and the schools behind its
    # figures (LA staff); England's figures behind it (admins, who read no case material).
    "dashboard:adviser": (
        None,
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 403, "admin": 403},
    ),
    "dashboard:outcomes": (
        None,
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 403},
    ),
    "dashboard:outcome_schools": (
        None,  # with no figure chosen: not found for those who may read it
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 404, "officer": 404, "admin": 403},
    ),
    "dashboard:national_outcomes": (
        None,
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 403, "admin": 200},
    ),
    "schools:list": (
        None,
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 200},
    ),
    "schools:mine": (
        None,
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 403},
    ),
    "schools:detail": (
        lambda ctx: {"urn": ctx["school"].urn},
        {"governor": 200, "other_governor": 404, "headteacher": 200, "adviser": 200, "officer": 200, "admin": 200},
    ),
    "schools:edit": (
        lambda ctx: {"urn": ctx["school"].urn},
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 200, "admin": 200},
    ),
    "schools:import_list": (
        None,
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 403, "admin": 200},
    ),
    "schools:import_new": (
        lambda ctx: {"kind": "gias"},
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 403, "admin": 200},
    ),
    "schools:import_detail": (
        lambda ctx: {"pk": ctx["record"].pk},
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 403, "admin": 200},
    ),
    # Every error an import kept, as CSV, to correct the file from (docs/adr/0083).
    "schools:import_errors": (
        lambda ctx: {"pk": ctx["record"].pk},
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 403, "admin": 200},
    ),
    "accounts:user_list": (
        None,
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 403, "admin": 200},
    ),
    "accounts:user_create": (
        None,
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 403, "admin": 200},
    ),
    "accounts:user_detail": (
        lambda ctx: {"pk": ctx["governor"].pk},
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 403, "admin": 200},
    ),
    "accounts:user_password": (
        lambda ctx: {"pk": ctx["governor"].pk},
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 403, "admin": 200},
    ),
    "accounts:password_change": (None, dict.fromkeys(ROLES[1:], 200)),
    # The schools a person leads: an officer (who has no user page) ends a headship there.
    "accounts:user_headships": (
        lambda ctx: {"pk": ctx["governor"].pk},
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 200, "admin": 200},
    ),
    # Single sign-on is off unless configured (docs/adr/0013; tests/accounts/test_sso_views.py has it on).
    "sso:authenticate": (None, dict.fromkeys(ROLES, 404)),
    "sso:callback": (None, dict.fromkeys(ROLES, 404)),
    # Signing in (docs/adr/0009): anyone signed in has an account page and may set up an app.
    "accounts:account": (None, dict.fromkeys(ROLES[1:], 200)),
    # The time left before the session ends, for the page's warning (docs/adr/0085).
    "accounts:session_time": (None, dict.fromkeys(ROLES[1:], 200)),
    "accounts:second_factor_enrol": (None, dict.fromkeys(ROLES[1:], 200)),
    "accounts:second_factor_recovery": (None, dict.fromkeys(ROLES[1:], 200)),
    "accounts:second_factor_qr": (None, dict.fromkeys(ROLES[1:], 404)),  # until the set-up page made a key
    "accounts:user_second_factor_reset": (
        lambda ctx: {"pk": ctx["governor"].pk},
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 403, "admin": 200},
    ),
    "accounts:user_unlock": (
        lambda ctx: {"pk": ctx["governor"].pk},
        {
            "governor": 403,
            "other_governor": 403,
            "headteacher": 403,
            "adviser": 403,
            "officer": 403,
            "admin": 405,
        },  # POST only
    ),
    # A school's case file and its PDF (docs/adr/0021): LA staff and the school's own readers, its
    # governors and its headteacher (what the governors' case file holds, all shared with the school).
    "dashboard:timeline": (
        lambda ctx: {"urn": ctx["school"].urn},
        {"governor": 200, "other_governor": 404, "headteacher": 200, "adviser": 200, "officer": 200, "admin": 403},
    ),
    # Its PDF is stored, so asked for by POST (test_a_stored_export_is_asked_for_by_post_by_the_roles_that_may):
    # on GET, the page with the button, recording nothing.
    "dashboard:timeline_pdf": (
        lambda ctx: {"urn": ctx["school"].urn},
        {"governor": 200, "other_governor": 404, "headteacher": 200, "adviser": 200, "officer": 200, "admin": 403},
    ),
    # A running import's progress for its page's script: the admin who imports (docs/adr/0020).
    "schools:import_progress": (
        lambda ctx: {"pk": ctx["record"].pk},
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 403, "admin": 200},
    ),
    # A spreadsheet built in the background (docs/adr/0024): only the officer who asked for it
    # opens its page or its file; for everyone else it does not exist.
    "core:export_detail": (
        lambda ctx: {"pk": ctx["export"].pk},
        {"governor": 404, "other_governor": 404, "headteacher": 404, "adviser": 404, "officer": 200, "admin": 404},
    ),
    "core:export_download": (
        lambda ctx: {"pk": ctx["export"].pk},
        {"governor": 404, "other_governor": 404, "headteacher": 404, "adviser": 404, "officer": 200, "admin": 404},
    ),
    "schools:letterheads": (
        None,
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 200, "admin": 200},
    ),
    "schools:letterhead_edit": (
        lambda ctx: {"la_code": ctx["school"].la_code},
        {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 200, "admin": 200},
    ),
}
EXPORTS = {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 200}


@pytest.fixture
def ctx(school, governor, other_governor, adviser, officer, admin_user):
    record = ImportRecord.objects.create(
        kind="gias", status=ImportStatus.REFUSED, source="web", original_filename="x.csv", sha256="0" * 64
    )
    export = export_request(kind="schools", params=QueryDict(), actor=officer)  # built at once: no worker here
    return {"school": school, "governor": governor, "record": record, "export": export}


@role_matrix(MATRIX)
def test_each_role_gets_only_the_pages_it_may_use(client_as, ctx, page, role, expected):
    assert_role_gets(client_as(role), role, page.url(ctx), expected)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ROLES)
def test_school_exports_follow_the_list_permission(client_as, ctx, role, fmt):
    # An XLSX is built in the background, asked for by POST: its GET shows the page with the button.
    url = reverse("schools:export", kwargs={"fmt": fmt})
    assert_role_gets(client_as(role), role, url, expected_for(EXPORTS, role))
    assert list(Export.objects.all()) == [ctx["export"]]  # none recorded by a GET


@role_matrix(STORED_EXPORTS)
def test_a_stored_export_is_asked_for_by_post_by_the_roles_that_may(client_as, ctx, page, role, expected):
    """A GET must record nothing (a prefetcher, a crawler, an <img> on another site): the button
    posts, and only the roles that may have the export get one; every other is refused on POST."""
    before = set(Export.objects.values_list("pk", flat=True))  # ctx's own export
    assert_role_posts(client_as(role), role, page.url(ctx), expected)
    asked = Export.objects.exclude(pk__in=before)
    assert asked.count() == (1 if expected == TO_EXPORT else 0)


@pytest.mark.parametrize(
    ("url_name", "kwargs"),
    [
        ("schools:import_confirm", lambda ctx: {"pk": ctx["record"].pk}),
        ("schools:import_cancel", lambda ctx: {"pk": ctx["record"].pk}),
        ("schools:governorship_add", lambda ctx: {"user_pk": ctx["governor"].pk}),
    ],
)
@pytest.mark.parametrize("role", ["governor", "adviser", "officer"])
def test_admin_only_actions_are_refused_to_other_roles(client_as, ctx, role, url_name, kwargs):
    url = reverse(url_name, kwargs=kwargs(ctx))
    assert_role_posts(client_as(role), role, url, 403, {"urn": ctx["school"].urn, "role": "member"})


# A headteacher's schools (docs/adr/0023): POST only, asked for by an admin, removed by an admin or an officer.
@pytest.mark.parametrize("role", ROLES)
def test_only_an_admin_gives_and_only_an_admin_or_an_officer_takes_a_headteachers_school(
    client_as, ctx, headteacher, other_school, role
):
    from accounts.models import Headship, RoleRequest

    headship = Headship.objects.get(user=headteacher)
    add = reverse("accounts:headship_add", kwargs={"user_pk": headteacher.pk})
    remove = reverse("accounts:headship_remove", kwargs={"pk": headship.pk})
    client = client_as(role)
    assert (client.get(add).status_code, client.get(remove).status_code) == (
        (SIGN_IN, SIGN_IN) if role == "anonymous" else (405, 405)
    )
    added = client.post(add, {"urn": other_school.urn})
    removed = client.post(remove)
    refused = SIGN_IN if role == "anonymous" else 403
    if role == "admin":  # the school is asked for (an officer gives it: docs/adr/0061); the first removed
        assert (added.status_code, removed.status_code) == (302, 302)
        assert RoleRequest.objects.get(user=headteacher).school == other_school
    else:
        assert (added.status_code, removed.status_code) == (refused, 302 if role == "officer" else refused)
        assert not RoleRequest.objects.exists()
    assert Headship.objects.exists() == (role not in ("admin", "officer"))


@pytest.mark.django_db
def test_the_sign_in_page_and_health_check_are_open_to_anonymous_users(client):
    assert client.get(reverse("accounts:login")).status_code == 200
    assert client.get(reverse("healthz")).status_code == 200


# Second-factor pages that need an authenticator app: without one, every role is sent to its
# account page (anonymous users to sign in). docs/adr/0009.
NEEDS_AN_APP = ["accounts:second_factor_verify", "accounts:second_factor_codes", "accounts:second_factor_turn_off"]


@pytest.mark.parametrize("url_name", NEEDS_AN_APP)
@pytest.mark.parametrize("role", ROLES)
def test_second_factor_pages_send_a_user_without_an_app_to_their_account(client_as, ctx, role, url_name):
    response = client_as(role).get(reverse(url_name))
    assert response.status_code == 302
    expected = reverse("accounts:login") if role == "anonymous" else reverse("accounts:account")
    assert response["Location"].startswith(expected)


# ---- academies: concerns, trusts, meeting pack, intelligence -----------------------------------
# Governors and admins never read case material (403); whistleblowing concerns and restricted
# intelligence exist for officers only (advisers get 404).
STAFF = {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 403}
OFFICER_ONLY = {
    "governor": 403,
    "other_governor": 403,
    "headteacher": 403,
    "adviser": 404,
    "officer": 200,
    "admin": 403,
}
OFFICER_WRITES = {
    "governor": 403,
    "other_governor": 403,
    "headteacher": 403,
    "adviser": 403,
    "officer": 200,
    "admin": 403,
}
ACADEMY_MATRIX = {
    "academies:list": (None, STAFF),
    "academies:new": (None, STAFF),
    "academies:meeting_pack": (None, STAFF),
    "academies:meeting_pack_pdf": (None, STAFF),
    "academies:meeting_pack_xlsx": (None, STAFF),
    "academies:detail": (lambda a: {"pk": a["concern"].pk}, STAFF),
    "academies:edit": (lambda a: {"pk": a["concern"].pk}, STAFF),
    "academies:step": (lambda a: {"pk": a["concern"].pk}, STAFF),
    "academies:routing": (lambda a: {"pk": a["complaint"].pk}, STAFF),
    "academies:trust": (lambda a: {"code": a["trust"].code}, STAFF),
    "academies:trust_edit": (lambda a: {"code": a["trust"].code}, OFFICER_WRITES),
    "academies:intelligence_add": (lambda a: {"urn": a["school"].urn}, STAFF),
    "academies:intelligence": (lambda a: {"pk": a["entry"].pk}, STAFF),
}
# The same pages of officer-only records.
ACADEMY_RESTRICTED = {
    "academies:detail": (lambda a: {"pk": a["whistleblowing"].pk}, OFFICER_ONLY),
    "academies:edit": (lambda a: {"pk": a["whistleblowing"].pk}, OFFICER_ONLY),
    "academies:step": (lambda a: {"pk": a["whistleblowing"].pk}, OFFICER_ONLY),
    "academies:routing": (lambda a: {"pk": a["whistleblowing"].pk}, OFFICER_ONLY),
    "academies:intelligence": (lambda a: {"pk": a["restricted"].pk}, OFFICER_ONLY),
}
ACADEMY_POSTS = ["academies:rate", "academies:decide", "academies:end", "academies:reopen"]


@pytest.fixture
def academy_ctx(ctx, officer):
    from academies import services
    from academies.models import ConcernSource, ConcernType, Rag, Sensitivity, SourceTeam
    from tests.factories import SchoolFactory

    academy = SchoolFactory(name="Osprey Academy", academy=True)

    def concern(source):
        return services.concern_open(
            school=academy, source=source, concern_types=[ConcernType.objects.first()], description="x",
            raised_on=academy.created_at.date(), rag=Rag.RED, rag_reason="x", owner=officer, actor=officer,
        )  # fmt: skip

    def entry(sensitivity):
        return services.intelligence_record(
            school=ctx["school"], received_on=academy.created_at.date(), source_team=SourceTeam.HR, summary="x",
            sensitivity=sensitivity, actor=officer,
        )  # fmt: skip

    return {
        **ctx,
        "trust": academy.trust,
        "concern": concern(ConcernSource.LA_MONITORING),
        "complaint": concern(ConcernSource.PARENT_COMPLAINT),
        "whistleblowing": concern(ConcernSource.WHISTLEBLOWING),
        "entry": entry(Sensitivity.NORMAL),
        "restricted": entry(Sensitivity.RESTRICTED),
    }


@pytest.mark.parametrize(
    CASE_ARGS, matrix_cases(ACADEMY_MATRIX) + matrix_cases(ACADEMY_RESTRICTED, variant="restricted")
)
def test_each_role_gets_only_the_academy_pages_it_may_use(client_as, academy_ctx, page, role, expected):
    assert_role_gets(client_as(role), role, page.url(academy_ctx), expected)


@pytest.mark.parametrize("url_name", ACADEMY_POSTS)
@pytest.mark.parametrize(
    ("role", "record", "status"),
    [
        ("governor", "concern", 403),
        ("other_governor", "concern", 403),
        ("admin", "concern", 403),
        ("adviser", "whistleblowing", 404),
    ],
)
def test_academy_casework_is_refused_to_roles_that_may_not_do_it(
    client_as, academy_ctx, url_name, role, record, status
):
    assert_role_posts(client_as(role), role, reverse(url_name, kwargs={"pk": academy_ctx[record].pk}), status)


# Drafting a letter to the trust from a concern (POST only; docs/adr/0017): the letters app's rule
# says who drafts (an officer, or the academy's link adviser: `adviser` is not Osprey's), the
# concern's visibility who may reach it (whistleblowing: officers only).
@pytest.mark.parametrize(
    ("role", "record", "status"),
    [
        ("anonymous", "concern", SIGN_IN),
        ("governor", "concern", 403),
        ("other_governor", "concern", 403),
        ("admin", "concern", 403),
        ("adviser", "concern", 403),
        ("adviser", "whistleblowing", 404),
        ("officer", "concern", 302),
    ],
)
def test_drafting_a_letter_to_the_trust_from_a_concern_is_refused_to_roles_that_may_not(
    client_as, academy_ctx, role, record, status
):
    from academies.models import ConcernLetter

    url = reverse("academies:draft_letter", kwargs={"pk": academy_ctx[record].pk, "kind": "trust_chair_meeting"})
    assert_role_posts(client_as(role), role, url, status)
    assert ConcernLetter.objects.exists() == (role == "officer")
    if role != "officer":
        assert client_as(role).get(url).status_code in (SIGN_IN, 405)


# ---- every page is in a role matrix ---------------------------------------------------------------
# A new URL must be tested for every role: here, in an app's test_role_matrix.py, or in the file
# named below (which must name it). This test fails on a URL that is in none of them.
ROLE_TESTS_ELSEWHERE = {
    "dashboard:reminders": "tests/dashboard/test_digest.py",
    "dashboard:figure": "tests/officer_dashboard/test_pages.py",
    "dashboard:packs": "tests/officer_dashboard/test_packs.py",
    "core:list_export": "tests/core/test_list_exports.py",
    "dashboard:pack": "tests/officer_dashboard/test_packs.py",
    "dashboard:pack_download": "tests/officer_dashboard/test_packs.py",
    "accounts:logout": "tests/accounts/test_accounts.py",
    "accounts:password_change_done": "tests/production/test_production_mode.py",
    "accounts:choose_password": "tests/accounts/test_own_passwords.py",
    "accounts:choose_password_done": "tests/accounts/test_own_passwords.py",
    "accounts:password_link_send": "tests/accounts/test_own_passwords.py",
    "schools:governorship_remove": "tests/accounts/test_separation_of_duties.py",
    "schools:term_dates": "tests/schools/test_reference_data.py",
    "schools:term_dates_edit": "tests/schools/test_reference_data.py",
    "schools:ward_list": "tests/schools/test_reference_data.py",
    "schools:ward_detail": "tests/schools/test_reference_data.py",
    "schools:councillor_edit": "tests/schools/test_reference_data.py",
    "schools:councillor_remove": "tests/schools/test_reference_data.py",
    "categorisation:suggestion": "tests/categorisation/test_role_matrix.py",
    "categorisation:approve": "tests/categorisation/test_role_matrix.py",
    "categorisation:return": "tests/categorisation/test_role_matrix.py",
    "categorisation:area_delete": "tests/categorisation/test_role_matrix.py",
    "categorisation:criterion_delete": "tests/categorisation/test_role_matrix.py",
    "readyz": "tests/core/test_health.py",
}


def project_url_names() -> set[str]:
    from django.urls import URLResolver, get_resolver

    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                yield from walk(
                    pattern.url_patterns, namespace + (f"{pattern.namespace}:" if pattern.namespace else "")
                )
            elif pattern.name:
                yield namespace + pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_page_of_the_project_is_in_a_role_matrix():
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    matrices = [Path(__file__), *sorted((root / "tests").glob("*/test_role_matrix.py"))]
    text = "\n".join(path.read_text() for path in matrices)
    # An app's matrix may name an action by its short name ("approve") after its namespace.
    missing = {
        name
        for name in project_url_names()
        if f'"{name}"' not in text
        and not (
            name in ROLE_TESTS_ELSEWHERE and name.rpartition(":")[2] in (root / ROLE_TESTS_ELSEWHERE[name]).read_text()
        )
    }
    assert missing == set(), "pages in no role test: " + ", ".join(sorted(missing))
