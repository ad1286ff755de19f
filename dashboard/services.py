"""The dashboard's writes: England's outcome figures, entered by an admin (docs/adr/0029)."""

from decimal import Decimal
from typing import Any

from django.db import transaction

from accounts.models import User

from .models import NationalOutcome


@transaction.atomic
def national_outcome_save(
    *, actor: User, year: int, phase: str, share_of_schools: Decimal, share_of_pupils: Decimal, source: str = ""
) -> tuple[NationalOutcome, bool]:
    """Record England's figure for a year and phase, replacing one entered before for them.
    Returns the figure and whether it is new."""
    return NationalOutcome.objects.update_or_create(
        year=year,
        phase=phase,
        defaults={
            "share_of_schools": share_of_schools,
            "share_of_pupils": share_of_pupils,
            "source": source,
            "entered_by": actor,
        },
    )


@transaction.atomic
def national_outcomes_import(*, actor: User, rows: list[dict[str, Any]]) -> tuple[int, int]:
    """Record every row (as NationalOutcomeForm cleans it) in one transaction: all or nothing.
    Returns how many figures are new and how many replaced one entered before."""
    created = 0
    for row in rows:
        _, new = national_outcome_save(actor=actor, **row)
        created += new
    return created, len(rows) - created
