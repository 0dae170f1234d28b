"""A frequency-over-time picture for ``cadrespeech freq --plot``: one line per term, rate per million words.

matplotlib is imported only here, when a plot is asked for (the extra ``plot``). The
terms are Chinese, so a font with Han glyphs is asked of fontconfig (``fc-list``; a
Regular sans face first); without one the legend shows each term's code points rather
than boxes.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from .queries import FreqRow, QueryError


def plot_freq(rows: Sequence[FreqRow], path: Path, title: str = "") -> Path:
    """Draw the rates of ``rows`` (from ``freq``) against their groups; groups named ``unknown`` are left out."""
    try:
        import matplotlib
    except ImportError as error:
        raise QueryError("a plot needs matplotlib: pip install 'cadrespeech[plot]'") from error
    matplotlib.use("Agg")  # no screen needed
    from matplotlib import font_manager
    from matplotlib import pyplot as plt

    found = han_font_file()
    font = font_manager.FontProperties(fname=found) if found else None
    groups = sorted({row.group for row in rows if row.group != "unknown"})
    terms = list(dict.fromkeys(row.term for row in rows))
    rate = {(row.term, row.group): row.per_million for row in rows}
    figure, axes = plt.subplots(figsize=(8, 4.5))
    positions = range(len(groups))
    for term in terms:
        axes.plot(positions, [rate.get((term, group), 0.0) for group in groups], marker="o", label=_shown(term, font))
    axes.set_xticks(list(positions), [_shown(group, font) for group in groups], fontproperties=font)
    axes.set_ylabel("per million words")
    axes.set_xlabel(title or "group")
    if len(groups) > 12:
        axes.tick_params(axis="x", labelrotation=60)
    axes.legend(prop=font)
    figure.tight_layout()
    path.parent.mkdir(parents=True, exist_ok=True)
    figure.savefig(path, dpi=100, metadata={"Software": None})  # no version stamp: the same rows give the same bytes
    plt.close(figure)
    return path


def _shown(text: str, font: object) -> str:
    """A label as drawn: itself with a Han font; its non-ASCII characters as code points without one (no boxes)."""
    return text if font is not None else "".join(c if c.isascii() else f"U+{ord(c):04X} " for c in text).strip()


def han_font_file() -> str | None:
    """A font file with Han glyphs, as fontconfig knows them: a Regular sans face if there is one."""
    import shutil
    import subprocess

    if shutil.which("fc-list") is None:
        return None
    listed = subprocess.run(["fc-list", ":lang=zh", "file"], capture_output=True, text=True, check=False).stdout.split()
    files = sorted(path.rstrip(":") for path in listed)
    preferred = sorted(files, key=lambda path: ("Sans" not in path, "Regular" not in path, path))
    return preferred[0] if preferred else None
