"""Turn a processed page into table rows, with IDs that depend only on content.

``page_id`` is the first 16 hex digits of the raw page's sha256; a speech's
``doc_id`` adds its position on the page; sections, sentences, paragraphs and notes
add their position in the speech. Adding, removing or renaming other pages never
changes an ID.
"""

from __future__ import annotations

from typing import Any

import pyarrow as pa

from ..records import ProcessedPage, Sentence, Speech
from ..schema import PAGE_CONFIGS, arrow_schema
from ..stages.notes import sentence_at
from ..stages.reprints import SpeechSignature, paragraph_hash, signature
from ..views import note_fields, sentence_fields, speech_metadata
from .results import PageTally

Row = dict[str, Any]


def page_id(raw_sha256: str) -> str:
    return raw_sha256[:16]


def doc_id(page: str, speech_index: int) -> str:
    return f"{page}-{speech_index:02d}"


def section_id(document: str, index: int) -> str:
    return f"{document}-s{index:03d}"


def sentence_id(document: str, index: int) -> str:
    return f"{document}-{index:05d}"


def paragraph_id(document: str, index: int) -> str:
    return f"{document}-p{index:04d}"


def note_id(document: str, index: int) -> str:
    return f"{document}-n{index:03d}"


def page_rows(page: ProcessedPage) -> dict[str, list[Row]]:
    """Rows for every config from one page: each speech's rows, then the page's removals."""
    pid = page_id(page.decoded.sha256)
    rows: dict[str, list[Row]] = {"documents": [], "sections": [], "sentences": [], "paragraphs": [], "notes": [], "removals": []}
    for speech in page.speeches:
        did = doc_id(pid, speech.index)
        rows["documents"].append(document_row(page, speech, pid, did))
        rows["sections"] += section_rows(speech, did)
        rows["sentences"] += sentence_rows(speech, did)
        rows["paragraphs"] += paragraph_rows(speech, did)
        rows["notes"] += note_rows(speech, did)
    rows["removals"] = removal_rows(page, pid)
    return rows


def document_row(page: ProcessedPage, speech: Speech, pid: str, did: str) -> Row:
    decoded = page.decoded
    return {
        "doc_id": did,
        "page_id": pid,
        "source_file": decoded.source,
        # From the provenance file, set when the page is written (``writer.with_origin``): the
        # page cache holds what the page's bytes give, and these are not in them.
        "url": None,
        "retrieved": None,
        "speech_index": speech.index,
        "page_title": page.page_title,
        "page_tags": list(page.meta.tags),
        **speech_metadata(speech),
        "text": speech.text,
        "text_offset": speech.offset,
        "n_chars": len(speech.text),
        "n_paragraphs": len({s.paragraph for s in speech.sentences}),
        "n_sections": len(speech.sections),
        "n_sentences": len(speech.sentences),
        "n_tokens": sum(len(s.tokens) for s in speech.sentences),
        "n_notes": len(speech.notes),
        "elided": speech.elided,
        "raw_sha256": decoded.sha256,
        "encoding": decoded.encoding,
        "newlines": decoded.newlines,
        "had_bom": decoded.had_bom,
    }


def section_rows(speech: Speech, did: str) -> list[Row]:
    return [
        {
            "doc_id": did,
            "section_id": section_id(did, section.section_id),
            "parent_id": None if section.parent is None else section_id(did, section.parent),
            "level": section.level,
            "style": section.style,
            "marker": section.marker,
            "heading": section.heading,
            "start": section.start,
            "end": section.end,
            "elided": section.elided,
        }
        for section in speech.sections
    ]


def sentence_rows(speech: Speech, did: str) -> list[Row]:
    return [
        {
            "doc_id": did,
            "sentence_id": sentence_id(did, index),
            "section_id": None if sentence.section is None else section_id(did, sentence.section),
            **sentence_fields(sentence),
        }
        for index, sentence in enumerate(speech.sentences)
    ]


def note_rows(speech: Speech, did: str) -> list[Row]:
    rows = []
    for index, note in enumerate(speech.notes):
        sentence = None if note.anchor is None else sentence_at(speech.sentences, note.anchor)
        rows.append(
            {
                "doc_id": did,
                "note_id": note_id(did, index),
                **note_fields(note),
                "sentence_id": None if sentence is None else sentence_id(did, sentence),
            }
        )
    return rows


def removal_rows(page: ProcessedPage, pid: str) -> list[Row]:
    return [
        {
            "page_id": pid,
            "source_file": page.decoded.source,
            "edit_index": index,
            "rule": edit.rule,
            "raw_start": edit.start,
            "raw_end": edit.end,
            "text": edit.before,
            "replacement": edit.after,
        }
        for index, edit in enumerate(page.cleaned.edits)
    ]


def paragraph_rows(speech: Speech, did: str) -> list[Row]:
    """One row per paragraph: its sentences' span of the speech text, and its hash."""
    by_paragraph: dict[int, list[Sentence]] = {}
    for sentence in speech.sentences:
        by_paragraph.setdefault(sentence.paragraph, []).append(sentence)
    rows = []
    for index, sentences in sorted(by_paragraph.items()):
        start, end = sentences[0].start, sentences[-1].end
        text = speech.text[start:end]
        first = sentences[0]
        rows.append(
            {
                "doc_id": did,
                "paragraph_id": paragraph_id(did, index),
                "paragraph": index,
                "section_id": None if first.section is None else section_id(did, first.section),
                "part": first.part,
                "is_heading": all(s.is_heading for s in sentences),
                "text": text,
                "start": start,
                "end": end,
                "n_chars": len(text),
                "paragraph_hash": paragraph_hash(text),
            }
        )
    return rows


def page_tables(rows: dict[str, list[Row]]) -> dict[str, pa.Table]:
    return {name: pa.Table.from_pylist(rows[name], schema=arrow_schema(name)) for name in PAGE_CONFIGS}


def page_signatures(rows: dict[str, list[Row]]) -> tuple[SpeechSignature, ...]:
    return tuple(SpeechSignature(row["doc_id"], row["n_chars"], signature(row["text"])) for row in rows["documents"])


def page_tally(rows: dict[str, list[Row]]) -> PageTally:
    removed: dict[str, list[int]] = {}
    for row in rows["removals"]:
        counts = removed.setdefault(row["rule"], [0, 0])
        counts[0] += 1
        counts[1] += len(row["text"])
    return PageTally(
        tokens=sum(len(row["tokens"]) for row in rows["sentences"]),
        characters=sum(row["n_chars"] for row in rows["documents"]),
        removed=tuple((rule, edits, chars) for rule, (edits, chars) in sorted(removed.items())),
    )
