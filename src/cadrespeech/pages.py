"""Process raw pages into table rows, in order, on one core, several, or a Ray cluster.

Every engine runs the same picklable function on each page and hands results back
in the order of the page list, so a release's bytes never depend on how it was run.
Results are cached per page, keyed by the page's sha256 and the pipeline's
fingerprint, so a new version re-processes only the pages that changed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import platform
import tempfile
import zlib
from collections import deque
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field, replace
from importlib import metadata, resources
from multiprocessing import get_all_start_methods, get_context
from multiprocessing.pool import AsyncResult, Pool
from pathlib import Path

import pyarrow as pa

from .clean import CleanConfig
from .errors import PageError
from .ingest import read_page
from .pipeline import process_page
from .reprints import SpeechSignature, signature
from .rows import Row, page_rows
from .schema import PAGE_CONFIGS, arrow_schema
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


def page_tables(rows: dict[str, list[Row]]) -> dict[str, pa.Table]:
    return {name: pa.Table.from_pylist(rows[name], schema=arrow_schema(name)) for name in PAGE_CONFIGS}


def page_signatures(rows: dict[str, list[Row]]) -> tuple[SpeechSignature, ...]:
    return tuple(SpeechSignature(row["doc_id"], row["n_chars"], signature(row["text"])) for row in rows["documents"])


def page_tally(rows: dict[str, list[Row]]) -> PageTally:
    removed: dict[str, list[int]] = {}
    for row in rows["removals"]:
        counts = removed.setdefault(row["rule"], [0, 0])
        counts[0] += 1
        counts[1] += len(row["text"])
    return PageTally(
        tokens=sum(len(row["tokens"]) for row in rows["sentences"]),
        characters=sum(row["n_chars"] for row in rows["documents"]),
        removed=tuple((rule, edits, chars) for rule, (edits, chars) in sorted(removed.items())),
    )


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Everything besides the page's bytes that decides its rows."""

    skip_rules: tuple[str, ...] = ()
    segmenter: str = "jieba"
    cache: str | None = None  # folder of cached page results; None for no cache
    fingerprint: str = ""  # of the pipeline; set by ``with_fingerprint``

    def clean_config(self) -> CleanConfig:
        return CleanConfig(skip=frozenset(self.skip_rules))


# The card's prose and the citation ship in the package for the release to carry, but
# no page's rows depend on them: editing the card must not make every cached page stale.
RELEASE_TEMPLATES = ("data/DATASET_CARD.md", "data/CITATION.cff")


def package_files() -> list[tuple[str, bytes]]:
    """Every module and data file of the package that can change a page's rows, nested ones too.

    Compiled bytecode is left out: it follows from the sources, and Python rewrites it.
    """
    root = Path(str(resources.files("cadrespeech")))
    found = [p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")]
    named = ((p.relative_to(root).as_posix(), p) for p in found)
    return sorted((name, path.read_bytes()) for name, path in named if name not in RELEASE_TEMPLATES)


def pipeline_fingerprint(options: BuildOptions, segmenter: Segmenter) -> str:
    """sha256 over our code and data files, the segmenter and its dictionary, and every option that changes rows.

    Any change to any of them makes every cached page result stale.
    """
    digest = hashlib.sha256()
    for name, data in package_files():
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    facts = [
        segmenter.engine,
        segmenter.engine_version,
        segmenter.jieba_version,
        segmenter.dictionary_sha256,
        segmenter.domain_sha256,
        metadata.version("datasketch"),  # its hashing makes the reprint signatures
        metadata.version("htmldate"),  # it reads publication dates
        platform.python_version(),  # the cache's marshal format is Python's own
        sorted(options.skip_rules),
        options.segmenter,
    ]
    digest.update(json.dumps(facts).encode())
    return digest.hexdigest()


# One segmenter per process and engine: building one loads a dictionary (about a second).
_SEGMENTERS: dict[str, Segmenter] = {}


def segmenter_for(engine: str) -> Segmenter:
    if engine not in _SEGMENTERS:
        _SEGMENTERS[engine] = Segmenter(engine)
    return _SEGMENTERS[engine]


def usable_cache(options: BuildOptions) -> tuple[BuildOptions, tuple[str, ...]]:
    """The options with their cache if it can be written, else with no cache and a warning.

    A build never fails for its cache: a cache is only a way to save time.
    """
    if not options.cache:
        return options, ()
    problem = PageCache(Path(options.cache), options.fingerprint).writable()
    if problem is None:
        return options, ()
    return replace(options, cache=None), (f"page cache {options.cache} cannot be written ({problem}); building without it",)


def _cache(options: BuildOptions) -> PageCache | None:
    return PageCache(Path(options.cache), options.fingerprint) if options.cache else None


def cached_result(path: str, raw_dir: str, options: BuildOptions) -> PageResult | None:
    """The page's cached result, if the cache holds a sound one for these bytes."""
    cache = _cache(options)
    if cache is None:
        return None
    try:
        raw = read_page(Path(path), Path(raw_dir))
    except PageError:
        return None
    return cache.get(raw.sha256, raw.source)


def process_path(path: str, raw_dir: str, options: BuildOptions, look_up: bool = True) -> PageResult:
    """One page to rows, through the cache when there is one. Never raises for a bad page.

    ``look_up=False`` when the caller has already found the page missing from the cache.
    """
    root, file = Path(raw_dir), Path(path)
    source = file.relative_to(root).as_posix()
    try:
        raw = read_page(file, root)
    except PageError as error:
        return PageResult(PageReport(source, None, "error", stage=error.stage, reason=error.reason))
    cache = _cache(options)
    cached = cache.get(raw.sha256, source) if cache and look_up else None
    if cached is not None:
        return cached
    try:
        page = process_page(raw, segmenter_for(options.segmenter), options.clean_config())
        rows = page_rows(page)
        report = PageReport(source, raw.sha256, "ok", documents=len(page.speeches))
        result = PageResult(report, page_tables(rows), page_tally(rows), page_signatures(rows))
    except PageError as error:
        result = PageResult(PageReport(source, raw.sha256, "error", stage=error.stage, reason=error.reason))
    if cache:
        problem = cache.put(raw.sha256, result)
        if problem:
            result = replace(result, cache_problem=problem)
    return result


def _process_one(task: tuple[str, str, BuildOptions]) -> PageResult:
    return process_path(*task)


def _process_miss(task: tuple[str, str, BuildOptions]) -> PageResult:
    return process_path(*task, look_up=False)


def local_results(paths: list[Path], raw_dir: Path, options: BuildOptions, jobs: int) -> Iterator[PageResult]:
    """Page results in the order of ``paths``, on ``jobs`` processes.

    With several jobs, cached pages are read here, in the writing process: sending a
    cached result through a worker would cost more than reading it.
    """
    tasks = [(str(path), str(raw_dir), options) for path in paths]
    if jobs <= 1 or len(tasks) <= 1:
        yield from map(_process_one, tasks)
        return
    pool: Pool | None = None
    try:
        pending: deque[_Done | AsyncResult] = deque()  # in page order
        for task in tasks:
            hit = cached_result(*task)
            if hit is None and pool is None:
                pool = _start_pool(jobs, options)  # only once a page needs processing
            pending.append(_Done(hit) if hit is not None else pool.apply_async(_process_miss, (task,)))
            # Keep a bounded window in flight, so memory stays flat.
            while pending and (len(pending) > IN_FLIGHT_PAGES or pending[0].ready()):
                yield pending.popleft().get()
        while pending:
            yield pending.popleft().get()
    finally:
        if pool is not None:
            pool.terminate()


def _start_pool(jobs: int, options: BuildOptions) -> Pool:
    """Worker processes that share this process's loaded segmenter, where the system forks.

    The dictionary is loaded here first (about two seconds and 200 MB): forked workers
    then share it instead of each loading its own copy.
    """
    if "fork" in get_all_start_methods():
        segmenter_for(options.segmenter).load()
        return get_context("fork").Pool(jobs)
    return get_context("spawn").Pool(jobs)  # each worker builds its own segmenter once


class _Done:
    """A result already in hand, with the face of a pool's pending result."""

    def __init__(self, result: PageResult) -> None:
        self.result = result

    def ready(self) -> bool:
        return True

    def get(self) -> PageResult:
        return self.result


# Pages in flight at once with several jobs: enough to keep every worker busy, few
# enough that results waiting to be written stay small.
IN_FLIGHT_PAGES = 64


class PageCache:
    """Per-page results on disk; an entry that does not check out is recomputed, never trusted.

    An entry is a header line (format, pipeline fingerprint, page sha256, body sha256)
    and the body: the report and tally in ``marshal`` form (fast, and they hold only
    plain data) and each table as an Arrow IPC stream, compressed together (faster to
    read than Arrow's own per-buffer compression of such small tables, as measured).
    An entry is used only for the fingerprint and page it names.
    """

    FORMAT = b"cadrespeech-page-cache-2"

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.fingerprint = fingerprint
        self.folder = folder / fingerprint[:24]

    @staticmethod
    def default_folder() -> Path:
        return cache_dir() / "pages"

    def _path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.bin"

    def writable(self) -> str | None:
        """Why this cache cannot take entries (a read-only or full disk), or None."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.folder) as probe:
                probe.write(b"probe")
                probe.flush()
                os.fsync(probe.fileno())
        except OSError as error:
            return error.strerror or str(error)
        return None

    def get(self, sha256: str, source: str) -> PageResult | None:
        try:
            data = self._path(sha256).read_bytes()
            header, body = data.split(b"\n", 1)
            form, fingerprint, page_sha, body_sha = header.split(b" ")
            if (form, fingerprint.decode(), page_sha.decode()) != (self.FORMAT, self.fingerprint, sha256):
                return None  # another pipeline's or another page's: recompute
            if hashlib.sha256(body).hexdigest() != body_sha.decode():
                return None  # damaged
            report, tally, streams, signatures = marshal.loads(zlib.decompress(body))
            tables = {name: pa.ipc.open_stream(stream).read_all() for name, stream in streams.items()}
            result = PageResult(PageReport(**report), tables, PageTally(*tally), tuple(SpeechSignature(*s) for s in signatures))
        except (OSError, ValueError, EOFError, TypeError, KeyError, zlib.error, pa.ArrowException):
            return None
        return _renamed(result, source) if result.report.source != source else result

    def put(self, sha256: str, result: PageResult) -> str | None:
        """Store a result; on a full or read-only disk, store nothing and say why."""
        streams = {name: _ipc_bytes(table) for name, table in result.tables.items()}
        tally = (result.tally.tokens, result.tally.characters, result.tally.removed)
        signatures = [(s.doc_id, s.n_chars, s.signature) for s in result.signatures]
        body = zlib.compress(marshal.dumps((asdict(result.report), tally, streams, signatures)), 1)
        header = b" ".join([self.FORMAT, self.fingerprint.encode(), sha256.encode(), hashlib.sha256(body).hexdigest().encode()])
        path = self._path(sha256)
        temporary = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(header + b"\n" + body)
            os.replace(temporary, path)  # concurrent writers of one page leave one whole file
        except OSError as error:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            return error.strerror or str(error)
        return None


def _ipc_bytes(table: pa.Table) -> bytes:
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, table.schema) as writer:
        writer.write_table(table)
    return sink.getvalue().to_pybytes()


def _renamed(result: PageResult, source: str) -> PageResult:
    """The same bytes now stand under another name: every row that names the file follows."""
    tables = dict(result.tables)
    for name in ("documents", "removals"):
        if name not in tables:  # a failed page has no tables, only its report
            continue
        table = tables[name]
        column = table.schema.get_field_index("source_file")
        tables[name] = table.set_column(column, table.schema.field(column), pa.array([source] * table.num_rows, pa.string()))
    return PageResult(replace(result.report, source=source), tables, result.tally, result.signatures)
