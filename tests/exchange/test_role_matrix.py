"""Every exchange page and download, every role (DESIGN.md: enforced on the server, 403/404 tested).

"adviser" is the link adviser of `school`, which "governor" governs and "headteacher" leads;
"other_governor" governs another school (404: the school is not theirs). Admins read no case
material (403). Anonymous users are sent to sign in (302). docs/adr/0034."""

import pytest
from django.urls import reverse

from exchange.models import DocumentKind
from tests.conftest import ROLES
from tests.exchange.conftest import DOCX
from tests.role_matrix import assert_role_gets, assert_role_posts, expected_for, role_matrix

pytestmark = pytest.mark.django_db

SCHOOL_AND_LA = {
    "governor": 200,
    "other_governor": 404,
    "headteacher": 200,
    "adviser": 200,
    "officer": 200,
    "admin": 403,
}
LA_SIDE = {"governor": 403, "other_governor": 404, "headteacher": 403, "adviser": 200, "officer": 200, "admin": 403}
# An LA document shared with the headteacher alone: the school's governor does not find it.
HEADTEACHER_AND_LA = {**SCHOOL_AND_LA, "governor": 404}


@pytest.fixture
def ctx(upload, linked, governor, other_governor, headteacher, adviser, officer, admin_user):
    return {
        "school": linked,
        "sef": upload(headteacher),
        "shared": upload(adviser, kind=DocumentKind.LA_DOCUMENT, title="Data pack", name="pack.docx", data=DOCX),
    }


MATRIX = {
    "exchange:list": (lambda ctx: {"urn": ctx["school"].urn}, SCHOOL_AND_LA),
    "exchange:download": (lambda ctx: {"urn": ctx["school"].urn, "pk": ctx["sef"].pk}, SCHOOL_AND_LA),
    # The data pack is shared with the headteacher alone: the governor does not find it (404).
    "exchange:withdraw": (lambda ctx: {"urn": ctx["school"].urn, "pk": ctx["shared"].pk}, {**LA_SIDE, "governor": 404}),
    # What the school uploaded: its headteacher withdraws it too (ADR 0074); its governors read it but may not.
    "withdraw-the-schools": (
        "exchange:withdraw",
        lambda ctx: {"urn": ctx["school"].urn, "pk": ctx["sef"].pk},
        {**LA_SIDE, "headteacher": 200},
    ),
}


@role_matrix(MATRIX)
def test_each_role_gets_only_the_document_pages_it_may_use(client_as, ctx, page, role, expected):
    assert_role_gets(client_as(role), role, page.url(ctx), expected)


@pytest.mark.parametrize("role", ROLES)
def test_an_la_document_shared_with_the_headteacher_alone(client_as, ctx, role):
    url = reverse("exchange:download", kwargs={"urn": ctx["school"].urn, "pk": ctx["shared"].pk})
    assert_role_gets(client_as(role), role, url, expected_for(HEADTEACHER_AND_LA, role))


UPLOADS = {"governor": 403, "other_governor": 404, "headteacher": 302, "adviser": 302, "officer": 302, "admin": 403}


@pytest.mark.parametrize("role", ROLES)
def test_only_the_headteacher_and_the_la_side_upload(client_as, ctx, role):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.exchange.conftest import PDF

    kind = DocumentKind.SELF_EVALUATION if role == "headteacher" else DocumentKind.LA_DOCUMENT
    data = {"kind": kind, "title": "Posted", "file": SimpleUploadedFile("posted.pdf", PDF)}
    expected = expected_for(UPLOADS, role)
    response = assert_role_posts(
        client_as(role), role, reverse("exchange:list", kwargs={"urn": ctx["school"].urn}), expected, data
    )
    if role != "anonymous" and expected == 302:
        assert response["Location"] == reverse("exchange:list", kwargs={"urn": ctx["school"].urn})


def test_an_adviser_who_is_not_the_link_adviser_reads_the_documents_but_may_not_share(client, ctx, make_user):
    """Advisers read every school (DESIGN.md); sharing and withdrawing are the link adviser's and the officers'."""
    from accounts.roles import Role

    client.force_login(make_user(Role.ADVISER, username="adviser2"))
    page = client.get(reverse("exchange:list", kwargs={"urn": ctx["school"].urn}))
    assert page.status_code == 200
    assert b'type="file"' not in page.content
    assert client.post(reverse("exchange:list", kwargs={"urn": ctx["school"].urn}), {}).status_code == 403
    withdraw = reverse("exchange:withdraw", kwargs={"urn": ctx["school"].urn, "pk": ctx["shared"].pk})
    assert client.get(withdraw).status_code == 403
