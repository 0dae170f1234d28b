"""A config's Parquet files inside a release folder, read as one table.

A config is one file in small releases and in every release before 0.7.0, and a
power of two of shard files in large ones (``schema.shard_count``); the manifest lists
them in order. Readers go through here so that they never assume one file.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from .schema import data_file


def config_paths(release: Path, config: str, manifest: dict[str, Any] | None = None) -> list[Path]:
    """The config's files in order: as the manifest lists them, else its one file as releases before shards named it."""
    listed = ((manifest or {}).get("configs", {}).get(config) or {}).get("files")
    names = listed if isinstance(listed, list) and listed else [data_file(config)]
    return [release / name for name in names]


def read_config(paths: list[Path], columns: list[str] | None = None) -> pa.Table:
    """The rows of every file, in order, as one table."""
    tables = [pq.read_table(path, columns=columns) for path in paths]
    return tables[0] if len(tables) == 1 else pa.concat_tables(tables)


# Files are hashed a megabyte at a time: a release's largest file (a one-shard
# documents file can pass a gigabyte) is never in memory whole to be checked.
HASH_CHUNK_BYTES = 1 << 20


def file_digest(path: Path) -> tuple[str, int]:
    """The sha256 (hex) and the size in bytes of a file, read in chunks."""
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as stream:
        while chunk := stream.read(HASH_CHUNK_BYTES):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def config_rows(paths: list[Path]) -> int:
    return sum(pq.read_metadata(path).num_rows for path in paths)


def iter_batches(paths: list[Path], columns: list[str], batch_size: int) -> Iterator[pa.RecordBatch]:
    """The rows of every file, in order, a batch at a time (a few row groups in memory, never a whole config)."""
    for path in paths:
        yield from pq.ParquetFile(path).iter_batches(columns=columns, batch_size=batch_size)
