"""Build a versioned, immutable, byte-reproducible release from a folder of raw pages.

A release is written into a hidden temporary folder beside its final place and
renamed into place only when complete, so a failed or killed build leaves every
earlier release as it was and no partial one behind.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import sys
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import datasets
import pyarrow as pa
import pyarrow.parquet as pq
from tqdm import tqdm

from . import __version__
from .card import render_card
from .citation import release_citation
from .clean import DEFAULT_CONFIG, CleanConfig
from .errors import PageError, ReleaseError, ReleaseExists
from .ingest import list_raw_pages, read_page, sha256_hex
from .pipeline import process_page
from .rows import Row, page_rows
from .schema import CONFIGS, SORT_KEYS, arrow_schema, data_file, schema_fingerprint
from .tokens import Segmenter
from .versions import parse_version

MANIFEST = "manifest.json"
CARD = "README.md"
CITATION = "CITATION.cff"
# Fixed writer settings: part of what makes two builds byte-identical.
PARQUET_OPTIONS: dict[str, Any] = {
    "compression": "zstd",
    "compression_level": 9,
    "row_group_size": 20_000,
    "use_dictionary": True,
    "write_statistics": True,
    "version": "2.6",
    "data_page_version": "1.0",
}


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
class BuildResult:
    path: Path
    status: str  # "created" or "identical"
    pages: tuple[PageReport, ...]


def build_release(
    version: str,
    raw_dir: Path,
    out_dir: Path,
    card_path: Path,
    citation_path: Path,
    config: CleanConfig = DEFAULT_CONFIG,
    progress: bool | None = None,
) -> BuildResult:
    """Process every page under ``raw_dir`` and write ``out_dir/vVERSION`` atomically.

    Refuses (``ReleaseError``) when that version exists with different bytes; a
    rebuild that comes out byte-identical is accepted and changes nothing.
    """
    version = parse_version(version)
    for required in (card_path, citation_path):
        if not required.is_file():
            raise ReleaseError(f"{required}: not found; run from the project folder or pass --card / --citation")
    paths = list_raw_pages(raw_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    final = out_dir / f"v{version}"
    _remove_stale_temporaries(out_dir, version)
    temporary = out_dir / f".tmp-v{version}-{os.getpid()}"
    temporary.mkdir()
    try:
        segmenter = Segmenter()
        tables, reports = _process_all(paths, raw_dir, segmenter, config, progress)
        _write_release(temporary, version, tables, reports, segmenter, config, card_path, citation_path)
        if final.exists():
            if _same_files(temporary, final):
                shutil.rmtree(temporary)
                return BuildResult(final, "identical", reports)
            raise ReleaseExists(
                f"{final} already exists and this build differs from it; releases are immutable, "
                "so cut a new version (e.g. bump X.Y.Z) instead"
            )
        os.rename(temporary, final)
    except BaseException:
        shutil.rmtree(temporary, ignore_errors=True)
        raise
    return BuildResult(final, "created", reports)


def _process_all(
    paths: list[Path], raw_dir: Path, segmenter: Segmenter, config: CleanConfig, progress: bool | None
) -> tuple[dict[str, list[Row]], tuple[PageReport, ...]]:
    tables: dict[str, list[Row]] = {name: [] for name in CONFIGS}
    reports: list[PageReport] = []
    seen: dict[str, str] = {}  # sha256 -> first source with those bytes
    show = sys.stderr.isatty() if progress is None else progress
    for path in tqdm(paths, desc="pages", unit="page", file=sys.stderr, disable=not show):
        source = path.relative_to(raw_dir).as_posix()
        try:
            raw = read_page(path, raw_dir)
        except PageError as error:
            reports.append(PageReport(source, None, "error", stage=error.stage, reason=error.reason))
            continue
        if raw.sha256 in seen:
            reports.append(PageReport(source, raw.sha256, "duplicate", reason=f"same bytes as {seen[raw.sha256]}"))
            continue
        seen[raw.sha256] = source
        try:
            page = process_page(raw, segmenter, config)
        except PageError as error:
            reports.append(PageReport(source, raw.sha256, "error", stage=error.stage, reason=error.reason))
            continue
        for name, rows in page_rows(page).items():
            tables[name].extend(rows)
        reports.append(PageReport(source, raw.sha256, "ok", documents=len(page.speeches)))
    return tables, tuple(reports)


def _write_release(
    folder: Path,
    version: str,
    tables: dict[str, list[Row]],
    reports: tuple[PageReport, ...],
    segmenter: Segmenter,
    config: CleanConfig,
    card_path: Path,
    citation_path: Path,
) -> None:
    files: dict[str, dict[str, Any]] = {}
    configs: dict[str, dict[str, Any]] = {}
    arrow_bytes: dict[str, int] = {}
    for name, rows in tables.items():
        keys = SORT_KEYS[name]
        rows.sort(key=lambda row: tuple(row[k] for k in keys))
        table = pa.Table.from_pylist(rows, schema=arrow_schema(name))
        relative = data_file(name)
        target = folder / relative
        target.parent.mkdir(parents=True)
        pq.write_table(table, target, **PARQUET_OPTIONS)
        files[relative] = _file_entry(target, rows=table.num_rows)
        configs[name] = {"files": [relative], "rows": table.num_rows, "schema_fingerprint": schema_fingerprint(CONFIGS[name])}
        arrow_bytes[name] = table.nbytes
    statistics = release_statistics(tables, reports)
    (folder / CITATION).write_text(release_citation(citation_path, version), encoding="utf-8", newline="\n")
    files[CITATION] = _file_entry(folder / CITATION)
    splits = {name: (configs[name]["rows"], arrow_bytes[name]) for name in configs}
    card = render_card(version, statistics, splits, reports, card_path.read_text(encoding="utf-8"))
    (folder / CARD).write_text(card, encoding="utf-8", newline="\n")
    files[CARD] = _file_entry(folder / CARD)
    manifest = {
        "name": "cadrespeech",
        "version": version,
        "configs": configs,
        "files": dict(sorted(files.items())),
        "raw_inputs": [asdict(report) for report in reports],
        "page_errors": [asdict(r) for r in reports if r.status == "error"],
        "statistics": statistics,
        "build": {
            "cadrespeech": __version__,
            "segmenter": "jieba",
            "jieba": segmenter.jieba_version,
            "jieba_dictionary_sha256": segmenter.dictionary_sha256,
            "pyarrow": pa.__version__,
            "datasets": datasets.__version__,
            "python": platform.python_version(),
            "options": {"skip_rules": sorted(config.skip), "parquet": PARQUET_OPTIONS},
        },
    }
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (folder / MANIFEST).write_text(text, encoding="utf-8", newline="\n")


def release_statistics(tables: dict[str, list[Row]], reports: tuple[PageReport, ...]) -> dict[str, Any]:
    removed = Counter(row["rule"] for row in tables["removals"])
    removed_chars = Counter()
    for row in tables["removals"]:
        removed_chars[row["rule"]] += len(row["text"])
    return {
        "pages": len(reports),
        "pages_ok": sum(r.status == "ok" for r in reports),
        "pages_failed": sum(r.status == "error" for r in reports),
        "pages_duplicate": sum(r.status == "duplicate" for r in reports),
        "documents": len(tables["documents"]),
        "sections": len(tables["sections"]),
        "sentences": len(tables["sentences"]),
        "tokens": sum(len(row["tokens"]) for row in tables["sentences"]),
        "characters": sum(row["n_chars"] for row in tables["documents"]),
        "removals": len(tables["removals"]),
        "removals_per_rule": {rule: {"edits": removed[rule], "raw_chars": removed_chars[rule]} for rule in sorted(removed)},
    }


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
