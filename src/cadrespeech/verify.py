"""Check a release against its manifest and against itself: bytes, rows, IDs, offsets, tree, notes."""

from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from datetime import date
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
    if "documents" in tables:
        problems += _check_dates(path, tables["documents"])
    if {"documents", "sentences", "notes", "removals"} <= tables.keys():
        problems += _check_notes(path, tables)
    return problems


# The cadrespeech version that first wrote each config; older releases stay verifiable.
FIRST_CONFIGS = ("documents", "sections", "sentences", "removals")
REUSE_CONFIGS_SINCE = (0, 4, 0)
NOTES_SINCE = (0, 5, 0)
CONFIGS_SINCE = {"paragraphs": REUSE_CONFIGS_SINCE, "duplicates": REUSE_CONFIGS_SINCE, "notes": NOTES_SINCE}


def _expected_configs(manifest: dict[str, Any]) -> list[str]:
    """The configs its version must have, and any other the manifest lists (a build between versions)."""
    built_by = version_key(str(manifest.get("build", {}).get("cadrespeech", "0.0.0")))
    listed = manifest.get("configs", {})
    return [name for name in CONFIGS if built_by >= CONFIGS_SINCE.get(name, (0, 0, 0)) or name in listed]


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_calendar_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return ISO_DATE.fullmatch(value) is not None


def _check_dates(path: Path, documents: list[dict[str, Any]]) -> list[str]:
    """``date`` and ``published`` (where a release has it) are real days, YYYY-MM-DD, or null."""
    file = path / data_file("documents")
    return _capped(
        f"{file}: {row['doc_id']} {column} {row[column]!r} is not a calendar date YYYY-MM-DD"
        for row in documents
        for column in ("date", "published")
        if row.get(column) is not None and not _is_calendar_date(row[column])
    )


def _check_notes(path: Path, tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Notes name their speech and a sentence holding their anchor; their raw text is what the ledger removed."""
    documents = {row["doc_id"]: row for row in tables["documents"]}
    sentences = {row["sentence_id"]: row for row in tables["sentences"]}
    counts = Counter(row["doc_id"] for row in tables["notes"])
    removed = _removed_spans(tables["removals"])
    note_file = path / data_file("notes")

    def note_problems():
        for row in tables["notes"]:
            where = f"{note_file}: {row['note_id']}"
            document = documents.get(row["doc_id"])
            if document is None:
                yield f"{where} names unknown document {row['doc_id']}"
                continue
            anchor, sentence = row["anchor"], sentences.get(row["sentence_id"] or "")
            holds = sentence is not None and anchor is not None and sentence["doc_id"] == row["doc_id"]
            if anchor is not None and not 0 <= anchor <= len(document["text"]):
                yield f"{where} anchor {anchor} lies outside its document's text ({len(document['text'])} characters)"
            elif row["sentence_id"] is not None and not (holds and sentence["start"] <= anchor <= sentence["end"]):
                yield f"{where} names sentence {row['sentence_id']}, which does not hold its anchor {anchor}"
            if not _lies_in(removed.get(document["page_id"], ([], [])), row["raw_start"], row["raw_end"]):
                yield f"{where} raw span {row['raw_start']}-{row['raw_end']} is not text the removals ledger took from its page"

    def count_problems():
        for row in documents.values():
            if row.get("n_notes") is not None and row["n_notes"] != counts[row["doc_id"]]:
                yield f"{path / data_file('documents')}: {row['doc_id']} says {row['n_notes']} notes, found {counts[row['doc_id']]}"

    return _capped(note_problems()) + _capped(count_problems())


def _removed_spans(removals: list[dict[str, Any]]) -> dict[str, tuple[list[int], list[int]]]:
    """Per page, the raw spans the ledger removed or rewrote, touching ones joined: (starts, ends)."""
    spans: dict[str, list[list[int]]] = {}
    for row in sorted(removals, key=lambda r: (r["page_id"], r["raw_start"])):
        page = spans.setdefault(row["page_id"], [])
        if page and row["raw_start"] <= page[-1][1]:
            page[-1][1] = max(page[-1][1], row["raw_end"])
        else:
            page.append([row["raw_start"], row["raw_end"]])
    return {page: ([s for s, _ in joined], [e for _, e in joined]) for page, joined in spans.items()}


def _lies_in(spans: tuple[list[int], list[int]], start: int, end: int) -> bool:
    starts, ends = spans
    index = bisect_right(starts, start) - 1
    return 0 <= start < end and index >= 0 and end <= ends[index]


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
