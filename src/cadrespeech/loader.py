"""Find releases and load them as ``datasets`` objects, checking their bytes first."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import datasets
import pyarrow.compute as pc
import pyarrow.parquet as pq

from .errors import ReleaseError
from .ingest import sha256_hex
from .schema import CONFIGS, data_file
from .versions import is_version, version_key

DEFAULT_RELEASES = Path("corpus") / "releases"


def releases_dir(folder: str | Path | None = None) -> Path:
    """The releases folder: the argument, else $CADRESPEECH_RELEASES, else ./corpus/releases."""
    return Path(folder or os.environ.get("CADRESPEECH_RELEASES") or DEFAULT_RELEASES)


def releases(folder: str | Path | None = None) -> list[str]:
    """Versions with a complete release (one that has its manifest), oldest first.

    >>> releases("/nonexistent")
    []
    """
    root = releases_dir(folder)
    if not root.is_dir():
        return []
    found = [p.name[1:] for p in root.iterdir() if p.is_dir() and p.name.startswith("v") and (p / "manifest.json").is_file()]
    return sorted((v for v in found if is_version(v)), key=version_key)


def release_path(version: str | Path = "latest", folder: str | Path | None = None) -> Path:
    """The folder of a release: a version ("latest", "0.1.0", "v0.1.0") or a release folder."""
    candidate = Path(version)
    if (candidate / "manifest.json").is_file():
        return candidate
    if "/" in str(version) or candidate.is_dir():
        raise ReleaseError(f"{candidate}: not a release folder (no manifest.json)")
    known = releases(folder)
    if not known:
        raise ReleaseError(f"no releases in {releases_dir(folder)}; build one with: cadrespeech build --version 0.1.0")
    wanted = known[-1] if str(version) == "latest" else str(version).removeprefix("v")
    if wanted not in known:
        raise ReleaseError(f"no release {version} in {releases_dir(folder)}; known: {', '.join(known)}")
    return releases_dir(folder) / f"v{wanted}"


def read_manifest(path: Path) -> dict[str, Any]:
    try:
        return json.loads((path / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ReleaseError(f"{path / 'manifest.json'}: cannot read the manifest: {error}") from error


def check_files(path: Path, manifest: dict[str, Any], names: list[str] | None = None) -> list[str]:
    """One line per file that is missing or differs from the manifest."""
    problems = []
    for name, entry in manifest["files"].items():
        if names is not None and name not in names:
            continue
        file = path / name
        if not file.is_file():
            problems.append(f"{file}: missing")
            continue
        data = file.read_bytes()
        if len(data) != entry["bytes"] or sha256_hex(data) != entry["sha256"]:
            problems.append(f"{file}: sha256 does not match the manifest (the file was changed or damaged)")
    return problems


def load(
    config: str = "documents",
    version: str | Path = "latest",
    split: str = "train",
    streaming: bool = False,
    releases_folder: str | Path | None = None,
) -> datasets.Dataset | datasets.IterableDataset:
    """Load one config of a release, after checking its files against the manifest.

    >>> load("documents", releases_folder="/nonexistent")  # doctest: +IGNORE_EXCEPTION_DETAIL
    Traceback (most recent call last):
    cadrespeech.errors.ReleaseError: no releases in /nonexistent; ...
    """
    if config not in CONFIGS:
        raise ReleaseError(f"unknown config {config!r}; choose one of {', '.join(CONFIGS)}")
    file = checked_file(config, version, releases_folder)
    if pq.ParquetFile(file).metadata.num_rows == 0:
        # ``datasets`` cannot read a split with no rows (a release whose pages carry no
        # notes, say); the config is then an empty table of the release's own columns.
        empty = datasets.Dataset(pq.read_table(file))
        return datasets.IterableDataset.from_generator(_no_rows, features=empty.features) if streaming else empty
    # The release's own features (in its Parquet schema) type the columns, so a release
    # written by an older cadrespeech loads as it was written.
    return datasets.load_dataset("parquet", data_files={"train": str(file)}, split=split, streaming=streaming)


def _no_rows() -> Any:
    yield from ()


def shared_paragraphs(
    version: str | None = None, min_documents: int = 2, releases_folder: str | Path | None = None
) -> list[dict[str, Any]]:
    """Paragraphs whose normalised text recurs in ``min_documents`` or more speeches.

    One entry per recurring text, most widespread first: its ``paragraph_hash``, the
    ``doc_ids`` sharing it (sorted), and its ``text`` as first found.
    """
    table = pq.read_table(checked_file("paragraphs", version or "latest", releases_folder), columns=["doc_id", "paragraph_hash", "text"])
    table = table.filter(pc.field("paragraph_hash").is_valid())
    groups = table.group_by("paragraph_hash", use_threads=False).aggregate([("doc_id", "distinct"), ("text", "first")])
    found = [
        {"paragraph_hash": row["paragraph_hash"], "doc_ids": sorted(row["doc_id_distinct"]), "text": row["text_first"]}
        for row in groups.to_pylist()
        if len(row["doc_id_distinct"]) >= min_documents
    ]
    return sorted(found, key=lambda entry: (-len(entry["doc_ids"]), entry["paragraph_hash"]))


def checked_file(config: str, version: str | Path, releases_folder: str | Path | None) -> Path:
    """A config's Parquet file in a release, after checking it against the manifest."""
    path = release_path(version, releases_folder)
    manifest = read_manifest(path)
    configs = manifest.get("configs", {})
    if config not in configs:
        raise ReleaseError(f"{path} has no {config} config (it has {', '.join(configs)}); it came in a later release")
    problems = check_files(path, manifest, [data_file(config)])
    if problems:
        raise ReleaseError("; ".join(problems))
    return path / data_file(config)
