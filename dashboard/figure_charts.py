"""The officer dashboard's two charts, described from its figures (dashboard.figures) for
dashboard.charts: the support levels over the last six terms and the letters of this academic year
by type. The dashboard page, the chart's own SVG URL and the reporting pack's PDF use the same
descriptions, so the picture, its description and the table beside it say the same numbers."""

from . import charts, figures, history


def levels_chart(levels: figures.LevelsSection) -> charts.Chart:
    labels = [t.period.label for t in levels.terms]
    series = [
        (level, history.LEVEL_LABELS[level], [t.count(level) for t in levels.terms])
        for level in reversed(history.LEVEL_KEYS)
    ]
    description = "; ".join(
        f"{t.period.label}: "
        + ", ".join(f"{history.LEVEL_LABELS[lvl].lower()} {t.count(lvl)}" for lvl in history.LEVEL_KEYS)
        for t in levels.terms
    )
    return charts.stacked_columns(
        title="Maintained schools by support level, last six terms",
        description=description,
        labels=labels,
        series=series,
    )


def letters_chart(section: figures.LettersSection) -> charts.Chart:
    items = [(f.label, f.count) for f in section.by_type]
    return charts.horizontal_bars(
        title=f"Letters issued in {section.academic_year_label} by type",
        description="; ".join(f"{label}: {n}" for label, n in items) or "No letters issued.",
        items=items,
    )
