"""Every write of categorisations and frameworks. Each function is atomic, keyword-only and takes
the acting user for the audit trail (django-simple-history records who changed what, and
CategorisationEvent the visible trail of started / submitted / returned / approved / withdrawn).

Validation errors raised for the categorisation form are keyed by its field names: `level`,
`rationale`, `evidence_<criterion id>`, `comments`; other errors are not keyed.

This module is the app's one entry point for writes (`from categorisation import services`): the
adviser's part of a categorisation is in categorisation.services_categorise, the officer's review
in categorisation.services_review and the criteria frameworks in categorisation.services_frameworks,
each re-exported here."""

from .services_categorise import (  # re-exported: the adviser's: start, save, submit, withdraw
    NO_FRAMEWORK,
    NOT_CURRENT,
    NOT_EDITABLE,
    NOT_WITHDRAWABLE,
    OPEN_EXISTS,
    UNKNOWN_CRITERION,
    UNKNOWN_TERM,
    categorisation_changed_since,
    categorisation_save,
    categorisation_start,
    categorisation_submit,
    categorisation_supersede,
    categorisation_withdraw,
)
from .services_frameworks import (  # re-exported: the criteria frameworks'
    ACTIVE_FROM_PAST,
    ACTIVE_FROM_TAKEN,
    AREA_CODE_TAKEN,
    AREA_EMPTY,
    AREA_HAS_CRITERIA,
    COUNT_TOO_SMALL,
    CRITERION_CODE_TAKEN,
    FRAMEWORK_EMPTY,
    FRAMEWORK_NAME_TAKEN,
    FRAMEWORK_NOT_DRAFT,
    UNKNOWN_FACT,
    area_delete,
    area_save,
    criterion_delete,
    criterion_save,
    framework_activate,
    framework_copy,
    framework_create,
    framework_update,
)
from .services_review import (  # re-exported: the officer's: return, approve
    ALREADY_APPROVED,
    COMMENTS_REQUIRED,
    NOT_WAITING,
    OFFICER_ONLY,
    categorisation_approve,
    categorisation_return,
)

__all__ = [
    "ACTIVE_FROM_PAST",
    "ACTIVE_FROM_TAKEN",
    "ALREADY_APPROVED",
    "AREA_CODE_TAKEN",
    "AREA_EMPTY",
    "AREA_HAS_CRITERIA",
    "COMMENTS_REQUIRED",
    "COUNT_TOO_SMALL",
    "CRITERION_CODE_TAKEN",
    "FRAMEWORK_EMPTY",
    "FRAMEWORK_NAME_TAKEN",
    "FRAMEWORK_NOT_DRAFT",
    "NOT_CURRENT",
    "NOT_EDITABLE",
    "NOT_WAITING",
    "NOT_WITHDRAWABLE",
    "NO_FRAMEWORK",
    "OFFICER_ONLY",
    "OPEN_EXISTS",
    "UNKNOWN_CRITERION",
    "UNKNOWN_FACT",
    "UNKNOWN_TERM",
    "area_delete",
    "area_save",
    "categorisation_approve",
    "categorisation_changed_since",
    "categorisation_return",
    "categorisation_save",
    "categorisation_start",
    "categorisation_submit",
    "categorisation_supersede",
    "categorisation_withdraw",
    "criterion_delete",
    "criterion_save",
    "framework_activate",
    "framework_copy",
    "framework_create",
    "framework_update",
]
