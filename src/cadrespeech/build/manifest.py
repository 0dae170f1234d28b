"""The manifest that vouches for a release's files, the card, and the checksums that vouch for both."""

from __future__ import annotations

import json
import platform
from collections.abc import Iterable
from dataclasses import asdict
from importlib.metadata import version as installed_version
from pathlib import Path
from typing import Any

import pyarrow as pa

from .. import __version__
from ..datafiles import file_digest
from ..schema import CARD, CHECKSUMS, CONFIGS, MANIFEST, RAW_INPUTS, feature_dict, schema_fingerprint
from ..stages.ingest import sha256_hex
from ..stages.tokens import Segmenter
from . import writer
from .card import render_card
from .results import BuildOptions
from .writer import WrittenData


def config_entries(data: WrittenData) -> dict[str, dict[str, Any]]:
    """Each config's files, rows and schema fingerprint."""
    return {
        name: {"files": data.config_files(name), "rows": data.rows[name], "schema_fingerprint": schema_fingerprint(feature_dict(columns))}
        for name, columns in CONFIGS.items()
    }


def file_entries(folder: Path, data: WrittenData) -> dict[str, dict[str, Any]]:
    """sha256 and bytes of every file in ``folder`` (rows for the data), but the manifest, card and checksums."""
    entries = {name: file_entry(folder / name, rows=rows) for name, (rows, _) in data.files.items()}
    entries[RAW_INPUTS] = file_entry(folder / RAW_INPUTS, rows=data.figures["pages"])
    for path in folder.rglob("*"):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in entries and name not in (MANIFEST, CARD, CHECKSUMS):
            entries[name] = file_entry(path)
    return dict(sorted(entries.items()))


# The manifest's statement of schema.shard_of as shards.plan_shards applies it.
PAGE_SHARD_RULE = "int(sha256(source_file)[:8], 16) % count, source_file of the first page with the same bytes"


def write_manifest(
    folder: Path, version: str, data: WrittenData, segmenter: Segmenter, options: BuildOptions, provenance: dict[str, Any] | None = None
) -> str:
    """Write ``manifest.json``, listing every file already in ``folder``; return its sha256."""
    manifest = {
        "name": "cadrespeech",
        "version": version,
        "configs": config_entries(data),
        # How pages were spread over each page config's files (schema.shard_of). Only the
        # count decides the bytes: any --pages-per-shard that gives it gives this release.
        "shards": {"count": data.shards, "page_shard": PAGE_SHARD_RULE},
        "files": file_entries(folder, data),
        "raw_inputs": RAW_INPUTS,
        "page_errors": [asdict(r) for r in data.problems if r.status == "error"],
        "pages_skipped": [asdict(r) for r in data.problems if r.status != "error"],
        "statistics": data.figures,
        "build": build_facts(segmenter, options),
    }
    if provenance is not None:
        # Which pages have a provenance record, which lack one, and the sources in brief.
        manifest["provenance"] = provenance
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    (folder / MANIFEST).write_text(text, encoding="utf-8", newline="\n")
    return sha256_hex(text.encode())


def build_facts(segmenter: Segmenter, options: BuildOptions) -> dict[str, Any]:
    """What a version pins besides its pages: the code's fingerprint, the dictionary, the environment, the options."""
    return {
        "cadrespeech": __version__,
        "segmenter": segmenter.engine,
        "segmenter_version": segmenter.engine_version,
        "tagger": segmenter.tagger,
        "jieba": segmenter.jieba_version,
        "jieba_dictionary_sha256": segmenter.dictionary_sha256,
        "domain_dictionary": _domain_entry(segmenter),
        "pipeline_fingerprint": options.fingerprint,
        "pyarrow": pa.__version__,
        "datasets": installed_version("datasets"),  # what loads the release; not imported to build it
        "python": platform.python_version(),
        "options": {"skip_rules": sorted(options.skip_rules), "parquet": writer.PARQUET_OPTIONS, "row_group_rows": writer.ROW_GROUP_ROWS},
    }


def seal(folder: Path, version: str, data: WrittenData, prose: str, manifest_sha256: str, provenance: dict[str, Any] | None = None) -> None:
    """Write the card, which names the manifest's sha256, and ``SHA256SUMS`` for the manifest and the card.

    The manifest vouches for every other file; these vouch for the manifest from outside it.
    """
    splits = {name: (data.rows[name], data.arrow_bytes[name]) for name in CONFIGS}
    card = render_card(version, data.figures, splits, data.problems, prose, manifest_sha256, data.shards, provenance)
    (folder / CARD).write_text(card, encoding="utf-8", newline="\n")
    (folder / CHECKSUMS).write_text(checksum_lines(folder, (CARD, MANIFEST)), encoding="utf-8", newline="\n")


def checksum_lines(folder: Path, names: Iterable[str]) -> str:
    """``sha256sum`` lines for ``names`` in ``folder``, so ``sha256sum -c SHA256SUMS`` checks them too."""
    return "".join(f"{file_digest(folder / name)[0]}  {name}\n" for name in sorted(names))


def _domain_entry(segmenter: Segmenter) -> dict[str, Any] | None:
    domain = segmenter.domain
    return None if domain is None else {"version": domain.version, "sha256": domain.sha256, "terms": len(domain.terms)}


def file_entry(path: Path, rows: int | None = None) -> dict[str, Any]:
    digest, size = file_digest(path)
    entry: dict[str, Any] = {"sha256": digest, "bytes": size}
    if rows is not None:
        entry["rows"] = rows
    return entry
