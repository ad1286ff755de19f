"""Demo data for the outcomes table (docs/adr/0029): England's figures for the demo year (the
academic year today falls in) and the year before, as an admin would enter them from Ofsted's
official statistics. The figures are illustrative, marked as such in their source. Idempotent."""

from decimal import Decimal

from schools.terms import academic_year_of

from .models import NationalOutcome, OutcomePhase

DEMO_SOURCE = "Demo figures (illustrative, not Ofsted's)"
# (phase, share of schools, share of pupils): this year, then the year before
FIGURES = {
    0: [(OutcomePhase.PRIMARY, "90.4", "90.1"), (OutcomePhase.SECONDARY, "82.6", "80.9"),
        (OutcomePhase.ALL, "89.2", "87.0")],
    -1: [(OutcomePhase.PRIMARY, "89.9", "89.6"), (OutcomePhase.SECONDARY, "81.8", "80.2"),
         (OutcomePhase.ALL, "88.6", "86.3")],
}  # fmt: skip


def seed(ctx) -> None:
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
    ctx.write(f"Outcomes: England's figures for {year - 1} and {year} ({made} new)")
