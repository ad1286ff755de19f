"""Every letters page and download, for every role (anonymous, governor of the school, governor of
another school, adviser, officer, admin), and the 403/404 the wrong role gets.

`school` is governed by "governor" and is the adviser's link school. Governors see only issued
letters of their own school (404 for anything else); so does the school's headteacher (the letters
are addressed to them), and LA pages are 403 for both; admins get 403 on all case material."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from letters import services
from letters.models import Indicator
from tests.conftest import ROLES
from tests.factories import InspectionFactory
from tests.role_matrix import (
    allowed_to,
    assert_role_gets,
    assert_role_gets_each,
    assert_role_posts,
    assert_role_posts_each,
    expected_for,
)

from .factories import approved, draft, eligible_notice

LA_ONLY = {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 403}
OFFICER_ONLY = {
    "governor": 403,
    "other_governor": 403,
    "headteacher": 403,
    "adviser": 403,
    "officer": 200,
    "admin": 403,
}
TEMPLATES = {"governor": 403, "other_governor": 403, "headteacher": 403, "adviser": 403, "officer": 200, "admin": 200}
ISSUED = {"governor": 200, "other_governor": 404, "headteacher": 200, "adviser": 200, "officer": 200, "admin": 403}
NOT_ISSUED = {"governor": 404, "other_governor": 404, "headteacher": 404, "adviser": 200, "officer": 200, "admin": 403}


@pytest.fixture
def ctx(school, governor, other_governor, adviser, officer, admin_user, second_officer):
    school.link_adviser = adviser
    school.chair_of_governors = "Grace Holt"
    school.save()
    today = timezone.localdate()
    notice = eligible_notice(
        school,
        drafter=second_officer,
        officer=officer,
        issued_on=today - timedelta(days=90),
        end=today - timedelta(days=20),
    )
    drafted = draft(school, "significant_concerns", actor=adviser)
    submitted = draft(school, "significant_concerns", actor=adviser)
    services.letter_submit(letter=submitted, actor=adviser)
    ready = approved(school, "significant_concerns", drafter=adviser, officer=officer)
    InspectionFactory(school=school, start_date=today - timedelta(days=2000), overall_effectiveness=3)
    improved = InspectionFactory(school=school, start_date=today - timedelta(days=50), overall_effectiveness=2)
    return {
        "school": school,
        "notice": notice,
        "draft": drafted,
        "submitted": submitted,
        "approved": ready,
        "suggestion_key": f"ofsted-{improved.pk}",
        "indicator": Indicator.objects.first(),
    }


MATRIX = {
    "register": ("letters:register", None, LA_ONLY),
    "export-csv": ("letters:export", lambda c: {"fmt": "csv"}, LA_ONLY),
    "export-xlsx": ("letters:export", lambda c: {"fmt": "xlsx"}, LA_ONLY),
    "start": ("letters:start", None, LA_ONLY),
    "new": ("letters:new", lambda c: {"urn": c["school"].urn, "code": "warning_notice"}, LA_ONLY),
    "suggestions": ("letters:suggestions", None, LA_ONLY),
    "suggestion-dismiss": (
        "letters:suggestion_dismiss",
        lambda c: {"urn": c["school"].urn, "key": c["suggestion_key"]},
        LA_ONLY,
    ),
    "templates": ("letters:templates", None, TEMPLATES),
    "template-edit": ("letters:template_edit", lambda c: {"code": "warning_notice"}, TEMPLATES),
    "indicator-edit": ("letters:indicator_edit", lambda c: {"pk": c["indicator"].pk}, TEMPLATES),
    "detail-issued": ("letters:detail", lambda c: {"pk": c["notice"].pk}, ISSUED),
    "detail-draft": ("letters:detail", lambda c: {"pk": c["draft"].pk}, NOT_ISSUED),
    "detail-submitted": ("letters:detail", lambda c: {"pk": c["submitted"].pk}, NOT_ISSUED),
    "edit-draft": ("letters:edit", lambda c: {"pk": c["draft"].pk}, LA_ONLY),
    "return": ("letters:return", lambda c: {"pk": c["submitted"].pk}, OFFICER_ONLY),
    "withdraw": ("letters:withdraw", lambda c: {"pk": c["draft"].pk}, LA_ONLY),
    "issue": ("letters:issue", lambda c: {"pk": c["approved"].pk}, OFFICER_ONLY),
    "draft-pdf": ("letters:draft_pdf", lambda c: {"pk": c["draft"].pk}, LA_ONLY),
    "response": ("letters:response", lambda c: {"pk": c["notice"].pk}, LA_ONLY),
    "outcome": ("letters:outcome", lambda c: {"pk": c["notice"].pk}, OFFICER_ONLY),
    "intention": ("letters:intention", lambda c: {"pk": c["notice"].pk}, OFFICER_ONLY),
    "decision": ("letters:decision", lambda c: {"pk": c["notice"].pk}, OFFICER_ONLY),
}
for document in ("letter", "intention"):
    for fmt in ("pdf", "docx"):
        MATRIX[f"download-{document}-{fmt}"] = (
            "letters:download",
            lambda c, d=document, f=fmt: {"pk": c["notice"].pk, "document": d, "fmt": f},
            ISSUED,
        )
MATRIX["download-of-a-draft"] = (
    "letters:download",
    lambda c: {"pk": c["draft"].pk, "document": "letter", "fmt": "pdf"},
    {"governor": 404, "other_governor": 404, "headteacher": 404, "adviser": 404, "officer": 404, "admin": 403},
)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_only_the_letters_pages_it_may_use(client_as, ctx, role):
    """Every page for one role in one test (the fixture makes real PDFs, so it is built once a role)."""
    assert_role_gets_each(client_as(role), role, MATRIX, ctx)


# Each action, POSTed empty: ALLOWED (not refused) for the roles that take it, 403 for the others.
POSTS = {
    "submit": (lambda c: reverse("letters:submit", kwargs={"pk": c["draft"].pk}), allowed_to("adviser", "officer")),
    "withdraw": (lambda c: reverse("letters:withdraw", kwargs={"pk": c["draft"].pk}), allowed_to("adviser", "officer")),
    "approve": (lambda c: reverse("letters:approve", kwargs={"pk": c["submitted"].pk}), allowed_to("officer")),
    "return": (lambda c: reverse("letters:return", kwargs={"pk": c["submitted"].pk}), allowed_to("officer")),
    "issue": (lambda c: reverse("letters:issue", kwargs={"pk": c["approved"].pk}), allowed_to("officer")),
    "produce-files-again": (
        lambda c: reverse("letters:documents_retry", kwargs={"pk": c["notice"].pk, "document": "letter"}),
        allowed_to("officer"),
    ),
    "accept": (
        lambda c: reverse("letters:suggestion_accept", kwargs={"urn": c["school"].urn, "key": c["suggestion_key"]}),
        allowed_to("adviser", "officer"),
    ),
    "indicator-add": (
        lambda c: reverse("letters:indicator_add", kwargs={"code": "congratulations"}),
        allowed_to("officer", "admin"),
    ),
    "template-save": (
        lambda c: reverse("letters:template_edit", kwargs={"code": "congratulations"}),
        allowed_to("officer", "admin"),
    ),
    # Whether a letter type needs a second officer (an officer's decision, never an admin's).
    "approval-setting": (
        lambda c: reverse("letters:letter_type_approval", kwargs={"code": "congratulations"}),
        allowed_to("officer"),
    ),
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_letters_action_is_refused_to_the_roles_that_may_not_take_it(client_as, ctx, role):
    urls = {action: (url(ctx), row) for action, (url, row) in POSTS.items()}
    assert_role_posts_each(client_as(role), role, urls)


@pytest.mark.django_db
def test_an_adviser_cannot_act_on_a_letter_for_a_school_that_is_not_theirs(client_as, ctx, other_school, officer):
    letter = draft(other_school, "significant_concerns", actor=officer)
    client = client_as("adviser")
    assert client.get(reverse("letters:edit", kwargs={"pk": letter.pk})).status_code == 403
    assert client.post(reverse("letters:submit", kwargs={"pk": letter.pk})).status_code == 403
    assert (
        client.get(reverse("letters:new", kwargs={"urn": other_school.urn, "code": "congratulations"})).status_code
        == 403
    )
    assert (
        client.get(reverse("letters:detail", kwargs={"pk": letter.pk})).status_code == 200
    )  # advisers read every letter


@pytest.mark.django_db
def test_the_governor_sees_issued_letters_but_no_drafts_comments_or_suggestions(client_as, ctx):
    client = client_as("governor")
    school_page = client.get(ctx["school"].get_absolute_url()).content.decode()
    assert ctx["notice"].reference in school_page
    for hidden in (ctx["draft"].reference, ctx["submitted"].reference, ctx["approved"].reference, "Suggested letters"):
        assert hidden not in school_page
    letter_page = client.get(ctx["notice"].get_absolute_url()).content.decode()
    assert "Timeline and comments" not in letter_page
    assert "required actions were not" not in letter_page
    assert "Record the decision" not in letter_page
    home = client.get(reverse("dashboard:home")).content.decode()
    assert ctx["notice"].letter_type.name in home
    assert client_as("other_governor").get(reverse("dashboard:home")).context["panels"][0][1]["letters"] == []


@pytest.mark.django_db
def test_admins_see_no_letters_on_the_school_page(client_as, ctx):
    sections = client_as("admin").get(ctx["school"].get_absolute_url()).context["sections"]
    assert "letters" not in [section.key for section, _ in sections]


# A letter to an academy's trust (docs/adr/0017) is case material for LA staff: never shown to a
# governor of the academy (its chair or chief executive is the addressee, not the governing body).
TRUST_LETTER = {
    "governor": 404,
    "other_governor": 404,
    "headteacher": 404,
    "adviser": 200,
    "officer": 200,
    "admin": 403,
}


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_an_issued_letter_to_a_trust_only_if_it_is_la_staff(client_as, academy, governor, headteacher,
                                                                           officer, role):  # fmt: skip
    from accounts.models import Headship
    from schools.models import GovernorRole, Governorship

    from .factories import issued

    Governorship.objects.create(user=governor, school=academy, role=GovernorRole.VICE_CHAIR)
    Headship.objects.create(user=headteacher, school=academy)  # the academy's own head, too
    trust = academy.trust
    trust.chair_name = "Mr Richard Cole"
    trust.save()
    letter = issued(academy, "trust_chair_meeting", drafter=officer, officer=officer)
    client = client_as(role)
    urls = [reverse("letters:detail", kwargs={"pk": letter.pk})] + [
        reverse("letters:download", kwargs={"pk": letter.pk, "document": "letter", "fmt": fmt})
        for fmt in ("pdf", "docx")
    ]
    for url in urls:
        assert_role_gets(client, role, url, expected_for(TRUST_LETTER, role))
    if role == "governor":
        home = client.get(reverse("dashboard:home")).content.decode()
        assert letter.reference not in home
        assert letter.letter_type.name not in home


# ---- the school's action plan (docs/adr/0033) ---------------------------------------------------

SCHOOL_ONLY = {
    "governor": 403,
    "other_governor": 403,
    "headteacher": 200,
    "adviser": 403,
    "officer": 403,
    "admin": 403,
}
PLAN_FILE = {"governor": 403, "other_governor": 403, "headteacher": 200, "adviser": 200, "officer": 200, "admin": 403}
PLAN_MATRIX = {
    "plans": ("letters:plans", None, LA_ONLY),
    "plan": ("letters:plan", lambda p: {"pk": p.pk}, LA_ONLY),
    "plan-file": ("letters:plan_file", lambda p: {"pk": p.pk}, PLAN_FILE),
    "school-plans": ("letters:school_plans", None, SCHOOL_ONLY),
    "school-plan": ("letters:school_plan", lambda p: {"pk": p.pk}, SCHOOL_ONLY),
}


@pytest.fixture
def sent_plan(school, adviser, officer, headteacher, governor, other_governor, admin_user):

    from letters import action_plans

    from .factories import issued
    from .plan_files import PDF, upload

    school.link_adviser = adviser
    school.save()
    letter = issued(school, "significant_concerns", drafter=adviser, officer=officer)
    item = action_plans.PlanItem("Improve phonics", "school", letter.issued_on + timedelta(days=60))
    return action_plans.action_plan_submit(
        plan=letter.action_plan, actor=headteacher, text="Plan", items=[item], upload=upload("plan.pdf", PDF)
    )


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_role_gets_only_the_action_plan_pages_it_may_use(client_as, sent_plan, role):
    assert_role_gets_each(client_as(role), role, PLAN_MATRIX, sent_plan)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_recording_a_view_of_a_plan_or_sending_one_is_refused_to_the_roles_that_may_not(client_as, sent_plan, role):
    client = client_as(role)
    review = expected_for(allowed_to("adviser", "officer"), role)
    assert_role_posts(client, role, reverse("letters:plan", kwargs={"pk": sent_plan.pk}), review, {"view": ""})
    send = expected_for(allowed_to("headteacher"), role)
    assert_role_posts(client, role, reverse("letters:school_plan", kwargs={"pk": sent_plan.pk}), send)
