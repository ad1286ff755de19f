"""The intelligence log as evidence for categorising a school (issue 12, ADR 0016): registered in
categorisation.evidence, which cannot import this app. The form offers the entries the user may
see (restricted ones to officers only) and the categorisation keeps a snapshot of those ticked;
every page that shows a restricted entry's text records the read."""

from datetime import date

from audit.services import record_request_reads
from categorisation.evidence import EvidenceItem, EvidenceSource, register_evidence_source

from . import selectors
from .models import IntelligenceEntry

SOURCE = "intelligence"
TITLE = "Intelligence from other teams"


def offer_intelligence(*, user, school, since: date, until: date) -> list[EvidenceItem]:
    """The school's entries dated from `since` to `until` that the user may see, newest first: one query."""
    entries = (
        selectors.intelligence_visible_to(user)
        .filter(school=school, received_on__gte=since, received_on__lte=until)
        .order_by("-received_on", "-id")
    )
    return [
        EvidenceItem(
            source=SOURCE,
            ref=entry.pk,
            on=entry.received_on,
            origin=entry.get_source_team_display(),
            text=entry.summary,
            restricted=entry.is_restricted,
        )
        for entry in entries
    ]


def record_intelligence_reads(request, school, refs: list[int]) -> None:
    """The read log, as the entry's own page records it: one row per restricted entry shown."""
    record_request_reads(request, IntelligenceEntry, refs, label=f"Intelligence about {school.name}")


def register() -> None:
    register_evidence_source(
        EvidenceSource(
            name=SOURCE,
            title=TITLE,
            offer=offer_intelligence,
            may_read_restricted=selectors.can_see_restricted,
            record_reads=record_intelligence_reads,
        )
    )
