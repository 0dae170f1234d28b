"""Build a versioned, immutable, byte-reproducible release from a folder of raw pages.

A release is written into a hidden temporary folder beside its final place and
renamed into place only when complete, so a failed or killed build leaves every
earlier release as it was and no partial one behind.
"""

from __future__ import annotations

import heapq
import json
import os
import platform
import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, replace
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from . import __version__
from .card import render_card
from .citation import release_citation
from .errors import PageError, ReleaseError, ReleaseExists
from .ingest import list_raw_pages, sha256_hex
from .pages import BuildOptions, PageReport, PageResult, local_results, pipeline_fingerprint, segmenter_for
from .report import write_report
from .reprints import ParagraphTally, ReprintIndex, cluster_figures
from .schema import CONFIGS, arrow_schema, data_file, schema_fingerprint
from .tokens import Segmenter
from .versions import parse_version

MANIFEST = "manifest.json"
CARD = "README.md"
CITATION = "CITATION.cff"
REPORT = "report"  # index.html and figures/*.png: the corpus report, made by the build
# One JSON line per raw page: its path, sha256, status, documents, and any error.
RAW_INPUTS = "raw_inputs.jsonl"
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
class BuildResult:
    """Where the release is, whether it was written, and what became of the pages.

    Every page's report is in the release's ``raw_inputs.jsonl``; ``problems`` holds the
    pages that failed or were skipped, so a large build's result stays small.
    """

    path: Path
    status: str  # "created" or "identical"
    pages: int
    pages_ok: int
    documents: int
    problems: tuple[PageReport, ...]


def build_release(
    version: str,
    raw_dir: Path,
    out_dir: Path,
    card_path: Path,
    citation_path: Path,
    options: BuildOptions | None = None,
    progress: bool | None = None,
    jobs: int = 1,
    engine: str = "local",
    ray_address: str | None = None,
) -> BuildResult:
    """Process every page under ``raw_dir`` and write ``out_dir/vVERSION`` atomically.

    Rows stream into Parquet row groups of fixed size as pages finish, in the order of
    the pages' sorted paths, so memory does not grow with the corpus and the bytes do
    not depend on ``jobs`` or ``engine``. Refuses (``ReleaseExists``) when that version
    exists with different bytes; a byte-identical rebuild changes nothing.
    """
    version = parse_version(version)
    for required in (card_path, citation_path):
        if not required.is_file():
            raise ReleaseError(f"{required}: not found; run from the project folder or pass --card / --citation")
    listing = list_raw_pages(raw_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"v{version}"
    _remove_stale_temporaries(out_dir, version)
    temporary = out_dir / f".tmp-v{version}-{os.getpid()}"
    temporary.mkdir()
    try:
        options = options or BuildOptions()
        segmenter = segmenter_for(options.segmenter)
        options = replace(options, fingerprint=pipeline_fingerprint(options, segmenter))
        results = _results(list(listing.pages), raw_dir, options, jobs, engine, ray_address)
        results = _with_listing_problems(results, listing.problems)
        show = sys.stderr.isatty() if progress is None else progress
        results = tqdm(results, total=listing.entries, desc="pages", unit="page", file=sys.stderr, disable=not show)
        summary = _write_release(temporary, version, results, segmenter, options, card_path, citation_path)
        if final.exists():
            if _same_files(temporary, final):
                shutil.rmtree(temporary)
                return BuildResult(final, "identical", *summary)
            raise ReleaseExists(
                f"{final} already exists and this build differs from it; releases are immutable, "
                "so cut a new version (e.g. bump X.Y.Z) instead"
            )
        os.rename(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return BuildResult(final, "created", *summary)


def _results(paths: list[Path], raw_dir: Path, options: BuildOptions, jobs: int, engine: str, ray_address: str | None):
    if engine == "ray":
        from .ray_engine import ray_results

        return ray_results(paths, raw_dir, options, address=ray_address)
    if engine != "local":
        raise ReleaseError(f"unknown engine {engine!r}; choose local or ray")
    return local_results(paths, raw_dir, options, jobs)


def _with_listing_problems(results: Iterable[PageResult], problems: tuple[PageError, ...]) -> Iterator[PageResult]:
    """The pages' results with a failed page for each entry that could not be one, in path order.

    Both come sorted by relative path, so the report lists every entry of the raw
    folder in one order, and its counts add up to the entries.
    """
    failed = (PageResult(PageReport(p.path, None, "error", stage=p.stage, reason=p.reason)) for p in problems)
    return heapq.merge(results, failed, key=lambda result: result.report.source)


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


def _write_release(
    folder: Path,
    version: str,
    results,
    segmenter: Segmenter,
    options: BuildOptions,
    card_path: Path,
    citation_path: Path,
) -> tuple[int, int, int, tuple[PageReport, ...]]:
    """Write the release's files into ``folder``; return pages, pages ok, documents, problems."""
    writers = {}
    reprints = ReprintIndex()
    paragraphs = ParagraphTally()
    for name in CONFIGS:
        (folder / data_file(name)).parent.mkdir(parents=True)
        writers[name] = _TableWriter(folder / data_file(name), name)
    problems: list[PageReport] = []  # pages that failed or were skipped
    statistics = _Statistics()
    seen: set[bytes] = set()  # sha256 digests of the pages so far (the paths are in raw_inputs.jsonl)
    with (folder / RAW_INPUTS).open("w", encoding="utf-8", newline="\n") as inputs:
        for result in results:
            report = result.report
            digest = bytes.fromhex(report.sha256) if report.sha256 else None
            if digest and report.status != "error" and digest in seen:
                reason = f"same bytes as an earlier page (sha256 {report.sha256[:16]}…)"
                report = PageReport(report.source, report.sha256, "duplicate", reason=reason)
            elif digest:
                seen.add(digest)
            # Every page's report is written as it comes, not kept: a 100k-page build's
            # reports would otherwise be a large share of its memory.
            inputs.write(json.dumps(asdict(report), ensure_ascii=False, sort_keys=True) + "\n")
            statistics.count_page(report)
            if report.status != "ok":
                problems.append(report)
                continue
            statistics.add(result)
            for name, table in result.tables.items():
                writers[name].add(table)
            for speech in result.signatures:
                reprints.add(speech)
            table = result.tables["paragraphs"]
            paragraphs.add(table["doc_id"].to_pylist(), table["paragraph_hash"].to_pylist())
    duplicates = reprints.columns()
    writers["duplicates"].add(pa.Table.from_pydict(duplicates, schema=arrow_schema("duplicates")))
    files: dict[str, dict[str, Any]] = {}
    configs: dict[str, dict[str, Any]] = {}
    for name, writer in writers.items():
        writer.close()
        relative = data_file(name)
        files[relative] = _file_entry(folder / relative, rows=writer.rows)
        configs[name] = {"files": [relative], "rows": writer.rows, "schema_fingerprint": schema_fingerprint(CONFIGS[name])}
    figures = {
        **statistics.figures(),
        "reprints": cluster_figures(duplicates),
        "template_paragraphs": paragraphs.figures(),
    }
    files[RAW_INPUTS] = _file_entry(folder / RAW_INPUTS, rows=figures["pages"])
    (folder / CITATION).write_text(release_citation(citation_path, version), encoding="utf-8", newline="\n")
    files[CITATION] = _file_entry(folder / CITATION)
    # The report's figures go into the release, for its card to show.
    write_report(
        folder, folder / REPORT, {"version": version, "configs": configs, "statistics": figures, "build": {"cadrespeech": __version__}}
    )
    for path in sorted((folder / REPORT).rglob("*")):
        if path.is_file():
            files[path.relative_to(folder).as_posix()] = _file_entry(path)
    splits = {name: (writer.rows, writer.arrow_bytes) for name, writer in writers.items()}
    card = render_card(version, figures, splits, tuple(problems), card_path.read_text(encoding="utf-8"))
    (folder / CARD).write_text(card, encoding="utf-8", newline="\n")
    files[CARD] = _file_entry(folder / CARD)
    manifest = {
        "name": "cadrespeech",
        "version": version,
        "configs": configs,
        "files": dict(sorted(files.items())),
        "raw_inputs": RAW_INPUTS,
        "page_errors": [asdict(r) for r in problems if r.status == "error"],
        "statistics": figures,
        "build": {
            "cadrespeech": __version__,
            "segmenter": segmenter.engine,
            "segmenter_version": segmenter.engine_version,
            "jieba": segmenter.jieba_version,
            "jieba_dictionary_sha256": segmenter.dictionary_sha256,
            "domain_dictionary": _domain_entry(segmenter),
            "pipeline_fingerprint": options.fingerprint,
            "pyarrow": pa.__version__,
            "datasets": datasets.__version__,
            "python": platform.python_version(),
            "options": {"skip_rules": sorted(options.skip_rules), "parquet": PARQUET_OPTIONS, "row_group_rows": ROW_GROUP_ROWS},
        },
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (folder / MANIFEST).write_text(text, encoding="utf-8", newline="\n")
    return figures["pages"], figures["pages_ok"], figures["documents"], tuple(problems)


def _domain_entry(segmenter: Segmenter) -> dict[str, Any] | None:
    domain = segmenter.domain
    return None if domain is None else {"version": domain.version, "sha256": domain.sha256, "terms": len(domain.terms)}


def _file_entry(path: Path, rows: int | None = None) -> dict[str, Any]:
    data = path.read_bytes()
    entry: dict[str, Any] = {"sha256": sha256_hex(data), "bytes": len(data)}
    if rows is not None:
        entry["rows"] = rows
    return entry


def _same_files(left: Path, right: Path) -> bool:
    def listing(folder: Path) -> dict[str, Path]:
        return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}

    a, b = listing(left), listing(right)
    return a.keys() == b.keys() and all(a[name].read_bytes() == b[name].read_bytes() for name in a)


def _remove_stale_temporaries(out_dir: Path, version: str) -> None:
    """Remove what a killed build of this version left; a live build's folder stays."""
    for leftover in out_dir.glob(f".tmp-v{version}-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and _process_alive(int(pid)):
            raise ReleaseError(f"another build of v{version} is running (process {pid}); wait for it to finish")
        shutil.rmtree(leftover, ignore_errors=True)


def _process_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True
