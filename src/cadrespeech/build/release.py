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
import secrets
import shutil
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, replace
from functools import partial
from importlib import resources
from pathlib import Path
from types import MappingProxyType
from typing import Any

from tqdm import tqdm

from .. import __version__
from ..errors import PageError, ReleaseError, ReleaseExists
from ..provenance import PageOrigin, ProvenanceCheck, match_provenance, read_provenance, source_summary
from ..schema import CITATION, REPORT, shard_count
from ..stages.ingest import RawListing, list_raw_pages, page_sha256
from ..stages.tokens import segmenter_for
from ..versions import parse_version
from .cache import pipeline_fingerprint, usable_cache
from .citation import release_citation
from .manifest import config_entries, seal, write_manifest
from .report import write_report
from .results import BuildConfig, BuildOptions, PageReport, PageResult
from .shards import ShardCache, ShardPlan, WrittenShard, copied_shard, discard_work, plan_shards
from .writer import ShardItem, WrittenData, write_data, writer_facts

CARD_PROSE = "DATASET_CARD.md"  # the card's prose, shipped in the package's data folder
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
    timings: tuple[tuple[str, float], ...] = ()  # seconds per build step, then per pipeline step (profiling)


def build_release(config: BuildConfig) -> BuildResult:
    """Process every page under ``config.raw_dir`` and write ``out_dir/vVERSION`` atomically.

    Rows stream into Parquet row groups of fixed size as pages finish, in the order of
    the pages' sorted paths, so memory does not grow with the corpus and the bytes do
    not depend on ``jobs`` or ``engine``. Refuses (``ReleaseExists``) when that version
    exists with different bytes; a byte-identical rebuild changes nothing.

    Bad arguments (no raw folder, an empty one, an ``out_dir`` that is a file) are
    refused before anything is written; only one build of a version runs at a time.
    """
    version = parse_version(config.version)
    card_path = config.card_path or packaged_file(CARD_PROSE)
    citation_path = config.citation_path or packaged_file(CITATION)
    clock = StepClock()
    with clock.step("list raw folder"):
        listing = _listing_to_build(config.raw_dir, config.out_dir, (card_path, citation_path))
    with clock.step("provenance"):
        provenance, records = _provenance(config, listing)  # a malformed file is refused before anything is written
    config.out_dir.mkdir(parents=True, exist_ok=True)
    final = config.out_dir / f"v{version}"
    with build_lock(config.out_dir, version):
        _remove_temporaries(config.out_dir, version)  # safe: whoever made them no longer holds the lock
        # mkdir, not mkdtemp: the release keeps the folder's usual permissions (umask), not 0700.
        temporary = config.out_dir / f".tmp-v{version}-{secrets.token_hex(4)}"
        temporary.mkdir()
        try:
            segmenter = segmenter_for(config.pages.segmenter)
            with clock.step("fingerprint and cache"):
                options = replace(config.pages, fingerprint=pipeline_fingerprint(config.pages, segmenter))
                options, warnings = usable_cache(options)
            # A profile times the work, so it copies nothing from the cache (and keeps nothing).
            kept = Path(options.cache) if options.cache and not options.profile else None
            with clock.step("shards: plan and copy from the cache"):
                plan, copied, store = _plan(listing, config, options, temporary, kept, provenance.origins)
            to_build = [index for index in range(plan.count) if index not in copied]
            if _by_shard(config, options, plan, to_build):
                # Each shard a task (a Ray task, or a worker process) that writes its own
                # files: no page's rows pass through here.
                fresh = frozenset(to_build)
                shards = {index: list(plan.pages[index]) for index in to_build}
                if config.engine == "ray":
                    from .ray_engine import ray_shards

                    built = ray_shards(shards, config.raw_dir, temporary, plan.count, options, config.ray_address, provenance.origins)
                else:
                    from .executor import local_shards

                    built = local_shards(shards, config.raw_dir, temporary, plan.count, options, config.jobs, provenance.origins)
                results: Iterator[PageResult] = iter(())
            else:
                fresh, built = frozenset(), iter(())
                results = _results([path for index in to_build for path in plan.pages[index]], config, options)
            items = _shard_items(plan, copied | fresh, temporary, results, listing.problems, built, fresh)
            show = sys.stderr.isatty() if config.progress is None else config.progress
            items = tqdm(items, total=listing.entries, desc="pages", unit="page", file=sys.stderr, disable=not show)
            keep = None if store is None else partial(_keep, store, plan, temporary)
            with clock.step("pages: process and write"):
                data = write_data(temporary, items, plan, copied | fresh, keep, fresh, provenance.origins)
                discard_work(temporary)
            if not data.figures["documents"]:
                raise ReleaseError(f"{config.raw_dir}: {_no_documents(data)}; nothing was released")
            with clock.step("citation and report"):
                (temporary / CITATION).write_text(release_citation(citation_path, version), encoding="utf-8", newline="\n")
                # The report goes into the release, for the card to show its figures.
                facts = {"version": version, "configs": config_entries(data), "statistics": data.figures}
                write_report(temporary, temporary / REPORT, {**facts, "build": {"cadrespeech": __version__}}, kept, options.fingerprint)
            with clock.step("manifest, card, checksums"):
                sources = source_summary(records, provenance.origins)
                origin_facts = {**provenance.manifest_facts(config.provenance.name if config.provenance else None), "summary": sources}
                manifest_sha256 = write_manifest(temporary, version, data, segmenter, options, origin_facts)
                seal(temporary, version, data, card_path.read_text(encoding="utf-8"), manifest_sha256, origin_facts)
            with clock.step("publish"):
                status = _publish(temporary, final)
        except BaseException:
            shutil.rmtree(temporary, ignore_errors=True)
            raise
    if data.uncached:
        warnings += (f"{len(data.uncached)} page result(s) could not be cached ({data.uncached[0]}); they were built without it",)
    figures = data.figures
    timings = (*clock.times(), *((f"page step: {step}", seconds) for step, seconds in data.timings.items()))
    return BuildResult(final, status, figures["pages"], figures["pages_ok"], figures["documents"], data.problems, warnings, timings)


class StepClock:
    """Seconds spent in each named step of a build, in the order the steps ran."""

    def __init__(self) -> None:
        self._times: dict[str, float] = {}

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        start = time.perf_counter()
        try:
            yield
        finally:
            self._times[name] = self._times.get(name, 0.0) + time.perf_counter() - start

    def times(self) -> tuple[tuple[str, float], ...]:
        return tuple(self._times.items())


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


def _no_documents(data: WrittenData) -> str:
    reasons = [f"{r.source}: {r.reason}" for r in data.problems[:3]]
    more = f" (first: {'; '.join(reasons)})" if reasons else ""
    return f"none of the {data.figures['pages']} files gave a speech{more}"


def _named(files: list[str], limit: int = 10) -> str:
    """The differing files for a message: data and manifest first, the report's figures last."""
    files = sorted(files, key=lambda name: (name.startswith(f"{REPORT}/"), name))
    shown = ", ".join(files[:limit])
    return shown + (f" and {len(files) - limit} more" if len(files) > limit else "")


def _provenance(config: BuildConfig, listing: RawListing) -> tuple[ProvenanceCheck, dict[str, dict[str, Any]]]:
    """The provenance records, checked against the schema, matched with the raw pages (a page with a record is hashed)."""
    records = read_provenance(config.provenance) if config.provenance is not None else {}
    pages = []
    for path in listing.pages:
        source = path.relative_to(config.raw_dir).as_posix()
        pages.append((source, page_sha256(path) if source in records else None))
    return match_provenance(records, pages), records


def _plan(
    listing: RawListing,
    config: BuildConfig,
    options: BuildOptions,
    release: Path,
    kept: Path | None,
    origins: Mapping[str, PageOrigin] = MappingProxyType({}),
) -> tuple[ShardPlan, frozenset[int], ShardCache | None]:
    """The pages' shards; with a cache folder (``kept``), the shards found in it, already copied into ``release``."""
    count = shard_count(len(listing.pages), config.pages_per_shard)
    store = None if kept is None else ShardCache(kept)
    key_facts = None if store is None else json.dumps([options.fingerprint, writer_facts()])
    plan = plan_shards(list(listing.pages), config.raw_dir, count, key_facts, origins)
    copied = frozenset(index for index in range(count) if store is not None and store.copy_into(plan.keys[index], release, index))
    return plan, copied, store


def _by_shard(config: BuildConfig, options: BuildOptions, plan: ShardPlan, to_build: list[int]) -> bool:
    """Whether shards are built whole by workers: on Ray, or on several local processes, with two shards or more to build.

    A profile times each page's steps, which only the page-by-page way reports.
    """
    if plan.count < 2 or len(to_build) < 2 or options.profile:
        return False
    return config.engine == "ray" or (config.engine == "local" and config.jobs > 1)


def _keep(store: ShardCache, plan: ShardPlan, release: Path, shard: WrittenShard) -> str | None:
    return store.keep(plan.keys[shard.index], release, shard)


def _results(paths: list[Path], config: BuildConfig, options: BuildOptions) -> Iterator[PageResult]:
    """The pages' results in the order of ``paths``, from local processes or Ray."""
    if config.engine == "ray":
        from .ray_engine import ray_results

        return ray_results(paths, config.raw_dir, options, address=config.ray_address)
    if config.engine != "local":
        raise ReleaseError(f"unknown engine {config.engine!r}; choose local or ray")
    if not paths:  # every shard came from the cache: the pipeline is not even imported
        return iter(())
    from .executor import local_results

    return local_results(paths, config.raw_dir, options, max(1, config.jobs))


def _shard_items(
    plan: ShardPlan,
    written: frozenset[int],
    release: Path,
    results: Iterator[PageResult],
    problems: tuple[PageError, ...],
    built: Iterator[int],
    fresh: frozenset[int],
) -> Iterator[ShardItem]:
    """Every entry of the raw folder as (shard, result), shard by shard and in path order within each.

    Processed pages come from ``results`` (in plan order). The shards in ``written``
    are in ``release`` already: copied from the cache, or, in ``fresh``, written by
    workers, which ``built`` yields in order as they finish. Their pages come as the
    summaries left with them. An entry that could not be a page fails, in shard 0.
    """

    def pages() -> Iterator[ShardItem]:
        for index, shard in enumerate(plan.pages):
            if index in written:
                if index in fresh and next(built, None) != index:
                    raise RuntimeError(f"shard {index} was not built")
                yield from ((index, summary) for summary in copied_shard(release, index)[1])
            else:
                yield from ((index, next(results)) for _ in shard)

    failed = ((0, PageResult(PageReport(p.path, None, "error", stage=p.stage, reason=p.reason))) for p in problems)
    return heapq.merge(pages(), failed, key=lambda item: (item[0], item[1].report.source))


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
