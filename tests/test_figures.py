"""The report's SVG charts: whole-number axes that cover every bar, histograms that count every value, escaped labels."""

from __future__ import annotations

import itertools
from xml.etree import ElementTree

from hypothesis import given
from hypothesis import strategies as st

from cadrespeech.build.figures import MAX_TICKS, Bar, bar_chart, count_ticks, histogram_bars

SVG = "{http://www.w3.org/2000/svg}"


@given(st.integers(min_value=0, max_value=10**12))
def test_ticks_are_whole_evenly_spaced_and_cover_the_largest_count(largest: int) -> None:
    ticks = count_ticks(largest)
    assert ticks[0] == 0 and ticks[-1] >= largest and 2 <= len(ticks) <= MAX_TICKS
    steps = {b - a for a, b in itertools.pairwise(ticks)}
    assert len(steps) == 1 and str(steps.pop()).lstrip("0")[0] in "125"


@given(st.lists(st.integers(min_value=0, max_value=100_000), max_size=300), st.integers(min_value=1, max_value=30))
def test_a_histogram_counts_every_value_once_in_ascending_ranges(values: list[int], bins: int) -> None:
    bars = histogram_bars(values, bins)
    assert sum(bar.count for bar in bars) == len(values)
    starts = [int(bar.label) for bar in bars]
    assert starts == sorted(starts) and (not values or starts[0] == min(values))


def test_bars_are_drawn_to_scale_and_labels_cannot_inject_markup() -> None:
    chart = bar_chart("Removals per rule", [Bar("copyright_footer", 30), Bar('<script>"x"</script>', 10), Bar("水印", 5)], horizontal=True)
    root = ElementTree.fromstring(chart)  # well-formed XML, whatever the labels
    bars = [r for r in root.iter(f"{SVG}rect") if r.get("fill") == "#4c72b0"]
    widths = [float(r.get("width")) for r in bars]
    assert abs(widths[0] / widths[1] - 3) < 0.01 and abs(widths[1] / widths[2] - 2) < 0.01
    text = [t.text for t in root.iter(f"{SVG}text")]
    assert '<script>"x"</script>' in text and "U+6C34U+5370" in text  # escaped markup; non-ASCII shown as code points
    assert "<script>" not in chart and chart.isascii()


def test_a_chart_without_bars_says_so() -> None:
    root = ElementTree.fromstring(bar_chart("Reprint clusters", []))
    assert "none in this release" in "".join(root.itertext())


@given(st.floats(min_value=0, max_value=1e9, allow_nan=False))
def test_value_ticks_cover_the_largest_value_in_round_steps(largest: float) -> None:
    from cadrespeech.build.figures import _value_ticks

    ticks = _value_ticks(largest)
    assert ticks[0] == 0 and ticks[-1] >= largest and 2 <= len(ticks) <= MAX_TICKS + 1


def test_a_line_chart_draws_a_point_per_category_and_a_legend_entry_per_series() -> None:
    from cadrespeech.build.figures import line_chart

    root = ElementTree.fromstring(line_chart("Formulations", ["2021", "2022", "2023"], [("a", [1, 2, 3]), ("b", [0, 0.5, 0])]))
    assert len(list(root.iter(f"{SVG}circle"))) == 6 and len(list(root.iter(f"{SVG}polyline"))) == 2
    texts = [t.text for t in root.iter(f"{SVG}text")]
    assert {"a", "b", "2021", "2023"} <= set(texts)
