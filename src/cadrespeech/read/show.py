"""One document of a release, for a person: its speech with the section tree, or its raw page
with every removal marked.

Only ``find_document`` and ``read_raw_text`` touch the disk; the views are pure.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import pairwise
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ..datafiles import config_paths
from ..errors import CadrespeechError
from ..escaping import for_terminal
from ..records import Edit, Section
from ..schema import MANIFEST
from ..stages.ingest import decode_page, read_page

DEFAULT_RAW = Path("corpus") / "raw"

# SGR codes; each painted run is closed before a newline so pagers (less -R) keep it.
_RED_STRUCK, _GREEN, _DIM, _BOLD, _RESET = "\x1b[31;9m", "\x1b[32m", "\x1b[2m", "\x1b[1m", "\x1b[0m"


@dataclass(frozen=True, slots=True)
class ShownDocument:
    """What the views need of a document: its row, its sections, and its page's removals."""

    release: Path
    doc_id: str
    page_id: str
    source_file: str
    raw_sha256: str
    title: str | None
    subtitle: str | None
    speaker: str | None
    date: str | None
    genre: str | None  # None in releases older than the genre columns
    is_speech: bool | None
    text: str
    sections: tuple[Section, ...]
    removals: tuple[Edit, ...]  # the whole page's ledger, in raw (decoded) coordinates


def find_document(release: Path, doc_id: str) -> ShownDocument:
    """Read one document, its sections and its page's removals from a release folder."""
    rows = _rows(release, "documents", "doc_id", doc_id)
    if not rows:
        raise CadrespeechError(f"no document {doc_id!r} in {release}{_hint(release, doc_id)}")
    row = rows[0]
    section_rows = sorted(_rows(release, "sections", "doc_id", doc_id), key=lambda r: r["start"])
    index = {r["section_id"]: i for i, r in enumerate(section_rows)}
    sections = tuple(
        Section(
            section_id=i,
            parent=index.get(r["parent_id"]),
            level=r["level"],
            style=r["style"],
            marker=r["marker"],
            heading=r["heading"],
            start=r["start"],
            end=r["end"],
            elided=r["elided"],
        )
        for i, r in enumerate(section_rows)
    )
    removal_rows = sorted(_rows(release, "removals", "page_id", row["page_id"]), key=lambda r: r["edit_index"])
    removals = tuple(Edit(r["rule"], r["raw_start"], r["raw_end"], r["text"], r["replacement"]) for r in removal_rows)
    return ShownDocument(
        release=release,
        doc_id=row["doc_id"],
        page_id=row["page_id"],
        source_file=row["source_file"],
        raw_sha256=row["raw_sha256"],
        title=row["title"],
        subtitle=row["subtitle"],
        speaker=row["speaker"],
        date=row["date"],
        genre=row.get("genre"),
        is_speech=row.get("is_speech"),
        text=row["text"],
        sections=sections,
        removals=removals,
    )


def _rows(release: Path, config: str, column: str, value: str) -> list[dict[str, Any]]:
    paths = config_paths(release, config, _manifest(release))
    for path in paths:
        if not path.is_file():
            raise CadrespeechError(f"{path}: missing; the release is incomplete (check it with: cadrespeech verify {release})")
    # A filter reads only the matching rows, not the whole corpus, into memory.
    return [row for path in paths for row in pq.read_table(path, filters=[(column, "=", value)]).to_pylist()]


def _manifest(release: Path) -> dict[str, Any] | None:
    """The manifest, for the list of a config's files; None if it cannot be read (the files are then looked for by name)."""
    try:
        manifest = json.loads((release / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return manifest if isinstance(manifest, dict) else None


def _hint(release: Path, doc_id: str) -> str:
    """A page id given for a doc id is an easy slip: name the page's documents."""
    on_page = [r["doc_id"] for r in _rows(release, "documents", "page_id", doc_id)]
    if on_page:
        return f"; {doc_id} is a page, its documents are: {', '.join(sorted(on_page))}"
    return "; doc ids look like 0123456789abcdef-00 (see the documents config)"


def read_raw_text(document: ShownDocument, raw_dir: Path) -> str:
    """The page's decoded text, the coordinates of its removals; refuses a page whose bytes changed."""
    path = raw_dir / document.source_file
    if not path.is_file():
        raise CadrespeechError(f"{path}: raw page not found; pass the raw folder the release was built from with --raw")
    page = read_page(path, raw_dir)
    if page.sha256 != document.raw_sha256:
        # The removals' offsets belong to the bytes the release was built from; on other
        # bytes they would mark the wrong text.
        raise CadrespeechError(
            f"{path}: raw page changed since release {document.release.name} was built "
            f"(sha256 {page.sha256[:16]}…, expected {document.raw_sha256[:16]}…); restore it to explain this document"
        )
    return decode_page(page).text


def document_header(document: ShownDocument, colour: bool = False) -> str:
    """The metadata lines above either view."""
    kind = "a speech" if document.is_speech else "not a speech"
    genre = None if document.genre is None else f"{document.genre} ({kind})"
    fields = [
        ("doc_id", document.doc_id),
        ("title", document.title),
        ("subtitle", document.subtitle),
        ("speaker", document.speaker),
        ("date", document.date),
        ("genre", genre),
        ("source", document.source_file),
    ]
    return "\n".join(f"{name:<9}{_safe(value or '-')}" for name, value in fields)


def speech_view(document: ShownDocument, colour: bool = False) -> str:
    """The header, then the speech with each heading on its own line, marked ``§level``."""
    return document_header(document, colour) + "\n\n" + speech_text_view(document.text, document.sections, colour)


def speech_text_view(text: str, sections: Sequence[Section], colour: bool = False) -> str:
    """A speech's text with its headings marked by level; the paragraphs stay as they are.

    A heading that runs on into body text on the same line is split from it, so every
    heading stands on a line of its own.

    >>> section = Section(0, None, 1, "cn_numeral_comma", "一、", "抓落实。", 5, 12, False)
    >>> print(speech_text_view("同志们：\\n一、抓落实。要真抓。", [section]))
    同志们：
    §1 一、抓落实。
    要真抓。
    """
    by_start = {section.start: section for section in sections}
    lines: list[str] = []
    offset = 0
    for line in text.split("\n"):
        # A section may begin mid-line (a heading glued to the paragraph before it).
        cuts = sorted(start for start in by_start if offset < start < offset + len(line))
        for start, end in pairwise([offset, *cuts, offset + len(line)]):
            section = by_start.get(start)
            body = text[start:end]
            if section is not None:
                lines.append(_heading_line(section, colour))
                body = body[_heading_length(body, section) :]
            if body or section is None:  # an empty paragraph is kept, an empty heading remainder is not
                lines.append(_safe(body))
        offset += len(line) + 1
    return "\n".join(lines)


def _heading_line(section: Section, colour: bool) -> str:
    line = f"{'  ' * (section.level - 1)}§{section.level} {section.marker}{section.heading}"
    return _paint(_safe(line), _BOLD) if colour else _safe(line)


def _heading_length(body: str, section: Section) -> int:
    """How much of ``body`` the marker and heading take; 0 if they are not there as recorded."""
    if not body.startswith(section.marker):
        return 0
    heading_at = len(body) - len(body[len(section.marker) :].lstrip())
    return heading_at + len(section.heading) if body.startswith(section.heading, heading_at) else 0


def explain_view(raw_text: str, removals: Sequence[Edit], colour: bool) -> str:
    """Show what cleaning did to a page: every removal and rewrite marked, then a count per rule.

    Plain markers are ``[-removed-]{rule}`` and ``[-old-]{+new+}{rule}``; dropping the
    markers and what ``{+…+}`` and ``{rule}`` hold gives back the raw text exactly.

    >>> edits = [Edit("breadcrumb", 0, 3, "首页 ", ""), Edit("punctuation_width", 5, 6, ",", "，")]
    >>> print(explain_view("首页 讲话,好", edits, colour=False))
    [-首页 -]{breadcrumb}讲话[-,-]{+，+}{punctuation_width}好
    <BLANKLINE>
    rule                        edits  raw chars  new chars
    breadcrumb                      1          3          0
    punctuation_width               1          1          1
    total                           2          4          1
    """
    pieces: list[str] = []
    shown: list[Edit] = []
    position = 0
    # The composed ledger is sorted and non-overlapping (edits.compose); an edit that
    # overlaps one already shown would mark text twice, so it is counted, not drawn.
    skipped = 0
    for edit in sorted(removals, key=lambda e: (e.start, e.end)):
        if edit.start < position:
            skipped += 1
            continue
        if raw_text[edit.start : edit.end] != edit.before:
            raise CadrespeechError(f"removal {edit.rule} at {edit.start}-{edit.end} does not match the raw page (other bytes?)")
        pieces.append(_safe(raw_text[position : edit.start]))
        pieces.append(_mark(edit, colour))
        shown.append(edit)
        position = edit.end
    pieces.append(_safe(raw_text[position:]))
    summary = _summary(shown, skipped)
    return "".join(pieces) + "\n\n" + (_paint(summary, _DIM) if colour else summary)


def _mark(edit: Edit, colour: bool) -> str:
    if not colour:
        new = f"{{+{_safe(edit.after)}+}}" if edit.after else ""
        return f"[-{_safe(edit.before)}-]{new}{{{edit.rule}}}"
    # Removed line ends are shown as ↵ and kept, so the page keeps its shape; a new line
    # end in a replacement is only shown, for the same reason.
    old = _paint(_safe(edit.before).replace("\n", "↵\n"), _RED_STRUCK)
    new = _paint(_safe(edit.after).replace("\n", "↵"), _GREEN) if edit.after else ""
    return f"{old}{new}{_DIM}[{edit.rule}]{_RESET}"


def _summary(edits: Sequence[Edit], skipped: int) -> str:
    counts = Counter(edit.rule for edit in edits)
    removed: Counter[str] = Counter()
    added: Counter[str] = Counter()
    for edit in edits:
        removed[edit.rule] += len(edit.before)
        added[edit.rule] += len(edit.after)
    rows = [(rule, counts[rule], removed[rule], added[rule]) for rule in sorted(counts)]
    rows.append(("total", len(edits), sum(removed.values()), sum(added.values())))
    lines = [f"{'rule':<26} {'edits':>6} {'raw chars':>10} {'new chars':>10}"]
    lines += [f"{rule:<26} {n:>6} {r:>10} {a:>10}" for rule, n, r, a in rows]
    if skipped:
        lines.append(f"{skipped} edit(s) overlap an earlier one and are not marked")
    return "\n".join(lines)


def _paint(text: str, code: str) -> str:
    return "\n".join(f"{code}{part}{_RESET}" if part else "" for part in text.split("\n"))


def _safe(text: str) -> str:
    """Page text as shown: no control or bidi override from a page reaches the terminal, colour or not.

    Output with colour off is still read on terminals (``NO_COLOR``, a pager), so the
    colour setting decides only our own codes.
    """
    return for_terminal(text, keep_lines=True)
