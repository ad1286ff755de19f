"""Reporting packs (issue 13, docs/adr/0030): a dated pack of the officer dashboard's figures for
cabinet and scrutiny, the Education Performance Clinic or the School Improvement Board, as a PDF and
an XLSX workbook, with the schools causing concern and their stage and the movement since the last
pack for the same meeting and LA.

An officer asks for a pack (`pack_request`); a task worker builds it (`pack_build`) from the same
figure functions as the dashboard (dashboard.figures), as at the day it was asked for, and stores
both files with their SHA-256. A pack is never rebuilt: a download serves the stored file, checked
against its hash, so what went to a meeting can be downloaded again unchanged."""

import hashlib
import io
import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import timezone

from academies.selectors import stage_label
from categorisation.models import SupportLevel, direction_between
from core.documents import render_pdf
from core.exports import write_workbook
from letters.selectors import open_warning_notices
from schools.models import School
from schools.terms import academic_year_of

from . import charts, figure_charts, figures, history
from .figures_base import LEAVES_OUT_WHISTLEBLOWING
from .models import PackAudience, PackStatus, ReportingPack
from .outcomes import OutcomesTable, national_years, outcomes_table

log = logging.getLogger(__name__)

PRODUCE_PERMISSION = "dashboard.produce_reporting_pack"
UNKNOWN_AUDIENCE = "Choose which meeting the pack is for"
UNKNOWN_LA = "Choose an LA code from the list"
NO_LONGER_ALLOWED = "You no longer have access to the reporting packs, so the pack was not prepared."
COULD_NOT_BUILD = "The pack could not be prepared. Ask for it again; if it fails again, tell your administrator."
FILE_CHANGED = "This pack's file is not the one produced on {day}: it has been changed or damaged since."

HIGH_SUPPORT = SupportLevel.HIGH.value


@dataclass
class ConcernRow:
    """A school causing concern and what puts it there (every stage it is at)."""

    urn: int
    name: str
    la_code: str
    phase: str
    level: str  # support level label now ("" for an academy)
    stages: list[str]

    @property
    def stage_text(self) -> str:
        return "; ".join(self.stages)


@dataclass
class Change:
    """A school whose support level or concern stage changed since the last pack."""

    urn: int
    name: str
    what: str
    before: str
    after: str


@dataclass
class PackContents:
    pack: ReportingPack
    levels: figures.LevelsSection
    reviews: list
    compliance: figures.ComplianceSection
    letters: figures.LettersSection
    concerns: figures.ConcernsSection
    actions: list
    outcomes: OutcomesTable
    causing_concern: list[ConcernRow]
    since_last: list[Change]
    previous: ReportingPack | None
    snapshot: dict

    @property
    def levels_chart(self) -> tuple[str, str]:
        """The dashboard's support-level chart (docs/adr/0035) as a data URI for the PDF, and its alt text."""
        chart = figure_charts.levels_chart(self.levels)
        return charts.data_uri(chart), chart.alt

    @property
    def letters_chart(self) -> tuple[str, str]:
        chart = figure_charts.letters_chart(self.letters)
        return charts.data_uri(chart), chart.alt

    def summary(self) -> list[tuple[str, str, int]]:
        """(section, figure, count) for every figure of the dashboard, in its order."""
        rows = [("Support level now", label, row[-1].count) for label, row in self.levels.level_rows]
        rows += [("Categorisation reviews", f.label, f.count) for f in self.reviews]
        rows += [("Visits this term", f.label, f.count) for f in self.compliance.visits]
        rows += [("MSP groups", f.label, f.count) for f in self.compliance.msp]
        rows += [(f"Letters {self.letters.academic_year_label}", f.label, f.count) for f in self.letters.by_type]
        rows += [("Warning notices", f.label, f.count) for f in self.letters.notices]
        rows += [("Open academy concerns", f.label, f.count) for f in self.concerns.figures]
        rows += [("Actions", f.label, f.count) for f in self.actions]
        return rows

    def outcome_rows(self) -> list[list]:
        """The outcomes table (docs/adr/0029) as rows: phase, schools, then good or better of those
        judged for schools and pupils, each with its share and England's."""
        rows = []
        for phase in self.outcomes.phases:
            for cell in phase.cells:
                england = cell.national
                rows.append(
                    [
                        phase.label,
                        cell.label,
                        cell.good.schools,
                        cell.judged.schools,
                        cell.school_share,
                        england.share_of_schools if england else None,
                        cell.good.pupils,
                        cell.judged.pupils,
                        cell.pupil_share,
                        england.share_of_pupils if england else None,
                        cell.report_card.schools,
                        cell.not_inspected.schools,
                    ]
                )
        return rows


OUTCOME_HEADER = [
    "Phase",
    "Schools",
    "Good or better",
    "Judged",
    "Share of schools (%)",
    "England (%)",
    "Pupils in good or better",
    "Pupils judged",
    "Share of pupils (%)",
    "England pupils (%)",
    "Report card (no grade)",
    "Not inspected",
]


# ---- asking for a pack ----------------------------------------------------------------------------


def may_produce(user) -> bool:
    return user.is_active and user.has_perm(PRODUCE_PERMISSION)


def pack_request(*, audience: str, la_code: str, actor) -> ReportingPack:
    """Record a pack for a meeting, as at today, and queue its building (built at once without a queue)."""
    from core.tasks import defer

    from .tasks import build_pack

    if not may_produce(actor):
        raise PermissionDenied
    if audience not in PackAudience.values:
        raise ValidationError({"audience": UNKNOWN_AUDIENCE})
    if la_code and la_code not in settings.LOCAL_AUTHORITY_CODES:
        raise ValidationError({"la_code": UNKNOWN_LA})
    pack = ReportingPack.objects.create(
        audience=audience, la_code=la_code, as_of=timezone.localdate(), requested_by=actor
    )
    defer(build_pack, after_commit=False, lock=f"pack-{pack.pk}", pack_id=pack.pk)
    pack.refresh_from_db()
    return pack


def previous_pack(pack: ReportingPack) -> ReportingPack | None:
    """The last pack produced before this one for the same meeting and LA."""
    return (
        ReportingPack.objects.filter(
            audience=pack.audience, la_code=pack.la_code, status=PackStatus.READY, requested_at__lt=pack.requested_at
        )
        .exclude(pk=pack.pk)
        .order_by("-requested_at", "-id")
        .first()
    )


# ---- what a pack holds ------------------------------------------------------------------------------


def pack_contents(pack: ReportingPack) -> PackContents:
    assert pack.requested_by is not None  # pack_build refuses a pack whose requester is gone
    scope = figures.Scope(
        today=pack.as_of,
        user=pack.requested_by,
        chosen={"la": pack.la_code} if pack.la_code else {},
        restricted=False,
    )
    levels = figures.levels(scope)
    concerns = figures.concerns(scope)
    causing = causing_concern(scope, levels.terms[-1].levels if levels.terms else {})
    snapshot = snapshot_of(levels, causing)
    previous = previous_pack(pack)
    year = academic_year_of(pack.as_of)
    national_year = next((y for y in national_years() if y <= year), None)
    return PackContents(
        pack=pack,
        levels=levels,
        reviews=figures.reviews(scope),
        compliance=figures.compliance(scope),
        letters=figures.letters(scope),
        concerns=concerns,
        actions=figures.actions(scope),
        outcomes=outcomes_table(chosen=scope.chosen, year=national_year),
        causing_concern=causing,
        since_last=changes_since(previous.snapshot if previous else None, snapshot),
        previous=previous,
        snapshot=snapshot,
    )


def causing_concern(scope: figures.Scope, levels_now: dict[int, str]) -> list[ConcernRow]:
    """Schools causing concern (docs/adr/0030): maintained schools at high support, schools with a
    warning notice in progress, and academies with an open concern, each with every stage it is at."""
    stages: dict[int, list[str]] = {}
    for school_id, level in levels_now.items():
        if level == HIGH_SUPPORT:
            stages.setdefault(school_id, []).append(history.LEVEL_LABELS[HIGH_SUPPORT])
    for letter, stage in open_warning_notices(scope.today):
        if scope.keeps(letter.school):
            stages.setdefault(letter.school_id, []).append(f"{letter.letter_type.name}: {stage.label}")
    for concern in figures.open_concerns(scope):
        stages.setdefault(concern.school_id, []).append(
            f"Academy concern: {stage_label(concern)}, {concern.get_rag_display()}"
        )
    schools = School.objects.in_bulk(stages.keys())
    rows = [
        ConcernRow(
            urn=school.urn,
            name=school.name,
            la_code=school.la_code,
            phase=school.phase,
            level=history.LEVEL_LABELS[levels_now[school_id]] if school_id in levels_now else "",
            stages=stages[school_id],
        )
        for school_id, school in schools.items()
    ]
    return sorted(rows, key=lambda row: (row.name, row.urn))


def snapshot_of(levels: figures.LevelsSection, causing: list[ConcernRow]) -> dict:
    """What the next pack compares with: each maintained school's level now, and each school causing
    concern with its stages, by URN (a school's id may not survive a re-import; its URN does)."""
    now = levels.terms[-1].levels if levels.terms else {}
    urns = dict(School.objects.filter(pk__in=now.keys()).values_list("pk", "urn")) if now else {}
    names = dict(School.objects.filter(pk__in=now.keys()).values_list("urn", "name")) if now else {}
    names |= {row.urn: row.name for row in causing}
    return {
        "levels": {str(urns[sid]): level for sid, level in now.items() if sid in urns},
        "concern": {str(row.urn): row.stage_text for row in causing},
        "names": {str(urn): name for urn, name in names.items()},
    }


def changes_since(before: dict | None, after: dict) -> list[Change]:
    """Each school whose support level moved, or which started or stopped causing concern, between two
    snapshots; none when there is no earlier pack."""
    if before is None:
        return []
    names = before.get("names", {}) | after.get("names", {})
    labels = history.LEVEL_LABELS
    changes = []
    old_levels, new_levels = before.get("levels", {}), after.get("levels", {})
    for urn in sorted(set(old_levels) | set(new_levels)):
        was = old_levels.get(urn, history.NOT_CATEGORISED)
        now = new_levels.get(urn, history.NOT_CATEGORISED)
        if was == now:
            continue
        if urn not in new_levels:
            what = "No longer a maintained school in the pack"
        elif history.NOT_CATEGORISED in (was, now):
            what = "Categorised" if now != history.NOT_CATEGORISED else "No longer categorised"
        else:
            what = history.MOVEMENT_LABELS.get(direction_between(was, now) or "", "Changed")
        changes.append(Change(int(urn), names.get(urn, ""), what, labels.get(was, was), labels.get(now, now)))
    old_concern, new_concern = before.get("concern", {}), after.get("concern", {})
    for urn in sorted(set(old_concern) | set(new_concern)):
        was, now = old_concern.get(urn, ""), new_concern.get(urn, "")
        if was == now:
            continue
        what = (
            "Now causing concern" if not was else ("No longer causing concern" if not now else "Concern stage changed")
        )
        changes.append(Change(int(urn), names.get(urn, ""), what, was, now))
    return sorted(changes, key=lambda change: (change.name, change.urn, change.what))


# ---- building the files ------------------------------------------------------------------------------


def pack_pdf(contents: PackContents) -> bytes:
    context = {"c": contents, "title": str(contents.pack), "leaves_out": LEAVES_OUT_WHISTLEBLOWING}
    return render_pdf("dashboard/pack_pdf.html", context | {"COUNCIL_NAME": settings.COUNCIL_NAME}, record=True)


def pack_workbook(contents: PackContents) -> bytes:
    pack = contents.pack
    terms = contents.levels.terms
    stream = io.BytesIO()
    write_workbook(
        stream,
        [
            (
                "Summary",
                ["Section", "Figure", "Schools", "Meeting", "LA", "Figures as at"],
                [
                    (section, label, count, pack.get_audience_display(), pack.scope_label, pack.as_of)
                    for section, label, count in contents.summary()
                ]
                + [("Note", LEAVES_OUT_WHISTLEBLOWING, "", "", "", "")],
            ),
            (
                "Support levels",
                ["Schools"] + [t.period.label for t in terms],
                [[label] + [f.count for f in row] for label, row in contents.levels.level_rows]
                + [[label] + [f.count if f else "" for f in row] for label, row in contents.levels.movement_rows],
            ),
            ("Outcomes", OUTCOME_HEADER, contents.outcome_rows()),
            (
                "Causing concern",
                ["URN", "School", "LA code", "Phase", "Support level", "Stage"],
                [(r.urn, r.name, r.la_code, r.phase, r.level, r.stage_text) for r in contents.causing_concern],
            ),
            (
                "Since the last pack",
                ["URN", "School", "Change", "Before", "After"],
                [(c.urn, c.name, c.what, c.before, c.after) for c in contents.since_last],
            ),
        ],
    )
    return stream.getvalue()


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def pack_build(*, pack_id: int, last_attempt: bool) -> None:
    """Build and store a pack's files. Idempotent: a pack built (or given up on) is left as it is."""
    pack = ReportingPack.objects.select_related("requested_by").get(pk=pack_id)
    if pack.status != PackStatus.PENDING:
        return
    if pack.requested_by is None or not may_produce(pack.requested_by):
        _finish(pack, PackStatus.FAILED, error=NO_LONGER_ALLOWED)
        return
    try:
        contents = pack_contents(pack)
        pdf, xlsx = pack_pdf(contents), pack_workbook(contents)
        stem = f"{pack.audience}-pack-{pack.la_code or 'all'}-{pack.as_of:%Y-%m-%d}-{pack.pk}"
        pack.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
        pack.xlsx.save(f"{stem}.xlsx", ContentFile(xlsx), save=False)
    except Exception:
        if last_attempt:
            _finish(pack, PackStatus.FAILED, error=COULD_NOT_BUILD)
        raise
    _finish(
        pack,
        PackStatus.READY,
        pdf=pack.pdf.name,
        xlsx=pack.xlsx.name,
        pdf_sha256=sha256(pdf),
        xlsx_sha256=sha256(xlsx),
        snapshot=contents.snapshot,
        previous=contents.previous,
    )


def _finish(pack: ReportingPack, status: str, **fields) -> None:
    ReportingPack.objects.filter(pk=pack.pk, status=PackStatus.PENDING).update(
        status=status, finished_at=timezone.now(), **fields
    )


def stored_file(pack: ReportingPack, fmt: str) -> bytes:
    """The file as produced, checked against the hash recorded then (ValidationError if not)."""
    field, expected = (pack.pdf, pack.pdf_sha256) if fmt == "pdf" else (pack.xlsx, pack.xlsx_sha256)
    with field.open("rb") as handle:
        data = handle.read()
    if sha256(data) != expected:
        log.error("Reporting pack %s: the stored %s does not match its SHA-256", pack.pk, fmt)
        raise ValidationError(FILE_CHANGED.format(day=f"{pack.as_of:%-d %B %Y}"))
    return data
