"""Footnotes and endnotes: out of the speech text, into ``Note`` records.

A note has two halves: the note itself, in a block after the body (注释：〔1〕见……),
and its anchor, the marker left in the running text (……的讲话〔1〕。). Both leave the
text under the rules of ``NOTE_RULES``, which ``clean`` runs after the text rules, so
the removals ledger holds them; ``extract_notes`` reads the ledger back into notes,
and ``attach_notes`` gives each speech its own.

What counts as a notes block (one function, ``_layout``, decides for all three rules, so they agree):

- a header line (注释, 注, 註釋, 脚注, 参考文献 …, alone, or followed on the line by the
  first note) and the note lines under it, anywhere but on the first line;
- without a header, the run of bracketed note lines (〔1〕, [1], [註1], 注1：) after the
  last body paragraph, with nothing but short lines after it. Circled numbers (①) need
  a header: without one they are far more often a list than notes;
- a wiki copy's notes: lines opened by the ↑ back-link, numbered by their order, with
  a header or closing the text as above (``note_backlink``).

Within a block, short lines between two note lines belong to the block (a wrapped
note); the block ends at its last note line. A block never needs its anchors, so
removing the anchors first (they need the block) changes nothing about the block.
"""

from __future__ import annotations

import html
import re
from bisect import bisect_right
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, replace

from ..records import Cleaned, Edit, Note, Sentence, Speech
from .clean_rules import RULES, CleanRule, Finder
from .edits import Change, apply_changes, clean_offset, span
from .textclass import CLOSERS, HAN_CHAR, SENTENCE_END, looks_like_body

_CIRCLED = "\u2460-\u2473\u3251-\u325f\u32b1-\u32bf"  # ①-⑳, ㉑-㉟, ㊱-㊿
# Three digits at most: 〔2021〕 in 某政发〔2021〕5号 is a year, never a note.
_BRACKETED = r"〔\s*(?:[注註]\s*)?\d{1,3}\s*〕|[\[［]\s*(?:[注註][释釋]?\s*)?\d{1,3}\s*[\]］]"
# What may stand in running text as an anchor, and open a note line.
_ANCHOR = re.compile(f"{_BRACKETED}|[{_CIRCLED}]")
# Markers that open a note line, by family; "plain" (1. 1、) only under a header.
_LINE_MARKERS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("backlink", re.compile(r"(?:\d{1,3}[.．]\s*)?[↑^](?:\s*(?:\d{1,3}\.\d{1,2}|[a-z])(?=\s))*")),
    ("bracketed", re.compile(_BRACKETED)),
    ("word", re.compile(r"[注註]\s*\d{1,3}(?=[\s：:.．、])[：:.．、]?")),
    ("circled", re.compile(f"[{_CIRCLED}]")),
    ("plain", re.compile(r"\d{1,3}[.．、](?!\d)")),
)
_HEADLESS_FAMILIES = frozenset({"backlink", "bracketed", "word"})
# Families whose next number may follow on the same line (注：①见某书。②同上。).
_INLINE_FAMILIES = frozenset({"bracketed", "word", "circled"})
_HEADER_WORDS = (
    "注释", "註釋", "注解", "註解", "脚注", "腳註", "尾注", "注", "註",
    "参考文献", "參考文獻", "参考资料", "參考資料", "名词解释", "名詞解釋",
)
# Print layouts space a header out: 注　　释.
_HEADER = re.compile(
    r"[【\[]?(?:" + "|".join("[ \u3000]*".join(word) for word in _HEADER_WORDS) + r")(?!\d)[】\]]?[ \t\u3000]*[：:]?[ \t\u3000]*"
)
# A marker after 第 or before one of these counts something: 第[1]页, 〔12〕号.
_COUNTED_AFTER = "页頁章节節条條款项項号號期卷版册冊集"
# What parts two notes sharing a line: ①见某书。②同上。
_NOTE_END = tuple(SENTENCE_END + "；;")
# Leading space before a marker; in a raw HTML page also tags and &nbsp;.
_TEXT_LEAD = re.compile(r"[ \t\u3000\u00a0]*")
_RAW_LEAD = re.compile(r"(?:[ \t\u3000\u00a0]|&nbsp;|</?[A-Za-z][^<>\n]*>)*", re.I)
# Where a raw HTML page starts a new line: a newline or a block tag.
_RAW_LINE_BREAK = re.compile(
    r"\n|</?(?:p|div|li|br|tr|td|dd|dt|h[1-6]|ol|ul|table|section|article|blockquote)\b[^<>]*>", re.I
)
_TAG = re.compile(r"</?[A-Za-z][^<>]*>")
_BLOCK_TAG = re.compile(_RAW_LINE_BREAK.pattern.removeprefix("\\n|"), re.I)
_TRAILING = re.compile(r"(?:\s|</?[A-Za-z][^<>]*>|&nbsp;)*\Z", re.I)
# An anchor before punctuation or a line end takes the spaces around it along
# (聲明 [註1] 。 becomes 聲明。); between words a space stays.
_CLOSED_BY_PUNCTUATION = re.compile(r"[ \t]*(?:[，。；：！？、）」』”》.,;:!?)]|$)", re.M)
_SPACES = re.compile(r"[ \t]*")
_BLOCK_RULES = frozenset({"note_block", "note_backlink"})
# Character-level rules only: a note's text is normalised like the speech's, but no
# boilerplate rule judges it (a note that reads 来源：… is a note, not an article line).
_TEXT_RULE_NAMES = ("zero_width", "control_char", "line_space", "odd_space", "fullwidth_alnum", "spaced_digits", "punctuation_width")
_TEXT_RULES = tuple(rule for rule in RULES if rule.name in _TEXT_RULE_NAMES)

Key = tuple[str, int]  # ("number", 3) for 〔3〕, [註3], 注3, the third ↑; ("circled", 3) for ③


@dataclass(frozen=True, slots=True)
class _Marker:
    start: int  # where the marker begins, in the text parsed
    end: int
    family: str
    key: Key


@dataclass(frozen=True, slots=True)
class _Block:
    rule: str  # "note_block" or "note_backlink"
    start: int  # where its header or first note line begins
    end: int  # where its last note line ends
    keys: frozenset[Key]


def marker_key(marker: str) -> Key | None:
    """What a marker counts, so that an anchor finds its note whatever brackets each uses.

    >>> marker_key("〔12〕"), marker_key("[註3]"), marker_key("③"), marker_key("↑")
    (('number', 12), ('number', 3), ('circled', 3), None)
    """
    circled = re.search(f"[{_CIRCLED}]", marker)
    if circled:
        code = ord(circled.group())
        base = 0x2460 - 1 if code <= 0x2473 else 0x3251 - 21 if code <= 0x325F else 0x32B1 - 36
        return ("circled", code - base)
    digits = re.search(r"\d+", marker)
    return ("number", int(digits.group())) if digits else None


def _line_marker(line: str, at: int, headed: bool) -> _Marker | None:
    """The note marker opening ``line`` at ``at``, with text after it, or None."""
    for family, pattern in _LINE_MARKERS:
        if family == "plain" and not headed:
            continue
        match = pattern.match(line, at)
        if not match or not line[match.end() :].strip():
            continue
        if family == "backlink":
            number = re.match(r"\d+", match.group())  # 3. ↑; a bare ↑ counts by its place (0 until then)
            key: Key | None = ("number", int(number.group()) if number else 0)
        else:
            key = marker_key(match.group())
        if key is not None:
            return _Marker(match.start(), match.end(), family, key)
    return None


def _note_line(line: str, at: int, headed: bool) -> tuple[_Marker, ...]:
    """The markers of a note line: the one opening it, and the next numbers after a sentence end.

    Several short notes may share a line: 注：①见某书。②同上。
    """
    first = _line_marker(line, at, headed)
    if first is None:
        return ()
    markers = [first]
    pattern = dict(_LINE_MARKERS)[first.family] if first.family in _INLINE_FAMILIES else None
    for match in pattern.finditer(line, first.end) if pattern else ():
        closed = line[: match.start()].rstrip(" \t\u3000").rstrip(CLOSERS)
        key = marker_key(match.group())
        if key == (first.key[0], markers[-1].key[1] + 1) and closed.endswith(_NOTE_END):
            markers.append(_Marker(match.start(), match.end(), first.family, key))
    return tuple(markers)


def _header(line: str, at: int) -> tuple[_Marker, ...] | None:
    """None if no notes header opens ``line``; else the notes that follow it on the line, if any."""
    match = _HEADER.match(line, at)
    if not match:
        return None
    if not line[match.end() :].strip():
        return ()
    markers = _note_line(line, match.end(), headed=True)
    return markers or None


def _shifted(markers: Sequence[_Marker], offset: int) -> list[_Marker]:
    return [replace(marker, start=marker.start + offset, end=marker.end + offset) for marker in markers]


def _is_body(line: str) -> bool:
    """Running text (anchors aside, which may end a sentence: ……讲话。〔1〕)."""
    stripped = _ANCHOR.sub("", line).strip()
    return bool(stripped) and looks_like_body(stripped)


def _lines(text: str) -> list[tuple[int, str]]:
    lines, start = [], 0
    for line in text.split("\n"):
        lines.append((start, line))
        start += len(line) + 1
    return lines


def _numbered(markers: list[_Marker]) -> frozenset[Key]:
    """The block's keys; a ↑ without a number counts by its place among the ↑ lines."""
    keys, ordinal = set(), 0
    for marker in markers:
        if marker.family == "backlink":
            ordinal += 1
            keys.add(marker.key if marker.key[1] else ("number", ordinal))
        else:
            keys.add(marker.key)
    return frozenset(keys)


def _layout(text: str) -> tuple[_Block, ...]:
    """Every notes block of ``text``, in order (see the module docstring)."""
    lines = _lines(text)
    leads = [_TEXT_LEAD.match(line).end() for _, line in lines]
    used: set[int] = set()
    blocks: list[_Block] = []
    for index in range(1, len(lines)):
        start, line = lines[index]
        header = _header(line, leads[index])
        if header is None:
            continue
        last, markers = _extend(lines, leads, index + 1, _shifted(header, start))
        if not markers:
            continue
        last = max(last, index)
        used.update(range(index, last + 1))
        blocks.append(_block(markers, start, lines[last][0] + len(lines[last][1])))
    tail = _headless_tail(lines, leads, used)
    if tail is not None:
        blocks.append(tail)
    return tuple(sorted(blocks, key=lambda block: block.start))


def _extend(lines, leads, index: int, markers: list[_Marker]) -> tuple[int, list[_Marker]]:
    """A header's note lines from ``index`` on, with short lines between them; the last note line's index."""
    last = index - 1
    for position in range(index, len(lines)):
        start, line = lines[position]
        if not line.strip():
            continue
        if _header(line, leads[position]) is not None:
            break
        found = _note_line(line, leads[position], headed=True)
        if found:
            markers += _shifted(found, start)
            last = position
        elif _is_body(line):
            break
    return last, markers


def _headless_tail(lines, leads, used: set[int]) -> _Block | None:
    """The run of note lines after the text's last body paragraph, with only short lines after it."""

    def markers_at(position: int) -> list[_Marker]:
        start, line = lines[position]
        found = _note_line(line, leads[position], headed=False)
        return _shifted(found, start) if found and found[0].family in _HEADLESS_FAMILIES else []

    last = next((p for p in range(len(lines) - 1, 0, -1) if p not in used and markers_at(p)), None)
    if last is None or any(p not in used and _is_body(lines[p][1]) for p in range(last + 1, len(lines))):
        return None
    first, markers = last, markers_at(last)
    for position in range(last - 1, -1, -1):
        line = lines[position][1]
        found = [] if position in used else markers_at(position)
        if found:
            first = position
            markers = found + markers
        elif position in used or _is_body(line) or _header(line, leads[position]) is not None:
            break  # the body (or a headed block) ends here
    else:
        return None  # nothing but notes and short lines: no body for them to follow
    return _block(markers, lines[first][0], lines[last][0] + len(lines[last][1]))


def _block(markers: list[_Marker], start: int, end: int) -> _Block:
    rule = "note_backlink" if markers[0].family == "backlink" else "note_block"
    return _Block(rule, start, end, _numbered(markers))


def _is_anchor(text: str, match: re.Match[str]) -> bool:
    """An in-text marker: after a word or punctuation on its line, not counting anything."""
    start, end = match.start(), match.end()
    line_start = text.rfind("\n", 0, start) + 1
    if not text[line_start:start].strip():
        return False  # opens its line: a list item or a note line
    before = text[start - 1]
    if match.group()[0] not in "〔[［":
        # A circled number after a word, a closing mark or a full stop; after ：；，、 it
        # opens an inline list item (三点：①…；②…).
        return HAN_CHAR.match(before) is not None or before.isalnum() or before in CLOSERS + SENTENCE_END
    if before == " ":  # 聲明 [註1]
        before = text[start - 2]
    after = text[end : end + 1]
    return not before.isspace() and before != "第" and (not after or after not in _COUNTED_AFTER)


def _anchors(text: str) -> Iterator[Change]:
    previous_end = 0
    for block in _layout(text):
        for match in _ANCHOR.finditer(text, previous_end, block.start):
            if marker_key(match.group()) in block.keys and _is_anchor(text, match):
                start, end = match.start(), match.end()
                if _CLOSED_BY_PUNCTUATION.match(text, end):
                    while text[start - 1] in " \t":
                        start -= 1
                    end = _SPACES.match(text, end).end()
                yield span(start, end, "")
        previous_end = block.end


def _blocks_of(rule: str) -> Finder:
    def find(text: str) -> Iterator[Change]:
        for block in _layout(text):
            if block.rule == rule:
                # The newline before the block goes with it: the text before it keeps its end.
                yield Change(rule, block.start - 1, block.end, "")

    return find


# Anchors first: they are found by the blocks, which the other two rules remove.
NOTE_RULES: tuple[CleanRule, ...] = (
    CleanRule(
        "note_anchor",
        "A note's marker in the running text, right after a word or punctuation, when a note with that marker is on the page.",
        _anchors,
        examples=(
            ("要认真学习〔1〕，抓好落实。\n注释：\n〔1〕见某某文选。", "要认真学习，抓好落实。\n注释：\n〔1〕见某某文选。"),
            ("他这样说过[註2]。\n[註2] 见某某文集。", "他这样说过。\n[註2] 见某某文集。"),
            ("公会发表了一项声明 [註1] 。声明引起讨论。\n[註1] 见声明。", "公会发表了一项声明。声明引起讨论。\n[註1] 见声明。"),
            ("这是一条重要的意见。①\n注：\n①见某某讲话。", "这是一条重要的意见。\n注：\n①见某某讲话。"),
            ("这是维基文库收录的讲话[1]。\n注释\n↑ 见某某公报。", "这是维基文库收录的讲话。\n注释\n↑ 见某某公报。"),
        ),
        keeps=(
            "要认真学习[1]文件。",  # no note [1] on the page
            "按照某政发〔2021〕5号文件执行。\n注释：\n〔1〕见某某文选。",  # a document number's year
            "详见第[1]页。\n注释：\n[1]见某某文选。",  # counts a page
            "下面讲三点：①抓学习；②抓落实。\n注：\n①见某某讲话。",  # an inline list
            "要做好三件事：\n①抓学习。\n②抓落实。",  # a list at line starts
        ),
    ),
    CleanRule(
        "note_block",
        "The notes after the body: a 注释/注：/參考文獻 header and its numbered notes, or bracketed notes closing the text.",
        _blocks_of("note_block"),
        examples=(
            ("要抓好落实〔1〕。\n注释：\n〔1〕见某某文选第二卷。\n〔2〕同上。", "要抓好落实〔1〕。"),
            ("会议要求认真学习[1]。\n[1] 某某：《某某文集》，某某出版社。\n---", "会议要求认真学习[1]。\n---"),
            ("工作要落实到位。\n注：①见某某讲话。", "工作要落实到位。"),
            ("要深入学习。\n註釋\n1. 見某某文集。\n2. 同上。\n二、下面讲作风建设问题。", "要深入学习。\n二、下面讲作风建设问题。"),
        ),
        keeps=(
            "要做好三件事：\n①抓学习。\n②抓落实。",  # circled numbers without a header are a list
            "要讲三点。\n[1] 这一点要记住。\n这是后面的正文，还有很多内容要讲，大家要认真听。",  # body follows
            "要抓好落实。\n注：本文根据录音整理。",  # a note, but not numbered
            "要抓好落实。\n〔2021〕3号文件已经印发。",  # a year, not a note number
        ),
    ),
    CleanRule(
        "note_backlink",
        "A wiki copy's notes: lines opened by the ↑ back-link (with its 1.0 1.1 labels), under a header or closing the text.",
        _blocks_of("note_backlink"),
        examples=(
            ("这是维基文库收录的讲话[1]。\n注释\n↑ 见某某公报。", "这是维基文库收录的讲话[1]。"),
            ("全文如下。\n↑ 1.0 1.1 某某公报。\n↑ 某某新闻。", "全文如下。"),
        ),
        keeps=(
            "股价↑ 上涨明显。",  # an arrow in running text
            "全文如下。\n↑返回顶部\n这是后面的正文，还有很多内容要讲，大家要认真听。",  # body follows
        ),
    ),
)

NOTE_RULE_NAMES: tuple[str, ...] = tuple(rule.name for rule in NOTE_RULES)


# --- back from the ledger ----------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class _Run:
    """One change of a note rule as the ledger holds it: its edits' raw text, and where each character was."""

    rule: str
    text: str
    where: tuple[int, ...]  # raw offset of each character of ``text``

    @property
    def start(self) -> int:
        return self.where[0]

    @property
    def end(self) -> int:
        return self.where[-1] + 1


def _runs(raw: str, edits: Sequence[Edit], rules: frozenset[str]) -> list[_Run]:
    """Edits of ``rules`` joined where only earlier deletions part them (the ledger splits a change there).

    Adjacent changes of one rule join too (〔1〕〔2〕); the markers in the text part them again.
    """
    runs: list[tuple[str, list[str], list[int]]] = []
    reach = -1  # the raw end of the last run, extended over deletions after it
    between: list[Edit] = []  # those deletions
    for edit in edits:
        if edit.rule in rules:
            if not runs or edit.start != reach or runs[-1][0] != edit.rule:
                runs.append((edit.rule, [], []))
            else:
                # Tags between a block's edits are the HTML stage's removals; they still part its lines.
                for tags in (deletion for deletion in between if _BLOCK_TAG.search(deletion.before)):
                    runs[-1][1].append(tags.before)
                    runs[-1][2].extend(range(tags.start, tags.end))
            runs[-1][1].append(raw[edit.start : edit.end])
            runs[-1][2].extend(range(edit.start, edit.end))
            reach = edit.end
            between = []
        elif runs and edit.start == reach and not edit.after:
            reach = edit.end
            between.append(edit)
    return [_Run(rule, "".join(texts), tuple(where)) for rule, texts, where in runs if where]


def _raw_lines(text: str) -> list[tuple[int, str]]:
    """A raw run's lines: split at newlines and, in HTML, at block tags."""
    lines, start = [], 0
    for match in _RAW_LINE_BREAK.finditer(text):
        lines.append((start, text[start : match.start()]))
        start = match.end()
    lines.append((start, text[start:]))
    return lines


def _parse_block(run: _Run) -> list[tuple[_Marker, int]]:
    """Each note of a removed block: its marker, and where its text ends in ``run.text``."""
    lines = _raw_lines(run.text)
    leads = [_RAW_LEAD.match(line).end() for _, line in lines]
    headed = any(_header(line, lead) is not None for (_, line), lead in zip(lines, leads, strict=True))
    # Where each note begins, and each header line (None): a note's text runs to the next.
    starts: list[tuple[int, _Marker | None]] = []
    ordinal = 0
    for (start, line), lead in zip(lines, leads, strict=True):
        header = _header(line, lead)
        if header is not None:
            starts.append((start, None))
            ordinal = 0  # a new block: ↑ counts again
        for marker in _shifted(header if header is not None else _note_line(line, lead, headed), start):
            if marker.family == "backlink":
                ordinal += 1
                marker = replace(marker, key=marker.key if marker.key[1] else ("number", ordinal))
            starts.append((marker.start, marker))
    notes = []
    for position, (_, marker) in enumerate(starts):
        if marker is None:
            continue
        stop = starts[position + 1][0] if position + 1 < len(starts) else len(run.text)
        end = _TRAILING.search(run.text, marker.end, stop).start() if stop > marker.end else marker.end
        notes.append((marker, end))
    return notes


def _note_text(raw_piece: str) -> str:
    """A note's text as the speech's own text would read: tags gone, characters normalised, lines joined."""
    text = html.unescape(_TAG.sub("", raw_piece))
    for _ in range(2):  # a rule may expose work for another, as in ``clean``
        for rule in _TEXT_RULES:
            changes = rule.changes(text)
            if changes:
                text = apply_changes(text, changes)
    pieces = [line.strip() for line in text.split("\n") if line.strip()]
    joined = ""
    for piece in pieces:
        # Latin words keep a space between lines; Chinese text has none to keep.
        joined += " " + piece if joined and joined[-1].isascii() and piece[0].isascii() else piece
    return joined.strip()


def extract_notes(raw: str, cleaned: Cleaned) -> tuple[Note, ...]:
    """The page's notes, rebuilt from the ledger's note edits; ``anchor`` is in the clean *page* text.

    A note takes the first anchor with its marker between the previous block and its
    own; ``attach_notes`` moves anchors into their speeches' text.

    >>> raw = "要抓好落实〔1〕。\\n注释：\\n〔1〕见某某文选,第二卷。"
    >>> from cadrespeech.stages.clean import clean_text
    >>> extract_notes(raw, clean_text(raw))
    (Note(marker='〔1〕', text='见某某文选，第二卷。', anchor=5, raw_start=14, raw_end=27),)
    """
    anchors: list[tuple[int, Key]] = []
    for run in _runs(raw, cleaned.edits, frozenset({"note_anchor"})):
        for match in _ANCHOR.finditer(run.text):
            key = marker_key(match.group())
            if key is not None:
                anchors.append((run.where[match.start()], key))
    used: set[int] = set()
    notes: list[Note] = []
    previous_end = 0
    for run in _runs(raw, cleaned.edits, _BLOCK_RULES):
        waiting = [(position, key) for position, key in anchors if previous_end <= position < run.start]
        for marker, text_end in _parse_block(run):
            anchor = next((position for position, key in waiting if key == marker.key and position not in used), None)
            if anchor is not None:
                used.add(anchor)
            notes.append(
                Note(
                    marker=run.text[marker.start : marker.end].strip(),
                    text=_note_text(run.text[marker.end : text_end]),
                    anchor=None if anchor is None else clean_offset(cleaned.edits, anchor),
                    raw_start=run.where[marker.start],
                    raw_end=run.where[text_end - 1] + 1,
                )
            )
        previous_end = run.end
    return tuple(notes)


def attach_notes(speeches: Sequence[Speech], notes: Sequence[Note], edits: Sequence[Edit]) -> list[Speech]:
    """Each speech with its notes, anchors now offsets in the speech's own text.

    A note goes to the speech whose text holds its anchor; without one (or with one in
    no speech's text, e.g. in a title), to the speech its block followed.
    """
    owned: list[list[Note]] = [[] for _ in speeches]
    starts = [speech.offset for speech in speeches]
    for note in notes:
        anchor = note.anchor
        owner = next(
            (n for n, s in enumerate(speeches) if anchor is not None and s.offset <= anchor <= s.offset + len(s.text)),
            None,
        )
        if owner is None:
            owner = max(bisect_right(starts, clean_offset(edits, note.raw_start)) - 1, 0)
            anchor = None
        else:
            anchor -= speeches[owner].offset
        owned[owner].append(replace(note, anchor=anchor))
    return [replace(speech, notes=tuple(mine)) for speech, mine in zip(speeches, owned, strict=True)]


def sentence_at(sentences: Sequence[Sentence], anchor: int) -> int | None:
    """The index of the sentence a note's anchor belongs to.

    A marker after a full stop (……讲话。〔1〕) belongs to the sentence it closes.

    >>> from cadrespeech.records import Sentence
    >>> first = Sentence("要学习。", 0, 4, 0, None, "preamble", False)
    >>> second = Sentence("要落实。", 4, 8, 0, None, "preamble", False)
    >>> sentence_at([first, second], 4), sentence_at([first, second], 6), sentence_at([first, second], 0)
    (0, 1, 0)
    """
    for index, sentence in enumerate(sentences):
        if sentence.start < anchor <= sentence.end:
            return index
    return next((index for index, sentence in enumerate(sentences) if sentence.start == anchor), None)
