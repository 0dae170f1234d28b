"""The build on Ray, for corpora larger than one machine.

A release of one shard: Ray Data runs ``process_path`` on the cluster's workers; with
``preserve_order`` the results come back to the driver in the order of the page list,
and the driver writes the Parquet row groups. A release of several shards: each
shard is one Ray task that processes its pages and writes the shard's files itself
(``writer.write_shard``) into the release being built, which must therefore lie on
storage every node shares; the driver only reads each shard's summary, in shard
order. Either way the release is byte-identical to a local build. Each worker keeps
one segmenter (and the page cache, if its folder is shared).
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterator, Mapping
from pathlib import Path
from types import MappingProxyType

from ..errors import ReleaseError
from ..provenance import PageOrigin
from .executor import largest_first, process_path, shard_origins
from .results import BuildOptions, PageResult
from .writer import write_shard

_log = logging.getLogger(__name__)


def connected_ray(address: str | None):
    """Ray, connected to ``address`` (or a local cluster started here); and whether this call started it."""
    try:
        import ray
    except ImportError as error:
        raise ReleaseError("the ray engine needs Ray: pip install 'cadrespeech[ray]'") from error
    started_here = not ray.is_initialized()
    if started_here:
        ray.init(
            address=address,
            num_cpus=None if address else os.cpu_count(),
            include_dashboard=False,
            log_to_driver=False,
            configure_logging=False,
        )
    return ray, started_here


def _build_shard(
    paths: list[str], root: str, options: BuildOptions, release: str, count: int, index: int, origins: dict[str, PageOrigin]
) -> tuple[int, str]:
    import ray

    write_shard(Path(release), count, index, (process_path(path, root, options) for path in paths), origins)
    return index, ray.get_runtime_context().get_node_id()


def ray_shards(
    shards: dict[int, list[Path]],
    raw_dir: Path,
    release: Path,
    count: int,
    options: BuildOptions,
    address: str | None = None,
    origins: Mapping[str, PageOrigin] = MappingProxyType({}),
) -> Iterator[int]:
    """Build each shard (index: its pages in order) as one Ray task; yield the indexes in order as their files are complete."""
    ray, started_here = connected_ray(address)
    pending = {}
    try:
        task = ray.remote(num_cpus=1, max_retries=0)(_build_shard)
        root = os.path.abspath(raw_dir)
        pending = {
            index: task.remote(
                [os.path.abspath(p) for p in shards[index]],
                *(root, options, os.path.abspath(release), count, index, shard_origins(shards[index], raw_dir, origins)),
            )
            for index in largest_first(shards)  # submitted the largest first
        }
        for index in sorted(pending):
            done, node = ray.get(pending.pop(index))
            _log.debug("shard %d built on node %s", done, node)
            yield done
    finally:
        for reference in pending.values():
            ray.cancel(reference, force=True)
        if started_here:
            ray.shutdown()


def ray_results(paths: list[Path], raw_dir: Path, options: BuildOptions, address: str | None = None) -> Iterator[PageResult]:
    ray, started_here = connected_ray(address)
    try:
        logging.getLogger("ray.data").setLevel(logging.WARNING)
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True
        context.enable_progress_bars = False
        # Absolute, not resolved: a symlinked page keeps its own name (and is checked
        # against the raw folder where it is read).
        root = os.path.abspath(raw_dir)
        items = [{"path": os.path.abspath(p)} for p in paths]

        def process(row: dict) -> dict:
            # Pickled, so nested rows travel without an Arrow schema of their own.
            return {"result": pickle.dumps(process_path(row["path"], root, options))}

        for row in ray.data.from_items(items).map(process).iter_rows():
            yield pickle.loads(row["result"])
    finally:
        if started_here:
            ray.shutdown()
