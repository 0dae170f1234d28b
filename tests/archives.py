"""Web archives and dumps written by the tests: WARC files with warcio, JSONL dumps plain or compressed."""

from __future__ import annotations

import gzip
import io
import json
from dataclasses import dataclass
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter


@dataclass(frozen=True)
class Response:
    url: str
    payload: bytes
    content_type: str = "text/html; charset=utf-8"
    status: str = "200 OK"
    date: str = "2024-03-05T08:00:00Z"


def write_warc(path: Path, records: list[Response | str], compress: bool = True) -> Path:
    """A WARC of responses, each after its request record; a str entry is a revisit record of that URL."""
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=compress)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "cadrespeech tests"}))
        for record in records:
            if isinstance(record, str):
                headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")], protocol="HTTP/1.1")
                revisit = writer.create_revisit_record(
                    record, digest="sha1:AAAA", refers_to_uri=record, refers_to_date="2024-01-01T00:00:00Z", http_headers=headers
                )
                writer.write_record(revisit)
                continue
            request = StatusAndHeaders(f"GET {record.url} HTTP/1.1", [("User-Agent", "test")], is_http_request=True)
            writer.write_record(writer.create_warc_record(record.url, "request", http_headers=request))
            headers = StatusAndHeaders(record.status, [("Content-Type", record.content_type)], protocol="HTTP/1.1")
            warc_headers = {"WARC-Date": record.date}
            response = writer.create_warc_record(
                record.url, "response", payload=io.BytesIO(record.payload), http_headers=headers, warc_headers_dict=warc_headers
            )
            writer.write_record(response)
    return path


def write_jsonl(path: Path, lines: list[dict | str]) -> Path:
    """A JSONL dump; a str entry is written as it is (a broken line). ``.gz`` and ``.zst`` names are compressed."""
    text = "".join((line if isinstance(line, str) else json.dumps(line, ensure_ascii=False)) + "\n" for line in lines).encode("utf-8")
    if path.name.endswith(".gz"):
        text = gzip.compress(text, mtime=0)
    elif path.name.endswith(".zst"):
        import zstandard

        text = zstandard.ZstdCompressor().compress(text)
    path.write_bytes(text)
    return path


def write_arc(path: Path, records: list[Response]) -> Path:
    """An ARC (version 1) file, the format before WARC: a file header, then per record a header line and the HTTP response."""
    fields = b"1 0 cadrespeech-tests\nURL IP-address Archive-date Content-type Archive-length\n"
    blocks = [b"filedesc://" + path.name.encode() + b" 0.0.0.0 20240305080000 text/plain " + str(len(fields)).encode() + b"\n" + fields]
    for record in records:
        http = f"HTTP/1.1 {record.status}\r\nContent-Type: {record.content_type}\r\n\r\n".encode() + record.payload
        date = record.date.replace("-", "").replace("T", "").replace(":", "").rstrip("Z")
        head = f"{record.url} 127.0.0.1 {date} {record.content_type.split(';')[0]} {len(http)}\n".encode()
        blocks.append(head + http)
    path.write_bytes(b"\n".join(blocks) + b"\n")
    return path
