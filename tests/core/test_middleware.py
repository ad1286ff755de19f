"""Every form of the project gets normalised text (core.middleware.NormaliseTextMiddleware):
proved on the middleware itself and through real forms of two apps, with the stored value read
back from the database."""

import pytest
from django.conf import settings
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from core.middleware import NormaliseTextMiddleware
from letters.models import Letter
from schools.models import School
from tests.letters.factories import letter_type

PASTED = "Mrs\u00a0Grace\u200b Holt\x0bChair\x07 of “Governors”\r\n"


def run_middleware(request):
    seen = {}

    def view(request):
        seen["post"] = request.POST
        return None

    middleware = NormaliseTextMiddleware(lambda r: None)
    middleware.process_view(request, view, (), {})
    view(request)
    return seen["post"]


def test_the_middleware_is_installed_after_csrf_and_before_every_view():
    chain = settings.MIDDLEWARE
    assert chain.index("core.middleware.NormaliseTextMiddleware") > chain.index(
        "django.middleware.csrf.CsrfViewMiddleware"
    )


def test_posted_text_is_normalised_and_every_value_of_a_repeated_field_too():
    request = RequestFactory().post("/", {"name": PASTED, "tags": ["one\x0btwo", "three\x00"]})
    post = run_middleware(request)
    assert post["name"] == "Mrs Grace Holt\nChair of “Governors”\n"
    assert post.getlist("tags") == ["one\ntwo", "three"]
    assert not post._mutable


@pytest.mark.parametrize("field", ["password", "password1", "new_password2", "old_password"])
def test_passwords_are_left_exactly_as_typed(field):
    secret = "pass\u00a0word\x0b\u200b"
    request = RequestFactory().post("/", {field: secret, "username": "ada\u200b"})
    post = run_middleware(request)
    assert post[field] == secret
    assert post["username"] == "ada"


def test_multipart_text_fields_are_normalised_and_files_are_left_to_the_importers():
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("x.csv", b"URN\x0b,Name\n", content_type="text/csv")
    request = RequestFactory().post(
        "/schools/imports/new/gias/", {"note": "a\x0cb", "file": upload}
    )  # a page that takes files
    post = run_middleware(request)
    assert post["note"] == "a\nb"
    assert request.FILES["file"].read() == b"URN\x0b,Name\n"


def test_a_query_string_is_normalised_too():
    request = RequestFactory().get("/", {"q": "a\x0bb\x00c"})
    NormaliseTextMiddleware(lambda r: None).process_view(request, None, (), {})
    assert request.GET["q"] == "a\nbc"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    ["/schools/", "/letters/", "/letters/new/", "/visits/", "/visits/new/", "/visits/actions/", "/categorisation/"],
)
def test_a_nul_in_a_search_is_no_error_on_any_database(client_as, url):
    """PostgreSQL refuses NUL in text: a search for one must not become a 500."""
    response = client_as("officer").get(url, {"q": "a\x00b"})
    assert response.status_code == 200


@pytest.mark.django_db
def test_a_vertical_tab_posted_through_the_school_details_form_is_stored_as_plain_text(client_as, school):
    response = client_as("officer").post(
        reverse("schools:edit", kwargs={"urn": school.urn}),
        {"link_adviser": "", "head_appointment": "substantive", "chair_of_governors": "Grace\x0bHolt\u200b\u00a0"},
    )
    assert response.status_code == 302
    # The form field strips the trailing space the no-break space became; a one-line field holds
    # no line break (core/single_line.py), so Word's line break becomes a space.
    assert School.objects.get(pk=school.pk).chair_of_governors == "Grace Holt"


@pytest.mark.django_db
def test_text_pasted_from_word_into_the_letter_form_is_stored_as_plain_text(client_as, school):
    kind = letter_type("congratulations")
    response = client_as("officer").post(
        reverse("letters:new", kwargs={"urn": school.urn, "code": "congratulations"}),
        {
            "subject": "Well done\x0b{school_name}\u200b",
            "body": "Dear\u00a0governors,\r\n\r\nA “great” year\x0bfor everyone.\x0c\x01\n\n{indicators}",
            "indicators": [kind.indicators.first().pk],
            "save": "",
            "compliance_end_date_0": "",
            "compliance_end_date_1": "",
            "compliance_end_date_2": str(timezone.localdate().year),
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    letter = Letter.objects.get()
    assert letter.body == "Dear governors,\n\nA “great” year\nfor everyone.\n\n\n{indicators}"
    assert letter.subject == "Well done {school_name}"
