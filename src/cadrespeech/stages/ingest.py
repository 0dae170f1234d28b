"""Read raw pages byte-exact and decode them, recording how.

The decoded text is the coordinate system of every edit in the removals ledger, so
decoding itself changes nothing but the byte-order mark and line ends, and says so.
Every entry of the raw folder is accounted for: it is read as a page, or it is
reported with the reason it cannot be one.
"""

from __future__ import annotations

import codecs
import hashlib
import os
import re
import stat
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ..errors import PageError
from ..records import DecodedPage, RawPage
from .textclass import HAN, HAN_CHAR

# Pages larger than this are reported, not processed: no real speech page comes close,
# and a runaway file must not take the build's memory with it.
MAX_PAGE_BYTES = 20 * 1024 * 1024

# Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls other than NUL, tab, LF, VT, FF, CR and ESC (terminal colour codes). A
# text page may carry a few, pasted in from a word processor (0x08, 0x16: 9 of 1,994
# real pages); the control_char cleaning rule removes them as logged edits.
_CONTROL_BYTES = bytes([*range(0x01, 0x09), *range(0x0E, 0x1B), *range(0x1C, 0x20)])
_CONTROL_BYTE = re.compile(b"[" + re.escape(_CONTROL_BYTES) + b"]")
# A page is binary when it holds a NUL byte, or more than BINARY_CONTROL_COUNT control
# bytes that are also more than BINARY_CONTROL_SHARE of its bytes. Binary data has a
# NUL every few hundred bytes and about 9% control bytes (24 of 256 values), nine
# times the share; stray bytes in a text page are a handful in kilobytes (GBK and
# UTF-8 never use these bytes inside a character), and the count floor keeps a short
# page with two or three of them from being refused.
BINARY_CONTROL_SHARE = 0.01
BINARY_CONTROL_COUNT = 8

_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_-]{2,20})""", re.I)
_HEADER_CHARSET = re.compile(r"""charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
META_PRESCAN_BYTES = 4096  # where a <meta charset> is looked for (browsers look in the first 1024)
# Ideographs, CJK punctuation, full-width forms (not half-width katakana), quotes and dashes.
_CHINESE_TEXT = re.compile(rf"[{HAN}\u3000-\u303f\uff01-\uff5e\u2010-\u2027]")
_SURROGATE = re.compile(r"[\ud800-\udfff]")

# What a page without a byte-order mark may be in once UTF-8 and its own declaration
# have failed, in order of preference on equal scores. The byte ranges overlap: a Big5
# page may decode as GB18030 (or, when short, as GBK) and a GB2312 page as Big5, each
# time into rare characters, so every one is tried and the commonest text wins.
# big5hkscs is Big5 with Hong Kong's additions; cp950 (Microsoft's Big5) adds the euro sign.
LEGACY_ENCODINGS = ("gbk", "gb18030", "big5hkscs", "cp950")


def _ideographs_at(codec: str, leads: range, trails: tuple[int, ...]) -> frozenset[str]:
    """The ideographs a double-byte ``codec`` places at these lead and trail bytes."""
    found = set()
    for lead in leads:
        for trail in trails:
            try:
                character = bytes((lead, trail)).decode(codec)
            except UnicodeDecodeError:
                continue
            if HAN_CHAR.fullmatch(character):
                found.add(character)
    return frozenset(found)


# The frequent characters of each script, as their national standards list them: GB2312
# level 1 (3,755 simplified, lead bytes B0-D7) and Big5's frequent characters (5,401
# traditional, A440-C67E). With the punctuation and full-width forms of _CHINESE_TEXT
# they are what a correctly decoded page is almost all made of, in either script.
COMMON_CHARACTERS = (
    _ideographs_at("gb2312", range(0xB0, 0xD8), tuple(range(0xA1, 0xFF)))
    | _ideographs_at("big5", range(0xA4, 0xC7), (*range(0x40, 0x7F), *range(0xA1, 0xFF)))
    | frozenset(map(chr, (*range(0x3000, 0x3040), *range(0xFF01, 0xFF5F), *range(0x2010, 0x2028))))
)


def common_share(text: str) -> float:
    """How much of a decoding's non-ASCII text is frequent characters and Chinese punctuation.

    A wrong legacy decoding turns a page's characters into rare ones, bopomofo, symbols
    or private-use code points; the right one scores near 1 in either script.

    >>> common_share("同志们：今天开会。"), common_share("同志們：今天開會。")
    (1.0, 1.0)
    >>> round(common_share("同志們：今天開會。".encode("big5").decode("gb18030")), 2)
    0.0
    """
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    if not non_ascii:
        return 0.0
    return sum(map(COMMON_CHARACTERS.__contains__, text)) / non_ascii


_HTML_TAG = re.compile(r"<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s|div[\s>]|p[\s>])", re.I)


def looks_like_html(text: str) -> bool:
    """Whether a page is HTML, judged from its first few kilobytes."""
    return _HTML_TAG.search(text[:4096]) is not None


@dataclass(frozen=True, slots=True)
class MarkupSign:
    """A sign in a page's first characters that tells what markup it is written in."""

    name: str
    markup: str  # "html" or "markdown"
    found: Callable[[str], object]  # true when the sign is in the page's first SNIFF_CHARS
    example: str
    counter_example: str


# How much of a page sniffing reads: the opening says what a page is, and a long page
# must not cost more to sniff.
SNIFF_CHARS = 4096
# YAML front matter: a block between two "---" lines that opens the page and holds a
# "key:" line (or nothing); a page that opens with a rule around a heading is not one.
_FENCED = re.compile(r"\A---[ \t]*\n(?P<yaml>[\s\S]*?)^---[ \t]*$\n?", re.M)
_KEY_LINE = re.compile(r"^[A-Za-z_][\w-]*:(?:[ \t]|$)", re.M)


def front_matter(text: str) -> re.Match[str] | None:
    """The front matter opening ``text``, with its closing newline; group ``yaml`` is its content.

    >>> front_matter("---\\ntitle: 讲话\\n---\\n同志们：").group("yaml")
    'title: 讲话\\n'
    """
    block = _FENCED.match(text)
    if block is None or (block.group("yaml") and not _KEY_LINE.search(block.group("yaml"))):
        return None
    return block


def opens_with_front_matter(text: str) -> bool:
    """A page that opens with front matter holding at least one "key:" line is markdown."""
    block = front_matter(text)
    return block is not None and _KEY_LINE.search(block.group("yaml")) is not None


# First sign found wins, in this order. Front matter comes before HTML because it must
# open the page, where no HTML page has it, while markdown may hold inline <p> or <div>.
MARKUP_SIGNS: tuple[MarkupSign, ...] = (
    MarkupSign(
        "front_matter",
        "markdown",
        opens_with_front_matter,
        example="---\ntitle: 在全县工作会议上的讲话\ndate: 2021-03-01\n---\n同志们：\n今天召开会议。",
        counter_example="---\n一、提高认识\n---\n要抓落实。",  # rules around a line, no key
    ),
    MarkupSign(
        "html_tags",
        "html",
        looks_like_html,
        example="<!DOCTYPE html>\n<html><body><p>同志们：今天召开会议。</p></body></html>",
        counter_example="同志们：\n今天开会，研究“<三农>”工作。",
    ),
    MarkupSign(
        "heading_line",
        "markdown",
        re.compile(r"^#{1,6}[ \t]+\S", re.M).search,
        example="# 在全县工作会议上的讲话\n同志们：\n今天召开会议。",
        counter_example="#两会# 代表委员热议\n同志们：\n今天召开会议。",  # a hashtag, not a heading
    ),
    MarkupSign(
        "inline_link",
        "markdown",
        # The target is a URL or path: ASCII without spaces, holding / . or #.
        re.compile(r"\[[^\]\n]+\]\([!-(*-~]*[/.#][!-(*-~]*\)").search,
        example="同志们：\n原文见[县政府网](https://www.example.gov.cn/a.html)。",
        counter_example="同志们：\n详见注释[2](第3页)。",
    ),
    MarkupSign(
        "shortcode",
        "markdown",
        re.compile(r"\{\{[<%].*?[%>]\}\}").search,  # Hugo's {{< name >}} and {{% name %}}
        example='{{< figure src="a.jpg" >}}\n同志们：\n今天召开会议。',
        counter_example="尊敬的{{姓名}}同志：\n今天召开会议。",  # a template placeholder
    ),
)
# Suffixes that make a page without any sign markdown rather than text.
MARKDOWN_SUFFIXES = (".md", ".markdown")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sniff_markup(text: str, source: str = "") -> str:
    """What a decoded page is written in, "html", "markdown" or "text", from its content.

    The suffix is only a hint: a ``.html`` file holding plain text is text, a ``.php``
    holding HTML is HTML; only a ``.md`` file without any sign is taken at its word.

    >>> sniff_markup("<html><body><p>同志们：</p>", "speech.php")
    'html'
    >>> sniff_markup("同志们：\\n今天召开会议。", "speech.html")
    'text'
    """
    opening = text[:SNIFF_CHARS]
    for sign in MARKUP_SIGNS:
        if sign.found(opening):
            return sign.markup
    return "markdown" if source.lower().endswith(MARKDOWN_SUFFIXES) else "text"


def read_page(path: Path, root: Path) -> RawPage:
    """Read one raw page as bytes; ``source`` is its path relative to ``root``."""
    source = path.relative_to(root).as_posix()
    problem = entry_problem(path, root)
    if problem:
        raise PageError(source, "ingest", problem)
    try:
        # Non-blocking, so a file swapped for a named pipe since it was listed cannot
        # hang the build; fstat then checks what was actually opened.
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(handle, "rb") as stream:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode):
                raise PageError(source, "ingest", f"{_kind(info.st_mode)}, not a regular file")
            if info.st_size > MAX_PAGE_BYTES:
                raise PageError(source, "ingest", f"file is {info.st_size:,} bytes, over the {MAX_PAGE_BYTES:,}-byte limit")
            data = stream.read()
    except OSError as error:
        raise PageError(source, "ingest", f"cannot read file: {error.strerror or error}") from error
    return RawPage(source=source, data=data, sha256=sha256_hex(data))


def page_sha256(path: Path) -> str | None:
    """The sha256 ``read_page`` would give the page, or None where it would refuse it; checks nothing else.

    Opened as ``read_page`` opens it, so a file swapped for a named pipe cannot hang
    the caller, and a file over the size limit is not read.
    """
    try:
        handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        with open(handle, "rb") as stream:
            info = os.fstat(handle)
            if not stat.S_ISREG(info.st_mode) or info.st_size > MAX_PAGE_BYTES:
                return None
            return sha256_hex(stream.read())
    except OSError:
        return None


@dataclass(frozen=True, slots=True)
class RawListing:
    """Every entry under a raw folder: the files to read as pages, and what cannot be one.

    Both are in sorted relative-path order; ``problems`` are one-line ``PageError``s
    that go into the build report beside the pages' own.
    """

    pages: tuple[Path, ...]
    problems: tuple[PageError, ...]

    @property
    def entries(self) -> int:
        return len(self.pages) + len(self.problems)


def list_raw_pages(root: Path) -> RawListing:
    """Account for every entry under ``root``, whatever its name: a page to read, or why not.

    Every file is listed, hidden ones too (a crawl's ``.DS_Store`` is reported as not
    text, not skipped unseen): the content, not the name, decides what a page is. A
    folder that cannot be read, a named pipe, a socket, a broken symlink or one that
    leads outside ``root`` is a problem with its reason. Folders reached through a
    symlink are not walked, so no page is counted twice and no link loops.
    """
    if not root.is_dir():
        raise FileNotFoundError(f"raw folder not found: {root}")
    found: list[tuple[str, Path | PageError]] = []

    def report(path: Path, reason: str) -> None:
        source = path.relative_to(root).as_posix()
        found.append((source, PageError(source, "ingest", reason)))

    def unreadable(error: OSError) -> None:
        folder = Path(error.filename)
        if folder == root:
            raise error  # nothing to build from: no single page's problem
        report(folder, f"folder cannot be read: {error.strerror or error}; none of its files are in this build")

    for folder, folders, files in os.walk(root, onerror=unreadable):
        # os.walk lists a symlinked folder among the folders but does not enter it.
        linked = [Path(folder, name) for name in folders if os.path.islink(Path(folder, name))]
        for path in linked + [Path(folder, name) for name in files]:
            reason = _walked_entry_problem(path, root)
            if reason:
                report(path, reason)
            else:
                found.append((path.relative_to(root).as_posix(), path))
    found.sort(key=lambda entry: entry[0])
    return RawListing(
        pages=tuple(item for _, item in found if isinstance(item, Path)),
        problems=tuple(item for _, item in found if isinstance(item, PageError)),
    )


def _walked_entry_problem(path: Path, root: Path) -> str | None:
    """``entry_problem`` for an entry os.walk found under ``root``, resolving the path only for a symlink.

    os.walk enters no symlinked folder, so an entry that is no symlink itself lies
    inside ``root``; resolving every path (two ``realpath`` calls, a system call per
    folder level) was most of the time it took to list 10,000 pages.
    """
    try:
        mode = os.lstat(path).st_mode
    except FileNotFoundError:
        return "cannot read file: no such file"
    except OSError as error:
        return f"cannot read file: {error.strerror or error}"
    return entry_problem(path, root) if stat.S_ISLNK(mode) else _mode_problem(mode, linked=False)


def entry_problem(path: Path, root: Path) -> str | None:
    """Why ``path`` under ``root`` cannot be read as a page; None for a regular file.

    A symlink is followed only when its target lies inside ``root``: a release is
    built from the raw folder, and what lies outside it is no part of it.
    """
    linked = os.path.islink(path)
    try:
        if not _within(os.path.realpath(path), os.path.realpath(root)):
            if not linked:
                return "lies outside the raw folder (through a symlinked folder or a '..'); not read"
            target = "folder" if os.path.isdir(path) else "file"
            return f"symlink to a {target} outside the raw folder; not followed (copy the page in if it belongs)"
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        return "broken symlink: its target does not exist" if linked else "cannot read file: no such file"
    except OSError as error:  # a symlink loop, a permission
        return f"cannot read file: {error.strerror or error}"
    return _mode_problem(mode, linked)


def _mode_problem(mode: int, linked: bool) -> str | None:
    """Why an entry of this mode (``os.stat``'s, through any symlink) cannot be read as a page; None for a regular file."""
    if stat.S_ISREG(mode):
        return None
    if stat.S_ISDIR(mode):
        if linked:
            return "symlink to a folder; folders are not followed through symlinks (move or copy its pages in)"
        return "a folder, not a file"
    return f"{_kind(mode)}, not a regular file"


def _within(path: str, folder: str) -> bool:
    return os.path.commonpath([path, folder]) == folder


def _kind(mode: int) -> str:
    kinds = ((stat.S_ISFIFO, "a named pipe (FIFO)"), (stat.S_ISSOCK, "a socket"), (stat.S_ISCHR, "a device"), (stat.S_ISBLK, "a device"))
    return next((name for is_kind, name in kinds if is_kind(mode)), "a special file")


def decode_page(page: RawPage) -> DecodedPage:
    """Decode a page's bytes, detecting the encoding; a ``PageError`` says why it cannot.

    >>> decoded = decode_page(RawPage("a.txt", "讲话\\r\\n".encode("gb18030"), ""))
    >>> decoded.encoding, decoded.newlines, decoded.text, decoded.markup
    ('gbk', 'crlf', '讲话\\n', 'text')
    """
    data = page.data
    if not data.strip():
        raise PageError(page.source, "ingest", "file is empty")
    text, encoding, had_bom = _decode_bytes(page.source, data)
    normal, newlines = normalise_newlines(text)
    return DecodedPage(
        source=page.source,
        sha256=page.sha256,
        encoding=encoding,
        newlines=newlines,
        had_bom=had_bom,
        text=normal,
        markup=sniff_markup(normal, page.source),
    )


def binary_reason(data: bytes) -> str | None:
    """What makes ``data`` binary rather than text with a few stray control bytes, if anything.

    >>> binary_reason("同志们：\\b今天召开会议。".encode())  # one stray backspace: text
    >>> binary_reason(b"\\x00\\x00\\x00\\x01Bud1")
    'a NUL byte at byte 0'
    """
    nul = data.find(b"\x00")
    if nul >= 0:
        return f"a NUL byte at byte {nul}"
    controls = len(data) - len(data.translate(None, _CONTROL_BYTES))
    if controls > BINARY_CONTROL_COUNT and controls > BINARY_CONTROL_SHARE * len(data):
        first = _CONTROL_BYTE.search(data)
        at = f", the first (0x{first.group()[0]:02x}) at byte {first.start()}" if first else ""
        return f"{controls:,} control bytes, {controls / len(data):.1%} of the file{at}"
    return None


def _decode_bytes(source: str, data: bytes) -> tuple[str, str, bool]:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            try:
                text = data[len(bom) :].decode(encoding)
            except UnicodeDecodeError as error:
                raise PageError(
                    source,
                    "ingest",
                    f"starts with a {encoding} byte-order mark but is not valid {encoding}: "
                    f"{error.reason} at byte {error.start + len(bom)}",
                ) from error
            if encoding != "utf-8" and not _plausibly_chinese(text):
                raise PageError(source, "ingest", f"starts with a {encoding} byte-order mark but does not decode to Chinese text")
            return text, encoding, True
    binary = binary_reason(data)
    if binary:
        raise PageError(source, "ingest", f"looks binary, not text ({binary})")
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    # A page's own declaration is trusted only after UTF-8 fails: many pages claim
    # gb2312 while their bytes are UTF-8.
    declared = _declared_charset(data)
    text = _decoded(data, declared) if declared else None
    if text is not None and _plausibly_chinese(text):
        return text, declared, False
    best = _commonest_decoding(data)
    if best is not None:
        return best[0], best[1], False
    raise PageError(
        source,
        "ingest",
        f"cannot decode: not UTF-8 (invalid byte at {first_bad}), UTF-16/32 with a byte-order mark, "
        f"the charset the page declares ({declared or 'none'}), or GBK/GB18030/Big5 Chinese text",
    )


def _decoded(data: bytes, encoding: str) -> str | None:
    """``data`` decoded, or None when it is not text in ``encoding``.

    A page may declare any codec Python has: one that is no text encoding (hex, uu),
    one that always fails (undefined), or one that makes lone surrogates (unicode_escape),
    which no later stage could write out.
    """
    try:
        text = data.decode(encoding)
    except (UnicodeError, LookupError):
        return None
    return None if _SURROGATE.search(text) else text


def _commonest_decoding(data: bytes) -> tuple[str, str] | None:
    """The plausible legacy decoding whose text is most made of common characters, and its name.

    On equal scores the earlier of ``LEGACY_ENCODINGS`` wins, so GBK keeps a tie.
    """
    best: tuple[float, str, str] | None = None
    for encoding in LEGACY_ENCODINGS:
        text = _decoded(data, encoding)
        if text is None or not _plausibly_chinese(text):
            continue
        score = common_share(text)
        if best is None or score > best[0]:
            best = (score, text, encoding)
    return None if best is None else (best[1], best[2])


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes, if Python knows it."""
    label = meta_charset(data)
    if label is None:
        return None
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


def meta_charset(data: bytes) -> str | None:
    """The charset label a page's ``<meta>`` declares in its first 4 kB, lower-cased, as written (gbk, utf-8).

    >>> meta_charset(b'<meta http-equiv="Content-Type" content="text/html; charset=GB2312">')
    'gb2312'
    """
    found = _META_CHARSET.search(data[:META_PRESCAN_BYTES])
    return found.group(1).decode("ascii").lower() if found else None


def header_charset(content_type: str) -> str | None:
    """The charset label of an HTTP Content-Type header, lower-cased, as written.

    >>> header_charset("text/html; charset='GBK'"), header_charset("text/html")
    ('gbk', None)
    """
    found = _HEADER_CHARSET.search(content_type)
    return found.group(1).lower() if found else None


def _plausibly_chinese(text: str) -> bool:
    """GB18030 decodes almost any bytes; accept it only when most non-ASCII is Chinese."""
    non_ascii = [ch for ch in text if ord(ch) > 0x7F]
    if not non_ascii:
        return True
    cjk = sum(1 for ch in non_ascii if _CHINESE_TEXT.match(ch))
    return cjk / len(non_ascii) >= 0.8


def normalise_newlines(text: str) -> tuple[str, str]:
    """Turn CRLF and lone CR into LF and name what was found."""
    crlf = text.count("\r\n")
    lone_cr = text.count("\r") - crlf
    lf = text.count("\n") - crlf
    kinds = [name for name, count in (("crlf", crlf), ("cr", lone_cr), ("lf", lf)) if count]
    newlines = kinds[0] if len(kinds) == 1 else ("mixed" if kinds else "none")
    if crlf or lone_cr:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    return text, newlines
