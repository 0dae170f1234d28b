"""Stream page results into the release's Parquet shards and ``raw_inputs.jsonl``, gathering its figures.

Pages come shard by shard (``shards``), in path order within each. Each shard's rows
are written in row groups of a fixed number of rows per config, in the order the
results come, so memory holds a few groups, not the corpus, and the bytes do not
depend on how the pages were processed. A shard copied from the cache brings its
pages' summaries instead of their rows.
"""

from __future__ import annotations

import json
import tempfile
from collections import Counter, deque
from collections.abc import Callable, Iterable, Mapping
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import asdict, dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any, BinaryIO

import pyarrow as pa
import pyarrow.parquet as pq

from ..provenance import PageOrigin
from ..schema import CONFIGS, RAW_INPUTS, arrow_schema, config_files, feature_dict, page_shard_files, schema_fingerprint
from ..stages.reprints import ParagraphTally, ReprintIndex, cluster_figures
from .results import PageReport, PageResult, PageSummary
from .shards import ShardPlan, WrittenShard, copied_shard, write_work_summary

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

# Buffered page tables are combined into one every this many: a group of documents is
# 2,000 one-page tables, and combining them all at once took a tenth of a second at the
# very end of a build, where nothing else runs. The rows, and so the bytes, are the same.
COMPACT_TABLES = 256
# Shards closed at once while the build goes on (see _write_data).
CLOSING_SHARDS = 2


def writer_facts() -> str:
    """Everything besides its pages and the pipeline that decides a shard file's bytes."""
    schemas = {name: schema_fingerprint(feature_dict(columns)) for name, columns in CONFIGS.items()}
    return json.dumps([PARQUET_OPTIONS, ROW_GROUP_ROWS, pa.__version__, schemas], sort_keys=True)


@dataclass(frozen=True, slots=True)
class WrittenData:
    """What the data files hold: files, rows and in-memory bytes per config, the figures, the pages that failed or were skipped."""

    files: dict[str, tuple[int, int]]  # release path -> (rows, in-memory Arrow bytes), every data file
    figures: dict[str, Any]
    problems: tuple[PageReport, ...]
    uncached: tuple[str, ...]  # why page results or shards could not be cached
    timings: dict[str, float]  # seconds per pipeline step over all pages, when profiling
    shards: int = 1

    def config_files(self, name: str) -> list[str]:
        return config_files(name, self.shards)

    @property
    def rows(self) -> dict[str, int]:
        return {name: sum(self.files[f][0] for f in self.config_files(name)) for name in CONFIGS}

    @property
    def arrow_bytes(self) -> dict[str, int]:
        return {name: sum(self.files[f][1] for f in self.config_files(name)) for name in CONFIGS}


ShardItem = tuple[int, PageResult | PageSummary]  # a page's shard, and its result (or a copied shard's summary)
# Called with each shard as soon as its files are complete (to keep it in the cache); returns why it could not be kept.
KeepShard = Callable[[WrittenShard], str | None]


def write_data(
    folder: Path,
    items: Iterable[ShardItem],
    plan: ShardPlan,
    written: frozenset[int] = frozenset(),
    keep: KeepShard | None = None,
    fresh: frozenset[int] = frozenset(),
    origins: Mapping[str, PageOrigin] = MappingProxyType({}),
) -> WrittenData:
    """Write every shard's Parquet files and ``raw_inputs.jsonl`` into ``folder``; reprint clusters at the end.

    ``items`` come in shard order. The shards in ``written`` are already in ``folder``
    (copied from the cache, or, in ``fresh``, written by workers: ``write_shard``) and
    their pages come as summaries. Every shard gets its files, if only empty ones;
    ``keep`` is given each shard made by this build, to keep in the cache.
    ``origins`` (source path -> URL and retrieval date) fill the documents' ``url``
    and ``retrieved``.
    """
    # What grows with the corpus (signatures, paragraph hashes) waits in unnamed files
    # inside the release being built, not in memory; they vanish when closed.
    with tempfile.TemporaryFile(dir=folder) as signatures, tempfile.TemporaryFile(dir=folder) as paragraphs:
        return _write_data(folder, items, plan, written, keep, fresh, origins, _PageStream(signatures, paragraphs))


def _write_data(
    folder: Path,
    items: Iterable[ShardItem],
    plan: ShardPlan,
    written: frozenset[int],
    keep: KeepShard | None,
    fresh: frozenset[int],
    origins: Mapping[str, PageOrigin],
    tally: _PageStream,
) -> WrittenData:
    files: dict[str, tuple[int, int]] = {}
    current: _ShardWriter | None = None
    # A shard's last row groups are encoded and its files closed (and kept) on threads
    # of their own while the next shard's pages come: pyarrow lets go of the GIL as it
    # compresses, and a rebuild that rewrites many shards spent a fifth of its time
    # waiting on that. CLOSING_SHARDS at a time, noted in shard order; memory holds the
    # groups of that many shards besides the current one.
    closer = ThreadPoolExecutor(CLOSING_SHARDS, thread_name_prefix="cadrespeech-shard-close")
    closing: deque[Future[_Finished]] = deque()

    def close(shard: _ShardWriter) -> None:
        """Start closing ``shard``, once fewer than CLOSING_SHARDS are being closed."""
        if len(closing) >= CLOSING_SHARDS:
            _note(closing.popleft().result(), files, tally)
        closing.append(closer.submit(_finish, shard, keep))

    def shard(index: int) -> _ShardWriter:
        made_here = index not in written or index in fresh  # not copied from the cache
        return _ShardWriter(folder, plan.count, index, index in written, keep is not None and made_here, origins)

    def advance(to: int) -> _ShardWriter | None:
        """Finish the current shard and every empty one before ``to``; start shard ``to``."""
        start = 0 if current is None else current.index + 1
        if current is not None:
            close(current)
        if to < start:
            raise RuntimeError(f"shard {to} came after shard {start - 1}: pages must come shard by shard")
        for index in range(start, to):
            close(shard(index))
        return shard(to) if to < plan.count else None

    try:
        with (folder / RAW_INPUTS).open("w", encoding="utf-8", newline="\n") as inputs:
            for index, item in items:
                if current is None or index != current.index:
                    current = advance(index)
                summary = item.summary() if isinstance(item, PageResult) else item
                report = tally.add(summary)
                # Every page's report is written as it comes, not kept: a 100k-page build's
                # reports would otherwise be a large share of its memory.
                inputs.write(json.dumps(asdict(report), ensure_ascii=False, sort_keys=True) + "\n")
                current.add(item, summary, report)
            advance(plan.count)
            while closing:
                _note(closing.popleft().result(), files, tally)
    finally:
        closer.shutdown(wait=True, cancel_futures=True)
    duplicates = tally.reprints.columns()
    name = config_files("duplicates", plan.count)[0]
    (folder / name).parent.mkdir(parents=True, exist_ok=True)
    writer = _TableWriter(folder / name, "duplicates")
    writer.add(pa.Table.from_pydict(duplicates, schema=arrow_schema("duplicates")))
    writer.close()
    files[name] = (writer.rows, writer.arrow_bytes)
    figures = {
        **tally.statistics.figures(),
        "reprints": cluster_figures(duplicates),
        "template_paragraphs": tally.paragraphs.figures(),
    }
    return WrittenData(
        files=dict(sorted(files.items())),
        figures=figures,
        problems=tuple(tally.problems),
        uncached=tuple(tally.uncached),
        timings=dict(tally.timings),
        shards=plan.count,
    )


def write_shard(
    folder: Path, count: int, index: int, results: Iterable[PageResult], origins: Mapping[str, PageOrigin] = MappingProxyType({})
) -> None:
    """Write one shard's files from its pages' results, in order, and its summary for the build (``shards.WORK_FOLDER``).

    What a worker does when it builds a whole shard: the same writer, the same pages in
    the same order, so the same bytes as the build's own writer. Pages with the same
    bytes share a shard, so the duplicates it leaves out are the ones the build would.
    """
    shard = _ShardWriter(folder, count, index, written=False, kept=True, origins=origins)
    seen: set[bytes] = set()
    for result in results:
        summary = result.summary()
        shard.add(result, summary, _marked_duplicate(summary.report, seen))
    written = shard.close()
    write_work_summary(folder, WrittenShard(index, written, tuple(shard.summaries)))


class _ShardWriter:
    """One shard's files: written here from its pages' tables, or already in the folder (copied, or written by a worker)."""

    def __init__(
        self, folder: Path, count: int, index: int, written: bool, kept: bool, origins: Mapping[str, PageOrigin] = MappingProxyType({})
    ) -> None:
        self.folder, self.index, self.written, self.kept, self.origins = folder, index, written, kept, origins
        self.names = page_shard_files(index, count)
        self.writers: dict[str, _TableWriter] = {}
        if not written:
            for config, name in self.names.items():
                (folder / name).parent.mkdir(parents=True, exist_ok=True)
                self.writers[config] = _TableWriter(folder / name, config)
        self.summaries: list[PageSummary] = []

    def add(self, item: PageResult | PageSummary, summary: PageSummary, report: PageReport) -> None:
        if self.written:
            return
        if self.kept:  # for the cache, which keeps a shard with its pages' summaries
            self.summaries.append(summary)
        if isinstance(item, PageResult) and report.status == "ok":
            for config, table in with_origin(item.tables, self.origins.get(report.source)).items():
                self.writers[config].add(table)

    def close(self) -> dict[str, tuple[int, int]]:
        """Close the files; each one's rows and in-memory Arrow bytes."""
        for writer in self.writers.values():
            writer.close()
        return {name: (self.writers[config].rows, self.writers[config].arrow_bytes) for config, name in self.names.items()}


def with_origin(tables: dict[str, pa.Table], origin: PageOrigin | None) -> dict[str, pa.Table]:
    """The page's tables with its documents' ``url`` and ``retrieved`` from its provenance record."""
    documents = tables.get("documents")
    if origin is None or documents is None or (origin.url is None and origin.retrieved is None):
        return tables
    for name, value in (("url", origin.url), ("retrieved", origin.retrieved)):
        column = documents.schema.get_field_index(name)
        documents = documents.set_column(column, documents.schema.field(column), pa.array([value] * documents.num_rows, pa.string()))
    return {**tables, "documents": documents}


@dataclass(frozen=True, slots=True)
class _Finished:
    """A shard whose files are complete, and why it could not be kept in the cache (None: kept, or not to keep)."""

    shard: WrittenShard
    problem: str | None


def _finish(shard: _ShardWriter, keep: KeepShard | None) -> _Finished:
    """Close a shard's files (or read a copied shard's summary); keep the shard if this build made it."""
    if shard.written:
        figures, summaries = copied_shard(shard.folder, shard.index)
        written = WrittenShard(shard.index, figures, tuple(summaries))
    else:
        written = WrittenShard(shard.index, shard.close(), tuple(shard.summaries))
    return _Finished(written, keep(written) if keep is not None and shard.kept else None)


def _note(finished: _Finished, files: dict[str, tuple[int, int]], tally: _PageStream) -> None:
    """Note a finished shard's files, and a shard that could not be kept."""
    files.update(finished.shard.files)
    if finished.problem:
        tally.uncached.append(f"shard {finished.shard.index}: {finished.problem}")


def _marked_duplicate(report: PageReport, seen: set[bytes]) -> PageReport:
    """The report, marked a duplicate if a page with the same bytes came before (``seen`` grows)."""
    digest = bytes.fromhex(report.sha256) if report.sha256 else None
    if digest and report.status != "error" and digest in seen:
        reason = f"same bytes as an earlier page (sha256 {report.sha256[:16]}…)"
        return PageReport(report.source, report.sha256, "duplicate", reason=reason)
    if digest:
        seen.add(digest)
    return report


class _PageStream:
    """What the writer keeps of the pages as they pass: figures, problems, reuse tallies, byte-identical copies."""

    def __init__(self, signatures: BinaryIO | None = None, paragraphs: BinaryIO | None = None) -> None:
        self.statistics = _Statistics()
        self.reprints = ReprintIndex(signatures)
        self.paragraphs = ParagraphTally(paragraphs)
        self.problems: list[PageReport] = []  # pages that failed or were skipped
        self.uncached: list[str] = []
        self.timings: Counter[str] = Counter()
        self.seen: set[bytes] = set()  # sha256 digests of the pages so far (the paths are in raw_inputs.jsonl)

    def add(self, summary: PageSummary) -> PageReport:
        """Count one page; its report, marked a duplicate if its bytes came before."""
        report = summary.report
        if summary.cache_problem:
            self.uncached.append(summary.cache_problem)
        for step, seconds in summary.timings:
            self.timings[step] += seconds
        report = _marked_duplicate(report, self.seen)
        self.statistics.count_page(report)
        if report.status != "ok":
            self.problems.append(report)
            return report
        self.statistics.add(summary)
        for speech in summary.signatures:
            self.reprints.add(speech)
        if summary.paragraph_hashes:
            doc_ids, hashes = zip(*summary.paragraph_hashes, strict=True)
            self.paragraphs.add(list(doc_ids), list(hashes))
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
            if len(self.buffer) >= COMPACT_TABLES:
                self.buffer = [pa.concat_tables(self.buffer).combine_chunks()]
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

    def add(self, summary: PageSummary) -> None:
        for name, rows in summary.rows:
            self.counts[name] += rows
        self.counts["tokens"] += summary.tally.tokens
        self.counts["characters"] += summary.tally.characters
        for rule, edits, chars in summary.tally.removed:
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
