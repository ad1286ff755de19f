"""A word longer than the line (a pasted link with no break in it, a reference) wraps in every PDF
the product makes, as it does on the page, rather than running off the paper's edge: part of the
words of a letter as sent would be missing (the letter and visit-note stylesheets: overflow-wrap)."""

import io
from dataclasses import replace

import pytest
from django.urls import reverse
from pypdf import PdfReader

from core.documents import render_pdf
from letters.documents import LetterContent
from letters.placeholders import Block
from tests.visits.factories import ActionFactory, VisitFactory

from .factories import issued

pytestmark = pytest.mark.django_db

LONG = "x" * 400  # no space, no hyphen, no slash: nothing to break at but the letters themselves


def _longest_line(data: bytes, *, times: int = 1) -> int:
    """The longest line of the PDF's text, once every letter of the long word is found in it."""
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)
    assert text.count("x") >= times * len(LONG), "part of the long word is missing from the PDF"
    return max(len(line) for line in text.splitlines())


def test_a_long_word_in_a_letter_and_its_copies_wraps_in_the_pdf(officer, second_officer, school):
    letter = issued(school, "congratulations", drafter=second_officer, officer=officer)
    content = LetterContent.from_dict(letter.issued_content)
    content = replace(content, blocks=[*content.blocks, Block("p", [LONG])], copies=[LONG])
    data = render_pdf("letters/pdf/letter.html", {"doc": content})
    assert _longest_line(data, times=2) < 120  # an A4 line of 11pt text holds about 90 characters


def test_a_long_word_in_a_note_of_visit_wraps_in_its_pdf(client_as, school, adviser):
    visit = VisitFactory(school=school, adviser=adviser, completed=True, strengths=LONG)
    data = client_as("adviser").get(reverse("visits:note_pdf", kwargs={"pk": visit.pk})).content
    assert _longest_line(data) < 120


def _words(data: bytes) -> list[str]:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages).split()


def test_a_note_of_visits_actions_table_never_breaks_a_short_word(client_as, school, adviser):
    """The body's overflow-wrap lets a table squeeze a narrow column to a letter: the Owner and Due
    by columns are broken between words only ("Schoo / l" before)."""
    visit = VisitFactory(school=school, adviser=adviser, completed=True)
    long_action = "Put in place a whole-school approach to extended writing, with a termly check by the lead. " * 2
    ActionFactory(school=school, visit=visit, description=long_action)
    words = _words(client_as("adviser").get(reverse("visits:note_pdf", kwargs={"pk": visit.pk})).content)
    assert {"Owner", "School", "Due"} <= set(words)
