"""Records out of web archives and dumps, one at a time: WARC and ARC files, JSONL dumps.

Each record read becomes a ``Captured`` (the page's bytes and where they came from)
or a ``Skipped`` (why it is not a page), so every record is accounted for. Reading
streams: one record's payload is in memory at a time, so a 1 GB archive needs no
more memory than its largest page.

The bytes kept are the HTTP payload as the server meant it: transfer and content
encodings (chunked, gzip) undone, the page's own charset untouched, since decoding
is the build's job and its evidence. A JSONL dump holds text, not bytes: its record
is kept as that text in UTF-8.
"""

from __future__ import annotations

import gzip
import io
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit

from ..stages.ingest import MAX_PAGE_BYTES, header_charset, meta_charset

WARC_SUFFIXES = (".warc", ".warc.gz", ".arc", ".arc.gz")
JSONL_SUFFIXES = (".jsonl", ".jsonl.gz", ".jsonl.zst", ".ndjson", ".ndjson.gz", ".ndjson.zst")

# Content types kept as pages: what a speech page is served as. Everything else (images,
# PDFs, scripts) is counted under "not-a-page".
PAGE_TYPES = ("text/html", "application/xhtml+xml", "text/plain", "text/markdown", "text/x-markdown")
# Text a crawl fetches that is about the site, not a page of it.
NOT_PAGES = frozenset({"/robots.txt"})

# Why a record is not kept; every record read that is not a page counts under one.
SKIP_REASONS: dict[str, str] = {
    "not-a-response": "a WARC request, metadata or warcinfo record: no page in it",
    "revisit": "a revisit record: the payload is in another record",
    "http-status": "the server did not answer 2xx (a redirect, a missing page, an error)",
    "not-a-page": "a content type that is not HTML or text (an image, a PDF, a script), or a site's robots.txt",
    "empty": "no payload",
    "too-large": f"a payload over {MAX_PAGE_BYTES // (1024 * 1024)} MB",
    "truncated": "the record is cut short (WARC-Truncated, or the archive ends inside it)",
    "unreadable": "the archive cannot be parsed from here on",
    "bad-json": "a JSONL line that is not a JSON object",
    "no-text": "a JSONL record without a text or HTML field",
    "no-speech-cue": "--speeches-only: no speech word, address or first person anywhere on the page (the pre-filter)",
    "not-a-speech": "--speeches-only: the genre classifier finds no speech on the page",
}


# Skips every crawl has plenty of, which say nothing about the archive's health.
ROUTINE_SKIPS = frozenset({"not-a-response", "revisit"})


@dataclass(frozen=True, slots=True)
class JsonlFields:
    """Which fields of a JSONL record hold what; the first present of each list is used.

    The defaults cover the layouts of common Common-Crawl-derived Chinese dumps.
    """

    url: tuple[str, ...] = ("url", "URL", "source_url", "link")
    html: tuple[str, ...] = ("html", "raw_html", "content_html")
    text: tuple[str, ...] = ("text", "content", "raw_content", "body")
    date: tuple[str, ...] = ("date", "crawl_date", "timestamp", "publish_time", "retrieved")
    title: tuple[str, ...] = ("title",)


@dataclass(frozen=True, slots=True)
class Captured:
    """One page as archived, and its provenance (the keys of the provenance schema's capture)."""

    payload: bytes
    capture: dict[str, Any]
    is_html: bool


@dataclass(frozen=True, slots=True)
class Skipped:
    reason: str  # a key of SKIP_REASONS
    where: str  # archive and offset or line, for a person to look


def archive_kind(path: Path) -> str | None:
    """``"warc"``, ``"jsonl"`` or None, from the file name."""
    name = path.name.lower()
    if name.endswith(WARC_SUFFIXES):
        return "warc"
    if name.endswith(JSONL_SUFFIXES):
        return "jsonl"
    return None


DEFAULT_FIELDS = JsonlFields()


def read_archive(path: Path, label: str, fields: JsonlFields = DEFAULT_FIELDS) -> Iterator[Captured | Skipped]:
    """Every record of one archive or dump, in order; ``label`` names it in provenance."""
    if archive_kind(path) == "warc":
        yield from _warc_records(path, label)
    else:
        yield from _jsonl_records(path, label, fields)


def _warc_records(path: Path, label: str) -> Iterator[Captured | Skipped]:
    from warcio.archiveiterator import ArchiveIterator  # imported here: only collect needs it
    from warcio.exceptions import ArchiveLoadFailed

    with path.open("rb") as stream:
        records = ArchiveIterator(stream, arc2warc=True)
        try:
            for record in records:
                outcome = _warc_record(record, label)
                offset = records.get_record_offset()  # known once the record is read to its end
                if isinstance(outcome, Captured):
                    outcome.capture["offset"] = offset
                    yield outcome
                else:
                    yield Skipped(outcome, f"{label}@{offset}")
        except (ArchiveLoadFailed, EOFError, OSError, ValueError) as error:
            # Garbage or a cut inside a record's headers: what was read stays read.
            yield Skipped("unreadable", f"{label}: {type(error).__name__}")


def _warc_record(record: Any, label: str) -> Captured | str:
    """The page in one WARC/ARC record, or the reason it holds none."""
    if record.rec_type is None:  # a gzip member cut short: warcio yields an empty record
        return "truncated"
    if record.rec_type == "revisit":
        return "revisit"
    if record.rec_type != "response" or record.http_headers is None:
        return "not-a-response"
    headers = record.rec_headers
    status = record.http_headers.get_statuscode()
    if not (status or "").startswith("2"):
        record.content_stream().read()
        return "http-status"
    content_type = record.http_headers.get_header("Content-Type") or ""
    url = headers.get_header("WARC-Target-URI") or ""
    if not _is_page_type(content_type) or urlsplit(url).path in NOT_PAGES:
        return "not-a-page"
    if headers.get_header("WARC-Truncated"):
        return "truncated"
    try:
        payload = _bounded_read(record.content_stream())
    except (OSError, EOFError, ValueError):
        return "truncated"
    if payload is None:
        return "too-large"
    if not payload:
        return "empty"
    if getattr(record.raw_stream, "limit", 0) > 0:  # the archive ended before the record's stated length
        return "truncated"
    charset = _declared_charset(content_type, payload)
    capture = {
        "url": url or None,
        "archive": label,
        "offset": None,
        "record_id": headers.get_header("WARC-Record-ID"),
        "captured": headers.get_header("WARC-Date"),
        "status": int(status[:3]),
        "content_type": content_type or None,
        "charset": charset,
    }
    return Captured(payload, capture, "html" in content_type.lower() or not content_type)


def _jsonl_records(path: Path, label: str, fields: JsonlFields) -> Iterator[Captured | Skipped]:
    with _open_text(path) as lines:
        number = 0
        try:
            for number, line in enumerate(lines, start=1):
                if not line.strip():
                    continue
                outcome = _jsonl_record(line, fields)
                where = f"{label}:{number}"
                if isinstance(outcome, str):
                    yield Skipped(outcome, where)
                else:
                    outcome.capture.update(archive=label, line=number)
                    yield outcome
        except (OSError, EOFError, UnicodeDecodeError, ValueError) as error:
            yield Skipped("truncated" if isinstance(error, EOFError) else "unreadable", f"{label}:{number + 1}: {type(error).__name__}")


def _jsonl_record(line: str, fields: JsonlFields) -> Captured | str:
    try:
        record = json.loads(line)
    except json.JSONDecodeError:
        return "bad-json"
    if not isinstance(record, dict):
        return "bad-json"
    html_text, text = _first(record, fields.html), _first(record, fields.text)
    body = html_text if isinstance(html_text, str) and html_text.strip() else text
    if not isinstance(body, str) or not body.strip():
        return "no-text"
    payload = body.encode("utf-8")
    if len(payload) > MAX_PAGE_BYTES:
        return "too-large"
    is_html = body is html_text
    url, date, title = _first(record, fields.url), _first(record, fields.date), _first(record, fields.title)
    capture = {
        "url": str(url) if url else None,
        "captured": str(date) if date is not None else None,
        "content_type": "text/html; charset=utf-8" if is_html else "text/plain; charset=utf-8",
        "charset": "utf-8",
        "title": title if isinstance(title, str) else None,
    }
    return Captured(payload, capture, is_html)


def _open_text(path: Path) -> IO[str]:
    name = path.name.lower()
    if name.endswith(".gz"):
        return io.TextIOWrapper(gzip.open(path, "rb"), encoding="utf-8")
    if name.endswith(".zst"):
        import zstandard  # imported here: only a .zst dump needs it

        return io.TextIOWrapper(zstandard.ZstdDecompressor().stream_reader(path.open("rb"), closefd=True), encoding="utf-8")
    return path.open(encoding="utf-8")


def _first(record: dict[str, Any], names: tuple[str, ...]) -> Any:
    return next((record[name] for name in names if record.get(name) not in (None, "")), None)


def _bounded_read(stream: Any) -> bytes | None:
    """The whole stream, or None past MAX_PAGE_BYTES (the rest is left for the archive reader to skip)."""
    data = stream.read(MAX_PAGE_BYTES + 1)
    return None if len(data) > MAX_PAGE_BYTES else data


def _is_page_type(content_type: str) -> bool:
    kind = content_type.split(";")[0].strip().lower()
    return not kind or kind in PAGE_TYPES


def _declared_charset(content_type: str, payload: bytes) -> str | None:
    """The charset the server or the page declares (header first), lower-cased; None when neither does."""
    return header_charset(content_type) or meta_charset(payload)
