"""Every table of a release: its ``datasets`` features and the Arrow schema derived from them.

The Arrow schemas carry the ``datasets`` features in their metadata, so
``datasets.load_dataset`` gets exact types (``tokens`` as a list of strings, nullable
strings for missing metadata) without our package.
"""

from __future__ import annotations

import hashlib
import json
from functools import cache

import pyarrow as pa
from datasets import Features, List, Value

STRING, BOOL, INT32, FLOAT32 = Value("string"), Value("bool"), Value("int32"), Value("float32")

DOCUMENTS = Features(
    {
        "doc_id": STRING,
        "page_id": STRING,
        "source_file": STRING,
        "speech_index": INT32,
        "page_title": STRING,
        "page_tags": List(STRING),
        "title": STRING,
        "title_reason": STRING,
        "subtitle": STRING,
        "date": STRING,
        "date_source": STRING,
        "date_text": STRING,
        "published": STRING,
        "speaker": STRING,
        "occasion": STRING,
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
)

SECTIONS = Features(
    {
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
)

SENTENCES = Features(
    {
        "doc_id": STRING,
        "sentence_id": STRING,
        "section_id": STRING,
        "paragraph": INT32,
        "part": STRING,
        "is_heading": BOOL,
        "text": STRING,
        "start": INT32,
        "end": INT32,
        "tokens": List(STRING),
        "token_starts": List(INT32),
        "pos": List(STRING),
    }
)

PARAGRAPHS = Features(
    {
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
)

DUPLICATES = Features(
    {
        "doc_id": STRING,
        "cluster_id": STRING,
        "canonical_doc_id": STRING,
        "cluster_size": INT32,
        "similarity": FLOAT32,
        "is_canonical": BOOL,
    }
)

REMOVALS = Features(
    {
        "page_id": STRING,
        "source_file": STRING,
        "edit_index": INT32,
        "rule": STRING,
        "raw_start": INT32,
        "raw_end": INT32,
        "text": STRING,
        "replacement": STRING,
    }
)

NOTES = Features(
    {
        "doc_id": STRING,
        "note_id": STRING,
        "marker": STRING,
        "text": STRING,
        "anchor": INT32,
        "sentence_id": STRING,
        "raw_start": INT32,
        "raw_end": INT32,
    }
)

# Config name -> features, in the order the card lists them; "documents" is the default.
CONFIGS: dict[str, Features] = {
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


@cache
def arrow_schema(config: str) -> pa.Schema:
    # datasets rebuilds the schema (and its metadata) on every access: a cost per page.
    return CONFIGS[config].arrow_schema


def schema_fingerprint(features: Features) -> str:
    """sha256 of a config's features: it changes exactly when the columns or types do."""
    canonical = json.dumps(features.to_dict(), sort_keys=True, ensure_ascii=False)
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
REPORT = "report"  # index.html and figures/*.png: the corpus report, made by the build


def data_file(config: str) -> str:
    """Where a config's rows lie inside a release folder (the Hub's file naming)."""
    return f"{config}/train-00000-of-00001.parquet"
