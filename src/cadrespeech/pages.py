"""Process raw pages into table rows, in order, on one core, several, or a Ray cluster.

Every engine runs the same picklable function on each page and hands results back
in the order of the page list, so a release's bytes never depend on how it was run.
Results are cached per page, keyed by the page's sha256 and the pipeline's
fingerprint, so a new version re-processes only the pages that changed.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import os
import tempfile
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from importlib import resources
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from .clean import CleanConfig
from .errors import PageError
from .ingest import read_page
from .pipeline import process_page
from .rows import Row, page_rows
from .tokens import Segmenter, cache_dir


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
class PageResult:
    report: PageReport
    rows: dict[str, list[Row]] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Everything besides the page's bytes that decides its rows."""

    skip_rules: tuple[str, ...] = ()
    segmenter: str = "jieba"
    cache: str | None = None  # folder of cached page results; None for no cache
    fingerprint: str = ""  # of the pipeline; set by ``with_fingerprint``

    def clean_config(self) -> CleanConfig:
        return CleanConfig(skip=frozenset(self.skip_rules))


def pipeline_fingerprint(options: BuildOptions, segmenter: Segmenter) -> str:
    """sha256 over our code, the segmenter and its dictionary, and the options.

    Any change to any of them makes every cached page result stale.
    """
    digest = hashlib.sha256()
    package = resources.files("cadrespeech")
    for name in sorted(p.name for p in package.iterdir() if p.name.endswith(".py")):
        digest.update(name.encode())
        digest.update(package.joinpath(name).read_bytes())
    facts = [segmenter.engine, segmenter.engine_version, segmenter.jieba_version, segmenter.dictionary_sha256, *options.skip_rules]
    digest.update(json.dumps(facts).encode())
    return digest.hexdigest()


# One segmenter per process and engine: building one loads a dictionary (about a second).
_SEGMENTERS: dict[str, Segmenter] = {}


def segmenter_for(engine: str) -> Segmenter:
    if engine not in _SEGMENTERS:
        _SEGMENTERS[engine] = Segmenter(engine)
    return _SEGMENTERS[engine]


def process_path(path: str, raw_dir: str, options: BuildOptions) -> PageResult:
    """One page to rows, through the cache when there is one. Never raises for a bad page."""
    root, file = Path(raw_dir), Path(path)
    source = file.relative_to(root).as_posix()
    try:
        raw = read_page(file, root)
    except PageError as error:
        return PageResult(PageReport(source, None, "error", stage=error.stage, reason=error.reason))
    cache = PageCache(Path(options.cache), options.fingerprint) if options.cache else None
    cached = cache.get(raw.sha256, source) if cache else None
    if cached is not None:
        return cached
    try:
        page = process_page(raw, segmenter_for(options.segmenter), options.clean_config())
        result = PageResult(PageReport(source, raw.sha256, "ok", documents=len(page.speeches)), page_rows(page))
    except PageError as error:
        result = PageResult(PageReport(source, raw.sha256, "error", stage=error.stage, reason=error.reason))
    if cache:
        cache.put(raw.sha256, result)
    return result


def _process_one(task: tuple[str, str, BuildOptions]) -> PageResult:
    return process_path(*task)


def local_results(paths: list[Path], raw_dir: Path, options: BuildOptions, jobs: int) -> Iterator[PageResult]:
    """Page results in the order of ``paths``, on ``jobs`` processes."""
    tasks = [(str(path), str(raw_dir), options) for path in paths]
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(_process_one, tasks)
        return
    # fork shares the loaded code; each worker builds its own segmenter once.
    with get_context("fork").Pool(jobs) as pool:
        yield from pool.imap(_process_one, tasks, chunksize=CHUNK_PAGES)


# Pages handed to a worker at a time: enough to amortise the hand-off, few enough to
# keep the memory of results waiting to be written small.
CHUNK_PAGES = 8


class PageCache:
    """Per-page results on disk; an entry that does not check out is recomputed, never trusted."""

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.folder = folder / fingerprint[:24]

    @staticmethod
    def default_folder() -> Path:
        return cache_dir() / "pages"

    def _path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.json.gz"

    def get(self, sha256: str, source: str) -> PageResult | None:
        path = self._path(sha256)
        try:
            payload = json.loads(gzip.decompress(path.read_bytes()))
        except (OSError, ValueError, EOFError):
            return None  # missing or damaged: recompute
        body = payload.get("body")
        if payload.get("sha256") != sha256 or payload.get("checksum") != _checksum(body):
            return None
        # The same bytes may now stand under another name.
        report = PageReport(**{**body["report"], "source": source})
        rows = body["rows"]
        for name in ("documents", "removals"):
            for row in rows.get(name, []):
                row["source_file"] = source
        return PageResult(report, rows)

    def put(self, sha256: str, result: PageResult) -> None:
        body = {"report": asdict(result.report), "rows": result.rows}
        data = gzip.compress(json.dumps({"sha256": sha256, "checksum": _checksum(body), "body": body}).encode(), mtime=0)
        path = self._path(sha256)
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        os.replace(temporary, path)  # concurrent writers of one page leave one whole file


def _checksum(body: Any) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
