"""Find a page's titles and metadata, its speeches, and each speech's section tree.

Works on clean page text, where every line is one paragraph. A page is a head (title
lines, repeated or variant) and one or more speeches; a speech is its own head
(title, subtitle, speaker, date), a preamble, numbered sections, and a closing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .clean_rules import looks_like_body
from .records import Block, Section, Speech
from .structure_rules import (
    CLOSING_START,
    DATE_LINE,
    ELISION,
    HEADING_STYLES,
    OCCASION,
    OPENING_ADDRESS,
    SPEAKER_LINE,
    SPEECH_MARKER,
    SUBTITLE,
    THANKS,
    TITLE_WORDS,
    HeadingStyle,
    chinese_number,
)
from .textclass import CLOSERS, SENTENCE_END

MAX_HEAD_LINES = 8
# A sectionless speech's closing must begin this close to its end.
CLOSING_WINDOW = 3
HEADING_END = re.compile(f"[{SENTENCE_END}][{SENTENCE_END}{CLOSERS}]*")


@dataclass(frozen=True, slots=True)
class Line:
    start: int  # offset in the clean page text
    text: str

    @property
    def end(self) -> int:
        return self.start + len(self.text)


@dataclass(frozen=True, slots=True)
class Head:
    titles: tuple[str, ...]
    subtitle: str | None
    date: str | None
    speaker: str | None
    occasion: str | None


@dataclass(frozen=True, slots=True)
class PageStructure:
    page_title: str | None
    speeches: tuple[tuple[Speech, tuple[Block, ...]], ...]


def structure_page(text: str) -> PageStructure:
    """Split clean page text into speeches with titles, metadata and section trees.

    >>> page = structure_page("讲话\\n同志们：\\n一、抓落实。要实干。\\n二、讲纪律。")
    >>> [s.marker for s in page.speeches[0][0].sections]
    ['一、', '二、']
    """
    lines = _lines(text)
    groups = _split_speeches(lines)
    page_head_lines: list[Line] = []
    if len(groups) > 1 and groups[0][0] is None:
        page_head_lines = groups.pop(0)[1]
    speeches: list[tuple[Speech, tuple[Block, ...]]] = []
    page_title: str | None = None
    if page_head_lines:
        page_title = _parse_head(page_head_lines).titles[0] if _parse_head(page_head_lines).titles else None
    for index, (marker_rest, group) in enumerate(groups):
        head_lines, body_lines = _take_head(group)
        head = _parse_head(head_lines, extra_title=marker_rest or None)
        if page_title is None and index == 0 and head.titles:
            page_title = head.titles[0]
        if not body_lines:
            continue
        speeches.append(_build_speech(text, len(speeches), head, body_lines))
    return PageStructure(page_title=page_title, speeches=tuple(speeches))


def _lines(text: str) -> list[Line]:
    lines, start = [], 0
    for raw_line in text.split("\n"):
        if raw_line.strip():
            lines.append(Line(start, raw_line))
        start += len(raw_line) + 1
    return lines


def _split_speeches(lines: list[Line]) -> list[tuple[str | None, list[Line]]]:
    """Cut at 篇一 / 篇二 markers when they count up from one; else the page is one speech."""
    cuts: list[tuple[int, str]] = []
    for position, line in enumerate(lines):
        match = SPEECH_MARKER.fullmatch(line.text.strip())
        if match and len(line.text) <= 80:
            number = chinese_number(match.group("a") or match.group("b"))
            if number == len(cuts) + 1:
                cuts.append((position, match.group("rest").strip()))
    if len(cuts) < 2:
        return [(None, lines)]
    groups: list[tuple[str | None, list[Line]]] = [(None, lines[: cuts[0][0]])] if cuts[0][0] else []
    for number, (position, rest) in enumerate(cuts):
        end = cuts[number + 1][0] if number + 1 < len(cuts) else len(lines)
        groups.append((rest, lines[position + 1 : end]))
    return groups


def _is_heading_start(text: str) -> bool:
    return any(style.pattern.match(text) for style in HEADING_STYLES)


def _take_head(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """The leading title and metadata lines, and the rest."""
    count = 0
    for line in lines[:MAX_HEAD_LINES]:
        text = line.text.strip()
        is_metadata = DATE_LINE.fullmatch(text) or SUBTITLE.fullmatch(text)
        if not is_metadata and (looks_like_body(text) or _is_heading_start(text) or OPENING_ADDRESS.fullmatch(text)):
            break
        count += 1
    if count == len(lines):  # nothing but short lines: treat only the first as head
        count = min(1, len(lines))
    return lines[:count], lines[count:]


def _parse_head(lines: list[Line], extra_title: str | None = None) -> Head:
    titles: list[str] = [extra_title] if extra_title else []
    subtitle = date = speaker = occasion = None
    for line in lines:
        text = line.text.strip()
        date_match = DATE_LINE.fullmatch(text)
        subtitle_match = SUBTITLE.fullmatch(text)
        speaker_match = SPEAKER_LINE.fullmatch(text)
        if date_match and date is None:
            date = iso_date(date_match)
        elif subtitle_match and subtitle is None:
            subtitle = subtitle_match.group("body").strip()
        elif speaker_match and titles and not TITLE_WORDS.search(text) and speaker is None:
            speaker = speaker_match.group("name")
        else:
            titles.append(text)
    for candidate in ([subtitle] if subtitle else []) + titles[::-1]:
        dated = DATE_LINE.search(candidate)
        if dated and date is None:
            date = iso_date(dated)
        found = OCCASION.search(candidate)
        if found:
            occasion = occasion or found.group("occasion")
            speaker = speaker or found.group("speaker")
            break
    return Head(tuple(titles), subtitle, date, speaker, occasion)


def iso_date(match: re.Match[str]) -> str | None:
    year, month, day = (chinese_number(match.group(name)) for name in ("year", "month", "day"))
    if not (year and month and day) or not (1 <= month <= 12 and 1 <= day <= 31):
        return None
    return f"{year:04d}-{month:02d}-{day:02d}"


@dataclass(frozen=True, slots=True)
class _Heading:
    style: HeadingStyle
    marker: str
    heading_length: int
    parent: int | None  # paragraph index of the parent heading
    level: int


@dataclass(slots=True)
class _Open:
    paragraph: int
    rank: int
    last_child: dict[str, int]  # style name -> number of its last child of that style


def _build_speech(page_text: str, index: int, head: Head, lines: list[Line]) -> tuple[Speech, tuple[Block, ...]]:
    offset = lines[0].start
    text = page_text[offset : lines[-1].end]
    paragraphs = [(line.start - offset, line.text) for line in lines]
    headings = _find_headings([p for _, p in paragraphs])
    closing_at = _closing_index([p for _, p in paragraphs], last_heading=max(headings, default=-1))
    if closing_at is not None:
        headings = {i: h for i, h in headings.items() if i < closing_at}

    section_of_paragraph: dict[int, int] = {}
    sections: list[dict] = []
    blocks: list[Block] = []
    current: int | None = None
    for number, (start, paragraph) in enumerate(paragraphs):
        end = start + len(paragraph)
        if closing_at is not None and number >= closing_at:
            blocks.append(Block(start, end, number, None, "closing", False))
            continue
        found = headings.get(number)
        if found is None:
            blocks.append(Block(start, end, number, current, "preamble" if current is None else "body", False))
            if current is not None:
                sections[current]["last_end"] = end
            continue
        current = section_of_paragraph[number] = len(sections)
        heading_end = start + len(found.marker) + found.heading_length
        sections.append(
            dict(
                parent=None if found.parent is None else section_of_paragraph[found.parent],
                level=found.level,
                style=found.style.name,
                marker=found.marker,
                heading=paragraph[len(found.marker) : len(found.marker) + found.heading_length].strip(),
                start=start,
                last_end=end,
                elided=False,
            )
        )
        blocks.append(Block(start, heading_end, number, current, "body", True))
        if heading_end < end:
            blocks.append(Block(heading_end, end, number, current, "body", False))
    for block in blocks:
        if block.section is not None and ELISION.search(text, block.start, block.end):
            sections[block.section]["elided"] = True
    opening = paragraphs[0][1] if paragraphs and OPENING_ADDRESS.fullmatch(paragraphs[0][1]) else None
    speech = Speech(
        index=index,
        title=head.titles[-1] if head.titles else None,
        subtitle=head.subtitle,
        date=head.date,
        speaker=head.speaker,
        occasion=head.occasion,
        text=text,
        offset=offset,
        sections=_close_sections(sections),
        opening=opening,
        elided=bool(ELISION.search(text)),
    )
    return speech, tuple(blocks)


def _find_headings(paragraphs: list[str]) -> dict[int, _Heading]:
    """Paragraph index -> heading, for paragraphs that open a section.

    A marker counts only when it continues its numbering (一 after nothing, 二 after 一)
    under the same parent, so stray numbers in running text are not headings. A style
    nests under the nearest open section of a higher rank, whatever levels it skips.
    """
    found: dict[int, _Heading] = {}
    chain: list[_Open] = []  # the open sections, outermost first
    top_level: dict[str, int] = {}
    for index, paragraph in enumerate(paragraphs):
        for style in HEADING_STYLES:
            match = style.pattern.match(paragraph)
            number = chinese_number(match.group("number")) if match else None
            if number is None:
                continue
            parents = [open_ for open_ in chain if open_.rank < style.rank]
            siblings = parents[-1].last_child if parents else top_level
            marker = match.group()
            rest = paragraph[len(marker) :]
            if number != siblings.get(style.name, 0) + 1 or not rest.strip():
                continue
            siblings[style.name] = number
            found[index] = _Heading(
                style=style,
                marker=marker,
                heading_length=_heading_length(rest),
                parent=parents[-1].paragraph if parents else None,
                level=len(parents) + 1,
            )
            chain = [*parents, _Open(index, style.rank, {})]
            break
    return found


def _heading_length(rest: str) -> int:
    """The heading is the marker's first sentence; the rest of the line is body text."""
    end = HEADING_END.search(rest)
    if end is None or end.end() == len(rest.rstrip()):
        return len(rest)
    return end.end()


def _closing_index(paragraphs: list[str], last_heading: int) -> int | None:
    first_allowed = last_heading + 1 if last_heading >= 0 else max(1, len(paragraphs) - CLOSING_WINDOW)
    for index in range(first_allowed, len(paragraphs)):
        if CLOSING_START.match(paragraphs[index]):
            return index
    if len(paragraphs) > 1 and THANKS.fullmatch(paragraphs[-1]) and last_heading < len(paragraphs) - 1:
        return len(paragraphs) - 1
    return None


def _close_sections(sections: list[dict]) -> tuple[Section, ...]:
    """A section ends where its last paragraph, or its last descendant's, ends."""
    ends = [s["last_end"] for s in sections]
    for section_id in range(len(sections) - 1, -1, -1):
        parent = sections[section_id]["parent"]
        if parent is not None:
            ends[parent] = max(ends[parent], ends[section_id])
    return tuple(
        Section(
            section_id=i,
            parent=s["parent"],
            level=s["level"],
            style=s["style"],
            marker=s["marker"],
            heading=s["heading"],
            start=s["start"],
            end=ends[i],
            elided=s["elided"],
        )
        for i, s in enumerate(sections)
    )
