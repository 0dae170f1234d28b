"""Check a release against its manifest and against itself: bytes, rows, IDs, offsets, tree."""

from __future__ import annotations

from collections import Counter
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
from datasets import Features

from .errors import ReleaseError
from .loader import check_files, read_manifest
from .reprints import paragraph_hash
from .schema import CONFIGS, UNIQUE_KEYS, data_file, schema_fingerprint
from .versions import version_key

MAX_PROBLEMS_PER_CHECK = 20


def verify_release(path: Path) -> list[str]:
    """Every problem found, one line each; an empty list means the release is sound."""
    try:
        manifest = read_manifest(path)
    except ReleaseError as error:
        return [str(error)]
    problems = check_files(path, manifest)
    tables: dict[str, list[dict[str, Any]]] = {}
    for name in _expected_configs(manifest):
        file = path / data_file(name)
        info = manifest.get("configs", {}).get(name)
        if info is None:
            problems.append(f"{path / 'manifest.json'}: config {name} is not listed")
            continue
        if not file.is_file():
            continue  # already reported as missing
        try:
            table = pq.read_table(file)
            rows = table.to_pylist()
        except Exception as error:  # a damaged file: say so and go on with the others
            problems.append(f"{file}: not a readable Parquet file ({type(error).__name__}: {error})")
            continue
        if table.num_rows != info["rows"]:
            problems.append(f"{file}: {table.num_rows} rows, the manifest says {info['rows']}")
        # A release is checked against its own manifest, so older releases stay verifiable.
        if info["schema_fingerprint"] != schema_fingerprint(Features.from_arrow_schema(table.schema)):
            problems.append(f"{file}: schema does not match the fingerprint in the manifest")
            continue
        tables[name] = rows
        key = UNIQUE_KEYS.get(name)
        if key:
            repeated = [value for value, count in Counter(row[key] for row in rows).items() if count > 1]
            problems += _capped(f"{file}: {key} {value} occurs more than once" for value in repeated)
    if {"documents", "sections", "sentences"} <= tables.keys():
        problems += _check_offsets(path, tables)
    if {"documents", "paragraphs", "duplicates"} <= tables.keys():
        problems += _check_reuse(path, tables)
    return problems


# Configs a release of each cadrespeech version has; older releases stay verifiable.
FIRST_CONFIGS = ("documents", "sections", "sentences", "removals")
REUSE_CONFIGS_SINCE = (0, 4, 0)


def _expected_configs(manifest: dict[str, Any]) -> list[str]:
    built_by = version_key(str(manifest.get("build", {}).get("cadrespeech", "0.0.0")))
    return list(CONFIGS) if built_by >= REUSE_CONFIGS_SINCE else list(FIRST_CONFIGS)


def _check_reuse(path: Path, tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Paragraphs lie in their documents with the hash of their text; every document has one reprint row."""
    texts = {row["doc_id"]: row["text"] for row in tables["documents"]}
    paragraph_file, duplicates_file = path / data_file("paragraphs"), path / data_file("duplicates")

    def paragraph_problems():
        for row in tables["paragraphs"]:
            text = texts.get(row["doc_id"])
            if text is None or text[row["start"] : row["end"]] != row["text"]:
                yield f"{paragraph_file}: {row['paragraph_id']} text does not match its document at {row['start']}-{row['end']}"
            elif row["paragraph_hash"] != paragraph_hash(row["text"]):
                yield f"{paragraph_file}: {row['paragraph_id']} paragraph_hash is not the hash of its text"

    def duplicate_problems():
        rows = {row["doc_id"]: row for row in tables["duplicates"]}
        if rows.keys() != texts.keys():
            yield f"{duplicates_file}: {len(rows.keys() ^ texts.keys())} documents lack a row or have no document"
        for row in rows.values():
            canonical = rows.get(row["canonical_doc_id"])
            if canonical is None or canonical["cluster_id"] != row["cluster_id"] or not canonical["is_canonical"]:
                yield f"{duplicates_file}: {row['doc_id']} names canonical {row['canonical_doc_id']}, which does not stand for its cluster"

    return _capped(paragraph_problems()) + _capped(duplicate_problems())


def _check_offsets(path: Path, tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    texts = {row["doc_id"]: row["text"] for row in tables["documents"]}
    sentence_counts = Counter(row["doc_id"] for row in tables["sentences"])
    sections = {row["section_id"]: row for row in tables["sections"]}
    problems: list[str] = []
    sentence_file, section_file = path / data_file("sentences"), path / data_file("sections")

    def sentence_problems():
        for row in tables["sentences"]:
            text = texts.get(row["doc_id"])
            if text is None:
                yield f"{sentence_file}: {row['sentence_id']} names unknown document {row['doc_id']}"
            elif text[row["start"] : row["end"]] != row["text"]:
                yield f"{sentence_file}: {row['sentence_id']} text does not match its document at {row['start']}-{row['end']}"
            if row["section_id"] is not None and row["section_id"] not in sections:
                yield f"{sentence_file}: {row['sentence_id']} names unknown section {row['section_id']}"

    def section_problems():
        for row in sections.values():
            text = texts.get(row["doc_id"], "")
            if not (0 <= row["start"] < row["end"] <= len(text)) or not text.startswith(row["marker"], row["start"]):
                yield f"{section_file}: {row['section_id']} span {row['start']}-{row['end']} does not hold its marker in its document"
            parent = sections.get(row["parent_id"]) if row["parent_id"] else None
            if row["parent_id"] and parent is None:
                yield f"{section_file}: {row['section_id']} names unknown parent {row['parent_id']}"
            elif parent is not None and not (
                parent["level"] < row["level"] and parent["start"] < row["start"] and row["end"] <= parent["end"]
            ):
                yield f"{section_file}: {row['section_id']} does not lie inside its parent {row['parent_id']}"
            elif parent is None and row["level"] != 1:
                yield f"{section_file}: {row['section_id']} has no parent but level {row['level']}"

    def document_problems():
        for row in tables["documents"]:
            found = sentence_counts[row["doc_id"]]
            if row["n_sentences"] != found:
                yield f"{path / data_file('documents')}: {row['doc_id']} says {row['n_sentences']} sentences, found {found}"

    def removal_problems():
        removal_file = path / data_file("removals")
        pages = {row["page_id"] for row in tables["documents"]}
        for row in tables.get("removals", []):
            where = f"{removal_file}: page {row['page_id']} edit {row['edit_index']}"
            if row["page_id"] not in pages:
                yield f"{where} names a page with no document"
            if row["raw_end"] - row["raw_start"] != len(row["text"]) or row["raw_start"] < 0:
                yield f"{where} span {row['raw_start']}-{row['raw_end']} does not fit its text"

    for check in (sentence_problems, section_problems, document_problems, removal_problems):
        problems += _capped(check())
    return problems


def _capped(problems) -> list[str]:
    found = []
    for count, problem in enumerate(problems):
        if count == MAX_PROBLEMS_PER_CHECK:
            found.append("... and more of the same kind")
            break
        found.append(problem)
    return found
