"""What every importer shares: row errors, the plan of changes, column lookup by header name."""

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from core.cells import header_key
from core.tabular import FileRefused, Table

# How many errors an import keeps (schools.models.ImportRowError), for its page and the download of
# them: a file with more is not one to correct cell by cell. How many changes it keeps as a sample.
MAX_STORED_ERRORS = 100_000
MAX_STORED_CHANGES = 500

MISSING_COLUMNS = "The file is missing required columns: {columns}."
COLUMN_TWICE = (
    "The file has {count} columns named {columns}: delete all but one, so that it is clear which to read, "
    "and upload the file again."
)
# How pandas names a column's later copies when a CSV's header names it twice: "URN.1", "URN.2".
LATER_COPY = re.compile(r"(?P<name>.+)\.(?P<copy>[1-9][0-9]*)")

# progress(message, fraction): what the import is doing and, where known, how far it has got (0 to 1).
Progress = Callable[..., None]


def no_progress(message: str, fraction: float | None = None) -> None:
    return None


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    value: str
    message: str

    def as_dict(self) -> dict:
        return {"row": self.row, "column": self.column, "value": self.value[:200], "message": self.message}


@dataclass
class Plan:
    """The outcome of validating a file against the database, before anything is written."""

    rows_total: int = 0
    rows_skipped: int = 0
    skipped_note: str = ""
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[RowError] = field(default_factory=list)
    changes: list[dict] = field(default_factory=list)  # sample for the preview page
    notes: list[str] = field(default_factory=list)
    payload: dict = field(default_factory=dict)  # importer-specific, consumed by apply()
    # Changes beyond the records created and updated: councillors removed, trusts and wards renamed.
    other_changes: int = 0

    @property
    def rejected(self) -> int:
        return len({e.row for e in self.errors})

    @property
    def changes_anything(self) -> bool:
        return bool(self.created or self.updated or self.other_changes)

    def note_change(self, change: dict) -> None:
        if len(self.changes) < MAX_STORED_CHANGES:
            self.changes.append(change)


class Columns:
    """Finds a file's columns by name, whatever their case, spacing or position."""

    def __init__(self, table: Table):
        self._by_key: dict[str, str] = {}
        self._named: dict[str, list[str]] = {}  # each name's columns, as the file writes them
        for column in table.columns:
            self._by_key.setdefault(header_key(column), column)
            self._named.setdefault(header_key(column), []).append(column)
        for column in table.columns:
            if (copy := LATER_COPY.fullmatch(column)) and header_key(copy["name"]) in self._named:
                self._named[header_key(copy["name"])].append(copy["name"])  # as the file wrote it

    def find(self, *candidates: str) -> str | None:
        """The file's column of the first candidate name it has; a file with two columns of that
        name is refused (which one it means cannot be told)."""
        for candidate in candidates:
            actual = self._by_key.get(header_key(candidate))
            if actual is not None:
                if len(named := self._named[header_key(candidate)]) > 1:
                    # As the file writes them: "URN" (twice), or "LA (code)" and "la (code)".
                    columns = " and ".join(f'"{c}"' for c in dict.fromkeys(named))
                    raise FileRefused(COLUMN_TWICE.format(count=len(named), columns=columns))
                return actual
        return None

    def has(self, *candidates: str) -> bool:
        return self.find(*candidates) is not None

    def require(self, required: dict[str, tuple[str, ...]]) -> dict[str, str]:
        """Map each required name to the file's column, or refuse the file naming every missing one."""
        found, missing = {}, []
        for name, candidates in required.items():
            actual = self.find(*candidates)
            if actual is None:
                missing.append(name)
            else:
                found[name] = actual
        if missing:
            raise FileRefused(MISSING_COLUMNS.format(columns=", ".join(f'"{m}"' for m in missing)))
        return found


def display(value) -> str:
    """A value as the preview shows it."""
    if value is None or value == "":
        return "(blank)"
    if hasattr(value, "strftime"):
        return value.strftime("%d/%m/%Y")
    return str(value)


class Importer:
    """Subclasses set `kind` and implement plan() and apply()."""

    kind: str = ""
    header_hint: str | None = None

    def keep_column(self, name: str) -> bool:
        return True

    def plan(self, table: Table, *, options: dict, progress: Progress = no_progress) -> Plan:
        raise NotImplementedError

    def apply(self, plan: Plan, *, actor, record, progress: Progress = no_progress) -> None:
        raise NotImplementedError
