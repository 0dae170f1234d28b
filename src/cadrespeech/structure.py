"""Find a page's titles and metadata, its speeches, and each speech's section tree.

Works on clean page text, where every line is one paragraph. A page is a head (title
lines, repeated or variant) and one or more speeches; a speech is its own head
(title, subtitle, speaker, date), a preamble, numbered sections, and a closing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from .clean_rules import looks_like_body
from .genre import classify
from .records import Block, Section, Speech
from .structure_rules import (
    CLOSING_START,
    DATE_LINE,
    DATED_NOTE,
    ELISION,
    GLUED_TITLE,
    HEADING_STYLES,
    OCCASION,
    OPENING_ADDRESS,
    ROLE_AND_NAME,
    ROLE_LINE,
    SIGNED_LINE,
    SITE_LABEL,
    SPEAKER_LINE,
    SPEECH_MARKER,
    SPEECH_TITLE_LINE,
    SUBTITLE,
    TABLE_OF_CONTENTS,
    THANKS,
    TITLE_CONTINUATION,
    TITLE_CONTINUES,
    TITLE_WORDS,
    HeadingStyle,
    chinese_number,
)
from .textclass import CLOSERS, SENTENCE_END, detect_script

MAX_HEAD_LINES = 8
# A concatenated dump's next speech: a title line, an opening address within
# OPENING_WINDOW lines, and at least MIN_SPEECH_LINES lines since the last start.
OPENING_WINDOW = 4
MIN_SPEECH_LINES = 4
# A date standing alone closes a text only in its last few paragraphs; a signer with
# a date is looked for anywhere (a letter may be followed by a report on it).
SIGNATURE_WINDOW = 4
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
    page_head_lines, groups = _split_speeches(lines)
    speeches: list[tuple[Speech, tuple[Block, ...]]] = []
    page_titles = _parse_head(page_head_lines).titles if page_head_lines else ()
    page_title = page_titles[0] if page_titles else None
    for index, (marker_rest, group) in enumerate(groups):
        head_lines, body_lines = _take_head(group)
        head = _parse_head(head_lines, extra_title=marker_rest or None)
        if index == 0 and len(groups) == 1 and head.titles:
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


def _split_speeches(lines: list[Line]) -> tuple[list[Line], list[tuple[str | None, list[Line]]]]:
    """The page's own head lines, and each speech's lines with the title its marker gives.

    Pages are cut at 篇一 / 篇二 markers that count up from one, else where a speech
    title is followed by an opening address (concatenated dumps); else they hold one speech.
    """
    cuts: list[tuple[int, str]] = []
    for position, line in enumerate(lines):
        match = SPEECH_MARKER.fullmatch(line.text.strip())
        if match and len(line.text) <= 80:
            number = chinese_number(match.group("a") or match.group("b"))
            if number == len(cuts) + 1:
                cuts.append((position, match.group("rest").strip()))
    if len(cuts) < 2:
        return [], _split_at_titles(lines)
    groups: list[tuple[str | None, list[Line]]] = []
    for number, (position, rest) in enumerate(cuts):
        end = cuts[number + 1][0] if number + 1 < len(cuts) else len(lines)
        groups.append((rest, lines[position + 1 : end]))
    return lines[: cuts[0][0]], groups


def _split_at_titles(lines: list[Line]) -> list[tuple[str | None, list[Line]]]:
    """Cut a concatenated dump where a speech title is followed by an opening address."""
    starts = [0]
    for position in range(1, len(lines)):
        text = lines[position].text.strip()
        if position - starts[-1] < MIN_SPEECH_LINES or not SPEECH_TITLE_LINE.fullmatch(text) or looks_like_body(text):
            continue
        following = [line.text.strip() for line in lines[position + 1 : position + 1 + OPENING_WINDOW]]
        if any(OPENING_ADDRESS.fullmatch(t) for t in following):
            starts.append(position)
    bounds = [*starts, len(lines)]
    return [(None, lines[a:b]) for a, b in pairwise(bounds)]


def _is_heading_start(text: str) -> bool:
    return any(style.pattern.match(text) for style in HEADING_STYLES)


def _is_metadata(text: str) -> bool:
    return bool(DATE_LINE.fullmatch(text) or SUBTITLE.fullmatch(text) or (DATED_NOTE.fullmatch(text) and DATE_LINE.search(text)))


def _take_head(lines: list[Line]) -> tuple[list[Line], list[Line]]:
    """The leading title and metadata lines, and the rest."""
    count = 0
    for line in lines[:MAX_HEAD_LINES]:
        text = line.text.strip()
        glued = GLUED_TITLE.fullmatch(text) and len(text) <= 120
        if not (_is_metadata(text) or glued) and (looks_like_body(text) or _is_heading_start(text) or OPENING_ADDRESS.fullmatch(text)):
            break
        count += 1
    if count == len(lines):  # nothing but short lines: treat only the first as head
        count = min(1, len(lines))
    return lines[:count], lines[count:]


def _parse_head(lines: list[Line], extra_title: str | None = None) -> Head:
    """Sort head lines into titles, subtitle, date and speaker."""
    titles: list[str] = [extra_title] if extra_title else []
    subtitle = date = speaker = occasion = None
    pending_role = False  # the previous line named an office: a name may follow
    for line in lines:
        text = line.text.strip()
        glued = GLUED_TITLE.fullmatch(text)
        role_and_name = ROLE_AND_NAME.fullmatch(text)
        speaker_match = SPEAKER_LINE.fullmatch(text)
        if TABLE_OF_CONTENTS.fullmatch(text):
            continue
        date_line, subtitle_line = DATE_LINE.fullmatch(text), SUBTITLE.fullmatch(text)
        if date_line:
            date = date or iso_date(date_line)
        elif subtitle_line and subtitle is None:
            subtitle = subtitle_line.group("body").strip()
        elif DATED_NOTE.fullmatch(text) and DATE_LINE.search(text):
            date = date or iso_date(DATE_LINE.search(text))
            subtitle = subtitle or text.strip("（）()")
        elif glued and len(text) <= 120:
            titles.append(glued.group("title").strip())
            date = date or iso_date(DATE_LINE.search(glued.group("date")))
            speaker = speaker or glued.group("name")
        elif titles and role_and_name and speaker is None and not TITLE_WORDS.search(role_and_name.group("name")):
            speaker = role_and_name.group("name")
        elif titles and ROLE_LINE.fullmatch(text):
            pending_role = True
            continue
        elif titles and speaker is None and _names_speaker(speaker_match, text, pending_role):
            speaker = speaker_match.group("name")
        elif titles and _continues(titles[-1], text):
            titles[-1] += text
        else:
            titles.append(text)
        pending_role = False
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


def _names_speaker(match: re.Match[str] | None, text: str, after_role: bool) -> bool:
    """A bare name (2-4 characters), a name under an office line, or office and name."""
    return bool(match) and not TITLE_WORDS.search(text) and (after_role or len(text) <= 4 or bool(match.group("role")))


def _continues(previous: str, line: str) -> bool:
    """Whether a head line finishes the title the previous line began."""
    if SITE_LABEL.search(line) or line == previous:
        return False
    return bool(TITLE_CONTINUES.search(previous) or (TITLE_CONTINUATION.fullmatch(line) and not SPEECH_TITLE_LINE.fullmatch(previous)))


def choose_title(titles: tuple[str, ...]) -> str | None:
    """The speech's own title among the head's title lines.

    A formal speech title (在…上的讲话, …讲话) wins over a site's label for its copy
    (…讲话稿, 精选2篇), and among speech titles the last, the variant nearest the
    speech. Otherwise the first line is the title and what follows it a sub-headline.
    """
    if not titles:
        return None
    named = [t for t in titles if SPEECH_TITLE_LINE.fullmatch(t) and not SITE_LABEL.search(t)]
    if named:
        return named[-1]
    plain = [t for t in titles if not SITE_LABEL.search(t)]
    return (plain or list(titles))[0]


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
    title = choose_title(head.titles)
    signed_by, signed_on = _signature([p for _, p in paragraphs])
    is_speech, genre, reason = classify(title, text)
    speech = Speech(
        index=index,
        title=title,
        subtitle=head.subtitle,
        date=head.date or signed_on,
        speaker=head.speaker or signed_by,
        occasion=head.occasion,
        is_speech=is_speech,
        genre=genre,
        genre_reason=reason,
        script=detect_script(text),
        text=text,
        offset=offset,
        sections=_close_sections(sections),
        opening=opening,
        elided=bool(ELISION.search(text)),
    )
    return speech, tuple(blocks)


def _signature(paragraphs: list[str]) -> tuple[str | None, str | None]:
    """A signer and date that close a text (letters, printed speeches): 某某 / 2020年5月17日.

    The last such pair counts; what follows it (a news report restating a letter) does not matter.
    """
    for index in range(len(paragraphs) - 1, -1, -1):
        signed = SIGNED_LINE.fullmatch(paragraphs[index].strip())
        if signed and not TITLE_WORDS.search(signed.group("name")):
            return signed.group("name"), iso_date(DATE_LINE.fullmatch(signed.group("date")))
        if index == 0:
            break
        dated = DATE_LINE.fullmatch(paragraphs[index].strip())
        signer = paragraphs[index - 1].strip()
        match = ROLE_AND_NAME.fullmatch(signer) or SPEAKER_LINE.fullmatch(signer)
        if dated and match and len(signer) <= 30 and not TITLE_WORDS.search(match.group("name")):
            return match.group("name"), iso_date(dated)
        if dated and index >= len(paragraphs) - SIGNATURE_WINDOW:
            return None, iso_date(dated)
    return None, None


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
            marker = match.group().rstrip()
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
