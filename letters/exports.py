"""The letters lists as spreadsheets: the register's rows (the letters its filter keeps,
letters/filters.py, for the page's CSV and XLSX links), and the suggested letters list (core/export_jobs.py,
registered in LettersConfig.ready): the same suggestions the page lists for that user."""

from collections.abc import Iterator
from datetime import date

from django.db.models import QuerySet
from django.utils import timezone

from core.export_jobs import ExportKind
from core.exports import in_chunks
from schools.selectors import link_school_ids

from . import selectors, stored_suggestions, suggestions
from .models import Letter

REGISTER_HEADER = [
    "Reference",
    "Type",
    "Status",
    "URN",
    "School",
    "Drafted by",
    "Drafted on",
    "Date of issue",
    "Grounds",
    "Compliance period ends",
    "Stage",
    "Powers (s63, s64) usable until",
]


def register_rows(letters: QuerySet[Letter], *, today: date) -> Iterator[list]:
    """The register's rows, each letter's warning-notice stage as of `today`."""
    for letter in letters.iterator(chunk_size=2000):
        stage = selectors.notice_stage(letter, today)
        yield [
            letter.reference,
            letter.letter_type.name,
            letter.get_status_display(),
            letter.school.urn,
            letter.school.name,
            str(letter.drafted_by or ""),
            timezone.localdate(letter.created_at),
            letter.issued_on,
            "; ".join(letter.ground_short_labels),
            letter.compliance_end_date,
            stage.label if stage else "",
            stage.deadline if stage and stage.deadline_label.startswith("Powers") else None,
        ]


def suggestion_school_ids(user) -> list[int] | None:
    """Officers see suggestions for every school; advisers for their link schools."""
    if user.has_perm("letters.approve_letter"):
        return None
    return list(link_school_ids(user))


def _rows(*, user, params):
    found = stored_suggestions.open_suggestions(school_ids=suggestion_school_ids(user))
    for chunk in in_chunks(found.iterator(chunk_size=1000), 1000):
        for suggestion in suggestions.materialise(list(chunk)):
            yield [
                suggestion.school.name,
                suggestion.school.urn,
                str(suggestion.school.link_adviser or ""),
                suggestion.letter_type.name,
                suggestion.reason,
                suggestion.on,
            ]


SUGGESTIONS = ExportKind(
    key="letter-suggestions",
    title="Suggested letters",
    permission="letters.view_suggestions",
    filename="suggested-letters",
    sheet="Suggested letters",
    header=["School", "URN", "Link adviser", "Suggested letter", "Why", "Fact dated"],
    rows=_rows,
    list_url="letters:suggestions",
)
