"""What the dashboard's figures are made of: a figure, the schools behind it (entries), and the scope
they are computed for (dashboard/figures.py and dashboard/figures_casework.py)."""

from dataclasses import dataclass, field
from datetime import date
from functools import cached_property

from django.db.models import QuerySet

from accounts.models import User
from letters.selectors import DEADLINE_HORIZON_DAYS
from schools.models import School
from visits.compliance import compliance_schools

from . import history
from .filters import filter_schools

# Warning notices whose next deadline falls within this many days (or has passed with nothing recorded):
# the officer's home panel's horizon, so the two never list different notices for the same question.
NOTICE_DEADLINE_DAYS = DEADLINE_HORIZON_DAYS


@dataclass(slots=True)
class Entry:
    """One school behind a figure, with what puts it there."""

    school_id: int
    note: str = ""
    url: str = ""
    # The school's name and URN when the figure's own query read them (its list is sorted by them
    # without reading thousands of schools again: dashboard.exports.figure_entries).
    name: str | None = None
    urn: int | None = None


@dataclass
class Figure:
    key: str
    label: str
    entries: list[Entry] = field(default_factory=list)
    href: str = ""  # set by the view: the list page with the same filters
    # The number counted by the database when the schools are not listed (Scope.lists False).
    n: int | None = None

    @property
    def count(self) -> int:
        return len(self.entries) if self.n is None else self.n


# What a pack says of the concerns it leaves out (Scope.restricted): the dashboard counts them.
LEAVES_OUT_WHISTLEBLOWING = (
    "Concerns about academies raised by whistleblowers are not counted in this pack (they are kept within the "
    "system), so its concern figures can be lower than the dashboard's."
)


@dataclass
class Scope:
    """What the figures are computed for: the day, the user (concerns are read as they may see them)
    and the chosen filters."""

    today: date
    user: User
    chosen: dict[str, str]
    # Whistleblowing-sourced concerns (restricted) are left out of documents that leave the
    # system, the reporting packs (docs/adr/0030), whoever produced them.
    restricted: bool = True
    # False on the dashboard: each figure is counted by the database (Figure.n) and its schools are
    # listed only on the figure's own page (docs/adr/0037). The packs and the list pages list them.
    lists: bool = True

    @cached_property
    def terms(self) -> list:
        """The last six terms (history.last_terms), read once for every section."""
        return history.last_terms(self.today)

    def schools(self) -> QuerySet[School]:
        return filter_schools(School.objects.all(), self.chosen)

    def maintained(self) -> QuerySet[School]:
        """The open LA-maintained schools (those with a visits entitlement and a category to review)."""
        return filter_schools(compliance_schools(), self.chosen)

    def keeps(self, school: School) -> bool:
        """Whether the filters keep a school already loaded (for lists read through another app's selector)."""
        chosen = self.chosen
        return (
            (not chosen.get("la") or school.la_code == chosen["la"])
            and (not chosen.get("phase") or school.phase == chosen["phase"])
            and (not chosen.get("adviser") or school.link_adviser_id == int(chosen["adviser"]))
        )


def entries_of(school_ids) -> list[Entry]:
    return [Entry(sid) for sid in school_ids]


def entries_named(rows) -> list[Entry]:
    """Entries from (school id, name, URN) rows."""
    return [Entry(sid, name=name, urn=urn) for sid, name, urn in rows]
