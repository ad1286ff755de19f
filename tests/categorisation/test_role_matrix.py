"""Every categorisation page and action, for every role (DESIGN.md: enforced on the server, the
403/404 the wrong role gets tested). "governor" governs `school`, whose link adviser is "adviser";
anonymous users are sent to sign in."""

import pytest
from django.urls import reverse

from categorisation import moderation, notices, services
from categorisation.models import Categorisation, CategoryNotice, Criterion, ModerationSession, Status
from tests.categorisation.factories import STRATEGY_FRAMEWORK, ApprovedCategorisationFactory, CategorisationFactory
from tests.conftest import ROLES
from tests.factories import SchoolFactory
from tests.role_matrix import SIGN_IN, assert_role_gets, assert_role_posts, expected_for, role_matrix

pytestmark = pytest.mark.django_db

LA_AND_ADMIN = {
    "governor": 403,
    "other_governor": 403,
    "headteacher": 403,
    "adviser": 200,
    "officer": 200,
    "admin": 200,
}
LA_STAFF = {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 403}
OFFICER = {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 200, "admin": 403}
MANAGERS = {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 200, "admin": 200}
# The category sent to the school (docs/adr/0027): its headteacher and its chair of governors ("governor"
# chairs `school`); another school's governor gets 404; LA staff read it on the categorisation page.
THE_SCHOOL = {"governor": 200, "other_governor": 404, "headteacher": 200, "adviser": 403, "officer": 403, "admin": 403}

MATRIX = {
    "categorisation:list": (None, LA_AND_ADMIN),
    "categorisation:review_due": (None, LA_AND_ADMIN),
    "categorisation:queue": (None, OFFICER),
    "categorisation:start": (lambda c: {"urn": c["school"].urn}, LA_STAFF),
    "categorisation:detail": (lambda c: {"pk": c["submitted"].pk}, LA_STAFF),
    "categorisation:edit": (lambda c: {"pk": c["draft"].pk}, LA_STAFF),
    "categorisation:withdraw": (lambda c: {"pk": c["draft"].pk}, LA_STAFF),  # the confirmation page
    "categorisation:school_category": (lambda c: {"urn": c["school"].urn}, THE_SCHOOL),
    "categorisation:challenges": (None, OFFICER),
    "categorisation:decide": (lambda c: {"pk": c["notice"].pk}, OFFICER),
    # Moderation (docs/adr/0032): LA staff read the sessions and sheets; officers hold them.
    "categorisation:moderation": (None, LA_STAFF),
    "categorisation:moderation_sheet": (lambda c: {"pk": c["moderation"].pk}, LA_STAFF),
    "categorisation:framework_list": (None, LA_AND_ADMIN),
    "categorisation:framework_detail": (lambda c: {"pk": c["framework"].pk}, LA_AND_ADMIN),
    "categorisation:framework_create": (None, MANAGERS),
    "categorisation:framework_edit": (lambda c: {"pk": c["framework"].pk}, MANAGERS),
    "categorisation:framework_copy": (lambda c: {"pk": c["framework"].pk}, MANAGERS),
    "categorisation:framework_activate": (lambda c: {"pk": c["framework"].pk}, MANAGERS),
    "categorisation:area_create": (lambda c: {"framework_pk": c["framework"].pk}, MANAGERS),
    "categorisation:area_edit": (lambda c: {"pk": c["area"].pk}, MANAGERS),
    "categorisation:criterion_create": (lambda c: {"area_pk": c["area"].pk}, MANAGERS),
    "categorisation:criterion_edit": (lambda c: {"pk": c["criterion"].pk}, MANAGERS),
}


@pytest.fixture
def ctx(school, other_school, governor, other_governor, adviser, officer, admin_user):
    school.link_adviser = adviser
    school.save()
    other_school.link_adviser = adviser
    other_school.save()
    approved = ApprovedCategorisationFactory(school=school, level="medium", term="summer", academic_year=2025)
    notice = notices.category_notice_send(categorisation=approved, actor=officer)
    submitted = CategorisationFactory(school=school, status=Status.SUBMITTED, level="high", created_by=adviser,
                                      submitted_by=adviser)  # fmt: skip
    draft = CategorisationFactory(school=other_school, created_by=adviser)
    framework = services.framework_create(name="Report card areas", actor=officer)
    area = services.area_save(framework=framework, actor=officer, code="inclusion", name="Inclusion", order=1)
    criterion = services.criterion_save(area=area, actor=officer, level="high", code="IN-H1", text="Not inclusive")
    return {
        "school": school,
        "submitted": submitted,
        "draft": draft,
        "framework": framework,
        "area": area,
        "criterion": criterion,
        "notice": notice,
        "moderation": moderation.moderation_session_open(actor=officer),
    }


@role_matrix(MATRIX)
def test_each_role_gets_only_the_categorisation_pages_it_may_use(client_as, ctx, page, role, expected):
    assert_role_gets(client_as(role), role, page.url(ctx), expected)


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ROLES)
def test_category_exports_follow_the_list_permission(client_as, ctx, role, fmt):
    url = reverse("categorisation:export", kwargs={"fmt": fmt})
    assert_role_gets(client_as(role), role, url, expected_for(LA_AND_ADMIN, role))


@pytest.mark.parametrize("role", ["anonymous", "governor", "other_governor", "adviser", "admin"])
@pytest.mark.parametrize("action", ["approve", "return"])
def test_only_an_officer_approves_or_returns(client_as, ctx, role, action):
    url = reverse(f"categorisation:{action}", kwargs={"pk": ctx["submitted"].pk})
    assert_role_posts(client_as(role), role, url, SIGN_IN if role == "anonymous" else 403, {"comments": "No"})
    assert Categorisation.objects.get(pk=ctx["submitted"].pk).status == Status.SUBMITTED


@pytest.mark.parametrize("role", ["anonymous", "governor", "other_governor", "admin"])
@pytest.mark.parametrize("action", ["withdraw", "suggestion"])
def test_only_la_staff_who_work_on_it_withdraw_or_ask_for_a_suggestion(client_as, ctx, role, action):
    url = reverse(f"categorisation:{action}", kwargs={"pk": ctx["draft"].pk})
    assert_role_posts(client_as(role), role, url, SIGN_IN if role == "anonymous" else 403)
    assert Categorisation.objects.get(pk=ctx["draft"].pk).status == Status.DRAFT


@pytest.mark.parametrize("role", ["anonymous", "governor", "other_governor", "adviser"])
@pytest.mark.parametrize("action", ["area_delete", "criterion_delete"])
def test_only_officers_and_admins_remove_areas_and_statements(client_as, ctx, role, action):
    key = "area" if action == "area_delete" else "criterion"
    url = reverse(f"categorisation:{action}", kwargs={"pk": ctx[key].pk})
    assert_role_posts(client_as(role), role, url, SIGN_IN if role == "anonymous" else 403)
    assert Criterion.objects.filter(pk=ctx["criterion"].pk).exists()


def test_an_adviser_cannot_start_or_edit_for_a_school_they_are_not_link_adviser_of(client_as, ctx, make_user):
    stranger = SchoolFactory()
    elsewhere = CategorisationFactory(school=SchoolFactory())
    client = client_as("adviser")
    assert client.get(reverse("categorisation:start", kwargs={"urn": stranger.urn})).status_code == 403
    assert client.post(reverse("categorisation:start", kwargs={"urn": stranger.urn})).status_code == 403
    assert client.get(reverse("categorisation:edit", kwargs={"pk": elsewhere.pk})).status_code == 403
    assert client.get(reverse("categorisation:detail", kwargs={"pk": elsewhere.pk})).status_code == 200  # reads all
    assert not Categorisation.objects.filter(school=stranger).exists()


def test_the_officer_starts_for_any_school(client_as, ctx):
    stranger = SchoolFactory()
    assert client_as("officer").get(reverse("categorisation:start", kwargs={"urn": stranger.urn})).status_code == 200


def test_a_missing_categorisation_or_school_is_not_found(client_as, ctx):
    client = client_as("officer")
    assert client.get(reverse("categorisation:detail", kwargs={"pk": 999999})).status_code == 404
    assert client.get(reverse("categorisation:edit", kwargs={"pk": 999999})).status_code == 404
    assert client.get(reverse("categorisation:start", kwargs={"urn": 999999})).status_code == 404
    assert client.get(reverse("categorisation:export", kwargs={"fmt": "pdf"})).status_code == 404


def test_the_strategy_framework_page_is_readable_by_the_admin(client_as, ctx):
    from categorisation.models import Framework

    framework = Framework.objects.get(name=STRATEGY_FRAMEWORK)
    page = client_as("admin").get(reverse("categorisation:framework_detail", kwargs={"pk": framework.pk}))
    assert "A new or interim Headteacher in the first year of Headship" in page.content.decode()


# The school's answer and the officer's decision (POST; docs/adr/0027): only the school's
# headteacher answers (its chair of governors reads), only an officer decides.
@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", SIGN_IN), ("governor", 403), ("other_governor", 404), ("adviser", 403), ("officer", 403),
     ("admin", 403), ("headteacher", 302)],
)  # fmt: skip
def test_only_the_schools_headteacher_answers_for_the_school(client_as, ctx, role, status):
    url = reverse("categorisation:school_category", kwargs={"urn": ctx["school"].urn})
    assert_role_posts(client_as(role), role, url, status, {"response": "agree"})
    assert CategoryNotice.objects.get(pk=ctx["notice"].pk).response == ("agree" if role == "headteacher" else "")


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", SIGN_IN), ("governor", 403), ("other_governor", 403), ("headteacher", 403), ("adviser", 403),
     ("admin", 403), ("officer", 302)],
)  # fmt: skip
def test_only_an_officer_decides_a_challenge(client_as, ctx, headteacher, role, status):
    notices.category_notice_answer(notice=ctx["notice"], actor=headteacher, response="challenge", reasons="We differ")
    url = reverse("categorisation:decide", kwargs={"pk": ctx["notice"].pk})
    assert_role_posts(client_as(role), role, url, status, {"decision": "rejected", "reasons": "The data stands."})
    assert CategoryNotice.objects.get(pk=ctx["notice"].pk).decision == ("rejected" if role == "officer" else "")


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
@pytest.mark.parametrize("role", ROLES)
def test_the_moderation_sheet_downloads_follow_the_sheet_permission(client_as, ctx, role, fmt):
    url = reverse("categorisation:moderation_export", kwargs={"pk": ctx["moderation"].pk, "fmt": fmt})
    assert_role_gets(client_as(role), role, url, expected_for(LA_STAFF, role))


@pytest.mark.parametrize(
    ("role", "status"),
    [("anonymous", SIGN_IN), ("governor", 403), ("other_governor", 403), ("headteacher", 403), ("adviser", 403),
     ("admin", 403), ("officer", 302)],
)  # fmt: skip
def test_only_an_officer_records_moderation_or_closes_a_session(client_as, ctx, role, status):
    submitted = ctx["submitted"]
    sheet = reverse("categorisation:moderation_sheet", kwargs={"pk": ctx["moderation"].pk})
    assert_role_posts(
        client_as(role), role, sheet, status, {"proposal": submitted.pk, f"c{submitted.pk}-level": submitted.level}
    )
    assert ctx["moderation"].decisions.exists() == (role == "officer")
    close = reverse("categorisation:moderation_close", kwargs={"pk": ctx["moderation"].pk})
    assert_role_posts(client_as(role), role, close, status)
    assert ModerationSession.objects.get(pk=ctx["moderation"].pk).is_closed == (role == "officer")
