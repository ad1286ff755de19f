"""Server-rendered SVG charts: geometry computed here, drawn by templates/dashboard/_chart_*.html
with presentation attributes only (no inline style or script, so the site's Content-Security-Policy
holds; docs/adr/0022). Each chart has a title and a description, and its page shows the same numbers
in a table beside it, so nothing is said by the picture alone."""

from dataclasses import dataclass

# GOV.UK colours; the legend and the table carry the meaning, never the colour alone.
COLOURS = {"high": "#d4351c", "medium": "#f47738", "low": "#00703c", "none": "#b1b4b6"}
DEFAULT_COLOUR = "#1d70b8"

WIDTH, HEIGHT = 640, 300
LEFT, RIGHT, TOP, BOTTOM = 40, 150, 20, 40  # room for the axis, the legend and the labels


@dataclass(frozen=True)
class Segment:
    x: float
    y: float
    width: float
    height: float
    colour: str
    label: str  # "High support: 3" (a tooltip, and text for the segment)


@dataclass(frozen=True)
class Column:
    label: str
    label_lines: tuple[str, ...]  # the label on two lines ("Spring", "2025/26"): six fit side by side
    label_x: float
    total: int
    total_y: float
    segments: tuple[Segment, ...]


@dataclass(frozen=True)
class LegendItem:
    label: str
    colour: str
    y: float


@dataclass(frozen=True)
class StackedColumns:
    title: str
    description: str
    width: int
    height: int
    columns: tuple[Column, ...]
    legend: tuple[LegendItem, ...]
    axis_y: float
    axis_x1: float
    axis_x2: float
    legend_x: float


def _nice_max(value: int) -> int:
    """The top of the scale: the value rounded up to 1, 2 or 5 times a power of ten (at least 1)."""
    if value <= 0:
        return 1
    step = 1
    while True:
        for factor in (1, 2, 5):
            if step * factor >= value:
                return step * factor
        step *= 10


def stacked_columns(*, title: str, description: str, labels: list[str], series: list[tuple[str, str, list[int]]]):
    """One column per label, stacked from `series` [(key, name, [value per label])], the first series at
    the bottom."""
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM
    totals = [sum(values[i] for _, _, values in series) for i in range(len(labels))]
    top = _nice_max(max(totals, default=0))
    slot = plot_w / max(len(labels), 1)
    bar_w = slot * 0.6
    columns = []
    for i, label in enumerate(labels):
        x = LEFT + i * slot + (slot - bar_w) / 2
        base = TOP + plot_h
        segments = []
        for key, name, values in series:
            h = plot_h * values[i] / top
            base -= h
            if values[i]:
                segments.append(
                    Segment(
                        round(x, 1),
                        round(base, 1),
                        round(bar_w, 1),
                        round(h, 1),
                        COLOURS.get(key, DEFAULT_COLOUR),
                        f"{name}: {values[i]}",
                    )
                )
        columns.append(
            Column(
                label,
                tuple(label.rsplit(" ", 1)),
                round(x + bar_w / 2, 1),
                totals[i],
                round(base - 4, 1),
                tuple(segments),
            )
        )
    legend = tuple(
        LegendItem(name, COLOURS.get(key, DEFAULT_COLOUR), TOP + 20 * n)
        for n, (key, name, _) in enumerate(reversed(series))
    )
    return StackedColumns(
        title, description, WIDTH, HEIGHT, tuple(columns), legend, TOP + plot_h, LEFT, LEFT + plot_w, WIDTH - RIGHT + 16
    )


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    y: float
    width: float
    value_x: float


@dataclass(frozen=True)
class HorizontalBars:
    title: str
    description: str
    width: int
    height: int
    label_width: int
    bar_height: int
    bars: tuple[Bar, ...]


def horizontal_bars(*, title: str, description: str, items: list[tuple[str, int]], label_width: int = 280):
    """One bar per item, its value written at its end."""
    bar_h, gap = 22, 10
    plot_w = WIDTH - label_width - 50
    top = _nice_max(max((v for _, v in items), default=0))
    bars = tuple(
        Bar(
            label,
            value,
            n * (bar_h + gap) + 5,
            round(plot_w * value / top, 1),
            round(label_width + plot_w * value / top + 6, 1),
        )
        for n, (label, value) in enumerate(items)
    )
    return HorizontalBars(title, description, WIDTH, len(items) * (bar_h + gap) + 10, label_width, bar_h, bars)
