"""Read raw pages byte-exact and decode them, recording how.

The decoded text is the coordinate system of every edit in the removals ledger, so
decoding itself changes nothing but the byte-order mark and line ends, and says so.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from pathlib import Path

from .errors import PageError
from .htmltext import looks_like_html
from .records import DecodedPage, RawPage

# Pages larger than this are reported, not processed: no real speech page comes close,
# and a runaway file must not take the build's memory with it.
MAX_PAGE_BYTES = 20 * 1024 * 1024

RAW_SUFFIXES = (".txt", ".text", ".html", ".htm")

# Byte-order marks, longest first (UTF-32 LE starts with the UTF-16 LE mark).
_BOMS = (
    (codecs.BOM_UTF32_LE, "utf-32-le"),
    (codecs.BOM_UTF32_BE, "utf-32-be"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16-le"),
    (codecs.BOM_UTF16_BE, "utf-16-be"),
)

# C0 controls other than tab, LF, VT, FF, CR and ESC (terminal colour codes): text
# files hardly ever hold them, binary files nearly always do.
_BINARY_BYTES = re.compile(rb"[\x00-\x08\x0e-\x1a\x1c-\x1f]")
_META_CHARSET = re.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([A-Za-z0-9_-]{2,20})""", re.I)
# Ideographs, CJK punctuation, full-width forms (not half-width katakana), quotes and dashes.
_CHINESE_TEXT = re.compile(r"[\u3400-\u9fff\uf900-\ufaff\u3000-\u303f\uff01-\uff5e\u2010-\u2027]")


def sha256_hex(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def read_page(path: Path, root: Path) -> RawPage:
    """Read one raw page as bytes; ``source`` is its path relative to ``root``."""
    source = path.relative_to(root).as_posix()
    try:
        size = path.stat().st_size
        if size > MAX_PAGE_BYTES:
            raise PageError(source, "ingest", f"file is {size:,} bytes, over the {MAX_PAGE_BYTES:,}-byte limit")
        data = path.read_bytes()
    except OSError as error:
        raise PageError(source, "ingest", f"cannot read file: {error.strerror or error}") from error
    return RawPage(source=source, data=data, sha256=sha256_hex(data))


def list_raw_pages(root: Path) -> list[Path]:
    """Every raw page under ``root`` in a fixed order (sorted relative paths)."""
    if not root.is_dir():
        raise FileNotFoundError(f"raw folder not found: {root}")
    pages = [p for p in root.rglob("*") if p.is_file() and p.suffix.lower() in RAW_SUFFIXES]
    return sorted(pages, key=lambda p: p.relative_to(root).as_posix())


def decode_page(page: RawPage) -> DecodedPage:
    """Decode a page's bytes, detecting the encoding; a ``PageError`` says why it cannot.

    >>> decoded = decode_page(RawPage("a.txt", "讲话\\r\\n".encode("gb18030"), ""))
    >>> decoded.encoding, decoded.newlines, decoded.text
    ('gbk', 'crlf', '讲话\\n')
    """
    data = page.data
    if not data.strip():
        raise PageError(page.source, "ingest", "file is empty")
    text, encoding, had_bom = _decode_bytes(page.source, data)
    normal, newlines = normalise_newlines(text)
    is_html = page.source.lower().endswith((".html", ".htm")) or looks_like_html(normal)
    return DecodedPage(
        source=page.source,
        sha256=page.sha256,
        encoding=encoding,
        newlines=newlines,
        had_bom=had_bom,
        text=normal,
        is_html=is_html,
    )


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
    binary = _BINARY_BYTES.search(data)
    if binary:
        raise PageError(source, "ingest", f"looks binary, not text (control byte 0x{binary.group()[0]:02x} at byte {binary.start()})")
    try:
        return data.decode("utf-8"), "utf-8", False
    except UnicodeDecodeError as utf8_error:
        first_bad = utf8_error.start
    # A page's own declaration is trusted only after UTF-8 fails: many pages claim
    # gb2312 while their bytes are UTF-8.
    declared = _declared_charset(data)
    for encoding in ([declared] if declared else []) + ["gbk", "gb18030"]:
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if _plausibly_chinese(text):
            return text, encoding, False
    raise PageError(
        source,
        "ingest",
        f"cannot decode: not UTF-8 (invalid byte at {first_bad}), UTF-16/32 with a byte-order mark, "
        f"the charset the page declares ({declared or 'none'}), or GBK/GB18030 Chinese text",
    )


def _declared_charset(data: bytes) -> str | None:
    """The charset an HTML page declares in its first bytes, if Python knows it."""
    found = _META_CHARSET.search(data[:4096])
    if not found:
        return None
    try:
        return codecs.lookup(found.group(1).decode("ascii")).name
    except LookupError:
        return None


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
