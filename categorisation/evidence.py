"""Evidence from other apps that the adviser may cite when categorising a school (issue 12, ADR 0016).

Facts (categorisation.facts) tick criteria by key; evidence sources offer dated pieces of free
text, e.g. the intelligence log's entries from other teams, which the adviser ticks as evidence
they rely on. The ticked items are kept with the categorisation as a snapshot (date, origin, text
as shown when it was saved), so the record stays true if the item is later edited or deleted.

This app cannot import the apps after it (INSTALLED_APPS order), so a source registers itself in
its AppConfig.ready(), e.g. the academies app:

    from categorisation.evidence import EvidenceSource, register_evidence_source
    register_evidence_source(EvidenceSource(name="intelligence", title="Intelligence from other teams",
                                            offer=..., may_read_restricted=..., record_reads=...))

A source's items may be restricted: only the users its `may_read_restricted` allows ever see
them (on the form or the categorisation's page), and every page showing one calls its
`record_reads` (the read log). An item of a source no longer registered counts as restricted
to no one: it is hidden rather than shown to the wrong person."""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any


@dataclass(frozen=True)
class EvidenceItem:
    source: str  # the registered source's name
    ref: int  # the item's id in its source
    on: date  # the item's date
    origin: str  # where it came from, e.g. "SEN and inclusion"
    text: str
    restricted: bool = False

    @property
    def key(self) -> str:
        """The form's value for the item."""
        return f"{self.source}:{self.ref}"

    def snapshot(self) -> dict[str, Any]:
        """What the categorisation keeps (Categorisation.cited_evidence holds a list of these)."""
        return {
            "source": self.source,
            "ref": self.ref,
            "on": self.on.isoformat(),
            "origin": self.origin,
            "text": self.text,
            "restricted": self.restricted,
        }

    @classmethod
    def from_snapshot(cls, data: dict[str, Any]) -> "EvidenceItem":
        return cls(
            source=str(data["source"]),
            ref=int(data["ref"]),
            on=date.fromisoformat(data["on"]),
            origin=str(data.get("origin", "")),
            text=str(data.get("text", "")),
            restricted=bool(data.get("restricted", True)),
        )


# offer(user=, school=, since=, until=) -> the items dated since..until the user may see, newest first,
# in a bounded number of queries.
Offer = Callable[..., list[EvidenceItem]]


@dataclass(frozen=True)
class EvidenceSource:
    name: str
    title: str  # the form's and the page's heading, e.g. "Intelligence from other teams"
    offer: Offer
    may_read_restricted: Callable[[Any], bool]  # user -> bool
    record_reads: Callable[[Any, Any, list[int]], None]  # (request, school, refs of the restricted items shown)


_sources: dict[str, EvidenceSource] = {}


def register_evidence_source(source: EvidenceSource) -> None:
    """Add (or replace, by name) a source of evidence."""
    _sources[source.name] = source


def evidence_sources() -> list[EvidenceSource]:
    return list(_sources.values())


def registered_source_names() -> list[str]:
    return list(_sources)


def may_see(user, item: EvidenceItem) -> bool:
    """Whether the user may see the item: any item that is not restricted; a restricted one only
    if its source (still registered) allows the user."""
    if not item.restricted:
        return True
    source = _sources.get(item.source)
    return source is not None and bool(source.may_read_restricted(user))


def offered_evidence(*, user, school, since: date, until: date) -> list[EvidenceItem]:
    """Every source's items about the school dated from `since` to `until` that the user may see."""
    items: list[EvidenceItem] = []
    for source in _sources.values():
        items.extend(item for item in source.offer(user=user, school=school, since=since, until=until))
    return [item for item in items if may_see(user, item)]


def record_restricted_reads(request, school, items: Iterable[EvidenceItem]) -> None:
    """Tell each source which of its restricted items about the school the page shows (for the
    read log)."""
    refs: dict[str, list[int]] = {}
    for item in items:
        if item.restricted:
            refs.setdefault(item.source, []).append(item.ref)
    for name, ids in refs.items():
        source = _sources.get(name)
        if source is not None:
            source.record_reads(request, school, ids)


def cited_items(snapshots: Iterable[dict[str, Any]]) -> list[EvidenceItem]:
    return [EvidenceItem.from_snapshot(data) for data in snapshots or []]


def source_title(name: str) -> str:
    source = _sources.get(name)
    return source.title if source else "Other evidence"
