"""Every table of a release: its columns, and the Arrow schema and ``datasets`` features made from them.

The Arrow schemas carry the ``datasets`` features in their metadata, so
``datasets.load_dataset`` gets exact types (``tokens`` as a list of strings, nullable
strings for missing metadata) without our package. The columns are plain values here,
and their ``datasets`` form is written out by us, so that a build never imports
``datasets`` (a second of every build); a test holds both forms equal to what
``datasets`` itself makes of them.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from functools import cache
from typing import Any

import pyarrow as pa


@dataclass(frozen=True, slots=True)
class ListOf:
    """A column holding a list of values of one type."""

    dtype: str


Column = str | ListOf  # a value's dtype ("string", "int32", ...) or a list of one
Columns = dict[str, Column]
STRING, BOOL, INT32, FLOAT32 = "string", "bool", "int32", "float32"
_ARROW_TYPES = {STRING: pa.string(), BOOL: pa.bool_(), INT32: pa.int32(), FLOAT32: pa.float32()}

DOCUMENTS = {
        "doc_id": STRING,
        "page_id": STRING,
        "source_file": STRING,
        "url": STRING,
        "retrieved": STRING,
        "speech_index": INT32,
        "page_title": STRING,
        "page_tags": ListOf(STRING),
        "title": STRING,
        "title_reason": STRING,
        "subtitle": STRING,
        "date": STRING,
        "date_source": STRING,
        "date_text": STRING,
        "published": STRING,
        "speaker": STRING,
        "occasion": STRING,
        "speaker_office": STRING,
        "admin_level": STRING,
        "region": STRING,
        "occasion_type": STRING,
        "enrichment_rules": ListOf(STRING),
        "opening": STRING,
        "is_speech": BOOL,
        "genre": STRING,
        "genre_reason": STRING,
        "script": STRING,
        "text": STRING,
        "text_offset": INT32,
        "n_chars": INT32,
        "n_paragraphs": INT32,
        "n_sections": INT32,
        "n_sentences": INT32,
        "n_tokens": INT32,
        "n_notes": INT32,
        "elided": BOOL,
        "raw_sha256": STRING,
        "encoding": STRING,
        "newlines": STRING,
        "had_bom": BOOL,
}

SECTIONS = {
        "doc_id": STRING,
        "section_id": STRING,
        "parent_id": STRING,
        "level": INT32,
        "style": STRING,
        "marker": STRING,
        "heading": STRING,
        "start": INT32,
        "end": INT32,
        "elided": BOOL,
}

SENTENCES = {
        "doc_id": STRING,
        "sentence_id": STRING,
        "section_id": STRING,
        "paragraph": INT32,
        "part": STRING,
        "is_heading": BOOL,
        "text": STRING,
        "start": INT32,
        "end": INT32,
        "tokens": ListOf(STRING),
        "token_starts": ListOf(INT32),
        "pos": ListOf(STRING),
}

PARAGRAPHS = {
        "doc_id": STRING,
        "paragraph_id": STRING,
        "paragraph": INT32,
        "section_id": STRING,
        "part": STRING,
        "is_heading": BOOL,
        "text": STRING,
        "start": INT32,
        "end": INT32,
        "n_chars": INT32,
        "paragraph_hash": STRING,
}

DUPLICATES = {
        "doc_id": STRING,
        "cluster_id": STRING,
        "canonical_doc_id": STRING,
        "cluster_size": INT32,
        "similarity": FLOAT32,
        "is_canonical": BOOL,
}

REMOVALS = {
        "page_id": STRING,
        "source_file": STRING,
        "edit_index": INT32,
        "rule": STRING,
        "raw_start": INT32,
        "raw_end": INT32,
        "text": STRING,
        "replacement": STRING,
}

NOTES = {
        "doc_id": STRING,
        "note_id": STRING,
        "marker": STRING,
        "text": STRING,
        "anchor": INT32,
        "sentence_id": STRING,
        "raw_start": INT32,
        "raw_end": INT32,
}

# Config name -> features, in the order the card lists them; "documents" is the default.
CONFIGS: dict[str, Columns] = {
    "documents": DOCUMENTS,
    "sections": SECTIONS,
    "sentences": SENTENCES,
    "paragraphs": PARAGRAPHS,
    "notes": NOTES,
    "removals": REMOVALS,
    "duplicates": DUPLICATES,
}
# Configs whose rows come page by page; "duplicates" is reckoned over the whole release.
PAGE_CONFIGS: tuple[str, ...] = ("documents", "sections", "sentences", "paragraphs", "notes", "removals")
DEFAULT_CONFIG = "documents"
# Columns whose values are unique within the config.
UNIQUE_KEYS: dict[str, str] = {
    "documents": "doc_id",
    "sections": "section_id",
    "sentences": "sentence_id",
    "paragraphs": "paragraph_id",
    "notes": "note_id",
    "duplicates": "doc_id",
}


def feature_dict(columns: Columns) -> dict[str, Any]:
    """The columns as ``datasets`` writes its features (``Features.to_dict``)."""

    def value(dtype: str) -> dict[str, str]:
        return {"dtype": dtype, "_type": "Value"}

    return {
        name: {"feature": value(column.dtype), "_type": "List"} if isinstance(column, ListOf) else value(column)
        for name, column in columns.items()
    }


@cache
def arrow_schema(config: str) -> pa.Schema:
    """The config's Arrow schema, with the ``datasets`` features in its metadata as ``datasets`` puts them there."""
    columns = CONFIGS[config]
    fields = [
        pa.field(name, pa.list_(_ARROW_TYPES[column.dtype]) if isinstance(column, ListOf) else _ARROW_TYPES[column])
        for name, column in columns.items()
    ]
    metadata = {"huggingface": json.dumps({"info": {"features": feature_dict(columns)}})}
    return pa.schema(fields, metadata=metadata)


def datasets_features(config: str):
    """The config's ``datasets.Features`` (imports ``datasets``: for readers, not the build)."""
    from datasets import Features

    return Features.from_dict(feature_dict(CONFIGS[config]))


def schema_fingerprint(features: dict[str, Any]) -> str:
    """sha256 of a config's features (``feature_dict``'s form): it changes exactly when the columns or types do."""
    canonical = json.dumps(features, sort_keys=True, ensure_ascii=False)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


# The other files of a release folder, named once for the build that writes them and
# the readers that check them.
MANIFEST = "manifest.json"
CARD = "README.md"  # the dataset card, where the Hub looks for it
CITATION = "CITATION.cff"
# sha256sum lines for the manifest and the card, which the manifest cannot list: the
# card names the manifest's checksum, so it is written after it.
CHECKSUMS = "SHA256SUMS"
# One JSON line per raw page: its path, sha256, status, documents, and any error.
RAW_INPUTS = "raw_inputs.jsonl"
# How the card names the manifest's checksum; ``verify`` looks for this line.
MANIFEST_LINE = "manifest.json sha256: `{}`"
REPORT = "report"  # index.html and figures/*.svg: the corpus report, made by the build


# Pages per shard a build aims at: a config's rows are split over a power of two of
# files, so that a corpus of a few thousand pages stays one file per config.
PAGES_PER_SHARD = 5_000
# Configs written whole (their rows are reckoned over the release, not page by page).
UNSHARDED_CONFIGS: tuple[str, ...] = ("duplicates",)


def shard_count(pages: int, pages_per_shard: int = PAGES_PER_SHARD) -> int:
    """How many shards a release of ``pages`` pages has: the least power of two that keeps each near ``pages_per_shard``.

    A power of two, so that when a corpus outgrows its count, each shard splits in two
    (a page's shard is its path's sha256 modulo the count) rather than every page moving.

    >>> shard_count(1), shard_count(5_000), shard_count(5_001), shard_count(12_000, 1_000)
    (1, 1, 2, 16)
    """
    if pages_per_shard < 1:
        raise ValueError("pages_per_shard must be at least 1")
    count = 1
    while count * pages_per_shard < pages:
        count *= 2
    return count


def shard_of(source: str, count: int) -> int:
    """The shard of a page at ``source`` (its path in the raw folder, as ``source_file`` names it).

    So a page keeps its shard while it keeps its name, however its bytes change: an
    edited page rewrites one shard, not the one it leaves and the one it joins. A
    byte-identical copy of an earlier page goes with it (``shards.plan_shards`` passes
    the first copy's path), so the copies one shard leaves out never depend on another.

    >>> shard_of("speeches/2021/讲话.html", 8), shard_of("a.txt", 8), shard_of("x/y.md", 8)
    (5, 1, 3)
    """
    digest = hashlib.sha256(source.encode("utf-8", "surrogateescape")).hexdigest()  # surrogateescape: any name the filesystem gave
    return int(digest[:8], 16) % count


def shard_file(config: str, index: int, count: int) -> str:
    """Where one shard of a config's rows lies inside a release folder (the Hub's file naming).

    >>> shard_file("sentences", 3, 16)
    'sentences/train-00003-of-00016.parquet'
    """
    return f"{config}/train-{index:05d}-of-{count:05d}.parquet"


def config_files(config: str, count: int) -> list[str]:
    """Every file of a config in a release of ``count`` shards (an unsharded config has one)."""
    count = 1 if config in UNSHARDED_CONFIGS else count
    return [shard_file(config, index, count) for index in range(count)]


def page_shard_files(index: int, count: int) -> dict[str, str]:
    """Each page config's file of one shard: ``config_files(config, count)[index]``, without naming every other shard's file.

    >>> page_shard_files(3, 16)["sentences"]
    'sentences/train-00003-of-00016.parquet'
    """
    return {config: shard_file(config, index, count) for config in PAGE_CONFIGS}  # page configs are all sharded


def data_file(config: str) -> str:
    """A config's file in a release of one shard (every release before 0.7.0, and every small one)."""
    return shard_file(config, 0, 1)
