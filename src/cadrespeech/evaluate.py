"""Score the pipeline against annotated pages (the devset's annotation format).

Snippets are compared after NFKC folding with all whitespace removed, since cleaning
may change punctuation width and spacing. For a page holding several speeches the
page title is compared with ``title``, the speech count with ``titles``, and the first
speech's headings with ``headings_level1``.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import CadrespeechError, PageError
from .records import ProcessedPage
from .stages.ingest import read_page
from .stages.pipeline import process_page
from .stages.tokens import Segmenter

METRICS = (
    "keep_recall",
    "drop_recall",
    "title_accuracy",
    "heading_f1",
    "genre_accuracy",
    "date_accuracy",
    "speaker_accuracy",
    "multi_speech_split",
)


def normalise(text: str | None) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text or ""))


@dataclass(slots=True)
class Tally:
    right: int = 0
    total: int = 0

    def add(self, ok: bool, count: int = 1) -> None:
        self.right += count if ok else 0
        self.total += count

    @property
    def ratio(self) -> float:
        return self.right / self.total if self.total else 1.0


@dataclass(slots=True)
class Report:
    pages: int = 0
    tallies: dict[str, Tally] = field(default_factory=lambda: {name: Tally() for name in METRICS if name != "heading_f1"})
    heading_hits: int = 0
    heading_predicted: int = 0
    heading_expected: int = 0
    misses: list[str] = field(default_factory=list)

    def figures(self) -> dict[str, float]:
        figures = {name: round(tally.ratio, 4) for name, tally in self.tallies.items()}
        precision = self.heading_hits / self.heading_predicted if self.heading_predicted else 1.0
        recall = self.heading_hits / self.heading_expected if self.heading_expected else 1.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        figures["heading_f1"] = round(f1, 4)
        return {name: figures[name] for name in METRICS}


def evaluate(pages_dir: Path, annotations: dict[str, dict[str, Any]], segmenter: Segmenter | None = None) -> Report:
    """Run every annotated page through the pipeline and score it."""
    segmenter = segmenter or Segmenter()
    report = Report()
    for name in sorted(annotations):
        want = annotations[name]
        report.pages += 1
        try:
            page = process_page(read_page(pages_dir / name, pages_dir), segmenter)
        except PageError as error:
            report.misses.append(f"{name}: page error: {error.stage}: {error.reason}")
            _score_failure(report, want)
            continue
        _score_page(report, name, page, want)
    return report


def _score_failure(report: Report, want: dict[str, Any]) -> None:
    t = report.tallies
    t["keep_recall"].add(False, len(want.get("must_keep", [])))
    t["drop_recall"].add(True, len(want.get("must_drop", [])))
    for metric in ("title_accuracy", "genre_accuracy", "date_accuracy", "speaker_accuracy"):
        t[metric].add(False)
    report.heading_expected += len(want.get("headings_level1", []))
    if want.get("kind") == "multi_speech":
        t["multi_speech_split"].add(False)


def _score_page(report: Report, name: str, page: ProcessedPage, want: dict[str, Any]) -> None:
    t, misses = report.tallies, report.misses
    first = page.speeches[0]
    shown = normalise("\n".join(filter(None, [page.page_title, *(f"{s.title}\n{s.subtitle}\n{s.text}" for s in page.speeches)])))
    for snippet in want.get("must_keep", []):
        kept = normalise(snippet) in shown
        t["keep_recall"].add(kept)
        if not kept:
            misses.append(f"{name}: lost {snippet!r}")
    for snippet in want.get("must_drop", []):
        dropped = normalise(snippet) not in shown
        t["drop_recall"].add(dropped)
        if not dropped:
            misses.append(f"{name}: kept boilerplate {snippet!r}")
    multi = want.get("kind") == "multi_speech"
    title = page.page_title if multi else first.title
    _compare(t["title_accuracy"], misses, name, "title", title, want.get("title"))
    _compare(t["genre_accuracy"], misses, name, "is_speech", first.is_speech, want.get("kind") != "not_speech")
    _compare(t["date_accuracy"], misses, name, "date", first.date, want.get("date"))
    _compare(t["speaker_accuracy"], misses, name, "speaker", first.speaker, want.get("speaker"))
    predicted = [s.marker for s in first.sections if s.level == 1]
    expected = list(want.get("headings_level1", []))
    hits = _multiset_overlap(predicted, expected)
    report.heading_hits += hits
    report.heading_predicted += len(predicted)
    report.heading_expected += len(expected)
    if predicted != expected:
        misses.append(f"{name}: level-1 headings {''.join(predicted) or '-'} (want {''.join(expected) or '-'})")
    if multi:
        expected_count = len(want.get("titles") or []) or 2
        _compare(t["multi_speech_split"], misses, name, "speeches", len(page.speeches), expected_count)


def _compare(tally: Tally, misses: list[str], name: str, what: str, got: object, want: object) -> None:
    ok = normalise(str(got)) == normalise(str(want)) if isinstance(want, str) and isinstance(got, str) else got == want
    tally.add(ok)
    if not ok:
        misses.append(f"{name}: {what} {got!r} (want {want!r})")


def _multiset_overlap(left: Iterable[str], right: Iterable[str]) -> int:
    remaining = list(right)
    hits = 0
    for item in left:
        if item in remaining:
            remaining.remove(item)
            hits += 1
    return hits


def select_pages(annotations: dict[str, dict[str, Any]], match: str | None = None, exclude: str | None = None) -> dict[str, dict[str, Any]]:
    """The annotated pages whose file names match ``match`` and not ``exclude``: a part of a set split by source family.

    >>> sorted(select_pages({"240_news_a.md": {}, "214_school_b.html": {}}, match=r"_news_"))
    ['240_news_a.md']
    """
    return {
        name: want
        for name, want in annotations.items()
        if (match is None or re.search(match, name)) and (exclude is None or not re.search(exclude, name))
    }


def load_annotations(path: Path) -> dict[str, dict[str, Any]]:
    """The annotations file: a JSON object mapping page file names to what each must keep and drop."""
    try:
        annotations = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError as error:
        raise CadrespeechError(f"{path}: no such annotations file") from error
    except (OSError, ValueError) as error:
        raise CadrespeechError(f"{path}: cannot read the annotations: {error}") from error
    if not isinstance(annotations, dict) or not all(isinstance(entry, dict) for entry in annotations.values()):
        raise CadrespeechError(f"{path}: not annotations (a JSON object of page name to annotation object)")
    return annotations
