"""The build's per-page function on Ray Data, for corpora larger than one machine.

Ray runs ``process_path`` on the cluster's workers; with ``preserve_order`` the
results come back to the driver in the order of the page list, and the driver alone
writes the Parquet row groups, so the release is byte-identical to a local build.
Each worker keeps one segmenter (and the page cache, if its folder is shared).
"""

from __future__ import annotations

import logging
import os
import pickle
from collections.abc import Iterator
from pathlib import Path

from ..errors import ReleaseError
from .executor import process_path
from .results import BuildOptions, PageResult


def ray_results(paths: list[Path], raw_dir: Path, options: BuildOptions, address: str | None = None) -> Iterator[PageResult]:
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
