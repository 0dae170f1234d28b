"""Process raw pages into table rows, in order, on one core or several.

Every engine runs the same picklable function on each page and hands results back
in the order of the page list, so a release's bytes never depend on how it was run
(Ray Data runs the same function: ``ray_engine``). A release of several shards can
instead be built a shard per task, each worker writing its shard's files with the
build's own writer (``local_shards``).
"""

from __future__ import annotations

import gc
import time
from collections import deque
from collections.abc import Iterable, Iterator, Mapping
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import replace
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from types import MappingProxyType

from ..errors import PageError, ReleaseError
from ..provenance import PageOrigin
from ..stages.ingest import read_page
from ..stages.pipeline import process_page_timed
from ..stages.tokens import Segmenter, segmenter_for
from .cache import PageCache
from .results import BuildOptions, PageReport, PageResult
from .rows import page_rows, page_signatures, page_tables, page_tally
from .writer import write_shard


def loaded_segmenter(engine: str) -> Segmenter:
    """The process's segmenter with its dictionaries loaded, and the loaded objects out of the garbage collector's way.

    The dictionaries are a few million long-lived objects: frozen (``gc.freeze``), the
    collector stops walking them (about 6% of a build on real pages), and forked
    workers stop touching, and so copying, the pages that hold them. Called only when a
    page needs processing, so a fully cached rebuild loads nothing.
    """
    segmenter = segmenter_for(engine)
    if engine not in _FROZEN:
        segmenter.load()
        gc.freeze()
        _FROZEN.add(engine)
    return segmenter


_FROZEN: set[str] = set()


def _cache(options: BuildOptions) -> PageCache | None:
    return PageCache(Path(options.cache), options.fingerprint) if options.cache else None


def cached_result(path: str, raw_dir: str, options: BuildOptions) -> PageResult | None:
    """The page's cached result, if the cache holds a sound one for these bytes."""
    cache = _cache(options)
    if cache is None or options.profile:  # a profile times the work, so it reads nothing from the cache
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
    cached = cache.get(raw.sha256, source) if cache and look_up and not options.profile else None
    if cached is not None:
        return cached
    try:
        segmenter = loaded_segmenter(options.segmenter)
        page, timings = process_page_timed(raw, segmenter, options.clean_config())
        start = time.perf_counter()
        rows = page_rows(page)
        report = PageReport(source, raw.sha256, "ok", documents=len(page.speeches))
        result = PageResult(report, page_tables(rows), page_tally(rows), page_signatures(rows))
        if options.profile:
            result = replace(result, timings=(*timings, ("rows and tables", time.perf_counter() - start)))
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
    pool: ProcessPoolExecutor | None = None
    finished = False
    try:
        pending: deque[_Done | Future[PageResult]] = deque()  # in page order
        for task in tasks:
            hit = cached_result(*task)
            if hit is None and pool is None:
                pool = _start_workers(jobs, options)  # only once a page needs processing
            pending.append(_Done(hit) if hit is not None else pool.submit(_process_miss, task))
            # Keep a bounded window in flight, so memory stays flat.
            while pending and (len(pending) > IN_FLIGHT_PAGES or pending[0].done()):
                yield pending.popleft().result()
        while pending:
            yield pending.popleft().result()
        finished = True
    except BrokenProcessPool as error:
        raise _worker_died(error) from error
    finally:
        if pool is not None:
            _stop_workers(pool, finished)


def _build_shard(task: tuple[list[str], str, BuildOptions, str, int, int, dict[str, PageOrigin]]) -> int:
    paths, raw_dir, options, release, count, index, origins = task
    write_shard(Path(release), count, index, (process_path(path, raw_dir, options) for path in paths), origins)
    return index


def local_shards(
    shards: dict[int, list[Path]],
    raw_dir: Path,
    release: Path,
    count: int,
    options: BuildOptions,
    jobs: int,
    origins: Mapping[str, PageOrigin] = MappingProxyType({}),
) -> Iterator[int]:
    """Build each shard (index: its pages in order) in a worker process that writes its files; yield the indexes in order.

    No page's rows pass through the calling process, which only reads each shard's
    summary: with many shards, the workers are the writers.
    """
    tasks = [
        ([str(p) for p in shards[index]], str(raw_dir), options, str(release), count, index, shard_origins(shards[index], raw_dir, origins))
        for index in largest_first(shards)
    ]
    pool = _start_workers(jobs, options)
    finished = False
    try:
        # Submitted largest first; the workers take calls in the order they were submitted.
        futures = [pool.submit(_build_shard, task) for task in tasks]
        yield from in_index_order((future.result() for future in as_completed(futures)), shards)
        finished = True
    except BrokenProcessPool as error:
        raise _worker_died(error) from error
    finally:
        _stop_workers(pool, finished)


def largest_first(shards: Mapping[int, list[Path]]) -> list[int]:
    """Shard indexes, the most raw bytes first (ties by index): the order to start them in.

    A shard's time follows its bytes; starting the largest first leaves the small ones
    to even out the workers' last minutes (longest-processing-time-first scheduling),
    where shards in index order can leave one worker with a large shard at the end.
    """
    size = {index: sum(_bytes(path) for path in paths) for index, paths in shards.items()}
    return sorted(shards, key=lambda index: (-size[index], index))


def _bytes(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0  # the page fails in its worker, with its reason


def in_index_order(done: Iterable[int], shards: Mapping[int, object]) -> Iterator[int]:
    """The shard indexes ``done`` yields in any order, yielded in index order, each as soon as those before it are done."""
    waiting = sorted(shards)
    finished: set[int] = set()
    position = 0
    for index in done:
        finished.add(index)
        while position < len(waiting) and waiting[position] in finished:
            yield waiting[position]
            position += 1
    if position < len(waiting):
        raise RuntimeError(f"shard {waiting[position]} was not built")


def shard_origins(paths: list[Path], raw_dir: Path, origins: Mapping[str, PageOrigin]) -> dict[str, PageOrigin]:
    """The origins of one shard's pages: what its worker needs of the provenance, and no more."""
    sources = (path.relative_to(raw_dir).as_posix() for path in paths)
    return {source: origins[source] for source in sources if source in origins}


def _start_workers(jobs: int, options: BuildOptions) -> ProcessPoolExecutor:
    """Worker processes that share this process's loaded segmenter, where the system forks.

    The dictionary is loaded here first (about two seconds and 200 MB): forked workers
    then share it instead of each loading its own copy.

    A ``concurrent.futures`` pool, not ``multiprocessing.Pool``: the latter's worker
    handler thread wakes whenever a result waits unread in its pipe, and with a page's
    tables (tens of kilobytes to megabytes) it spun for over a second of a build's CPU,
    time the workers then lacked. A worker that dies also fails the build here
    (``BrokenProcessPool``), where that pool would wait for it forever.
    """
    if "fork" in get_all_start_methods():
        loaded_segmenter(options.segmenter)
        return ProcessPoolExecutor(jobs, mp_context=get_context("fork"))
    return ProcessPoolExecutor(jobs, mp_context=get_context("spawn"))  # each worker builds its own segmenter once


def _stop_workers(pool: ProcessPoolExecutor, finished: bool) -> None:
    """Let the workers go: at once when the build did not finish (an error, an interrupt, a consumer that stopped).

    The pool alone would let each worker first finish the calls already queued to it,
    and with a shard per call, Ctrl-C took as long as a shard (seconds to minutes).
    """
    if not finished:
        # What Python 3.14's terminate_workers() does; the pool forgets its processes on shutdown.
        for process in list((getattr(pool, "_processes", None) or {}).values()):
            process.terminate()
    pool.shutdown(wait=finished, cancel_futures=True)


def _worker_died(error: BrokenProcessPool) -> ReleaseError:
    return ReleaseError(f"a worker process died before finishing its pages (killed, or out of memory?); nothing was published: {error}")


class _Done:
    """A result already in hand, with the face of a pool's pending result."""

    def __init__(self, value: PageResult) -> None:
        self.value = value

    def done(self) -> bool:
        return True

    def result(self) -> PageResult:
        return self.value


# Pages in flight at once with several jobs: enough to keep every worker busy, few
# enough that results waiting to be written stay small.
IN_FLIGHT_PAGES = 64
