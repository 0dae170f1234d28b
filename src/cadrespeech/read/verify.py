"""Check a release against its manifest and against itself: bytes, rows, IDs, offsets, tree, notes."""

from __future__ import annotations

import json
import re
from bisect import bisect_right
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pyarrow as pa
import pyarrow.parquet as pq
from datasets import Features

from ..errors import ReleaseError
from ..schema import CARD, CONFIGS, MANIFEST, MANIFEST_LINE, RAW_INPUTS, UNIQUE_KEYS, config_files, data_file, schema_fingerprint
from ..stages.ingest import sha256_hex
from ..stages.reprints import ParagraphTally, cluster_figures, paragraph_hash
from .loader import CHECKSUMS_SINCE, built_by, check_files, check_manifest_checksum, read_manifest

MAX_PROBLEMS_PER_CHECK = 20


def verify_release(path: Path) -> list[str]:
    """Every problem found, one line each; an empty list means the release is sound."""
    try:
        manifest = read_manifest(path)
    except ReleaseError as error:
        return [str(error)]
    problems = check_manifest_checksum(path, manifest) + _check_card(path, manifest) + check_files(path, manifest)
    problems += _check_listing(path, manifest)
    tables: dict[str, list[dict[str, Any]]] = {}
    for name in _expected_configs(manifest):
        info = manifest.get("configs", {}).get(name)
        if info is None:
            problems.append(f"{path / MANIFEST}: config {name} is not listed")
            continue
        files = [path / file for file in info["files"]]
        if not files or not all(file.is_file() for file in files):
            continue  # already reported as missing
        try:
            parts = [pq.read_table(file) for file in files]
        except Exception as error:  # a damaged file: say so and go on with the others
            problems.append(f"{path / name}: a file is not readable Parquet ({type(error).__name__}: {error})")
            continue
        for file, part in zip(files, parts, strict=True):
            stated = manifest["files"].get(file.relative_to(path).as_posix(), {}).get("rows")
            if stated is not None and part.num_rows != stated:
                problems.append(f"{file}: {part.num_rows} rows, the manifest says {stated}")
        table = parts[0] if len(parts) == 1 else pa.concat_tables(parts)
        if table.num_rows != info["rows"]:
            problems.append(f"{path / name}: {table.num_rows} rows, the manifest says {info['rows']}")
        # A release is checked against its own manifest, so older releases stay verifiable.
        if info["schema_fingerprint"] != schema_fingerprint(Features.from_arrow_schema(table.schema).to_dict()):
            problems.append(f"{path / name}: schema does not match the fingerprint in the manifest")
            continue
        try:
            tables[name] = table.to_pylist()
        except (UnicodeDecodeError, pa.ArrowException) as error:  # damage that Parquet's own checks let through
            problems.append(f"{path / name}: values cannot be read ({type(error).__name__}: {error})")
            continue
        key = UNIQUE_KEYS.get(name)
        if key:
            repeated = [value for value, count in Counter(row[key] for row in tables[name]).items() if count > 1]
            problems += _capped(f"{_named(path, name)}: {key} {value} occurs more than once" for value in repeated)
    if {"documents", "sections", "sentences"} <= tables.keys():
        problems += _check_offsets(path, tables)
    if {"documents", "paragraphs", "duplicates"} <= tables.keys():
        problems += _check_reuse(path, tables)
    if "documents" in tables:
        problems += _check_dates(path, tables["documents"])
        problems += _check_enrichment(path, tables["documents"])
    if {"documents", "sentences", "notes", "removals"} <= tables.keys():
        problems += _check_notes(path, tables)
    if set(_expected_configs(manifest)) <= tables.keys():
        problems += _check_figures(path, manifest, tables)
    return problems


def _check_card(path: Path, manifest: dict[str, Any]) -> list[str]:
    """From 0.6.0 on, the card names the manifest's sha256."""
    if built_by(manifest) < CHECKSUMS_SINCE:
        return []
    card, wanted = path / CARD, MANIFEST_LINE.format(sha256_hex((path / MANIFEST).read_bytes()))
    if not card.is_file() or wanted not in card.read_text(encoding="utf-8", errors="replace"):
        return [f"{card}: does not name the manifest's sha256 (the card or the manifest was changed)"]
    return []


def _check_listing(path: Path, manifest: dict[str, Any]) -> list[str]:
    """Each config names exactly its files (one, or its shards), and the manifest lists each with its rows."""
    problems = []
    shards = manifest.get("shards", {}).get("count", 1) if isinstance(manifest.get("shards"), dict) else 1
    if not (type(shards) is int and shards >= 1 and shards & (shards - 1) == 0):
        return [f"{path / MANIFEST}: shards.count is {shards!r}, not a power of two"]
    for name, info in manifest["configs"].items():
        if name not in CONFIGS:
            problems.append(f"{path / MANIFEST}: config {name!r} is not one cadrespeech writes")
            continue
        expected = config_files(name, shards)
        if info["files"] != expected:
            problems.append(f"{path / MANIFEST}: config {name} names files {_few(info['files'])}, not {_few(expected)}")
            continue
        listed = 0
        for file in expected:
            entry = manifest["files"].get(file)
            if entry is None:
                problems.append(f"{path / file}: the manifest does not list this file, so nothing vouches for it")
            elif type(entry.get("rows")) is not int:
                problems.append(f"{path / MANIFEST}: the entry for {file} has no row count")
            else:
                listed += entry["rows"]
        if listed != info["rows"] and not any("vouches" in p or "row count" in p for p in problems):
            problems.append(f"{path / MANIFEST}: config {name} says {info['rows']} rows, its file entries {listed}")
    return problems


def _named(path: Path, config: str) -> Path:
    """What a message names for a config: its one file, or, for a sharded config, its folder."""
    file = path / data_file(config)
    return file if file.is_file() else path / config


def _few(files: list[Any]) -> str:
    return str(files) if len(files) <= 3 else f"[{files[0]!r}, … {len(files)} files]"


def _check_figures(path: Path, manifest: dict[str, Any], tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Recompute the manifest's statistics and page errors from the data, and compare."""
    where = path / MANIFEST
    found = recomputed_statistics(path, tables)
    stated = manifest["statistics"]
    problems = [
        f"{where}: statistics.{name} says {stated[name]!r}, the data give {found[name]!r}"
        for name in sorted(stated.keys() & found.keys())
        if stated[name] != found[name]
    ]
    if built_by(manifest) >= CHECKSUMS_SINCE:
        problems += [f"{where}: statistics.{name} is missing" for name in sorted(found.keys() - stated.keys())]
        problems += [f"{where}: statistics.{name} is not a figure cadrespeech writes" for name in sorted(stated.keys() - found.keys())]
    pages = _raw_inputs(path)
    listed = {
        "page_errors": [row for row in pages if row.get("status") == "error"],
        "pages_skipped": [row for row in pages if row.get("status") not in ("ok", "error")],
    }
    for key, rows in listed.items():
        if key in manifest and manifest[key] != rows:
            problems.append(f"{where}: {key} does not match the pages in {RAW_INPUTS}")
    return problems


def recomputed_statistics(path: Path, tables: dict[str, list[dict[str, Any]]]) -> dict[str, Any]:
    """The release figures the build writes into the manifest, from the release's own files."""
    removed: dict[str, dict[str, int]] = {}
    for row in tables["removals"]:
        counts = removed.setdefault(row["rule"], {"edits": 0, "raw_chars": 0})
        counts["edits"] += 1
        counts["raw_chars"] += len(row["text"])
    figures: dict[str, Any] = {
        **{name: len(rows) for name, rows in tables.items() if name != "duplicates"},
        "tokens": sum(len(row["tokens"]) for row in tables["sentences"]),
        "characters": sum(row["n_chars"] for row in tables["documents"]),
        "removals_per_rule": dict(sorted(removed.items())),
    }
    if (path / RAW_INPUTS).is_file():  # releases before 0.3.0 have no page list
        statuses = Counter(row.get("status") for row in _raw_inputs(path))
        figures |= {
            "pages": sum(statuses.values()),
            "pages_ok": statuses["ok"],
            "pages_failed": statuses["error"],
            "pages_duplicate": statuses["duplicate"],
        }
    if "duplicates" in tables:
        duplicates = tables["duplicates"]
        sizes = np.array([row["cluster_size"] for row in duplicates], dtype=np.int64)
        canonical = np.array([row["is_canonical"] for row in duplicates], dtype=bool)
        figures["reprints"] = cluster_figures({"cluster_size": sizes, "is_canonical": canonical})
    if "paragraphs" in tables:
        tally = ParagraphTally()
        tally.add([row["doc_id"] for row in tables["paragraphs"]], [row["paragraph_hash"] for row in tables["paragraphs"]])
        figures["template_paragraphs"] = tally.figures()
    return figures


def _raw_inputs(path: Path) -> list[dict[str, Any]]:
    file = path / RAW_INPUTS
    if not file.is_file():
        return []
    rows = []
    for line in file.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            rows.append(json.loads(line))
        except ValueError:
            rows.append({})
    return rows


# The cadrespeech version that first wrote each config; older releases stay verifiable.
FIRST_CONFIGS = ("documents", "sections", "sentences", "removals")
REUSE_CONFIGS_SINCE = (0, 4, 0)
NOTES_SINCE = (0, 5, 0)
CONFIGS_SINCE = {"paragraphs": REUSE_CONFIGS_SINCE, "duplicates": REUSE_CONFIGS_SINCE, "notes": NOTES_SINCE}


def _expected_configs(manifest: dict[str, Any]) -> list[str]:
    """The configs its version must have, and any other the manifest lists (a build between versions)."""
    listed = manifest["configs"]
    return [name for name in CONFIGS if built_by(manifest) >= CONFIGS_SINCE.get(name, (0, 0, 0)) or name in listed]


ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _is_calendar_date(value: str) -> bool:
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return ISO_DATE.fullmatch(value) is not None


def _check_dates(path: Path, documents: list[dict[str, Any]]) -> list[str]:
    """``date`` and ``published`` (where a release has it) are real days, YYYY-MM-DD, or null."""
    file = _named(path, "documents")
    return _capped(
        f"{file}: {row['doc_id']} {column} {row[column]!r} is not a calendar date YYYY-MM-DD"
        for row in documents
        for column in ("date", "published")
        if row.get(column) is not None and not _is_calendar_date(row[column])
    )


ENRICHED = ("speaker_office", "admin_level", "region", "occasion_type")


def _check_enrichment(path: Path, documents: list[dict[str, Any]]) -> list[str]:
    """Each enriched field set has the rule that set it, and no rule without its field; levels and occasions from their lists."""
    if not documents or "enrichment_rules" not in documents[0]:
        return []  # a release before 0.7.0
    from ..stages.speaker_meta import ADMIN_LEVELS, OCCASION_TYPES

    where = _named(path, "documents")
    problems = []
    for row in documents:
        ruled = {rule.split("=", 1)[0] for rule in row["enrichment_rules"] or ()}
        stated = {name for name in ENRICHED if row[name] is not None}
        if ruled != stated:
            problems.append(f"{where}: {row['doc_id']}: fields {sorted(stated)} but rules for {sorted(ruled)}")
        if row["admin_level"] is not None and row["admin_level"] not in ADMIN_LEVELS:
            problems.append(f"{where}: {row['doc_id']}: admin_level {row['admin_level']!r} is not one of {', '.join(ADMIN_LEVELS)}")
        if row["occasion_type"] is not None and row["occasion_type"] not in OCCASION_TYPES:
            problems.append(f"{where}: {row['doc_id']}: occasion_type {row['occasion_type']!r} is not a known kind")
    return _capped(problems)


def _check_notes(path: Path, tables: dict[str, list[dict[str, Any]]]) -> list[str]:
    """Notes name their speech and a sentence holding their anchor; their raw text is what the ledger removed."""
    documents = {row["doc_id"]: row for row in tables["documents"]}
    sentences = {row["sentence_id"]: row for row in tables["sentences"]}
    counts = Counter(row["doc_id"] for row in tables["notes"])
    removed = _removed_spans(tables["removals"])
    note_file = _named(path, "notes")

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
                yield f"{_named(path, 'documents')}: {row['doc_id']} says {row['n_notes']} notes, found {counts[row['doc_id']]}"

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
    paragraph_file, duplicates_file = _named(path, "paragraphs"), _named(path, "duplicates")

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
    sentence_file, section_file = _named(path, "sentences"), _named(path, "sections")

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
                yield f"{_named(path, 'documents')}: {row['doc_id']} says {row['n_sentences']} sentences, found {found}"

    def removal_problems():
        removal_file = _named(path, "removals")
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
