"""Find releases and load them as ``datasets`` objects, checking their bytes first."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..datafiles import config_rows, file_digest, read_config
from ..errors import ReleaseError
from ..schema import CARD, CHECKSUMS, CONFIGS, MANIFEST
from ..versions import is_version, version_key

if TYPE_CHECKING:
    import datasets

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
    found = [p.name[1:] for p in root.iterdir() if p.is_dir() and p.name.startswith("v") and (p / MANIFEST).is_file()]
    return sorted((v for v in found if is_version(v)), key=version_key)


def release_path(version: str | Path = "latest", folder: str | Path | None = None) -> Path:
    """The folder of a release: a version ("latest", "0.1.0", "v0.1.0") or a release folder."""
    candidate = Path(version)
    if (candidate / MANIFEST).is_file():
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


# Releases from this cadrespeech version on carry SHA256SUMS (for the manifest and
# the card) and leave the card out of the manifest; older ones list the card in it.
CHECKSUMS_SINCE = (0, 6, 0)


def read_manifest(path: Path) -> dict[str, Any]:
    """The release's manifest, after checking its shape; anything malformed is a one-line ``ReleaseError``."""
    where = path / MANIFEST
    try:
        manifest = json.loads(where.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ReleaseError(f"{where}: cannot read the manifest: {error}") from error
    problem = _manifest_shape_problem(manifest)
    if problem:
        raise ReleaseError(f"{where}: malformed manifest: {problem}")
    return manifest


def _manifest_shape_problem(manifest: Any) -> str | None:
    if not isinstance(manifest, dict):
        return f"a JSON {type(manifest).__name__}, not an object"
    for key, kind in (("files", dict), ("configs", dict), ("statistics", dict), ("build", dict), ("version", str)):
        if not isinstance(manifest.get(key), kind):
            return f"'{key}' is missing or not a {kind.__name__}"
    for name, entry in manifest["files"].items():
        if not (isinstance(entry, dict) and isinstance(entry.get("sha256"), str) and type(entry.get("bytes")) is int):
            return f"files entry {name!r} lacks a sha256 and a byte count"
        if Path(name).is_absolute() or ".." in Path(name).parts:
            return f"files entry {name!r} points outside the release"
    for name, info in manifest["configs"].items():
        if not (isinstance(info, dict) and type(info.get("rows")) is int and isinstance(info.get("files"), list)):
            return f"config {name!r} lacks its rows or files"
        if not all(isinstance(file, str) for file in info["files"]):
            return f"config {name!r} names a file that is not a path"
    return None


def built_by(manifest: dict[str, Any]) -> tuple[int, ...]:
    """The cadrespeech version that built a release, as a sortable tuple."""
    stated = str(manifest["build"].get("cadrespeech", "0.0.0"))
    return version_key(stated) if is_version(stated) else (0, 0, 0)


def check_manifest_checksum(path: Path, manifest: dict[str, Any]) -> list[str]:
    """The manifest and the card against ``SHA256SUMS`` (required from 0.6.0 on), one line per problem."""
    sums = path / CHECKSUMS
    if not sums.is_file():
        return [f"{sums}: missing; nothing vouches for the manifest"] if built_by(manifest) >= CHECKSUMS_SINCE else []
    listed: dict[str, str] = {}
    for line in sums.read_text(encoding="utf-8", errors="replace").splitlines():
        digest, _, name = line.partition("  ")
        listed[name] = digest
    problems = []
    for name in (MANIFEST, CARD):
        file = path / name
        if name not in listed:
            problems.append(f"{sums}: does not list {name}")
        elif not file.is_file() or file_digest(file)[0] != listed[name]:
            problems.append(f"{file}: sha256 does not match {CHECKSUMS} (the file was changed or damaged)")
    return problems


def check_files(path: Path, manifest: dict[str, Any], names: list[str] | None = None) -> list[str]:
    """One line per file that is missing or differs from the manifest; with no ``names``, also every file it does not list."""
    problems = []
    for name, entry in manifest["files"].items():
        if names is not None and name not in names:
            continue
        file = path / name
        if not file.is_file():
            problems.append(f"{file}: missing")
            continue
        if file_digest(file) != (entry["sha256"], entry["bytes"]):
            problems.append(f"{file}: sha256 does not match the manifest (the file was changed or damaged)")
    for name in names or []:
        if name not in manifest["files"]:
            problems.append(f"{path / name}: the manifest does not list this file, so nothing vouches for it")
    if names is None:
        problems += [f"{path / name}: not in the manifest (an extra file)" for name in _unlisted(path, manifest)]
    return problems


def _unlisted(path: Path, manifest: dict[str, Any]) -> list[str]:
    """Files and folders in the release that neither the manifest nor the checksums account for."""
    accounted = {*manifest["files"], MANIFEST}
    if built_by(manifest) >= CHECKSUMS_SINCE:
        accounted |= {CARD, CHECKSUMS}
    folders = {parent.as_posix() for name in accounted for parent in Path(name).parents}
    extra = []
    for entry in sorted(path.rglob("*")):
        name = entry.relative_to(path).as_posix()
        if entry.is_dir() and not entry.is_symlink() and name in folders:
            continue
        if name not in accounted:
            extra.append(name + ("/" if entry.is_dir() else ""))
    return extra


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
    import datasets  # a second to import: only when a release is loaded

    if config not in CONFIGS:
        raise ReleaseError(f"unknown config {config!r}; choose one of {', '.join(CONFIGS)}")
    files = checked_files(config, version, releases_folder)
    if config_rows(files) == 0:
        # ``datasets`` cannot read a split with no rows (a release whose pages carry no
        # notes, say); the config is then an empty table of the release's own columns.
        empty = datasets.Dataset(pq.read_table(files[0]))
        return datasets.IterableDataset.from_generator(_no_rows, features=empty.features) if streaming else empty
    # The release's own features (in its Parquet schema) type the columns, so a release
    # written by an older cadrespeech loads as it was written.
    # Shards are one split, in their order: the rows come as one file would give them.
    return datasets.load_dataset("parquet", data_files={"train": [str(file) for file in files]}, split=split, streaming=streaming)


def _no_rows() -> Any:
    yield from ()


def shared_paragraphs(
    version: str | None = None, min_documents: int = 2, releases_folder: str | Path | None = None
) -> list[dict[str, Any]]:
    """Paragraphs whose normalised text recurs in ``min_documents`` or more speeches.

    One entry per recurring text, most widespread first: its ``paragraph_hash``, the
    ``doc_ids`` sharing it (sorted), and its ``text`` as first found.
    """
    table = read_config(checked_files("paragraphs", version or "latest", releases_folder), ["doc_id", "paragraph_hash", "text"])
    table = table.filter(pc.field("paragraph_hash").is_valid())
    groups = table.group_by("paragraph_hash", use_threads=False).aggregate([("doc_id", "distinct"), ("text", "first")])
    found = [
        {"paragraph_hash": row["paragraph_hash"], "doc_ids": sorted(row["doc_id_distinct"]), "text": row["text_first"]}
        for row in groups.to_pylist()
        if len(row["doc_id_distinct"]) >= min_documents
    ]
    return sorted(found, key=lambda entry: (-len(entry["doc_ids"]), entry["paragraph_hash"]))


def checked_files(config: str, version: str | Path, releases_folder: str | Path | None) -> list[Path]:
    """A config's Parquet files in a release (one, or its shards in order), after checking them against the manifest."""
    path = release_path(version, releases_folder)
    manifest = read_manifest(path)
    configs = manifest.get("configs", {})
    if config not in configs:
        raise ReleaseError(f"{path} has no {config} config (it has {', '.join(configs)}); it came in a later release")
    names = configs[config]["files"]
    problems = check_manifest_checksum(path, manifest) + check_files(path, manifest, names)
    if not names:
        problems.append(f"{path / MANIFEST}: config {config} names no files")
    if problems:
        raise ReleaseError("; ".join(problems))
    return [path / name for name in names]
