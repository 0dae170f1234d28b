"""Plain-data views of pipeline records, for JSON output and people."""

from __future__ import annotations

from typing import Any

from .records import Edit, Note, ProcessedPage, Sentence, Speech


def page_to_dict(page: ProcessedPage) -> dict[str, Any]:
    """The ``cadrespeech clean --format json`` object."""
    decoded = page.decoded
    return {
        "source": decoded.source,
        "sha256": decoded.sha256,
        "encoding": decoded.encoding,
        "newlines": decoded.newlines,
        "page_title": page.page_title,
        "page_tags": list(page.meta.tags),
        "edits": [edit_to_dict(edit) for edit in page.cleaned.edits],
        "speeches": [speech_to_dict(speech) for speech in page.speeches],
    }


def edit_to_dict(edit: Edit) -> dict[str, Any]:
    return {"rule": edit.rule, "start": edit.start, "end": edit.end, "before": edit.before, "after": edit.after}


def speech_metadata(speech: Speech) -> dict[str, Any]:
    """What is known about a speech besides its text, shared by the JSON view and the release rows."""
    return {
        "title": speech.title,
        "title_reason": speech.title_reason,
        "subtitle": speech.subtitle,
        "date": speech.date,
        "date_source": speech.date_source,
        "date_text": speech.date_text,
        "published": speech.published,
        "speaker": speech.speaker,
        "occasion": speech.occasion,
        "speaker_office": speech.speaker_office,
        "admin_level": speech.admin_level,
        "region": speech.region,
        "occasion_type": speech.occasion_type,
        "enrichment_rules": list(speech.enrichment_rules),
        "opening": speech.opening,
        "is_speech": speech.is_speech,
        "genre": speech.genre,
        "genre_reason": speech.genre_reason,
        "script": speech.script,
    }


def speech_to_dict(speech: Speech) -> dict[str, Any]:
    return {
        "index": speech.index,
        **speech_metadata(speech),
        "offset": speech.offset,
        "text": speech.text,
        "sections": [
            {
                "id": s.section_id,
                "level": s.level,
                "style": s.style,
                "marker": s.marker,
                "heading": s.heading,
                "elided": s.elided,
                "start": s.start,
                "end": s.end,
                "parent": s.parent,
            }
            for s in speech.sections
        ],
        "sentences": [{**sentence_fields(s), "section": s.section} for s in speech.sentences],
        "notes": [note_fields(note) for note in speech.notes],
    }


def note_fields(note: Note) -> dict[str, Any]:
    """A note's own fields, shared by the JSON view and the release rows."""
    return {"marker": note.marker, "text": note.text, "anchor": note.anchor, "raw_start": note.raw_start, "raw_end": note.raw_end}


def sentence_fields(sentence: Sentence) -> dict[str, Any]:
    """A sentence's own fields, shared by the JSON view and the release rows."""
    return {
        "text": sentence.text,
        "start": sentence.start,
        "end": sentence.end,
        "paragraph": sentence.paragraph,
        "part": sentence.part,
        "is_heading": sentence.is_heading,
        "tokens": list(sentence.tokens.texts),
        "token_starts": list(sentence.tokens.starts),
        "pos": list(sentence.tokens.tags),
    }


def explain_edits(raw: str, edits: tuple[Edit, ...]) -> list[str]:
    """One line per edit: raw line number, rule, and what was removed or rewritten."""
    lines = []
    for edit in edits:
        line_number = raw.count("\n", 0, edit.start) + 1
        change = f"rewrote {edit.before!r} -> {edit.after!r}" if edit.after else f"removed {edit.before!r}"
        lines.append(f"line {line_number:>4}  {edit.rule:<26} {change}")
    return lines
