"""The report's charts as SVG text: bars and a histogram, drawn by us rather than matplotlib.

A chart here is a few dozen rectangles and labels. Writing them as SVG keeps the
build free of matplotlib's import and drawing (about 1.5 s, most of a rebuild in
which few pages changed), gives the same bytes on every machine (no font
rasterising, no library version in the pixels), and stays sharp at any size.
Labels are ASCII by contract with the report, and are escaped all the same.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

WIDTH, HEIGHT = 700, 400
BAR_COLOUR = "#4c72b0"
AXIS_COLOUR = "#333333"
GRID_COLOUR = "#dddddd"
FONT = "font-family:sans-serif;fill:#222222"
MAX_TICKS = 6
# Room around the plot: the title on top, labels to the left and below.
TOP, RIGHT, BOTTOM = 40, 20, 50
LEFT_VERTICAL = 60
LEFT_HORIZONTAL_MIN, LEFT_HORIZONTAL_MAX, LABEL_CHAR_WIDTH = 60, 300, 6.2


@dataclass(frozen=True, slots=True)
class Bar:
    label: str
    count: int


def count_ticks(largest: int) -> list[int]:
    """Whole-number ticks from 0 past ``largest`` with a step of 1, 2 or 5 times a power of ten.

    >>> count_ticks(0), count_ticks(7), count_ticks(1234)
    ([0, 1], [0, 2, 4, 6, 8], [0, 500, 1000, 1500])
    """
    if largest <= 0:
        return [0, 1]
    step = 1
    for power in range(0, 19):
        candidates = [m * 10**power for m in (1, 2, 5)]
        fitting = [c for c in candidates if math.ceil(largest / c) <= MAX_TICKS - 1]
        if fitting:
            step = fitting[0]
            break
    top = math.ceil(largest / step) * step
    return list(range(0, top + 1, step))


def histogram_bars(values: Sequence[int] | np.ndarray, bins: int = 20) -> list[Bar]:
    """Values counted in ``bins`` equal ranges between their least and greatest, labelled by each range's start.

    >>> [(b.label, b.count) for b in histogram_bars([1, 2, 2, 9], bins=2)]
    [('1', 3), ('6', 1)]
    """
    numbers = np.asarray(values, dtype=np.int64)
    if not len(numbers):
        return []
    low, high = int(numbers.min()), int(numbers.max())
    width = max(1, math.ceil((high - low + 1) / bins))
    counts = np.bincount(np.minimum(bins - 1, (numbers - low) // width), minlength=bins)
    return [Bar(str(low + i * width), int(n)) for i, n in enumerate(counts.tolist())]


def bar_chart(title: str, bars: Sequence[Bar], *, horizontal: bool = False, value_label: str = "", category_label: str = "") -> str:
    """One SVG chart: a bar per category, counts on a whole-number axis, a note when there are no bars.

    Horizontal charts list categories top to bottom in the order given (long rule
    names read better that way); vertical ones left to right.
    """
    ticks = count_ticks(max((bar.count for bar in bars), default=0))
    if horizontal:
        longest = max((len(bar.label) for bar in bars), default=0)
        left = int(min(LEFT_HORIZONTAL_MAX, max(LEFT_HORIZONTAL_MIN, 12 + longest * LABEL_CHAR_WIDTH)))
    else:
        left = LEFT_VERTICAL
    plot_w, plot_h = WIDTH - left - RIGHT, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        _text(WIDTH / 2, 24, title, 15),
    ]
    parts += _count_axis(ticks, left, plot_w, plot_h, horizontal)
    if not bars:
        parts.append(_text(left + plot_w / 2, TOP + plot_h / 2, "none in this release", 13))
    slot = (plot_h if horizontal else plot_w) / max(1, len(bars))
    thickness = slot * 0.8
    # Thin out category labels that would overlap: every k-th is drawn.
    every = 1 if horizontal else max(1, math.ceil(len(bars) * 7 * max((len(b.label) for b in bars), default=1) / plot_w))
    for i, bar in enumerate(bars):
        length = bar.count / ticks[-1] * (plot_w if horizontal else plot_h)
        if horizontal:
            y = TOP + i * slot + (slot - thickness) / 2
            parts.append(_rect(left, y, length, thickness))
            parts.append(_text(left - 6, y + thickness / 2 + 4, bar.label, 10, anchor="end"))
        else:
            x = left + i * slot + (slot - thickness) / 2
            parts.append(_rect(x, TOP + plot_h - length, thickness, length))
            if i % every == 0:
                parts.append(_text(x + thickness / 2, TOP + plot_h + 16, bar.label, 11))
    if value_label:
        parts.append(_axis_title(value_label, left, plot_w, plot_h, along_x=horizontal))
    if category_label:
        parts.append(_axis_title(category_label, left, plot_w, plot_h, along_x=not horizontal))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


# Line colours, one per series, distinguishable in print and for most colour vision.
LEGEND_WIDTH = 190  # room right of a line chart for its legend
SERIES_COLOURS = ("#4c72b0", "#dd8452", "#55a868", "#c44e52", "#8172b3", "#937860")


def line_chart(
    title: str, categories: Sequence[str], series: Sequence[tuple[str, Sequence[float]]], *, value_label: str = "", category_label: str = ""
) -> str:
    """One SVG chart of several series over the same categories (years, say), with a legend; values may be fractional."""
    top = max((value for _, values in series for value in values), default=0.0)
    ticks = _value_ticks(top)
    left = LEFT_VERTICAL
    plot_w, plot_h = WIDTH - left - RIGHT - LEGEND_WIDTH, HEIGHT - TOP - BOTTOM
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{WIDTH}" height="{HEIGHT}" viewBox="0 0 {WIDTH} {HEIGHT}">',
        f'<rect width="{WIDTH}" height="{HEIGHT}" fill="#ffffff"/>',
        _text(WIDTH / 2, 24, title, 15),
    ]
    for tick in ticks:
        y = TOP + plot_h - tick / ticks[-1] * plot_h
        parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID_COLOUR}"/>')
        parts.append(_text(left - 6, y + 4, f"{tick:g}", 11, anchor="end"))
    parts.append(f'<line x1="{left}" y1="{TOP}" x2="{left}" y2="{TOP + plot_h}" stroke="{AXIS_COLOUR}"/>')
    parts.append(f'<line x1="{left}" y1="{TOP + plot_h}" x2="{left + plot_w}" y2="{TOP + plot_h}" stroke="{AXIS_COLOUR}"/>')
    if not categories or not series:
        parts.append(_text(left + plot_w / 2, TOP + plot_h / 2, "none in this release", 13))
    step = plot_w / max(1, len(categories))
    every = max(1, math.ceil(len(categories) * 7 * max((len(c) for c in categories), default=1) / plot_w))
    for i, category in enumerate(categories):
        if i % every == 0:
            parts.append(_text(left + (i + 0.5) * step, TOP + plot_h + 16, category, 11))
    for number, (name, values) in enumerate(series):
        colour = SERIES_COLOURS[number % len(SERIES_COLOURS)]
        points = [(left + (i + 0.5) * step, TOP + plot_h - value / ticks[-1] * plot_h) for i, value in enumerate(values)]
        if len(points) > 1:
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="2"/>')
        parts += [f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{colour}"/>' for x, y in points]
        legend_y = TOP + 10 + number * 18
        parts.append(f'<rect x="{left + plot_w + 16}" y="{legend_y - 8}" width="12" height="4" fill="{colour}"/>')
        parts.append(_text(left + plot_w + 34, legend_y - 2, name, 11, anchor="start"))
    if value_label:
        parts.append(_axis_title(value_label, left, plot_w, plot_h, along_x=False))
    if category_label:
        parts.append(_axis_title(category_label, left, plot_w, plot_h, along_x=True))
    parts.append("</svg>")
    return "\n".join(parts) + "\n"


def _value_ticks(largest: float) -> list[float]:
    """Ticks from 0 past ``largest`` in steps of 1, 2 or 5 times a power of ten (fractions too)."""
    if largest < 1e-6:  # nothing to scale (a rate of zero), or below what a figure shows
        return [0.0, 1.0]
    power = 10 ** math.floor(math.log10(largest / (MAX_TICKS - 1)))
    step = next(m * power for m in (1, 2, 5, 10) if math.ceil(largest / (m * power)) <= MAX_TICKS - 1)
    return [round(i * step, 10) for i in range(math.ceil(largest / step) + 1)]


def _count_axis(ticks: list[int], left: int, plot_w: int, plot_h: int, horizontal: bool) -> list[str]:
    """Grid lines and tick labels for the counts, and the two axis lines."""
    parts = []
    for tick in ticks:
        share = tick / ticks[-1]
        if horizontal:
            x = left + share * plot_w
            parts.append(f'<line x1="{x:.1f}" y1="{TOP}" x2="{x:.1f}" y2="{TOP + plot_h}" stroke="{GRID_COLOUR}"/>')
            parts.append(_text(x, TOP + plot_h + 16, str(tick), 11))
        else:
            y = TOP + plot_h - share * plot_h
            parts.append(f'<line x1="{left}" y1="{y:.1f}" x2="{left + plot_w}" y2="{y:.1f}" stroke="{GRID_COLOUR}"/>')
            parts.append(_text(left - 6, y + 4, str(tick), 11, anchor="end"))
    parts.append(f'<line x1="{left}" y1="{TOP}" x2="{left}" y2="{TOP + plot_h}" stroke="{AXIS_COLOUR}"/>')
    parts.append(f'<line x1="{left}" y1="{TOP + plot_h}" x2="{left + plot_w}" y2="{TOP + plot_h}" stroke="{AXIS_COLOUR}"/>')
    return parts


def _axis_title(text: str, left: int, plot_w: int, plot_h: int, *, along_x: bool) -> str:
    if along_x:
        return _text(left + plot_w / 2, HEIGHT - 10, text, 12)
    x, y = 14, TOP + plot_h / 2
    return _text(x, y, text, 12, rotate=True)


def _rect(x: float, y: float, width: float, height: float) -> str:
    return f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{height:.1f}" fill="{BAR_COLOUR}"/>'


def _text(x: float, y: float, content: str, size: int, *, anchor: str = "middle", rotate: bool = False) -> str:
    turn = f' transform="rotate(-90 {x:.1f} {y:.1f})"' if rotate else ""
    return f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}"{turn} style="{FONT};font-size:{size}px">{_e(content)}</text>'


def _e(text: str) -> str:
    """A label as SVG text: markup escaped, anything outside printable ASCII shown as a code point."""
    printable = "".join(c if " " <= c <= "~" else f"U+{ord(c):04X}" for c in text)
    return html.escape(printable)
