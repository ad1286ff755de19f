"""The dashboard's charts, drawn by pygal (docs/adr/0035, superseding the chart part of 0022).

A chart is described by a `Chart` (its title, a description that states every number, the labels and
the series); `render_svg` draws it as a standalone SVG document: a `<title>` and a `<desc>`, no
script element (pygal always embeds its configuration as a script: it is removed), pygal's style
element kept. The page shows it as an `<img>` from its own URL (dashboard.views_charts), so the
page's Content-Security-Policy is untouched, with an alt text that points at the table beside it,
which carries the same numbers; the reporting pack's PDF embeds the same SVG as a data URI.

Colours are GOV.UK colours with at least 3:1 contrast against the white plot, drawn opaque, with a
white line between stacked segments and each value written on its segment in a colour of at least
4.5:1 contrast; the legend, the values and the table carry the meaning, never the colour alone."""

import base64
import hashlib
from dataclasses import dataclass, field

import pygal
from lxml import etree
from pygal.style import Style

SVG_NS = "http://www.w3.org/2000/svg"

# Support level -> (fill, value text). Fills at least 3:1 against white, text at least 4.5:1 on its fill.
COLOURS = {
    "high": ("#d4351c", "#ffffff"),  # red 4.9:1; white on it 4.9:1
    "medium": ("#b58840", "#0b0c0c"),  # brown 3.2:1; black on it 6.1:1
    "low": ("#00703c", "#ffffff"),  # green 6.2:1
    "none": ("#505a5f", "#ffffff"),  # dark grey 7.1:1
}
DEFAULT_COLOUR = ("#1d70b8", "#ffffff")  # blue 5.2:1
TEXT = "#0b0c0c"
FONT = "arial, sans-serif"  # GOV.UK's fallback: an SVG shown as an image cannot load the site's font

WIDTH = 640
# A white line between stacked segments, so adjacent colours never have to be told apart by hue.
EXTRA_CSS = "inline:.bar rect{stroke:#ffffff;stroke-width:1.5}"


@dataclass(frozen=True)
class Series:
    key: str  # picks the colour ("high", "medium", ...; anything else: blue)
    name: str  # the legend's text
    values: tuple[int, ...]


@dataclass(frozen=True)
class Chart:
    kind: str  # "stacked_columns" or "horizontal_bars"
    title: str
    description: str  # every number in words: the SVG's <desc>
    labels: tuple[str, ...]
    series: tuple[Series, ...] = field(default=())

    @property
    def alt(self) -> str:
        """The `<img>` alt text: what the chart is, and where its numbers are."""
        return f"{self.title}. The same numbers are in the table beside this chart."


def stacked_columns(*, title: str, description: str, labels: list[str], series: list[tuple[str, str, list[int]]]):
    """One column per label, stacked from `series` [(key, name, [value per label])], the first series at
    the bottom."""
    return Chart(
        "stacked_columns",
        title,
        description,
        tuple(labels),
        tuple(Series(key, name, tuple(values)) for key, name, values in series),
    )


def horizontal_bars(*, title: str, description: str, items: list[tuple[str, int]]):
    """One bar per item, its value written on it."""
    return Chart(
        "horizontal_bars",
        title,
        description,
        tuple(label for label, _ in items),
        (Series("count", "Number", tuple(value for _, value in items)),),
    )


def _style(series: tuple[Series, ...]) -> Style:
    colours = [COLOURS.get(s.key, DEFAULT_COLOUR) for s in series]
    return Style(
        background="#ffffff",
        plot_background="#ffffff",
        foreground=TEXT,
        foreground_strong=TEXT,
        foreground_subtle="#505a5f",
        opacity="1",
        opacity_hover="1",
        colors=tuple(fill for fill, _ in colours),
        value_colors=tuple(text for _, text in colours),
        font_family=FONT,
        title_font_size=16,
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=14,
        value_font_size=13,
        transition="0s",
    )


def count_ticks(top: int) -> list[int]:
    """The value axis for counts: whole numbers from 0, a step of 1, 2 or 5 times a power of ten, at
    most six steps, the last at or above `top` (pygal's own scale would print 0.2, 0.4, ...)."""
    step = 1
    while True:
        for factor in (1, 2, 5):
            if top <= 6 * step * factor:
                size = step * factor
                return list(range(0, -(-max(top, 1) // size) * size + 1, size))
        step *= 10


def _pygal_chart(chart: Chart):
    common = {
        "js": [],  # no JavaScript; the configuration script pygal still writes is removed in render_svg
        "css": ("file://style.css", "file://graph.css", EXTRA_CSS),
        "style": _style(chart.series),
        "title": chart.title,
        "width": WIDTH,
        "print_values": True,
        "print_zeroes": False,
        "show_y_guides": True,
        "truncate_label": -1,  # never cut a label short
        "truncate_legend": -1,
        "disable_xml_declaration": True,
    }
    totals = [sum(values) for values in zip(*(s.values for s in chart.series), strict=True)]
    ticks = count_ticks(max(totals if chart.kind == "stacked_columns" else chart.series[0].values, default=0))
    common |= {"y_labels": ticks, "range": (0, ticks[-1])}
    if chart.kind == "stacked_columns":
        # The labels slanted, so six terms ("Summer 2025/26") fit side by side.
        drawn = pygal.StackedBar(
            height=360, legend_at_bottom=True, legend_at_bottom_columns=4, x_label_rotation=25, **common
        )
        drawn.x_labels = list(chart.labels)
    else:
        drawn = pygal.HorizontalBar(height=max(120, 40 * len(chart.labels) + 90), show_legend=False, **common)
        drawn.x_labels = list(reversed(chart.labels))  # pygal draws the first at the bottom
    for series in chart.series:
        drawn.add(
            series.name, list(series.values) if chart.kind == "stacked_columns" else list(reversed(series.values))
        )
    return drawn


def render_svg(chart: Chart) -> bytes:
    """The chart as a standalone SVG document: `<title>` and `<desc>` first; no script, no tooltip
    (pygal's script would show it), no style attribute, no comments."""
    root = etree.fromstring(_pygal_chart(chart).render())
    for node in list(root.iter(f"{{{SVG_NS}}}script", f"{{{SVG_NS}}}desc", etree.Comment)):
        node.getparent().remove(node)  # pygal's tooltip data (<desc>) and its date-stamped comments too
    for node in list(root.iter()):
        if "tooltip-overlay" in (node.get("class") or "").split():
            node.getparent().remove(node)  # the tooltip box pygal's script would fill in
    for node in root.iter():
        node.attrib.pop("style", None)  # an inline style attribute: the SVG's policy allows none
    for old in root.findall(f"{{{SVG_NS}}}title"):
        root.remove(old)
    title = etree.Element(f"{{{SVG_NS}}}title", id="chart-title")
    title.text = chart.title
    desc = etree.Element(f"{{{SVG_NS}}}desc", id="chart-desc")
    desc.text = chart.description
    root.insert(0, desc)
    root.insert(0, title)
    root.set("role", "img")
    root.set("aria-labelledby", "chart-title chart-desc")
    root.set("width", str(WIDTH))
    root.set("height", root.get("viewBox", "0 0 0 0").split()[3])
    return etree.tostring(root, xml_declaration=True, encoding="utf-8")


def style_hashes(svg: bytes) -> list[str]:
    """The CSP sources that allow exactly the SVG's own style elements ('sha256-...'), so the SVG's
    response allows no other inline style (docs/adr/0035)."""
    root = etree.fromstring(svg)
    return [
        "'sha256-" + base64.b64encode(hashlib.sha256((style.text or "").encode()).digest()).decode("ascii") + "'"
        for style in root.iter(f"{{{SVG_NS}}}style")
    ]


def data_uri(chart: Chart) -> str:
    """The SVG as a data URI, for the reporting pack's PDF (WeasyPrint draws SVG images)."""
    return "data:image/svg+xml;base64," + base64.b64encode(render_svg(chart)).decode("ascii")
