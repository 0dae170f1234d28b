"""What the build passes around: its configuration, and for each page its report, tables and share of the figures."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import pyarrow as pa

from ..schema import PAGES_PER_SHARD
from ..stages.reprints import SpeechSignature

if TYPE_CHECKING:
    from ..stages.clean import CleanConfig


@dataclass(frozen=True, slots=True)
class PageReport:
    """What became of one raw page in a build."""

    source: str
    sha256: str | None
    status: str  # "ok", "error" or "duplicate"
    documents: int = 0
    stage: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PageTally:
    """A page's share of the release figures, counted where its rows were made."""

    tokens: int = 0
    characters: int = 0
    removed: tuple[tuple[str, int, int], ...] = ()  # (rule, edits, raw characters), by rule


@dataclass(frozen=True, slots=True)
class PageResult:
    """One page's report and, when it is ok, its rows as one small Arrow table per config.

    Tables are made in the worker that processed the page (or read whole from the
    cache), so the writing process only concatenates and writes them.
    """

    report: PageReport
    tables: dict[str, pa.Table] = field(default_factory=dict)
    tally: PageTally = PageTally()
    signatures: tuple[SpeechSignature, ...] = ()  # one per speech, for reprint clusters
    cache_problem: str | None = None  # why this result could not be cached, if it could not
    timings: tuple[tuple[str, float], ...] = ()  # seconds per pipeline step, when profiling

    def __reduce__(self) -> tuple[object, tuple[object, ...]]:
        # Between processes (workers, Ray), each table travels as one Arrow IPC stream:
        # five times faster to pickle than a table's own form, which pickles buffer by buffer.
        streams = {name: ipc_bytes(table) for name, table in self.tables.items()}
        return _page_result, (self.report, streams, self.tally, self.signatures, self.cache_problem, self.timings)

    def summary(self) -> PageSummary:
        paragraphs = self.tables.get("paragraphs")
        hashes: tuple[tuple[str, str | None], ...] = ()
        if paragraphs is not None:
            hashes = tuple(zip(paragraphs["doc_id"].to_pylist(), paragraphs["paragraph_hash"].to_pylist(), strict=True))
        rows = tuple((name, table.num_rows) for name, table in self.tables.items())
        return PageSummary(self.report, rows, self.tally, self.signatures, hashes, self.cache_problem, self.timings)


def _page_result(
    report: PageReport,
    streams: dict[str, bytes],
    tally: PageTally,
    signatures: tuple[SpeechSignature, ...],
    cache_problem: str | None,
    timings: tuple[tuple[str, float], ...],
) -> PageResult:
    return PageResult(report, read_ipc(streams), tally, signatures, cache_problem, timings)


def ipc_bytes(table: pa.Table) -> bytes:
    """A table as the bytes of one Arrow IPC stream."""
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def read_ipc(streams: dict[str, bytes]) -> dict[str, pa.Table]:
    """Tables back from their IPC streams, without copying their buffers."""
    return {name: pa.ipc.open_stream(stream).read_all() for name, stream in streams.items()}


@dataclass(frozen=True, slots=True)
class PageSummary:
    """What the release's figures, reprint clusters and ``raw_inputs.jsonl`` need of a page: all of it but its rows.

    A shard copied whole from the cache brings its pages' summaries, not their rows.
    """

    report: PageReport
    rows: tuple[tuple[str, int], ...] = ()  # rows per config
    tally: PageTally = PageTally()
    signatures: tuple[SpeechSignature, ...] = ()
    paragraph_hashes: tuple[tuple[str, str | None], ...] = ()  # (doc_id, paragraph_hash) per paragraph
    cache_problem: str | None = None
    timings: tuple[tuple[str, float], ...] = ()


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """What every worker needs for each page: what decides its rows, where its cache is, whether to time it."""

    skip_rules: tuple[str, ...] = ()
    segmenter: str = "jieba"
    cache: str | None = None  # folder of cached page results; None for no cache
    fingerprint: str = ""  # of the pipeline; set by the build
    profile: bool = False  # time each pipeline step (a profiled page is never read from the cache)

    def clean_config(self) -> CleanConfig:
        from ..stages.clean import CleanConfig  # the rule tables: only where pages are cleaned

        return CleanConfig(skip=frozenset(self.skip_rules))


@dataclass(frozen=True, slots=True)
class BuildConfig:
    """One build, from the command line (or a caller) to every step: what, from where, to where, how.

    The card's prose and the citation default to the ones shipped with the package;
    ``progress`` None shows a bar when stderr is a terminal.
    """

    version: str
    raw_dir: Path
    out_dir: Path
    pages: BuildOptions = BuildOptions()
    card_path: Path | None = None
    citation_path: Path | None = None
    jobs: int = 1
    engine: str = "local"  # or "ray"
    ray_address: str | None = None
    progress: bool | None = None
    pages_per_shard: int = PAGES_PER_SHARD  # the release's layout: each page config in a power of two of files
    provenance: Path | None = None  # the provenance file (``provenance.py``); None: the pages have no records
