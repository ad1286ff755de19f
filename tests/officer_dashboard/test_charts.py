"""The dashboard's charts drawn by pygal (dashboard.charts, docs/adr/0035): a standalone SVG with a
title and a description, no script, the numbers written on the bars, colours that meet contrast, and
a Content-Security-Policy hash for exactly its own style."""

import base64
import hashlib
import re

from lxml import etree

from dashboard.charts import (
    COLOURS,
    DEFAULT_COLOUR,
    count_ticks,
    data_uri,
    horizontal_bars,
    render_svg,
    stacked_columns,
    style_hashes,
)

SVG = "{http://www.w3.org/2000/svg}"


def _levels():
    return stacked_columns(
        title="Maintained schools by support level, last six terms",
        description="Spring 2025/26: low support 3, high support 2; Summer 2025/26: low support 0, high support 5",
        labels=["Spring 2025/26", "Summer 2025/26"],
        series=[("low", "Low support", [3, 0]), ("high", "High support", [2, 5])],
    )


def _texts(svg: bytes) -> list[str]:
    return [t.strip() for t in etree.fromstring(svg).itertext() if t.strip()]


def test_a_chart_is_an_svg_document_with_its_title_and_description_first_and_no_script():
    svg = render_svg(_levels())
    root = etree.fromstring(svg)
    assert root.tag == f"{SVG}svg"
    title, desc = root[0], root[1]
    assert (title.tag, title.text) == (f"{SVG}title", "Maintained schools by support level, last six terms")
    assert desc.tag == f"{SVG}desc"
    assert desc.text.startswith("Spring 2025/26: low support 3, high support 2")
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "chart-title chart-desc"
    assert b"<script" not in svg
    assert not root.findall(f".//{SVG}desc[@class]")  # pygal's tooltip data is gone
    assert not root.findall(".//*[@class='tooltip']")  # and the tooltip its script would fill in
    assert [node.tag for node in root.iter() if node.get("style") is not None] == []  # no style attribute
    assert b"<!--" not in svg  # nor its comments (dated: the chart would differ by the day)


def _values(svg: bytes) -> list[str]:
    return [t.text for t in etree.fromstring(svg).iter(f"{SVG}text") if t.get("class") == "value" and t.text]


def test_stacked_columns_write_each_value_on_its_segment_with_the_labels_and_a_legend():
    svg = render_svg(_levels())
    texts = _texts(svg)
    for expected in ("Spring 2025/26", "Summer 2025/26", "Low support", "High support"):
        assert expected in texts
    assert sorted(_values(svg)) == ["2", "3", "5"]  # a zero segment is not written


def test_horizontal_bars_keep_the_order_given_and_write_each_value():
    chart = horizontal_bars(
        title="Letters", description="A: 2; B: 1", items=[("Warning notice", 2), ("Congratulations", 1)]
    )
    svg = render_svg(chart)
    texts = _texts(svg)
    assert "Warning notice" in texts
    assert "Congratulations" in texts
    assert sorted(_values(svg)) == ["1", "2"]
    # pygal draws its first label at the bottom: the items are given reversed, so the first is on top.
    ys = {t.text: float(t.get("y")) for t in etree.fromstring(svg).iter(f"{SVG}text") if t.get("class") != "value"}
    assert ys["Warning notice"] < ys["Congratulations"]


def _luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


def test_colours_meet_contrast_and_are_drawn_opaque():
    for fill, text in [*COLOURS.values(), DEFAULT_COLOUR]:
        assert _contrast(fill, "#ffffff") >= 3  # a bar against the white plot (WCAG 1.4.11)
        assert _contrast(fill, text) >= 4.5  # the value written on it (WCAG 1.4.3)
    style = etree.fromstring(render_svg(_levels())).find(f".//{SVG}style").text
    assert "opacity:.7" not in style.replace(" ", "")


def test_the_style_hash_is_of_the_svgs_own_style_element():
    svg = render_svg(_levels())
    style = etree.fromstring(svg).find(f".//{SVG}style").text
    expected = "'sha256-" + base64.b64encode(hashlib.sha256(style.encode()).digest()).decode() + "'"
    assert style_hashes(svg) == [expected]


def test_the_data_uri_holds_the_same_svg_for_the_pdf():
    uri = data_uri(_levels())
    assert uri.startswith("data:image/svg+xml;base64,")
    svg = base64.b64decode(uri.split(",", 1)[1])
    assert re.search(rb"<title id=\"chart-title\">Maintained schools by support level", svg)


def test_the_value_axis_counts_in_whole_numbers():
    assert count_ticks(0) == [0, 1]
    assert count_ticks(1) == [0, 1]
    assert count_ticks(6) == [0, 1, 2, 3, 4, 5, 6]
    assert count_ticks(7) == [0, 2, 4, 6, 8]
    assert count_ticks(18) == [0, 5, 10, 15, 20]
    assert count_ticks(2001) == [0, 500, 1000, 1500, 2000, 2500]
