"""Find a page's titles and metadata, its speeches, and each speech's section tree.

Works on clean page text, where every line is one paragraph. A page is a head (title
lines, repeated or variant) and one or more speeches; a speech is its own head
(title, subtitle, speaker, date), a preamble, numbered sections, and a closing.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from itertools import pairwise

from ..records import Block, PageMeta, Section, Speech
from .genre import classify
from .head import SENDER_END, Head, date_in_lead, decide_head, fold, is_date_line, read_date, speaker_of
from .head_rules import LEAD_LINE, ORIGINAL_TITLE, is_person_name
from .structure_rules import (
    ADDRESS_THEN_TEXT,
    CLOSING_START,
    DATE_LINE,
    DATED_NOTE,
    ELISION,
    GLUED_TITLE,
    HEADING_STYLES,
    OPENING_ADDRESS,
    SIGNED_LINE,
    SPEECH_MARKER,
    SPEECH_TITLE_LINE,
    SUBTITLE,
    THANKS,
    TITLE_WORDS,
    HeadingStyle,
    chinese_number,
)
from .textclass import CLOSERS, HAN, HAN_CHAR, SENTENCE_END, detect_script, looks_like_body

MAX_HEAD_LINES = 8
# How many opening paragraphs may be a reporter's lead that dates the speech.
LEAD_PARAGRAPHS = 2
# What a letter's signer writes after the name: 敬上, 谨启.
SIGN_OFF = re.compile(r"[\s\u3000]*(?:敬上|謹上|谨上|敬啟|敬启|謹啟|谨启|敬呈)$")
BYLINE_FIELDS = 3
# A form's field label on its own line (文　　号：, 名　　称：) belongs to the head.
FIELD_LABEL = re.compile(rf"[{HAN}\u3000 ]{{1,8}}[：:]")
# How far down an opening address may stand and still mark where the speech begins.
MAX_LEAD_LINES = 12
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
class PageStructure:
    page_title: str | None
    speeches: tuple[tuple[Speech, tuple[Block, ...]], ...]


def structure_page(text: str, meta: PageMeta | None = None, leads: tuple[tuple[int, str], ...] = ()) -> PageStructure:
    """Split clean page text into speeches with titles, metadata and section trees.

    ``meta`` is what the page says about itself (``pagemeta``): evidence for the head
    decision, and the publication date. ``leads`` are a reporter's lead lines that
    cleaning removed (…今日在…上致辞，全文如下：) with their clean-text offsets; those
    above the first speech's body may name, date and attribute it.

    >>> page = structure_page("讲话\\n同志们：\\n一、抓落实。要实干。\\n二、讲纪律。")
    >>> [s.marker for s in page.speeches[0][0].sections]
    ['一、', '二、']
    """
    meta = meta or PageMeta()
    lines = _lines(text)
    page_head_lines, groups = _split_speeches(lines)
    speeches: list[tuple[Speech, tuple[Block, ...]]] = []
    # A collection's own title is often a site's label for it (…讲话稿（精选2篇）): that is its name.
    page_title = decide_head([line.text for line in page_head_lines], meta, collection=True).title if page_head_lines else None
    for marker_rest, group in groups:
        head_lines, body_lines = _take_head(group, tuple(offset for offset, _ in leads))
        body_start = body_lines[0].start if body_lines else len(text)
        above = tuple(lead for offset, lead in leads if offset <= body_start) if not speeches else ()
        head = decide_head([line.text for line in head_lines], meta, given_title=marker_rest or None, leads=above)
        if len(groups) > 1 and not speeches and page_title is None and head.title_line:
            # A collection's own title stands above its first speech's title.
            # A headline naming a person (县委书记某某：…) is the first article's, not the collection's.
            collection_head = [line.text for line in head_lines[: head.title_line] if not speaker_of(line.text)]
            page_title = decide_head(collection_head, meta, collection=True).title if collection_head else None
        if not group:
            continue
        if not body_lines:
            # Only short lines (a law's articles, a stub): all but the title is text, and
            # a page of one line is that line; only an empty page has no document.
            body_lines = group[1:] or group
        # The lead before the first speech: what cleaning took, and the head lines above the title.
        lead = (*above, *(line.text for line in head_lines)) if not speeches else ()
        speeches.append(_build_speech(text, len(speeches), head, body_lines, meta, lead))
    if len(groups) == 1 and speeches:
        page_title = speeches[0][0].title  # a page holding one speech is named by it
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

    A page is cut, in this order of trust, at 篇一 / 篇二 markers that count up from
    one; at part heads (开幕词, 结论 …) that a date line and an opening address follow, as
    in selected works; at 原标题： lines, as in dumps of reposts; else where a speech
    title is followed by an opening address; else it holds one speech.
    """
    cuts: list[tuple[int, str | None]] = []
    for position, line in enumerate(lines):
        match = SPEECH_MARKER.fullmatch(line.text.strip())
        if match and len(line.text) <= 80:
            number = chinese_number(match.group("a") or match.group("b"))
            if number == len(cuts) + 1:
                cuts.append((position, match.group("rest").strip()))
    if len(cuts) >= 2:
        groups = [(rest, lines[at + 1 : end]) for (at, rest), end in zip(cuts, [c[0] for c in cuts[1:]] + [len(lines)], strict=True)]
        return lines[: cuts[0][0]], groups
    for find in (_original_titles, _part_heads):
        starts = find(lines)
        if len(starts) >= 2:
            bounds = [*starts, len(lines)]
            return lines[: starts[0]], [(None, lines[a:b]) for a, b in pairwise(bounds)]
    return [], _split_at_titles(lines)


def _part_heads(lines: list[Line]) -> list[int]:
    """Where a short head line is followed by a date line and then an opening address."""
    starts = []
    for position in range(len(lines) - 2):
        text, dated, address = (line.text.strip() for line in lines[position : position + 3])
        part = _is_head_line(text) and not _is_heading_start(text) and not speaker_of(text)
        if part and DATE_LINE.fullmatch(dated) and OPENING_ADDRESS.fullmatch(address):
            starts.append(position)
    return starts


def _original_titles(lines: list[Line]) -> list[int]:
    """Where each repost of a dump begins: its 原标题： line, or the headline just above it."""
    starts = []
    for position, line in enumerate(lines):
        if ORIGINAL_TITLE.fullmatch(line.text.strip()):
            above = lines[position - 1].text.strip() if position else ""
            moved = position - 1 if above and _is_head_line(above) and position - 1 > (starts[-1] if starts else -1) else position
            starts.append(moved)
    return starts


def _split_at_titles(lines: list[Line]) -> list[tuple[str | None, list[Line]]]:
    """Cut a concatenated dump where a speech title is followed by an opening address.

    A cut needs body text since the last one (a head of title lines, a site's lead and a
    ——subtitle are not a speech), and moves up over the short lines that begin the title.
    """
    starts = [0]
    for position in range(1, len(lines)):
        text = lines[position].text.strip()
        if position - starts[-1] < MIN_SPEECH_LINES or not SPEECH_TITLE_LINE.fullmatch(text) or looks_like_body(text):
            continue
        following = [line.text.strip() for line in lines[position + 1 : position + 1 + OPENING_WINDOW]]
        if not any(OPENING_ADDRESS.fullmatch(t) for t in following):
            continue
        cut = position
        while cut - 1 > starts[-1] and _is_head_line(lines[cut - 1].text.strip()) and position - cut < OPENING_WINDOW:
            cut -= 1
        body = [line.text for line in lines[starts[-1] : cut] if looks_like_body(line.text.strip()) and not LEAD_LINE.search(line.text)]
        if len(body) >= MIN_SPEECH_LINES:
            starts.append(cut)
    bounds = [*starts, len(lines)]
    return [(None, lines[a:b]) for a, b in pairwise(bounds)]


def _is_heading_start(text: str) -> bool:
    return any(style.pattern.match(text) for style in HEADING_STYLES)


def _is_metadata(text: str) -> bool:
    return bool(DATE_LINE.fullmatch(text) or SUBTITLE.fullmatch(text) or (DATED_NOTE.fullmatch(text) and DATE_LINE.search(text)))


def _is_head_line(text: str, first: bool = False) -> bool:
    glued = GLUED_TITLE.fullmatch(text) and len(text) <= 120
    # A page's first line may be a headline ending with an exclamation mark or a quote (筑梦青春！, …用得好”).
    exclaimed = first and text.endswith(("！", "!", "”", "」")) and len(text) <= 60 and not re.search(r"[。；]", text)
    sentence_inside = "。" in text[:-1]  # a title never holds a full stop
    body = (looks_like_body(text) and not exclaimed) or sentence_inside or _is_heading_start(text) or OPENING_ADDRESS.fullmatch(text)
    label = FIELD_LABEL.fullmatch(text) and not OPENING_ADDRESS.fullmatch(text)
    # An English line (a bilingual site's title) and a byline of fields (市长　某某|2023.10.18|…).
    byline = not HAN_CHAR.search(text) or len(re.split(r"\s*[|｜]\s*", text)) >= BYLINE_FIELDS
    return bool(_is_metadata(text) or glued or label or byline or ORIGINAL_TITLE.fullmatch(text)) or not body


def _take_head(lines: list[Line], lead_ends: tuple[int, ...] = ()) -> tuple[list[Line], list[Line]]:
    """The leading title and metadata lines, and the rest.

    An opening address near the top marks where the speech begins: what stands before
    it is head, a site's lead (现摘录…讲话, 全文如下) included. Without one, the head is
    the run of short lines, read past a lead line that a short line follows.
    """
    texts = [line.text.strip() for line in lines]
    for index, text in enumerate(texts[:MAX_LEAD_LINES]):
        if OPENING_ADDRESS.fullmatch(text) or ADDRESS_THEN_TEXT.match(text):
            above = texts[:index]
            leads_and_heads = all(_is_head_line(t) or LEAD_LINE.search(t) for t in above)
            # A title block right above the address, with a reporter's paragraphs over it.
            titled = above and _is_head_line(above[-1]) and not any(_is_heading_start(t) for t in above)
            # A removed 以下为讲话全文： right above the address ends a reporter's story.
            introduced = index and any(lines[index - 1].end <= end <= lines[index].start for end in lead_ends)
            if above and (leads_and_heads or titled or introduced):
                return lines[:index], lines[index:]
            break
    count = 0
    while count < min(len(texts), MAX_HEAD_LINES):
        text = texts[count]
        lead = LEAD_LINE.search(text) and count + 1 < len(texts) and _is_head_line(texts[count + 1])
        # A site shows the title again in pieces (标题——副标题, then 标题 and ——副标题).
        repeat = count and fold(text) and any(fold(t).startswith(fold(text)) or fold(t).endswith(fold(text)) for t in texts[:count])
        if not (_is_head_line(text, first=count == 0) or lead or repeat):
            break
        count += 1
    if count == len(lines):  # nothing but short lines: treat only the first as head
        count = min(1, len(lines))
    return lines[:count], lines[count:]


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


def _build_speech(
    page_text: str, index: int, head: Head, lines: list[Line], meta: PageMeta, leads: tuple[str, ...] = ()
) -> tuple[Speech, tuple[Block, ...]]:
    offset = lines[0].start
    text = page_text[offset : lines[-1].end]
    paragraphs = [(line.start - offset, line.text) for line in lines]
    sections, blocks = _sections_and_blocks(text, paragraphs)
    opening = paragraphs[0][1] if paragraphs and OPENING_ADDRESS.fullmatch(paragraphs[0][1]) else None
    title = head.title
    signed_by, signed_on = _signature([p for _, p in paragraphs])
    is_speech, genre, reason = classify(title, text)
    if is_speech and head.title_is_headline:
        title = None  # a news site's headline over a speech's full text is not the speech's title
    elif not is_speech and head.report_title != title:
        title = head.report_title  # a report is named by its headline
        is_speech, genre, reason = classify(title, text)
    lead_date = date_in_lead((*leads, *_reporters_lead(paragraphs)), meta.published) if is_speech else None
    date, date_source = _choose_date(head.date, signed_on, meta.published, is_speech, lead_date)
    speech = Speech(
        index=index,
        title=title,
        subtitle=head.subtitle,
        date=date,
        # A report or notice names people in its headline; only a speech's headline names its speaker.
        speaker=(head.speaker if is_speech or not head.speaker_in_headline else None) or signed_by or _byline(meta, is_speech),
        occasion=head.occasion,
        is_speech=is_speech,
        genre=genre,
        genre_reason=reason,
        script=detect_script(text),
        text=text,
        offset=offset,
        sections=sections,
        opening=opening,
        elided=bool(ELISION.search(text)),
        published=meta.published,
        date_text=None if date else head.date_text,
        title_reason=head.title_reason,
        date_source=date_source,
    )
    return speech, blocks


@dataclass(slots=True)
class _SectionDraft:
    """A section while its paragraphs are read: its end and elision are known only at the end."""

    parent: int | None
    level: int
    style: str
    marker: str
    heading: str
    start: int
    last_end: int
    elided: bool = False


def _sections_and_blocks(text: str, paragraphs: list[tuple[int, str]]) -> tuple[tuple[Section, ...], tuple[Block, ...]]:
    """The speech's section tree and its blocks (preamble, headings, body, closing), from its paragraphs."""
    headings = _headings([p for _, p in paragraphs])
    closing_at = _closing_index([p for _, p in paragraphs], last_heading=max(headings, default=-1))
    if closing_at is not None:
        headings = {i: h for i, h in headings.items() if i < closing_at}
    section_of_paragraph: dict[int, int] = {}
    drafts: list[_SectionDraft] = []
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
                drafts[current].last_end = end
            continue
        current = section_of_paragraph[number] = len(drafts)
        heading_end = start + len(found.marker) + found.heading_length
        drafts.append(
            _SectionDraft(
                parent=None if found.parent is None else section_of_paragraph[found.parent],
                level=found.level,
                style=found.style.name,
                marker=found.marker,
                heading=paragraph[len(found.marker) : len(found.marker) + found.heading_length].strip(),
                start=start,
                last_end=end,
            )
        )
        blocks.append(Block(start, heading_end, number, current, "body", True))
        if heading_end < end:
            blocks.append(Block(heading_end, end, number, current, "body", False))
    for block in blocks:
        if block.section is not None and ELISION.search(text, block.start, block.end):
            drafts[block.section].elided = True
    return _close_sections(drafts), tuple(blocks)


def _reporters_lead(paragraphs: list[tuple[int, str]]) -> tuple[str, ...]:
    """Opening paragraphs before the speaker addresses anyone, told in the third person."""
    lead = []
    for _, paragraph in paragraphs[:LEAD_PARAGRAPHS]:
        if OPENING_ADDRESS.fullmatch(paragraph.strip()) or FIRST_PERSON.search(paragraph):
            break
        lead.append(paragraph)
    return tuple(lead)


FIRST_PERSON = re.compile(r"我")


def _choose_date(
    head: str | None, signed: str | None, published: str | None, is_speech: bool, lead: str | None = None
) -> tuple[str | None, str | None]:
    """The document's own date; a report or letter with none is dated by its publication.

    A speech's page is often published days after the speech, so a speech without a
    stated date keeps ``date`` empty and only ``published`` says when the page appeared,
    unless a reporter's lead dates it against the publication (今日…致辞).
    """
    if head:
        return head, "head"
    if signed:
        return signed, "signature"
    if lead:
        return lead, "lead"
    if published and not is_speech:
        return published, "published"
    return None, None


def _byline(meta: PageMeta, is_speech: bool) -> str | None:
    """A speech page's author byline names the speaker when the head does not (a principal's own post)."""
    author = (meta.author or "").strip()
    return author if is_speech and is_person_name(author) else None


def _signature(paragraphs: list[str]) -> tuple[str | None, str | None]:
    """A signer and date that close a text (letters, printed speeches): 某某 / 2020年5月17日.

    The last such pair counts; what follows it (a news report restating a letter) does not matter.
    """
    for index in range(len(paragraphs) - 1, -1, -1):
        line = paragraphs[index].strip()
        signed = SIGNED_LINE.fullmatch(line)
        if signed and not TITLE_WORDS.search(signed.group("name")):
            return signed.group("name"), iso_date(DATE_LINE.fullmatch(signed.group("date")))
        if index == 0:
            break
        dated = read_date(line)[0] if is_date_line(line) else None
        signer = SIGN_OFF.sub("", paragraphs[index - 1].strip())
        name = speaker_of(signer, only_name=True) if len(signer) <= 30 else None
        if dated and name:
            return name, dated
        if dated and len(signer) <= 30 and SENDER_END.search(signer):
            return None, dated  # an office signs and dates a document (…人民政府 / 2023年3月6日)
        if dated and index >= len(paragraphs) - SIGNATURE_WINDOW:
            return None, dated
    return None, None


def _headings(paragraphs: list[str]) -> dict[int, _Heading]:
    """Headings, once numbered paragraphs are told apart: a top-level run of ten or more
    1. 2. 3. … that open long paragraphs numbers paragraphs (a lawyer's or a report's
    style), it does not open sections."""
    found = _find_headings(paragraphs)
    numbered = frozenset(
        style
        for style in {h.style.name for h in found.values() if h.level == 1 and h.style.name in NUMBERED_PARAGRAPH_STYLES}
        if _numbers_paragraphs([i for i, h in found.items() if h.level == 1 and h.style.name == style], paragraphs)
    )
    return _find_headings(paragraphs, numbered) if numbered else found


NUMBERED_PARAGRAPH_STYLES = frozenset({"arabic_dot", "arabic_paren"})
NUMBERED_PARAGRAPHS_MIN = 10
LONG_PARAGRAPH = 100


def _numbers_paragraphs(indices: list[int], paragraphs: list[str]) -> bool:
    long = sum(1 for i in indices if len(paragraphs[i]) > LONG_PARAGRAPH)
    return len(indices) >= NUMBERED_PARAGRAPHS_MIN and long * 2 >= len(indices)


def _find_headings(paragraphs: list[str], skip: frozenset[str] = frozenset()) -> dict[int, _Heading]:
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
            if style.name in skip:
                continue
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


def _close_sections(drafts: list[_SectionDraft]) -> tuple[Section, ...]:
    """A section ends where its last paragraph, or its last descendant's, ends."""
    ends = [draft.last_end for draft in drafts]
    for section_id in range(len(drafts) - 1, -1, -1):
        parent = drafts[section_id].parent
        if parent is not None:
            ends[parent] = max(ends[parent], ends[section_id])
    return tuple(
        Section(
            section_id=i,
            parent=draft.parent,
            level=draft.level,
            style=draft.style,
            marker=draft.marker,
            heading=draft.heading,
            start=draft.start,
            end=ends[i],
            elided=draft.elided,
        )
        for i, draft in enumerate(drafts)
    )
