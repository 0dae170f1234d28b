"""HTML to text through a real parser, as changes in raw coordinates.

We need each tag's exact place in the page so that what the HTML stage drops goes
into the same removals ledger as the text rules' edits; the standard library's
``html.parser`` reports source positions (lxml and selectolax do not), so it tokenises
the page and a small tree builder here applies HTML's implicit-close rules.

The speech is found as the deepest element that holds most of the page's Chinese
text outside links; what lies outside it (navigation, sidebars, footers), and
scripts, styles, hidden elements, page chrome and link lists inside it, are dropped,
each under a named rule. Block tags become line breaks, inline tags vanish, entities
are decoded; every one of these is a change the ledger records.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser

from .edits import Change
from .html_rules import (
    BLOCK_TAGS,
    CHROME_ID_CLASS,
    CHROME_WORDS,
    CLOSES_P,
    CLOSES_SAME,
    CONTENT_SHARE,
    CONTENT_WIDEN_SHARE,
    DROP_TAGS,
    HEADING_TAGS,
    HIDDEN_STYLE,
    LINK_DENSITY,
    SCOPE_TAGS,
    SOFT_DROP_TAGS,
    SPEECH_SHARE,
    TITLE_MAX_CHARS,
    VOID_TAGS,
)
from .textclass import HAN_CHAR

_NEWLINE_SPACE = re.compile(r"[ \t\r\n\f]*\n[ \t\r\n\f]*|\t+")
_MIN_LINK_LIST_CHARS = 8
# How far up the tree a text looks for its link or heading; bounds the work on
# pathologically nested pages.
_MAX_WALK = 32


@dataclass(slots=True, eq=False)
class Element:
    tag: str
    attrs: dict[str, str]
    start: int
    parent: Element | None
    end: int = -1
    children: list[Element] = field(default_factory=list)
    text: int = 0  # Chinese characters in its subtree, outside dropped parts
    link_text: int = 0  # of which inside <a>
    drop: str | None = None  # the rule that drops it with its subtree


@dataclass(frozen=True, slots=True)
class Event:
    kind: str  # "start", "end", "data", "entity", "other"
    start: int
    element: Element  # the tag's element, or the element enclosing the text
    text: str = ""


class TolerantHTMLParser(HTMLParser):
    """``html.parser`` that reads a malformed ``<![`` section as a bogus comment, as browsers do.

    Python's parser (3.12 and earlier) raises AssertionError on ``<![]`` or ``<![ x``,
    which would fail a whole page for one stray mark.
    """

    def parse_marked_section(self, i: int, report: int = 1) -> int:
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            return self.parse_bogus_comment(i, report)


class _TreeBuilder(TolerantHTMLParser):
    """Collects events with absolute offsets and builds the element tree."""

    def __init__(self, raw: str) -> None:
        super().__init__(convert_charrefs=False)
        self.raw = raw
        self.line_starts = [0] + [m.end() for m in re.finditer("\n", raw)]
        self.root = Element("#document", {}, 0, None)
        self.stack: list[Element] = [self.root]
        self.events: list[Event] = []
        # Elements that end where the event at that index ends (void tags, end tags).
        self.closed_by_event: list[tuple[int, Element]] = []

    def _offset(self) -> int:
        line, column = self.getpos()
        return self.line_starts[line - 1] + column

    def _open(self, tag: str, attrs: list[tuple[str, str | None]], self_closing: bool) -> None:
        position = self._offset()
        self._implicit_close(tag, position)
        element = Element(tag, {k: v or "" for k, v in attrs}, position, self.stack[-1])
        self.stack[-1].children.append(element)
        self.events.append(Event("start", position, element))
        if tag in VOID_TAGS or self_closing:
            self.closed_by_event.append((len(self.events) - 1, element))
        else:
            self.stack.append(element)

    def _implicit_close(self, tag: str, position: int) -> None:
        if tag in CLOSES_P and self.stack[-1].tag == "p":
            self._pop_to(len(self.stack) - 1, position)
        same = CLOSES_SAME.get(tag)
        if same:
            for depth in range(len(self.stack) - 1, 0, -1):
                open_tag = self.stack[depth].tag
                if open_tag in SCOPE_TAGS:
                    break
                if open_tag in same:
                    self._pop_to(depth, position)
                    break

    def _pop_to(self, depth: int, position: int) -> None:
        for element in self.stack[depth:]:
            element.end = position
        del self.stack[depth:]

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, self_closing=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._open(tag, attrs, self_closing=True)

    def handle_endtag(self, tag: str) -> None:
        position = self._offset()
        for depth in range(len(self.stack) - 1, 0, -1):
            if self.stack[depth].tag == tag:
                element = self.stack[depth]
                self.events.append(Event("end", position, element))
                self._pop_to(depth, position)  # what it left open ends where it ends
                self.closed_by_event.append((len(self.events) - 1, element))
                return
        self.events.append(Event("other", position, self.stack[-1]))  # a stray end tag

    def handle_data(self, data: str) -> None:
        self.events.append(Event("data", self._offset(), self.stack[-1], data))

    def handle_entityref(self, name: str) -> None:
        self.events.append(Event("entity", self._offset(), self.stack[-1]))

    handle_charref = handle_entityref

    def _other(self, *_: object) -> None:
        self.events.append(Event("other", self._offset(), self.stack[-1]))

    handle_comment = handle_decl = handle_pi = unknown_decl = _other


def parse_html(raw: str) -> tuple[Element, list[Event], list[int]]:
    """The element tree, the events in order, and each event's end offset."""
    builder = _TreeBuilder(raw)
    builder.feed(raw)
    builder.close()
    events = builder.events
    ends = [event.start for event in events[1:]] + [len(raw)] if events else []
    for index, element in builder.closed_by_event:
        element.end = ends[index]
    for element in builder.stack:  # still open at the end of a truncated page
        element.end = len(raw)
    return builder.root, events, ends


def _own_drop(element: Element) -> str | None:
    return DROP_TAGS.get(element.tag)


def _soft_drop(element: Element) -> str | None:
    """Hidden or chrome elements: dropped unless they hold the speech.

    Hidden is soft because some sites hide the article until a script shows it.
    """
    attrs = element.attrs
    if element.tag in SOFT_DROP_TAGS:
        return SOFT_DROP_TAGS[element.tag]
    if "hidden" in attrs or attrs.get("aria-hidden") == "true" or HIDDEN_STYLE.search(attrs.get("style", "")):
        return "html_hidden"
    words = CHROME_ID_CLASS.split(f"{attrs.get('class', '')} {attrs.get('id', '')}".lower())
    if any(word in CHROME_WORDS for word in words):
        return "html_chrome"
    return None


def _elements(root: Element) -> list[Element]:
    """All elements in document order, without recursion (pages can nest deeply)."""
    ordered, pending = [], [root]
    while pending:
        element = pending.pop()
        ordered.append(element)
        pending.extend(reversed(element.children))
    return ordered


def html_changes(raw: str) -> list[Change]:
    """Changes that turn an HTML page into its speech text, one line per block.

    >>> from cadrespeech.stages.edits import apply_changes
    >>> page = "<html><body><div class='nav'>首页</div><div><p>今天开会。</p><p>研究&ldquo;三农&rdquo;。</p></div></body></html>"
    >>> apply_changes(page, html_changes(page)).strip()
    '今天开会。\\n研究“三农”。'
    """
    root, events, ends = parse_html(raw)
    ordered = _elements(root)
    for element in ordered:
        parent_drop = element.parent.drop if element.parent else None
        element.drop = parent_drop or _own_drop(element)
    _count_text(events, ends, raw, ordered)
    core, content = _content_root(root)
    ancestors = set()
    walker: Element | None = core
    while walker is not None:
        ancestors.add(id(walker))
        walker = walker.parent
    for element in ordered:
        parent_drop = element.parent.drop if element.parent else None
        if parent_drop:
            element.drop = parent_drop
        elif element.drop is None and id(element) not in ancestors and not _holds_the_speech(element, core):
            element.drop = _soft_drop(element) or ("html_link_list" if _is_link_list(element, content) else None)
    kept_titles = _title_before(raw, ordered, content)
    return _merge(list(_event_changes(raw, events, ends, content, kept_titles)))


def _count_text(events: list[Event], ends: list[int], raw: str, ordered: list[Element]) -> None:
    for event, end in zip(events, ends, strict=True):
        if event.kind not in ("data", "entity") or event.element.drop:
            continue
        count = len(HAN_CHAR.findall(raw, event.start, end))
        event.element.text += count
        walker: Element | None = event.element
        for _ in range(_MAX_WALK):
            if walker is None or walker.tag == "a" or walker.tag in BLOCK_TAGS:
                break
            walker = walker.parent
        if walker is not None and walker.tag == "a":
            event.element.link_text += count
    for element in reversed(ordered):  # children before parents
        if element.parent is not None and not element.drop:
            element.parent.text += element.text
            element.parent.link_text += element.link_text


def _content_root(root: Element) -> tuple[Element, Element]:
    """The deepest element holding most of the text outside links, and that element widened.

    Soft drops (hidden, chrome) never apply to the core or its ancestors.
    """

    def prose(element: Element) -> int:
        return element.text - element.link_text

    total = prose(root)
    current = root
    while total > 0:
        candidates = [child for child in current.children if not child.drop]
        if not candidates:
            break
        best = max(candidates, key=prose)
        if prose(best) < CONTENT_SHARE * total:
            break
        current = best
    # Step back out while the wider element adds little text: the title, speaker and
    # date lines often sit beside the block that holds the paragraphs.
    core = widened = current
    while widened.parent is not None and widened.parent.tag not in ("body", "html", "#document"):
        if prose(widened.parent) - prose(widened) > CONTENT_WIDEN_SHARE * prose(widened):
            break
        widened = widened.parent
    return core, widened


def _holds_the_speech(element: Element, core: Element) -> bool:
    """An element with most of the speech's text is the speech, whatever its class says."""
    return element.text - element.link_text >= SPEECH_SHARE * (core.text - core.link_text) > 0


def _is_link_list(element: Element, content: Element) -> bool:
    inside = content.start <= element.start and element.end <= content.end
    return (
        inside
        and element.tag in BLOCK_TAGS
        and element.link_text >= _MIN_LINK_LIST_CHARS
        and element.link_text > LINK_DENSITY * element.text
    )


def _title_before(raw: str, ordered: list[Element], content: Element) -> tuple[Element, ...]:
    """A heading before the content (an <h1>, or a block classed as a title) that names the page.

    Section headings (<h2>, <h3>) inside the content do not stop it; an <h1> does.
    """

    def is_heading(element: Element) -> bool:
        if element.tag in HEADING_TAGS:
            return True
        names = f"{element.attrs.get('class', '')} {element.attrs.get('id', '')}".lower()
        return element.tag in BLOCK_TAGS and "title" in names and "subtitle" not in names and 0 < element.text <= TITLE_MAX_CHARS

    if any(e.tag == "h1" and content.start <= e.start < content.end and not e.drop for e in ordered):
        return ()
    headings = [e for e in ordered if e.end <= content.start and not e.drop and e.text and is_heading(e)]
    if not headings:
        return ()
    # The most prominent: an <h1> over an <h2>, then a classed title; the last of equals.
    title = min(headings, key=lambda e: (e.tag if e.tag in HEADING_TAGS else "h9", -e.start))
    # A subtitle heading right after it (<h2>——在…上的讲话</h2>) belongs to the title.
    subtitles = [e for e in headings if e.start > title.start and SUBTITLE_START.match(_visible_text(raw, e))]
    return (title, *subtitles)


# A heading that opens with a dash continues the title above it: ——在…上的讲话.
SUBTITLE_START = re.compile(r"\s*(?:[—－―]{1,2}|--|──)")
_TAG_TEXT = re.compile(r"<[^>]*>")


def _visible_text(raw: str, element: Element) -> str:
    return html.unescape(_TAG_TEXT.sub("", raw[element.start : element.end])).strip()


def _event_changes(raw: str, events: list[Event], ends: list[int], content: Element, titles: tuple[Element, ...]):
    kept = {id(e) for e in _elements(content)} | {id(e) for title in titles for e in _elements(title)}
    for event, end in zip(events, ends, strict=True):
        element = event.element
        if element.drop:
            yield Change(element.drop, event.start, end, "")
        elif id(element) not in kept:
            yield Change("html_outside_content", event.start, end, "")
        elif event.kind in ("start", "end"):
            # A title broken over two lines with <br> stays one line.
            block = element.tag in BLOCK_TAGS and not (element.tag == "br" and _in_heading(element))
            yield Change("html_block" if block else "html_inline", event.start, end, "\n" if block else "")
        elif event.kind == "entity":
            decoded = html.unescape(raw[event.start : end])
            if decoded != raw[event.start : end]:
                yield Change("html_entity", event.start, end, decoded)
        elif event.kind == "data":
            yield from _space_changes(raw, event.start, end)
        else:
            yield Change("html_markup", event.start, end, "")


def _in_heading(element: Element) -> bool:
    walker = element.parent
    for _ in range(_MAX_WALK):
        if walker is None:
            return False
        if walker.tag in HEADING_TAGS:
            return True
        walker = walker.parent
    return False


def _space_changes(raw: str, start: int, end: int):
    """Source line breaks inside text: gone between Chinese characters, one space elsewhere."""
    if not raw[start:end].strip():
        yield Change("html_space", start, end, "")
        return
    for match in _NEWLINE_SPACE.finditer(raw, start, end):
        before = raw[match.start() - 1] if match.start() > start else ""
        after = raw[match.end()] if match.end() < end else ""
        joined = "" if not before or not after or HAN_CHAR.match(before) or HAN_CHAR.match(after) else " "
        if raw[match.start() : match.end()] != joined:
            yield Change("html_space", match.start(), match.end(), joined)


def _merge(changes: list[Change]) -> list[Change]:
    """Join neighbouring changes of one rule; a run of block tags is one line break."""
    merged: list[Change] = []
    for change in changes:
        last = merged[-1] if merged else None
        if last is not None and last.end == change.start and last.rule == change.rule and change.rule != "html_entity":
            after = "\n" if change.rule == "html_block" else last.after + change.after
            merged[-1] = Change(change.rule, last.start, change.end, after)
        else:
            merged.append(change)
    return merged
