"""What a page says about itself outside its running text: the HTML head, the front matter.

Read from the raw page before cleaning drops any of it. Every field is evidence for the
head decision (title, date, speaker), never the answer by itself, so a reader here
states only what the page states: a field it does not find is None, a date that is not
a real calendar day is None.

HTML: the head and the first <h1> through the standard library's parser (cheap), the
publication date through ``htmldate`` (meta tags, <time>, JSON-LD, dates in the
canonical URL) after the page's own 发布时间-style label, which htmldate does not read.
Markdown: the YAML front matter. Plain text: nothing yet.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime

import yaml
from htmldate import find_date

from ..records import PageMeta
from .htmltext import TolerantHTMLParser
from .ingest import front_matter

EARLIEST_YEAR = 1900
LATEST_YEAR = 2100

# --- dates ------------------------------------------------------------------------------

_NUMERIC_DATE = re.compile(r"\s*(?<!\d)(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})(?!\d)")
_COMPACT_DATE = re.compile(r"\s*(\d{4})(\d{2})(\d{2})(?!\d)")
_MONTH_NAMES = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october", "november", "december")
_MONTH_DAY_YEAR = re.compile(r"\s*([A-Za-z]{3,9})\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?!\d)")
_DAY_MONTH_YEAR = re.compile(r"\s*(\d{1,2})(?:st|nd|rd|th)?\s+([A-Za-z]{3,9})\.?,?\s+(\d{4})(?!\d)")


def iso_date(year: int, month: int, day: int) -> str | None:
    """``YYYY-MM-DD`` for a real calendar day between 1900 and 2100, else None.

    >>> iso_date(2021, 3, 5), iso_date(2021, 2, 31), iso_date(1850, 1, 1)
    ('2021-03-05', None, None)
    """
    if not EARLIEST_YEAR <= year <= LATEST_YEAR:
        return None
    try:
        return date(year, month, day).isoformat()
    except ValueError:
        return None


def parse_date(value: object) -> str | None:
    """A date as written in metadata, in any common form, as ISO ``YYYY-MM-DD``.

    The day is the one written: a time and zone after it do not move it.

    >>> parse_date("2017年1月5日"), parse_date("2017-01-05T23:30:00-05:00"), parse_date("Jan 5, 2017")
    ('2017-01-05', '2017-01-05', '2017-01-05')
    """
    if isinstance(value, datetime | date):
        return iso_date(value.year, value.month, value.day)
    if isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        return None
    found = _NUMERIC_DATE.match(value) or _COMPACT_DATE.match(value)
    if found:
        return iso_date(*(int(part) for part in found.groups()))
    found = _MONTH_DAY_YEAR.match(value)
    if found and _month(found.group(1)):
        return iso_date(int(found.group(3)), _month(found.group(1)), int(found.group(2)))
    found = _DAY_MONTH_YEAR.match(value)
    if found and _month(found.group(2)):
        return iso_date(int(found.group(3)), _month(found.group(2)), int(found.group(1)))
    return None


def _month(word: str) -> int:
    """An English month's number from its name or an abbreviation of three letters or more; 0 if none."""
    word = word.lower()
    return next((number for number, name in enumerate(_MONTH_NAMES, start=1) if len(word) >= 3 and name.startswith(word)), 0)


# --- site names in titles -----------------------------------------------------------------

# A <title> is often 标题_栏目_站名: these separate its parts.
_TITLE_SEPARATOR = re.compile(r"\s*(?:_+|\|+|｜|-{1,2}|—{1,2}|–|·)\s*")
MAX_SITE_CHARS = 20
_NOT_A_NAME = re.compile(r"[。，！？；：,!?;:“”\"]")
_SITE_ENDINGS = re.compile(
    r"(?:网|站|在线|之家|网站|频道|门户|政府|大学|学校|中学|小学|学院|集团|公司|日报|新闻|报社|电视台"
    r"|網|網站|頻道|門戶|大學|學校|中學|小學|學院|集團|日報|新聞|報社|電視台)$"
)
# Lines that name the site that runs the page.
_FOOTER_LEAD = r"(?:版权所有|版權所有|Copyright|COPYRIGHT|©|主办|主辦|承办|承辦)"


def _in_footer(part: str, page: str) -> bool:
    name = re.escape(part)
    return re.search(rf"{name}[^<\n]{{0,8}}(?:版权所有|版權所有)|{_FOOTER_LEAD}[^<\n]{{0,40}}?{name}", page) is not None


@dataclass(frozen=True, slots=True)
class SiteSign:
    """A sign that the last part of a page's <title> is the site's name, not the article's."""

    name: str
    description: str
    holds: Callable[[str, str], bool]  # (the title's last part, the whole page)
    examples: tuple[tuple[str, str, str], ...]  # (title, page, the site's name)
    keeps: tuple[tuple[str, str], ...]  # (title, page) whose last part is no site


SITE_SIGNS: tuple[SiteSign, ...] = (
    SiteSign(
        "site_word",
        "It ends with a word that names a site or an institution: 网, 网站, 政府, 中学, 日报 …",
        lambda part, page: _SITE_ENDINGS.search(part) is not None,
        examples=(
            ("关于做好期末考试工作的通知_教务处_某某市第一中学", "", "某某市第一中学"),
            ("县长在全县经济工作会议上的讲话 - 某某县人民政府", "", "某某县人民政府"),
            ("在全區大會上的講話｜某某新聞網", "", "某某新聞網"),
        ),
        keeps=(
            ("在全市教育大会上的讲话 - 王某", ""),
            ("《新的征程》——大胆打开新一页", ""),
            ("讲话_在全县深入开展学习贯彻活动动员大会上代表县委县政府所作的报告网", ""),
            ("某某县人民政府", ""),
        ),
    ),
    SiteSign(
        "footer_repeat",
        "The page's copyright or sponsor line (版权所有, Copyright, 主办) names it too.",
        _in_footer,
        examples=(
            ("开学典礼致辞--校长室-某某实验学堂", "<p>某某实验学堂 版权所有 Copyright ©</p>", "某某实验学堂"),
            ("讲话 | 某某研究会", "<div>主办：某某研究会</div>", "某某研究会"),
        ),
        keeps=(("在全市教育大会上的讲话 - 王某", "<p>王某指出，要抓落实。</p><p>某某网 版权所有</p>"),),
    ),
)


def site_from_title(title: str, page: str, signs: Iterable[SiteSign] = SITE_SIGNS) -> str | None:
    """The site's name when the title ends with one: 标题_栏目_某某中学 -> 某某中学.

    >>> site_from_title("开学典礼致辞_校长室_某某中学", "")
    '某某中学'
    """
    parts = [part for part in _TITLE_SEPARATOR.split(title.strip()) if part]
    if len(parts) < 2:
        return None
    last = parts[-1]
    if not 2 <= len(last) <= MAX_SITE_CHARS or _NOT_A_NAME.search(last):
        return None
    return last if any(sign.holds(last, page) for sign in signs) else None


# --- HTML -----------------------------------------------------------------------------------

_HEAD_END = re.compile(r"</head\s*>|<body\b", re.I)
# Enough for any real head, however much script it inlines; bounds the work on a page without one.
HEAD_MAX_CHARS = 200_000
_H1 = re.compile(r"<h1\b[^>]*>[\s\S]{0,2000}?</h1\s*>", re.I)
_SPACE = re.compile(r"\s+")
_KEYWORD_SEPARATOR = re.compile(r"[,，;；、|｜]+|\s{2,}|\u3000")

# Meta names (name=, property= or itemprop=, lower-cased) for each field, the best first.
HEADLINE_META = ("og:title", "articletitle", "headline", "title", "twitter:title")
SITE_META = ("og:site_name", "sitename", "application-name")
AUTHOR_META = ("author", "dc.creator")  # not article:author: Open Graph makes it a profile URL
KEYWORD_META = ("keywords", "news_keywords", "article:tag")
DESCRIPTION_META = ("description", "og:description")
URL_META = ("og:url", "url")

# Labels a page's visible text puts before its own publication date. Not 更新时间 (an
# update), 成文日期 (the document's date) or 公示时间 (a period): those are other dates.
PUBLISHED_LABELS = (
    "发布时间", "发布日期", "发表时间", "发表日期", "发稿时间", "刊发时间",
    "發佈時間", "發佈日期", "發布時間", "發布日期", "發表時間", "發表日期",
)  # fmt: skip
_LABEL = re.compile(rf"(?:{'|'.join(PUBLISHED_LABELS)})\s*[：:]?")
_LABEL_WINDOW = 300
_MAX_LABELS = 20
_TAG = re.compile(r"<[^>]*>")
# htmldate reads this much of a page: its meta tags, JSON-LD and <time> sit near the top,
# and a page of pasted Word HTML (1 MB) would cost it 50 ms instead of 20.
HTMLDATE_MAX_CHARS = 100_000
_HTMLDATE_EARLIEST = datetime(EARLIEST_YEAR, 1, 1)
# A fixed bound, not today: the same page must give the same date in every build.
_HTMLDATE_LATEST = datetime(LATEST_YEAR, 12, 31)


# Characters XML 1.0 cannot hold: C0 controls but tab, LF and CR; lone surrogates; U+FFFE/U+FFFF.
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


class _HeadReader(TolerantHTMLParser):
    """Collects <title>, <meta>, the canonical link and the text of an <h1>."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.meta: dict[str, list[str]] = {}
        self.title: list[str] | None = None
        self.canonical: str | None = None
        self.heading: list[str] | None = None
        self._in: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {key: value or "" for key, value in attrs}
        if tag == "meta":
            key = (values.get("name") or values.get("property") or values.get("itemprop") or "").strip().lower()
            if key and values.get("content", "").strip():
                self.meta.setdefault(key, []).append(values["content"])
        elif tag == "link" and "canonical" in values.get("rel", "").lower().split() and values.get("href"):
            self.canonical = self.canonical or values["href"]
        elif tag == "title" and self.title is None:
            self.title, self._in = [], "title"
        elif tag == "h1" and self.heading is None:
            self.heading, self._in = [], "h1"

    def handle_endtag(self, tag: str) -> None:
        if tag == self._in:
            self._in = None

    def handle_data(self, data: str) -> None:
        if self._in == "title" and self.title is not None:
            self.title.append(data)
        elif self._in == "h1" and self.heading is not None:
            self.heading.append(data)


def _clean(value: str | None) -> str | None:
    """Whitespace collapsed, entities a page escaped twice (&amp;nbsp;) decoded; empty is None."""
    if value is None:
        return None
    value = _SPACE.sub(" ", html.unescape(value).replace("\u00a0", " ")).strip()
    return value or None


def _first(meta: dict[str, list[str]], names: tuple[str, ...]) -> str | None:
    for name in names:
        for value in meta.get(name, ()):
            cleaned = _clean(value)
            if cleaned:
                return cleaned
    return None


def _split_keywords(values: Iterable[str]) -> tuple[str, ...]:
    words = (_clean(word) for value in values for word in _KEYWORD_SEPARATOR.split(value))
    return tuple(dict.fromkeys(word for word in words if word))


def _read_html(text: str) -> PageMeta:
    head_end = _HEAD_END.search(text, 0, HEAD_MAX_CHARS)
    reader = _HeadReader()
    reader.feed(text[: head_end.start() if head_end else HEAD_MAX_CHARS])
    meta = reader.meta
    title = _clean("".join(reader.title)) if reader.title is not None else None
    site = _first(meta, SITE_META) or (site_from_title(title, text) if title else None)
    headline = _first(meta, HEADLINE_META)
    if headline is None:
        # The first <h1> is often the site's logo: the article's is the first that is not.
        for match in _H1.finditer(text, head_end.start() if head_end else 0):
            heading = _HeadReader()
            heading.feed(match.group())
            candidate = _clean("".join(heading.heading or ()))
            if candidate and candidate != site:
                headline = candidate
                break
    return PageMeta(
        title=title,
        headline=headline,
        site_name=site,
        published=labelled_date(text) or _htmldate(text),
        author=_first(meta, AUTHOR_META),
        tags=_split_keywords(value for name in KEYWORD_META for value in meta.get(name, ())),
        url=_clean(reader.canonical) or _first(meta, URL_META),
        description=_first(meta, DESCRIPTION_META),
    )


def _in_markup(text: str, lowered: str, position: int) -> bool:
    """Inside a tag (an attribute: a link's tooltip), a script, a style or a comment."""
    if text.rfind("<", 0, position) > text.rfind(">", 0, position):
        return True
    for opening, closing in (("<script", "</script"), ("<style", "</style"), ("<!--", "-->")):
        if lowered.rfind(opening, 0, position) > lowered.rfind(closing, 0, position):
            return True
    return False


def labelled_date(text: str) -> str | None:
    """The date after the page's own 发布时间： label, even when tags split it; not a tooltip's.

    >>> labelled_date("<span>发布时间：<b>2021</b>年<b>3</b>月<b>5</b>日</span>")
    '2021-03-05'
    """
    lowered = None
    for count, match in enumerate(_LABEL.finditer(text)):
        if count == _MAX_LABELS:
            break
        lowered = lowered or text.lower()
        if _in_markup(text, lowered, match.start()):
            continue
        window = html.unescape(_TAG.sub("", text[match.end() : match.end() + _LABEL_WINDOW]))
        found = _NUMERIC_DATE.match(window.replace("\u00a0", " "))
        stated = iso_date(*(int(part) for part in found.groups())) if found else None
        if stated:
            return stated
    return None


def _htmldate(text: str) -> str | None:
    """htmldate's reading of the page, offline and cheap, and only a day the page writes.

    htmldate fetches a string that looks like a URL: a page never gets there (it is
    HTML, and one that starts like an address is refused). ``extensive_search`` is off:
    it guesses a year's 1 January from a copyright line and costs ten times as much
    (49 ms a page against 3.5 on a school site's pages).
    htmldate also makes the 1st of the month from a date that does not exist
    (2021-02-31 -> 2021-02-01), so its answer must be written on the page.
    """
    # lxml, under htmldate, refuses text that XML cannot hold (a stray control byte).
    text = _NOT_XML.sub(" ", text[:HTMLDATE_MAX_CHARS])
    if text.lstrip().startswith("http"):
        return None
    found = find_date(
        text,
        extensive_search=False,
        original_date=True,
        outputformat="%Y-%m-%d",
        min_date=_HTMLDATE_EARLIEST,
        max_date=_HTMLDATE_LATEST,
    )
    if not found:
        return None
    year, month, day = (int(part) for part in found.split("-"))
    written = rf"(?<!\d){year}(?:[-/._]?{month:02d}[-/._]?{day:02d}|\s*[-/.年]\s*0?{month}\s*[-/.月]\s*0?{day})(?!\d)"
    return iso_date(year, month, day) if re.search(written, text) else None


# --- Markdown ---------------------------------------------------------------------------------


# libyaml's parser when PyYAML has it (its wheels do): eleven times faster than the pure
# Python one, and the same data or the same failure on all 9,355 front-matter blocks of
# the real pages, the devset and our fixtures (a property test compares the two).
_SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _FrontMatterLoader(_SAFE_LOADER):
    """``yaml.safe_load`` that keeps timestamps as the strings written.

    An impossible date (2021-02-31) would otherwise fail the whole block; ``parse_date``
    judges each date alone.
    """


_FrontMatterLoader.yaml_implicit_resolvers = {
    first: [(tag, regex) for tag, regex in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

_MD_HEADLINE = re.compile(r"^#[ \t]+(.+?)(?:[ \t]+#+)?[ \t]*$", re.M)
# The page's own address before an archive's copy of it; ``aliases`` are older addresses.
URL_KEYS = ("original_url", "canonical", "url", "aliases")
# ``lastmod`` and ``last_updated`` are when the file changed, not when the page was published.
DATE_KEYS = ("date", "publishdate", "published", "pubdate")
AUTHOR_KEYS = ("author", "authors")
TAG_KEYS = ("tags", "categories", "category", "keywords")
DESCRIPTION_KEYS = ("description", "summary")


def _scalar(value: object) -> str | None:
    if isinstance(value, str | int | float) and not isinstance(value, bool):
        return _clean(str(value))
    if isinstance(value, dict):  # authors: {name: 某某, email: …}
        return _scalar(value.get("name"))
    return None


def _strings(value: object) -> list[str]:
    items = value if isinstance(value, list) else [value]
    return [text for text in (_scalar(item) for item in items) if text]


def _read_markdown(text: str) -> PageMeta:
    front = front_matter(text)
    body = text[front.end() :] if front else text
    heading = _MD_HEADLINE.search(body)
    headline = _clean(heading.group(1)) if heading else None
    if not front:
        return PageMeta(headline=headline)
    try:
        data = yaml.load(front.group("yaml"), Loader=_FrontMatterLoader)  # a SafeLoader: as safe as safe_load
    except (yaml.YAMLError, ValueError, RecursionError):
        return PageMeta()
    if not isinstance(data, dict):
        return PageMeta()
    fields = {str(key).lower(): value for key, value in data.items()}

    def first(keys: tuple[str, ...], read: Callable[[object], str | None]) -> str | None:
        for key in keys:
            for item in fields.get(key) if isinstance(fields.get(key), list) else [fields.get(key)]:
                found = read(item)
                if found:
                    return found
        return None

    authors = [name for key in AUTHOR_KEYS for name in _strings(fields.get(key))]
    return PageMeta(
        title=_scalar(fields.get("title")),
        headline=headline,
        published=first(DATE_KEYS, parse_date),
        author="、".join(dict.fromkeys(authors)) or None,
        tags=tuple(dict.fromkeys(tag for key in TAG_KEYS for tag in _strings(fields.get(key)))),
        url=first(URL_KEYS, _scalar),
        description=first(DESCRIPTION_KEYS, _scalar),
    )


def _read_text(text: str) -> PageMeta:
    # A plain dump states nothing about itself unambiguously; its head lines are the
    # structure stage's to judge.
    return PageMeta()


_READERS: dict[str, Callable[[str], PageMeta]] = {"html": _read_html, "markdown": _read_markdown, "text": _read_text}


def read_page_meta(text: str, markup: str) -> PageMeta:
    """What a decoded page states about itself; ``markup`` is "html", "markdown" or "text".

    >>> read_page_meta("---\\ntitle: 在全县大会上的讲话\\ndate: 2021-03-05\\n---\\n同志们：", "markdown").published
    '2021-03-05'
    >>> read_page_meta("<title>讲话_某某县人民政府</title><p>正文</p>", "html").site_name
    '某某县人民政府'
    """
    reader = _READERS.get(markup)
    if reader is None:
        raise ValueError(f"markup must be one of {', '.join(_READERS)}, not {markup!r}")
    return reader(text)
