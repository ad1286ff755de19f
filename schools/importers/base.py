"""What every importer shares: row errors, the plan of changes, column lookup by header name."""

from collections.abc import Callable
from dataclasses import dataclass, field

from core.cells import header_key
from core.tabular import FileRefused, Table

# How many errors and changes an import record keeps for the preview page.
MAX_STORED_ERRORS = 1000
MAX_STORED_CHANGES = 500

MISSING_COLUMNS = "The file is missing required columns: {columns}."

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
        self._by_key = {header_key(c): c for c in table.columns}

    def find(self, *candidates: str) -> str | None:
        for candidate in candidates:
            actual = self._by_key.get(header_key(candidate))
            if actual is not None:
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
