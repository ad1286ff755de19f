"""England's outcome figures from a CSV file or an Excel workbook (docs/adr/0029): one row per
academic year and phase, columns year, phase, share_of_schools, share_of_pupils and (optional)
source. Every row is checked by the entry form's own rules before anything is saved; a file with
any bad row saves nothing and says which row, which column and what is wrong."""

from django.core.exceptions import ValidationError

from core.tabular import FileRefused, read_table

from .forms import NationalOutcomeForm
from .models import OutcomePhase

COLUMNS = ("year", "phase", "share_of_schools", "share_of_pupils")
OPTIONAL = ("source",)
MISSING_COLUMNS = "The file must have the columns {columns} (missing: {missing})"
ROW_PROBLEM = "Row {row}, column {column}: {message}"
DUPLICATE_ROW = "Row {row}: the figure for {phase}, {year} is also in row {first}"
TOO_MANY_ROWS = "The file has {rows} rows; England's figures are at most a few a year, so no more than {limit}"
MORE_PROBLEMS = "And {count} more problems"
MAX_ROWS = 300
PROBLEMS_SHOWN = 20
# A phase may be written as its code or its label ("Primary", "All schools").
PHASE_NAMES = {name.lower(): phase.value for phase in OutcomePhase for name in (phase.value, phase.label)}


def _header(name: str) -> str:
    return name.strip().lower().replace(" ", "_")


def national_outcomes_from_file(data: bytes, filename: str = "") -> list[dict]:
    """The rows of the file as the entry form cleans them, or ValidationError listing the problems."""
    try:
        table = read_table(data, filename)
    except FileRefused as refused:
        raise ValidationError(refused.message) from refused
    headers = {_header(column): column for column in table.columns}
    missing = [column for column in COLUMNS if column not in headers]
    if missing:
        raise ValidationError(MISSING_COLUMNS.format(columns=", ".join(COLUMNS), missing=", ".join(missing)))
    if len(table) > MAX_ROWS:
        raise ValidationError(TOO_MANY_ROWS.format(rows=len(table), limit=MAX_ROWS))
    problems = [f"Row {row}: {message}" for row, message in table.malformed.items()]
    rows: list[dict] = []
    seen: dict[tuple[int, str], int] = {}
    for number, record in table.records():
        values = {
            name: str(record.get(headers[name], "") or "").strip() for name in COLUMNS + OPTIONAL if name in headers
        }
        values["phase"] = PHASE_NAMES.get(values["phase"].lower(), values["phase"])
        form = NationalOutcomeForm(values)
        if not form.is_valid():
            problems += [
                ROW_PROBLEM.format(row=number, column=field, message=message)
                for field, messages in form.errors.items()
                for message in messages
            ]
            continue
        key = (form.cleaned_data["year"], form.cleaned_data["phase"])
        if key in seen:
            problems.append(
                DUPLICATE_ROW.format(row=number, phase=OutcomePhase(key[1]).label.lower(), year=key[0], first=seen[key])
            )
            continue
        seen[key] = number
        rows.append(form.cleaned_data)
    if problems:
        shown = problems[:PROBLEMS_SHOWN]
        if len(problems) > PROBLEMS_SHOWN:
            shown.append(MORE_PROBLEMS.format(count=len(problems) - PROBLEMS_SHOWN))
        raise ValidationError(shown)
    return rows
