"""The SVG charts' geometry (dashboard.charts): the scale, the stacking and the labels."""

from dashboard.charts import _nice_max, horizontal_bars, stacked_columns


def test_the_scale_tops_out_at_one_two_or_five_times_a_power_of_ten():
    assert [_nice_max(n) for n in (0, 1, 3, 7, 32, 150, 2001)] == [1, 1, 5, 10, 50, 200, 5000]


def test_stacked_columns_stack_each_series_and_write_the_total_above():
    chart = stacked_columns(
        title="t", description="d", labels=["Spring 2025/26", "Summer 2025/26"],
        series=[("low", "Low support", [3, 0]), ("high", "High support", [2, 5])],
    )  # fmt: skip
    first, second = chart.columns
    assert (first.total, second.total) == (5, 5)
    assert first.label_lines == ("Spring", "2025/26")
    assert [s.label for s in first.segments] == ["Low support: 3", "High support: 2"]
    assert [s.label for s in second.segments] == ["High support: 5"]  # no zero-height segment
    low, high = first.segments
    assert high.y + high.height == low.y  # stacked on top
    assert low.height / high.height == 3 / 2
    assert [item.label for item in chart.legend] == ["High support", "Low support"]  # top of the stack first


def test_horizontal_bars_are_as_long_as_their_values():
    chart = horizontal_bars(title="t", description="d", items=[("A", 2), ("B", 1), ("C", 0)])
    a, b, c = chart.bars
    assert a.width == 2 * b.width
    assert c.width == 0
