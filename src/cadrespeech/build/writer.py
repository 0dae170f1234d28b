"""Stream page results into the release's Parquet files and ``raw_inputs.jsonl``, gathering its figures.

Rows are written in row groups of a fixed number of rows per config, in the order
the results come (the pages' sorted paths), so memory holds a few groups, not the
corpus, and the bytes do not depend on how the pages were processed.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ..schema import CONFIGS, RAW_INPUTS, arrow_schema, data_file
from ..stages.reprints import ParagraphTally, ReprintIndex, cluster_figures
from .results import PageReport, PageResult

# Fixed writer settings: part of what makes two builds byte-identical.
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
}
# Rows per Parquet row group, per config: fixed, so the bytes do not depend on batching;
# small enough that a build holds only a few groups in memory.
ROW_GROUP_ROWS: dict[str, int] = {
    "documents": 2_000,
    "sections": 20_000,
    "sentences": 20_000,
    "paragraphs": 20_000,
    "notes": 50_000,
    "removals": 50_000,
    "duplicates": 50_000,
}


@dataclass(frozen=True, slots=True)
class WrittenData:
    """What the data files hold: rows and in-memory bytes per config, the figures, the pages that failed or were skipped."""

    rows: dict[str, int]
    arrow_bytes: dict[str, int]
    figures: dict[str, Any]
    problems: tuple[PageReport, ...]
    uncached: tuple[str, ...]  # why page results could not be cached
    timings: dict[str, float]  # seconds per pipeline step over all pages, when profiling


def write_data(folder: Path, results: Iterable[PageResult]) -> WrittenData:
    """Write every config's Parquet file and ``raw_inputs.jsonl`` into ``folder``; reprint clusters at the end."""
    writers = {}
    for name in CONFIGS:
        (folder / data_file(name)).parent.mkdir(parents=True)
        writers[name] = _TableWriter(folder / data_file(name), name)
    tally = _PageStream()
    with (folder / RAW_INPUTS).open("w", encoding="utf-8", newline="\n") as inputs:
        for result in results:
            report = tally.add(result)
            # Every page's report is written as it comes, not kept: a 100k-page build's
            # reports would otherwise be a large share of its memory.
            inputs.write(json.dumps(asdict(report), ensure_ascii=False, sort_keys=True) + "\n")
            if report.status == "ok":
                for name, table in result.tables.items():
                    writers[name].add(table)
    duplicates = tally.reprints.columns()
    writers["duplicates"].add(pa.Table.from_pydict(duplicates, schema=arrow_schema("duplicates")))
    for writer in writers.values():
        writer.close()
    figures = {
        **tally.statistics.figures(),
        "reprints": cluster_figures(duplicates),
        "template_paragraphs": tally.paragraphs.figures(),
    }
    return WrittenData(
        rows={name: writer.rows for name, writer in writers.items()},
        arrow_bytes={name: writer.arrow_bytes for name, writer in writers.items()},
        figures=figures,
        problems=tuple(tally.problems),
        uncached=tuple(tally.uncached),
        timings=dict(tally.timings),
    )


class _PageStream:
    """What the writer keeps of the pages as they pass: figures, problems, reuse tallies, byte-identical copies."""

    def __init__(self) -> None:
        self.statistics = _Statistics()
        self.reprints = ReprintIndex()
        self.paragraphs = ParagraphTally()
        self.problems: list[PageReport] = []  # pages that failed or were skipped
        self.uncached: list[str] = []
        self.timings: Counter[str] = Counter()
        self.seen: set[bytes] = set()  # sha256 digests of the pages so far (the paths are in raw_inputs.jsonl)

    def add(self, result: PageResult) -> PageReport:
        """Count one page; its report, marked a duplicate if its bytes came before."""
        report = result.report
        if result.cache_problem:
            self.uncached.append(result.cache_problem)
        for step, seconds in result.timings:
            self.timings[step] += seconds
        digest = bytes.fromhex(report.sha256) if report.sha256 else None
        if digest and report.status != "error" and digest in self.seen:
            reason = f"same bytes as an earlier page (sha256 {report.sha256[:16]}…)"
            report = PageReport(report.source, report.sha256, "duplicate", reason=reason)
        elif digest:
            self.seen.add(digest)
        self.statistics.count_page(report)
        if report.status != "ok":
            self.problems.append(report)
            return report
        self.statistics.add(result)
        for speech in result.signatures:
            self.reprints.add(speech)
        table = result.tables["paragraphs"]
        self.paragraphs.add(table["doc_id"].to_pylist(), table["paragraph_hash"].to_pylist())
        return report


class _TableWriter:
    """Page tables to one Parquet file in row groups of exactly ``group_rows`` (the last may be short).

    Pages are buffered and cut into groups by row count alone, so the groups, and the
    bytes, do not depend on how pages were batched or where they were processed.
    """

    def __init__(self, path: Path, config: str) -> None:
        self.schema = arrow_schema(config)
        self.group_rows = ROW_GROUP_ROWS[config]
        self.writer = pq.ParquetWriter(path, self.schema, **PARQUET_OPTIONS)
        self.buffer: list[pa.Table] = []
        self.buffered = 0
        self.rows = 0
        self.arrow_bytes = 0

    def add(self, table: pa.Table) -> None:
        if not table.num_rows:
            return
        self.buffer.append(table)
        self.buffered += table.num_rows
        if self.buffered < self.group_rows:
            return
        combined = pa.concat_tables(self.buffer).combine_chunks()
        start = 0
        while combined.num_rows - start >= self.group_rows:
            self._write(combined.slice(start, self.group_rows))
            start += self.group_rows
        rest = combined.slice(start)
        self.buffer, self.buffered = ([rest] if rest.num_rows else []), rest.num_rows

    def _write(self, table: pa.Table) -> None:
        self.writer.write_table(table, row_group_size=self.group_rows)
        self.rows += table.num_rows
        self.arrow_bytes += table.nbytes

    def close(self) -> None:
        if self.buffer:
            self._write(pa.concat_tables(self.buffer).combine_chunks())
        elif not self.rows:
            self._write(self.schema.empty_table())
        self.buffer = []
        self.writer.close()


class _Statistics:
    """Release figures gathered page by page."""

    def __init__(self) -> None:
        self.counts: Counter[str] = Counter()
        self.removed: Counter[str] = Counter()
        self.removed_chars: Counter[str] = Counter()

    def add(self, result: PageResult) -> None:
        for name, table in result.tables.items():
            self.counts[name] += table.num_rows
        self.counts["tokens"] += result.tally.tokens
        self.counts["characters"] += result.tally.characters
        for rule, edits, chars in result.tally.removed:
            self.removed[rule] += edits
            self.removed_chars[rule] += chars

    def count_page(self, report: PageReport) -> None:
        self.counts["pages"] += 1
        self.counts[{"ok": "pages_ok", "error": "pages_failed", "duplicate": "pages_duplicate"}[report.status]] += 1

    def figures(self) -> dict[str, Any]:
        return {
            **{name: self.counts[name] for name in ("pages", "pages_ok", "pages_failed", "pages_duplicate")},
            **{name: self.counts[name] for name in ("documents", "sections", "sentences", "paragraphs", "notes", "tokens", "characters")},
            "removals": self.counts["removals"],
            "removals_per_rule": {
                rule: {"edits": self.removed[rule], "raw_chars": self.removed_chars[rule]} for rule in sorted(self.removed)
            },
        }
