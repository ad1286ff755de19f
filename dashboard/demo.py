"""Demo data for the dashboard (run by `manage.py seed_demo` after every other app's). Idempotent.

- The outcomes table (docs/adr/0029): England's figures for the demo year (the academic year today
  falls in) and the year before, as an admin would enter them from Ofsted's official statistics.
  The figures are illustrative, marked as such in their source.
- Reporting packs (docs/adr/0030): a cabinet and scrutiny pack already produced by the demo officer
  (after the figures, so it holds them), so the packs page has one to download and the next cabinet
  pack reports the movement since it."""

from decimal import Decimal

from core.demo import DemoContext
from schools.terms import academic_year_of

from .models import NationalOutcome, OutcomePhase, PackAudience, ReportingPack
from .packs import pack_request

DEMO_SOURCE = "Demo figures (illustrative, not Ofsted's)"
# (phase, share of schools, share of pupils): this year, then the year before
FIGURES = {
    0: [(OutcomePhase.PRIMARY, "90.4", "90.1"), (OutcomePhase.SECONDARY, "82.6", "80.9"),
        (OutcomePhase.ALL, "89.2", "87.0")],
    -1: [(OutcomePhase.PRIMARY, "89.9", "89.6"), (OutcomePhase.SECONDARY, "81.8", "80.2"),
         (OutcomePhase.ALL, "88.6", "86.3")],
}  # fmt: skip


def seed(ctx: DemoContext) -> None:
    seed_national_outcomes(ctx)
    seed_reporting_pack(ctx)


def seed_national_outcomes(ctx: DemoContext) -> None:
    year = academic_year_of(ctx.today)
    admin = ctx.users.get("admin")
    made = 0
    for offset, rows in FIGURES.items():
        for phase, schools, pupils in rows:
            _, created = NationalOutcome.objects.get_or_create(
                year=year + offset,
                phase=phase,
                defaults={
                    "share_of_schools": Decimal(schools),
                    "share_of_pupils": Decimal(pupils),
                    "source": DEMO_SOURCE,
                    "entered_by": admin,
                },
            )
            made += created
    ctx.write(f"Outcomes: England's figures for {year - 1} and {year} ({made} new)")  # type: ignore[operator]


def seed_reporting_pack(ctx: DemoContext) -> None:
    officer = ctx.users.get("officer")
    if officer is None or ReportingPack.objects.filter(audience=PackAudience.CABINET).exists():
        return
    pack = pack_request(audience=PackAudience.CABINET, la_code="", actor=officer)
    ctx.write(f"Reporting pack: {pack} ({pack.get_status_display().lower()})")  # type: ignore[operator]
