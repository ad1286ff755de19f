"""Text users supply is data, never code (ADR 0010): a school's facts written into a new draft (a
chair of governors named "Maria } Costa" on the school's page) appear exactly as typed in the
draft, its preview and its PDF, and no placeholder is ever read from them. A draft is filled in
one pass over its text that passes over those facts (placeholders.Facts.written_in)."""

import io

import pytest
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from letters import documents, placeholders
from letters.forms import LetterForm
from letters.models import Letter, LetterType
from tests.letters.conftest import grade_improved

pytestmark = pytest.mark.django_db

# A brace either way, a placeholder's name and a template engine's tag, each as a chair's name.
NAMES = ["Maria } Costa", "Maria { Costa", "{school_name}", "{{ x }}"]


def congratulations_draft(client, school) -> Letter:
    """The congratulations letter suggested by an improved Ofsted grade, drafted from the suggestion."""
    inspection = grade_improved(school)
    client.post(reverse("letters:suggestion_accept", kwargs={"urn": school.urn, "key": f"ofsted-{inspection.pk}"}))
    return Letter.objects.get(school=school)


@pytest.mark.parametrize("name", NAMES)
def test_a_chairs_name_with_braces_is_in_the_draft_its_preview_and_its_pdf_as_typed(client_as, link_school, name):
    link_school.chair_of_governors = name
    link_school.save()
    client = client_as("adviser")
    letter = congratulations_draft(client, link_school)

    assert f"Dear {name} and " in letter.body  # the draft's text, as the edit page's box shows it
    content = documents.build_content(letter, issue_date=timezone.localdate(), draft=True)
    assert any(line.startswith(f"Dear {name} and ") for block in content.blocks for line in block.lines)
    pdf = client.get(reverse("letters:draft_pdf", kwargs={"pk": letter.pk})).content
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)
    assert f"Dear {name} and " in text
    assert "Dear Kingfisher Primary School" not in text  # "{school_name}" was not filled in


@pytest.mark.parametrize("name", NAMES)
def test_the_draft_form_takes_the_chairs_name_with_braces_as_it_is(client_as, link_school, name):
    link_school.chair_of_governors = name
    link_school.save()
    letter = congratulations_draft(client_as("adviser"), link_school)
    data = {"subject": letter.subject, "body": letter.body, "indicators": [i.pk for i in letter.indicators.all()]}

    form = LetterForm(data, letter_type=letter.letter_type, letter=letter)
    assert form.is_valid(), form.errors  # no stray brace, no unknown or doubled placeholder
    assert LetterForm(data, letter_type=letter.letter_type, school=link_school).is_valid()  # a new draft's form


def test_braces_a_user_types_around_the_facts_are_still_checked(link_school):
    link_school.chair_of_governors = "Maria } Costa"
    link_school.save()
    kind = LetterType.objects.get(code="congratulations")
    data = placeholders.written_in(link_school, kind)

    assert placeholders.check("Dear Maria } Costa, on {date}", kind.code, data=data) == []
    assert placeholders.check("Dear {Maria } Costa}", kind.code, data=data) == [
        placeholders.STRAY_BRACE.format(brace="{"),
        placeholders.STRAY_BRACE.format(brace="}"),
    ]
    assert placeholders.check("Dear Maria } Costa, {headteacher", kind.code, data=data) == [
        placeholders.STRAY_BRACE.format(brace="{")
    ]


def test_a_fact_that_names_a_placeholder_is_not_filled_but_the_texts_own_placeholders_are(link_school):
    facts = placeholders.Facts.for_school(
        link_school, LetterType.objects.get(code="congratulations"),
        issue_date=timezone.localdate(),
    )  # fmt: skip
    facts.chair_of_governors = "{school_name} {{ x }}"
    drafted = placeholders.prefill("Dear {chair_of_governors}, of {school_name} ({urn})", facts)

    assert drafted == f"Dear {{school_name}} {{{{ x }}}}, of {link_school.name} ({link_school.urn})"
    assert placeholders.fill_inline(drafted + " on {date}", facts).startswith("Dear {school_name} {{ x }}, of ")
    assert placeholders.fill_inline("On {date}", facts) == f"On {placeholders.long_date(timezone.localdate())}"


def test_a_draft_holding_a_chairs_name_with_a_brace_is_saved_and_previewed_from_its_page(client_as, link_school):
    link_school.chair_of_governors = "Maria } Costa"
    link_school.save()
    client = client_as("adviser")
    letter = congratulations_draft(client, link_school)
    url = reverse("letters:edit", kwargs={"pk": letter.pk})
    data = {"subject": letter.subject, "body": letter.body, "indicators": [i.pk for i in letter.indicators.all()]}
    page = client.get(url).content.decode()
    data["version"] = page.split('name="version" value="')[1].split('"')[0]

    preview = client.post(url, {**data, "preview": "1"}).content.decode()
    assert "Dear Maria } Costa and " in preview
    assert client.post(url, {**data, "save": "1"}).status_code == 302
    new = reverse("letters:new", kwargs={"urn": link_school.urn, "code": "congratulations"})
    body = client.get(new).context["form"].initial["body"]
    assert client.post(new, {"subject": letter.subject, "body": body, "save": "1"}).status_code == 302
