"""Build a versioned, immutable, byte-reproducible release from a folder of raw pages.

A release is written into a hidden temporary folder beside its final place and
renamed into place only when complete, so a failed or killed build leaves every
earlier release as it was and no partial one behind.
"""

from __future__ import annotations

import fcntl
import heapq
import json
import os
import platform
import secrets
import shutil
import sys
from collections import Counter
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from .. import __version__
from ..errors import PageError, ReleaseError, ReleaseExists
from ..schema import CARD, CHECKSUMS, CITATION, CONFIGS, MANIFEST, RAW_INPUTS, REPORT, arrow_schema, data_file, schema_fingerprint
from ..stages.ingest import RawListing, list_raw_pages, sha256_hex
from ..stages.reprints import ParagraphTally, ReprintIndex, cluster_figures
from ..stages.tokens import Segmenter
from ..versions import parse_version
from .cache import pipeline_fingerprint, usable_cache
from .card import render_card
from .citation import release_citation
from .executor import local_results, segmenter_for
from .report import write_report
from .results import BuildOptions, PageReport, PageResult

CARD_PROSE = "DATASET_CARD.md"  # the card's prose, shipped in the package's data folder
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
    warnings: tuple[str, ...] = ()  # what the build worked around (a cache it could not write)


@dataclass(frozen=True, slots=True)
class _Written:
    """What ``_write_release`` wrote, for the result and the refusal of an empty release."""

    pages: int
    pages_ok: int
    documents: int
    problems: tuple[PageReport, ...]
    warnings: tuple[str, ...]


def build_release(
    version: str,
    raw_dir: Path,
    out_dir: Path,
    card_path: Path | None = None,
    citation_path: Path | None = None,
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
    exists with different bytes; a byte-identical rebuild changes nothing. The card's
    prose and the citation default to the ones shipped with the package.

    Bad arguments (no raw folder, an empty one, an ``out_dir`` that is a file) are
    refused before anything is written; only one build of a version runs at a time.
    """
    version = parse_version(version)
    card_path, citation_path = card_path or packaged_file(CARD_PROSE), citation_path or packaged_file(CITATION)
    listing = _listing_to_build(raw_dir, out_dir, (card_path, citation_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    with build_lock(out_dir, version):
        _remove_temporaries(out_dir, version)  # safe: whoever made them no longer holds the lock
        # mkdir, not mkdtemp: the release keeps the folder's usual permissions (umask), not 0700.
        temporary = out_dir / f".tmp-v{version}-{secrets.token_hex(4)}"
        temporary.mkdir()
        try:
            options = options or BuildOptions()
            segmenter = segmenter_for(options.segmenter)
            options = replace(options, fingerprint=pipeline_fingerprint(options, segmenter))
            options, warnings = usable_cache(options)
            results = _results(list(listing.pages), raw_dir, options, jobs, engine, ray_address)
            results = _with_listing_problems(results, listing.problems)
            show = sys.stderr.isatty() if progress is None else progress
            results = tqdm(results, total=listing.entries, desc="pages", unit="page", file=sys.stderr, disable=not show)
            written = _write_release(temporary, version, results, segmenter, options, card_path, citation_path)
            if not written.documents:
                raise ReleaseError(f"{raw_dir}: {_no_documents(written)}; nothing was released")
            status = _publish(temporary, out_dir / f"v{version}")
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    figures = (written.pages, written.pages_ok, written.documents, written.problems, (*warnings, *written.warnings))
    return BuildResult(out_dir / f"v{version}", status, *figures)


def _listing_to_build(raw_dir: Path, out_dir: Path, templates: tuple[Path, ...]) -> RawListing:
    """The raw folder's entries, after refusing what would make a build fail or publish nothing."""
    for required in templates:
        if not required.is_file():
            raise ReleaseError(f"{required}: not found; pass --card / --citation")
    if not raw_dir.is_dir():
        raise ReleaseError(f"{raw_dir}: {'not a folder' if raw_dir.exists() else 'no such folder'}; --raw names the folder of raw pages")
    if out_dir.exists() and not out_dir.is_dir():
        raise ReleaseError(f"{out_dir}: a file, not a folder; --out names the folder that holds the releases")
    listing = list_raw_pages(raw_dir)
    if not listing.entries:
        raise ReleaseError(f"{raw_dir}: no files; a release needs at least one page (nothing was written)")
    return listing


def _publish(temporary: Path, final: Path) -> str:
    """Rename the finished release into place: "created"; or, if that version exists, "identical" or ``ReleaseExists``."""
    if not final.exists():
        os.rename(temporary, final)
        return "created"
    differing = _differing_files(temporary, final)
    if differing:
        raise ReleaseExists(
            f"{final} already exists and this build differs from it in {_named(differing)}; "
            "releases are immutable, so cut a new version (e.g. bump X.Y.Z) or build into another --out"
        )
    shutil.rmtree(temporary)
    return "identical"


def packaged_file(name: str) -> Path:
    """A file shipped in the package's ``data`` folder (the card's prose, the citation)."""
    return Path(str(resources.files("cadrespeech").joinpath("data", name)))


def _no_documents(written: _Written) -> str:
    reasons = [f"{r.source}: {r.reason}" for r in written.problems[:3]]
    more = f" (first: {'; '.join(reasons)})" if reasons else ""
    return f"none of the {written.pages} files gave a speech{more}"


def _named(files: list[str], limit: int = 10) -> str:
    """The differing files for a message: data and manifest first, the report's figures last."""
    files = sorted(files, key=lambda name: (name.startswith(f"{REPORT}/"), name))
    shown = ", ".join(files[:limit])
    return shown + (f" and {len(files) - limit} more" if len(files) > limit else "")


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
) -> _Written:
    """Write the release's files into ``folder``: data, raw inputs, citation, report, manifest, card, checksums."""
    writers = {}
    reprints = ReprintIndex()
    paragraphs = ParagraphTally()
    for name in CONFIGS:
        (folder / data_file(name)).parent.mkdir(parents=True)
        writers[name] = _TableWriter(folder / data_file(name), name)
    problems: list[PageReport] = []  # pages that failed or were skipped
    statistics = _Statistics()
    seen: set[bytes] = set()  # sha256 digests of the pages so far (the paths are in raw_inputs.jsonl)
    uncached: list[str] = []  # why page results could not be cached
    with (folder / RAW_INPUTS).open("w", encoding="utf-8", newline="\n") as inputs:
        for result in results:
            report = result.report
            if result.cache_problem:
                uncached.append(result.cache_problem)
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
    manifest = {
        "name": "cadrespeech",
        "version": version,
        "configs": configs,
        "files": dict(sorted(files.items())),
        "raw_inputs": RAW_INPUTS,
        "page_errors": [asdict(r) for r in problems if r.status == "error"],
        "pages_skipped": [asdict(r) for r in problems if r.status != "error"],
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
    # The card names the manifest's sha256, and the checksum file covers both: the
    # manifest vouches for every other file, and is itself vouched for from outside.
    manifest_sha256 = sha256_hex(text.encode())
    card = render_card(version, figures, splits, tuple(problems), card_path.read_text(encoding="utf-8"), manifest_sha256)
    (folder / CARD).write_text(card, encoding="utf-8", newline="\n")
    (folder / CHECKSUMS).write_text(checksum_lines(folder, (CARD, MANIFEST)), encoding="utf-8", newline="\n")
    warnings = (f"{len(uncached)} page result(s) could not be cached ({uncached[0]}); they were built without it",) if uncached else ()
    return _Written(figures["pages"], figures["pages_ok"], figures["documents"], tuple(problems), warnings)


def checksum_lines(folder: Path, names: Iterable[str]) -> str:
    """``sha256sum`` lines for ``names`` in ``folder``, so ``sha256sum -c SHA256SUMS`` checks them too."""
    return "".join(f"{sha256_hex((folder / name).read_bytes())}  {name}\n" for name in sorted(names))


def _domain_entry(segmenter: Segmenter) -> dict[str, Any] | None:
    domain = segmenter.domain
    return None if domain is None else {"version": domain.version, "sha256": domain.sha256, "terms": len(domain.terms)}


def _file_entry(path: Path, rows: int | None = None) -> dict[str, Any]:
    data = path.read_bytes()
    entry: dict[str, Any] = {"sha256": sha256_hex(data), "bytes": len(data)}
    if rows is not None:
        entry["rows"] = rows
    return entry


def _differing_files(left: Path, right: Path) -> list[str]:
    """The files (relative paths) that are in only one of two folders or differ in bytes."""

    def listing(folder: Path) -> dict[str, Path]:
        return {p.relative_to(folder).as_posix(): p for p in folder.rglob("*") if p.is_file()}

    a, b = listing(left), listing(right)
    return sorted(name for name in a.keys() | b.keys() if name not in a or name not in b or a[name].read_bytes() != b[name].read_bytes())


@contextmanager
def build_lock(out_dir: Path, version: str) -> Iterator[None]:
    """Hold the operating system's lock on ``out_dir/.vVERSION.lock`` for one build of a version.

    The kernel frees the lock when its holder exits, however it exits, and sees the
    same lock from every process and PID namespace that shares the folder; the lock
    file stays (removing it would let two builds lock two different files).
    """
    path = out_dir / f".v{version}.lock"
    with open(path, "a+b") as handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as error:
            message = f"another build of v{version} into {out_dir} is running (it holds {path.name}); wait for it to finish"
            raise ReleaseError(message) from error
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _remove_temporaries(out_dir: Path, version: str) -> None:
    """Remove what a killed build of this version left; called only under the version's lock."""
    for leftover in out_dir.glob(f".tmp-v{version}-*"):
        shutil.rmtree(leftover, ignore_errors=True)
