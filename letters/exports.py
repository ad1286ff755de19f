"""The suggested letters list as a spreadsheet (core/export_jobs.py, registered in
LettersConfig.ready): the same suggestions the page lists for that user."""

from core.export_jobs import ExportKind
from core.exports import in_chunks
from schools.models import School

from . import stored_suggestions, suggestions


def suggestion_school_ids(user) -> list[int] | None:
    """Officers see suggestions for every school; advisers for their link schools."""
    if user.has_perm("letters.approve_letter"):
        return None
    return list(School.objects.filter(link_adviser=user).values_list("pk", flat=True))


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
