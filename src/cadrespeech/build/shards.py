"""Spread a release's pages over shards, and keep written shards to copy into the next build.

Each page config is written as a power of two of Parquet files (``schema.shard_count``).
A page's shard follows from its path (``schema.shard_of``): a page stays in its shard
for as long as it keeps its name, whatever becomes of its bytes; byte-identical copies
follow the first of them. Pages go through the build shard by shard, in path order
within each, so a shard's files are a function of its own pages, the pipeline and the
writer's settings: its *key*.

With a cache, every shard written is kept under its key; the next build copies, byte
for byte, each shard whose key it finds, and processes only the pages of the others.
A kept shard is trusted only after the copy checks out against the sha256 of each file.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import shutil
import tempfile
import zlib
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from types import MappingProxyType

from ..datafiles import file_digest
from ..provenance import PageOrigin
from ..schema import page_shard_files, shard_of
from ..stages.ingest import page_sha256, sha256_hex
from ..stages.reprints import SpeechSignature
from .results import PageReport, PageSummary, PageTally

# Where the copied summaries of kept shards wait inside a release being built; removed before it is published.
WORK_FOLDER = ".shards"


@dataclass(frozen=True, slots=True)
class ShardPlan:
    """Which pages each shard holds, in path order, and each shard's key (empty without a cache)."""

    count: int
    pages: tuple[tuple[Path, ...], ...]
    keys: tuple[str, ...] = ()

    def files(self, index: int) -> list[str]:
        """The data files of one shard."""
        return list(page_shard_files(index, self.count).values())


def plan_shards(
    paths: list[Path], raw_dir: Path, count: int, key_facts: str | None = None, origins: Mapping[str, PageOrigin] = MappingProxyType({})
) -> ShardPlan:
    """Assign every page to its shard; with ``key_facts`` (what besides the pages decides a shard's bytes), key each shard.

    A page's shard follows from its path (``schema.shard_of``), so an edited page stays
    where it was. Pages with the same bytes all go where the first of them (in the order
    given: path order) goes, so the byte-identical copies a shard's own writer leaves
    out are the ones the whole build would: a shard's bytes depend on its pages alone.
    Every page is read once for its sha256 (one that cannot be read is placed by its own
    path, and fails in the pipeline with its reason). A page's origin (URL and retrieval
    date, from the provenance file) is part of the key: the shard's documents state it.
    """
    if count == 1 and key_facts is None:
        return ShardPlan(1, (tuple(paths),))
    first_with: dict[str, str] = {}  # sha256 -> the source of the first page with those bytes
    members: list[list[tuple[Path, str, str | None]]] = [[] for _ in range(count)]
    for path in paths:
        source, sha256 = path.relative_to(raw_dir).as_posix(), page_sha256(path)
        placed_by = source if sha256 is None else first_with.setdefault(sha256, source)
        members[shard_of(placed_by, count)].append((path, source, sha256))
    pages = tuple(tuple(path for path, _, _ in shard) for shard in members)
    if key_facts is None:
        return ShardPlan(count, pages)
    keyed = [[_page_key(source, sha256, origins) for _, source, sha256 in shard] for shard in members]
    keys = tuple(hashlib.sha256(json.dumps([key_facts, count, index, each]).encode()).hexdigest() for index, each in enumerate(keyed))
    return ShardPlan(count, pages, keys)


def _page_key(source: str, sha256: str | None, origins: Mapping[str, PageOrigin]) -> list[str | None]:
    origin = origins.get(source)
    return [source, sha256] if origin is None else [source, sha256, origin.url, origin.retrieved]


@dataclass(frozen=True, slots=True)
class WrittenShard:
    """What the writer knows of one shard once its files are complete."""

    index: int
    files: dict[str, tuple[int, int]]  # release path -> (rows, in-memory Arrow bytes)
    summaries: tuple[PageSummary, ...]  # its pages, as they came to the writer (before any duplicate was marked)


class ShardCache:
    """Written shards on disk, one folder per key: the data files and their pages' summaries.

    ``summary.bin`` holds a header line (format, key, body sha256) and the body: each
    file's sha256, rows and Arrow bytes, and the pages' summaries, in ``marshal`` form.
    """

    FORMAT = b"cadrespeech-shard-cache-1"

    def __init__(self, folder: Path) -> None:
        self.folder = folder / "shards"

    def _entry(self, key: str) -> Path:
        return self.folder / key[:2] / key

    def copy_into(self, key: str, release: Path, index: int) -> bool:
        """Copy the shard kept under ``key`` into ``release`` if there is a sound one; True when copied."""
        entry = self._entry(key)
        copied: list[Path] = []
        try:
            header, body = (entry / "summary.bin").read_bytes().split(b"\n", 1)
            form, stated_key, body_sha = header.split(b" ")
            if (form, stated_key.decode()) != (self.FORMAT, key) or sha256_hex(body) != body_sha.decode():
                return False
            files, _ = marshal.loads(zlib.decompress(body))
            for name, (digest, _rows, _arrow_bytes) in files.items():
                if Path(name).is_absolute() or ".." in Path(name).parts:
                    raise ValueError(f"{name} points outside the release")
                target = release / name
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(entry / name, target)
                copied.append(target)
                if file_digest(target)[0] != digest:  # checked on our own copy: no race with a writer
                    raise ValueError(f"{name} does not match its sha256")
            work = release / WORK_FOLDER
            work.mkdir(exist_ok=True)
            (work / f"{index}.bin").write_bytes(body)
        except (OSError, ValueError, EOFError, TypeError, zlib.error):
            for target in copied:
                target.unlink(missing_ok=True)
            return False
        return True

    def keep(self, key: str, release: Path, shard: WrittenShard) -> str | None:
        """Keep a shard just written into ``release``; on a full or read-only disk keep nothing and say why."""
        entry = self._entry(key)
        if entry.is_dir():
            return None  # kept by an earlier build: same key, same bytes
        # A shard a worker wrote left its summary, file digests included: no second read of its files.
        work = release / WORK_FOLDER / f"{shard.index}.bin"
        body = work.read_bytes() if work.is_file() else _shard_body(release, shard)
        header = b" ".join([self.FORMAT, key.encode(), sha256_hex(body).encode()])
        temporary = None
        try:
            entry.parent.mkdir(parents=True, exist_ok=True)
            temporary = Path(tempfile.mkdtemp(dir=entry.parent, suffix=".tmp"))
            for name in shard.files:
                (temporary / name).parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(release / name, temporary / name)
            (temporary / "summary.bin").write_bytes(header + b"\n" + body)
            os.rename(temporary, entry)  # a whole entry or none; a concurrent build may have won
        except OSError as error:
            if temporary is not None:
                shutil.rmtree(temporary, ignore_errors=True)
            if entry.is_dir():
                return None
            return error.strerror or str(error)
        return None


def _shard_body(release: Path, shard: WrittenShard) -> bytes:
    """A shard's summary: each file's sha256, rows and Arrow bytes, and its pages' summaries, compressed."""
    files = {name: (file_digest(release / name)[0], *figures) for name, figures in shard.files.items()}
    return zlib.compress(marshal.dumps((files, [_plain(s) for s in shard.summaries])), 1)


def write_work_summary(release: Path, shard: WrittenShard) -> None:
    """Leave a shard's summary in the release being built, as a copied shard's is left: for a shard a worker wrote."""
    work = release / WORK_FOLDER
    work.mkdir(exist_ok=True)
    (work / f"{shard.index}.bin").write_bytes(_shard_body(release, shard))


def copied_shard(release: Path, index: int) -> tuple[dict[str, tuple[int, int]], list[PageSummary]]:
    """The files (rows, Arrow bytes) and page summaries of a shard ``ShardCache.copy_into`` put into ``release``."""
    files, summaries = marshal.loads(zlib.decompress((release / WORK_FOLDER / f"{index}.bin").read_bytes()))
    return {name: (rows, arrow_bytes) for name, (_, rows, arrow_bytes) in files.items()}, [_summary(s) for s in summaries]


def discard_work(release: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        shutil.rmtree(release / WORK_FOLDER)


def _plain(summary: PageSummary) -> tuple:
    signatures = [(s.doc_id, s.n_chars, s.signature) for s in summary.signatures]
    tally = (summary.tally.tokens, summary.tally.characters, summary.tally.removed)
    # Neither the cache problem nor the timings: they belong to the build that processed the page.
    return (asdict(summary.report), summary.rows, tally, signatures, summary.paragraph_hashes)


def _summary(plain: tuple) -> PageSummary:
    report, rows, tally, signatures, hashes = plain
    return PageSummary(
        PageReport(**report),
        tuple(tuple(r) for r in rows),
        PageTally(tally[0], tally[1], tuple(tuple(r) for r in tally[2])),
        tuple(SpeechSignature(*s) for s in signatures),
        tuple(tuple(h) for h in hashes),
    )
