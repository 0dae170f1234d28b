"""One HTTP exchange as it crossed the wire, and the WARC file it is archived in.

http.client keeps only its parse of a response; the crawler needs the bytes as they
came (status line, headers, a body still chunked or compressed), so the connection
classes here tap the socket. warcio writes the records, with the header block given
back byte for byte.
"""

from __future__ import annotations

import http.client
import ssl
import zlib
from dataclasses import dataclass
from io import BytesIO
from pathlib import Path
from types import TracebackType
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from warcio.statusandheaders import StatusAndHeaders, StatusAndHeadersParser
from warcio.warcwriter import WARCWriter

MAX_BODY_BYTES = 32 * 2**20  # a speech page is kilobytes; a scanned PDF a few megabytes
HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
REQUEST_HEADERS = {
    "Accept": "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8",
    # Compressed pages save the site bandwidth; the WARC keeps them compressed, as sent.
    "Accept-Encoding": "gzip",
    # One connection per request: at one request a second, keep-alive saves nothing.
    "Connection": "close",
}


def header(headers: tuple[tuple[str, str], ...], name: str) -> str | None:
    return next((value for key, value in headers if key.lower() == name.lower()), None)


def media_type(headers: tuple[tuple[str, str], ...]) -> str:
    return (header(headers, "Content-Type") or "").split(";", 1)[0].strip().lower()


def inflate(data: bytes) -> bytes | None:
    """A gzip or zlib stream unpacked (at most MAX_BODY_BYTES of it), or a raw deflate one; None if neither."""
    for wbits in (32 + zlib.MAX_WBITS, -zlib.MAX_WBITS):  # 32+: detect the gzip or zlib header
        try:
            return zlib.decompressobj(wbits).decompress(data, MAX_BODY_BYTES)
        except zlib.error:
            continue
    return None


# --- Fetching: one request, with the bytes that crossed the wire kept -------------------------


@dataclass(frozen=True, slots=True)
class Exchange:
    """One request and its response as they crossed the wire, plus what reading them needs."""

    url: str
    request: bytes  # the request line and headers, as sent
    head: bytes  # the status line and headers, as received
    body: bytes  # the payload as received: still chunked and compressed, if it was sent so
    entity: bytes  # the body with any chunking removed (still Content-Encoded)
    status: int
    headers: tuple[tuple[str, str], ...]
    ip: str | None
    truncated: bool
    record_id: str = ""  # the response record's WARC-Record-ID, once archived

    def content(self) -> bytes | None:
        """The entity with its Content-Encoding undone; None for an encoding we did not ask for."""
        coding = (header(self.headers, "Content-Encoding") or "identity").strip().lower()
        if coding == "identity":
            return self.entity
        return inflate(self.entity) if coding in ("gzip", "x-gzip", "deflate") else None

    def is_html(self) -> bool:
        media = media_type(self.headers)
        if media:
            return media in HTML_TYPES
        return self.entity[:512].lstrip().lower().startswith((b"<!doctype html", b"<html"))


class _WireTap:
    """A response's socket file that keeps a copy of every byte http.client reads through it."""

    def __init__(self, raw: Any, copy: bytearray) -> None:
        self._raw = raw
        self._copy = copy

    def read(self, size: int | None = -1) -> bytes:
        data = self._raw.read(size)
        self._copy += data
        return data

    def read1(self, size: int = -1) -> bytes:
        data = self._raw.read1(size)
        self._copy += data
        return data

    def readline(self, size: int | None = -1) -> bytes:
        data = self._raw.readline(size)
        self._copy += data
        return data

    def readinto(self, buffer: Any) -> int:
        count = self._raw.readinto(buffer)
        self._copy += memoryview(buffer)[:count]
        return count

    def __getattr__(self, name: str) -> Any:  # peek, close, closed: nothing to copy
        return getattr(self._raw, name)


class _TappedResponse(http.client.HTTPResponse):
    """An HTTPResponse whose ``wire`` holds the raw bytes read: http.client itself keeps only parsed headers."""

    def __init__(self, sock: Any, *args: Any, **kwargs: Any) -> None:
        super().__init__(sock, *args, **kwargs)
        self.wire = bytearray()
        self.fp = _WireTap(self.fp, self.wire)  # type: ignore[assignment]


class _Tapped:
    """For an http.client connection: keep the request bytes sent, and tap the response."""

    response_class = _TappedResponse

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sent = bytearray()

    def send(self, data: Any) -> None:
        self.sent += data  # a GET sends only its request line and headers, as bytes
        super().send(data)  # type: ignore[misc]


class _TappedHTTP(_Tapped, http.client.HTTPConnection):
    pass


class _TappedHTTPS(_Tapped, http.client.HTTPSConnection):
    pass


def fetch_once(url: str, user_agent: str, timeout: float) -> Exchange:
    """GET ``url`` once, without following a redirect; OSError or HTTPException when there is no whole answer."""
    parts = urlsplit(url)
    connection: _TappedHTTP | _TappedHTTPS
    if parts.scheme == "https":
        connection = _TappedHTTPS(parts.hostname, parts.port, timeout=timeout, context=ssl.create_default_context())
    else:
        connection = _TappedHTTP(parts.hostname, parts.port, timeout=timeout)
    try:
        connection.request("GET", urlunsplit(("", "", parts.path, parts.query, "")), headers={**REQUEST_HEADERS, "User-Agent": user_agent})
        ip = connection.sock.getpeername()[0] if connection.sock else None
        response = connection.getresponse()
        head_length = len(response.wire)  # getresponse reads exactly the status line and headers
        entity = response.read(MAX_BODY_BYTES + 1)
        truncated = len(entity) > MAX_BODY_BYTES
        if not truncated and response.length:  # the server closed before its Content-Length
            raise http.client.IncompleteRead(entity, response.length)
        wire = bytes(response.wire)
        return Exchange(
            url=url,
            request=bytes(connection.sent),
            head=wire[:head_length],
            body=wire[head_length:],
            entity=entity[:MAX_BODY_BYTES],
            status=response.status,
            headers=tuple(response.getheaders()),
            ip=ip,
            truncated=truncated,
        )
    finally:
        connection.close()


# --- Archiving: the WARC file ----------------------------------------------------------------


class VerbatimHead(StatusAndHeaders):
    """HTTP headers that warcio writes back byte for byte, instead of re-serialising its parse of them.

    warcio rebuilds a header block from (name, value) pairs, which re-spaces and
    percent-encodes whatever a server sent unusually; the archive keeps it as it came.
    """

    def __init__(self, raw: bytes) -> None:
        parsed = StatusAndHeadersParser([], verify=False).parse(BytesIO(raw))
        super().__init__(parsed.statusline, parsed.headers, protocol=parsed.protocol)
        self.raw = raw
        self.headers_buff = raw

    def compute_headers_buffer(self, header_filter: object = None) -> None:
        self.headers_buff = self.raw


class WarcOut:
    """The WARC being written: a warcinfo naming the crawl, then per exchange a response and a request."""

    def __init__(self, path: Path, warcinfo: dict[str, str]) -> None:
        self._file = path.open("xb")  # never overwrite a crawl
        self._writer = WARCWriter(self._file, gzip=True)
        self.responses = 0
        self._writer.write_record(self._writer.create_warcinfo_record(path.name, warcinfo))

    def __enter__(self) -> WarcOut:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None, trace: TracebackType | None) -> None:
        self._file.close()

    def write_exchange(self, exchange: Exchange) -> str:
        """Write the response and its request; the response's record ID, for records about it."""
        extra = {"WARC-IP-Address": exchange.ip} if exchange.ip else {}
        if exchange.truncated:
            extra["WARC-Truncated"] = "length"
        response = self._writer.create_warc_record(
            exchange.url,
            "response",
            payload=BytesIO(exchange.body),
            length=len(exchange.body),
            http_headers=VerbatimHead(exchange.head),
            warc_headers_dict=extra,
        )
        request = self._writer.create_warc_record(
            exchange.url, "request", payload=BytesIO(), length=0, http_headers=VerbatimHead(exchange.request)
        )
        self._writer.write_request_response_pair(request, response)  # links them by WARC-Concurrent-To
        self.responses += 1
        return response.rec_headers.get_header("WARC-Record-ID")

    def write_metadata(self, exchange: Exchange, fields: dict[str, str]) -> None:
        """A metadata record about a response, as ``name: value`` lines (the WARC's own warc-fields format)."""
        payload = "".join(f"{name}: {value}\r\n" for name, value in fields.items()).encode("utf-8")
        about = {"WARC-Concurrent-To": exchange.record_id}
        record = self._writer.create_warc_record(
            exchange.url, "metadata", payload=BytesIO(payload), length=len(payload), warc_headers_dict=about
        )
        self._writer.write_record(record)
