"""The frozen records passed between pipeline stages.

bytes -> RawPage -> DecodedPage -> Cleaned(text, edits) -> Speech(sections, sentences)

Every offset is a Python ``str`` index (code points), never a byte offset.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class RawPage:
    """A page exactly as it lies on disk, with where it came from."""

    source: str  # path relative to the raw folder, with "/" separators
    data: bytes
    sha256: str


@dataclass(frozen=True, slots=True)
class DecodedPage:
    """A page turned into text; ``text`` is what every raw offset refers to.

    ``text`` is the bytes decoded with ``encoding``, a byte-order mark dropped, and
    CRLF or lone CR line ends turned into LF (``newlines`` says which were found).
    ``markup`` is what the text is written in, sniffed from its content, not its suffix.
    """

    source: str
    sha256: str
    encoding: str
    newlines: str  # "lf", "crlf", "cr", "mixed" or "none"
    had_bom: bool
    text: str
    markup: str = "text"  # "html", "markdown" or "text"

    @property
    def is_html(self) -> bool:
        return self.markup == "html"


@dataclass(frozen=True, slots=True)
class PageMeta:
    """What a page says about itself outside its running text: HTML head, front matter.

    Every field is evidence for the head decision (title, date, speaker), never the
    answer by itself; a field the page does not state is None.
    """

    title: str | None = None  # <title>, or the front matter's title
    headline: str | None = None  # og:title, meta title/headline, the article's <h1>
    site_name: str | None = None  # og:site_name, application-name, the <title> suffix
    published: str | None = None  # ISO publication date (meta tags, <time>, front matter)
    author: str | None = None  # meta author, front-matter author
    tags: tuple[str, ...] = ()  # keywords, front-matter tags
    url: str | None = None  # canonical, og:url, front-matter url
    description: str | None = None


@dataclass(frozen=True, slots=True)
class Edit:
    """One removal or rewrite: ``before`` at ``[start, end)`` of the raw text became ``after``."""

    rule: str
    start: int
    end: int
    before: str
    after: str


@dataclass(frozen=True, slots=True)
class Cleaned:
    """Clean page text and the edits that turn the decoded raw text into it."""

    text: str
    edits: tuple[Edit, ...]


@dataclass(frozen=True, slots=True)
class Section:
    """A numbered section; offsets are into its speech's ``text``.

    ``start`` is where the heading marker begins, ``end`` where its last paragraph (or
    its last descendant's) ends, before the newline.
    """

    section_id: int  # 0-based, in reading order within the speech
    parent: int | None
    level: int  # depth in the tree: 1 for top-level sections
    style: str  # the heading style's rule name, e.g. "cn_numeral_comma"
    marker: str  # as written, e.g. "一、" or "（一）"
    heading: str  # heading text without the marker
    start: int
    end: int
    elided: bool


@dataclass(frozen=True, slots=True)
class Token:
    text: str
    start: int  # offset into the sentence text
    pos: str


@dataclass(frozen=True, slots=True)
class Tokens:
    """A sentence's tokens as three parallel columns, the shape the release stores them in.

    A sentence holds tens of tokens and a corpus millions of sentences: columns cost
    three tuples per sentence where records cost one object per token. Iterating or
    indexing still gives ``Token`` records.
    """

    texts: tuple[str, ...] = ()
    starts: tuple[int, ...] = ()  # offsets into the sentence text
    tags: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if not len(self.texts) == len(self.starts) == len(self.tags):
            raise ValueError("token columns differ in length")

    def __len__(self) -> int:
        return len(self.texts)

    def __iter__(self) -> Iterator[Token]:
        return map(Token, self.texts, self.starts, self.tags)

    def __getitem__(self, index: int) -> Token:
        return Token(self.texts[index], self.starts[index], self.tags[index])


@dataclass(frozen=True, slots=True)
class Sentence:
    """A sentence; ``speech.text[start:end] == text`` always."""

    text: str
    start: int
    end: int
    paragraph: int  # 0-based paragraph index within the speech
    section: int | None  # section_id, None in the preamble and the closing
    part: str  # "preamble", "body" or "closing"
    is_heading: bool
    tokens: Tokens = Tokens()


@dataclass(frozen=True, slots=True)
class Note:
    """A footnote or endnote taken out of the speech text, with where its marker stood."""

    marker: str  # as written: 〔1〕, [1], ①, 注1
    text: str  # the note without its marker
    anchor: int | None  # offset in the speech text where the in-text marker stood; None if unmatched
    raw_start: int  # the note's span in the decoded raw page text
    raw_end: int


@dataclass(frozen=True, slots=True)
class Speech:
    """One speech of a page: its metadata, clean text, sections and sentences.

    ``offset`` is where ``text`` starts in the clean page text.
    """

    index: int  # position of the speech on its page, 0-based
    title: str | None
    subtitle: str | None
    date: str | None  # ISO date
    speaker: str | None
    occasion: str | None
    text: str
    offset: int
    sections: tuple[Section, ...]
    sentences: tuple[Sentence, ...] = ()
    opening: str | None = None  # the opening address, e.g. "同志们："
    elided: bool = False
    is_speech: bool = True
    genre: str = "讲话"
    genre_reason: str = ""
    script: str = "simplified"  # "simplified", "traditional", "mixed" or "none"
    published: str | None = None  # ISO date the page was published, apart from the speech's date
    date_text: str | None = None  # the date as written when it is not a whole day (2021年3月)
    title_reason: str = ""  # why the title won: the evidence of the head decision
    date_source: str | None = None  # where ``date`` was read: "head", "signature" or "published"
    notes: tuple[Note, ...] = ()
    # Read from the speech's head (``speaker_meta``); None where the head does not say.
    speaker_office: str | None = None  # 县委书记, 市长, 校长 …
    admin_level: str | None = None  # 中央, 省, 市, 县, 乡镇, 企业, 学校, 其他
    region: str | None = None  # "省/市", as cpca names them
    occasion_type: str | None = None  # 工作会议, 座谈会, 开学典礼 …
    enrichment_rules: tuple[str, ...] = ()  # "field=rule@source" for each field set


@dataclass(frozen=True, slots=True)
class ProcessedPage:
    """Everything the pipeline learned from one page."""

    decoded: DecodedPage
    cleaned: Cleaned
    page_title: str | None
    speeches: tuple[Speech, ...] = field(default_factory=tuple)
    meta: PageMeta = field(default_factory=PageMeta)


@dataclass(frozen=True, slots=True)
class Block:
    """A run of a speech's text that sentence splitting sees as one unit.

    A heading line gives two blocks in the same paragraph: the heading and the body
    text that follows it on the line.
    """

    start: int  # offsets into the speech text
    end: int
    paragraph: int
    section: int | None
    part: str  # "preamble", "body" or "closing"
    is_heading: bool
