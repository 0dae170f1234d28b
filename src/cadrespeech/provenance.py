"""Where each raw page came from: the provenance file that ``collect`` writes and ``build`` reads.

``corpus/provenance.json`` maps each raw page's path (relative to the raw folder, with
"/" separators) to one record: the page's sha256, its URL and retrieval date, and, for
a page collected from an archive, every capture of it (an exact duplicate crawled at
several URLs is one page with several captures). Records may carry free-text notes
(``site``, ``url_note``, ``licence_note`` …) as the seed page's does. The file is
checked against ``PROVENANCE_SCHEMA`` (JSON Schema, with the ``jsonschema`` library)
before anything uses it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from .errors import CadrespeechError

_NULLABLE_STRING = {"type": ["string", "null"]}
_NULLABLE_INT = {"type": ["integer", "null"], "minimum": 0}

CAPTURE_SCHEMA: dict[str, Any] = {
    "type": "object",
    "properties": {
        "url": _NULLABLE_STRING,  # null for a dump record that names none
        "archive": _NULLABLE_STRING,  # the archive or dump file, relative to the folder given to collect
        "offset": _NULLABLE_INT,  # byte offset of the WARC/ARC record in the archive
        "line": _NULLABLE_INT,  # line number (from 1) of the JSONL record
        "record_id": _NULLABLE_STRING,  # WARC-Record-ID
        "captured": _NULLABLE_STRING,  # capture date, ISO 8601
        "status": _NULLABLE_INT,  # HTTP status
        "content_type": _NULLABLE_STRING,
        "charset": _NULLABLE_STRING,  # as declared by the server or the page; the bytes are kept as they were
        "title": _NULLABLE_STRING,  # a dump's own title field
    },
    "additionalProperties": False,
}

PROVENANCE_SCHEMA: dict[str, Any] = {
    "$schema": "http://json-schema.org/draft-07/schema#",
    "title": "cadrespeech provenance file",
    "type": "object",
    "propertyNames": {"minLength": 1, "not": {"pattern": r"(^/|\\|(^|/)\.\.?(/|$))"}},
    "additionalProperties": {
        "type": "object",
        "required": ["sha256"],
        "properties": {
            "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$"},
            "url": _NULLABLE_STRING,
            "retrieved": _NULLABLE_STRING,
            "captures": {"type": "array", "items": CAPTURE_SCHEMA},
            "collected_by": {"type": "string"},
        },
        # Notes a person wrote (site, url_note, licence_note …) are kept as they are.
        "additionalProperties": {"type": ["string", "null"]},
    },
}


class ProvenanceError(CadrespeechError):
    """The provenance file cannot be read or does not follow the schema; the message names the file."""


def validation_problems(data: Any) -> list[str]:
    """Every way ``data`` breaks the schema, as "where: what" lines, first ten at most.

    >>> validation_problems({"a.html": {"url": "https://example.gov.cn/"}})
    ["a.html: 'sha256' is a required property"]
    """
    from jsonschema import Draft7Validator  # imported here: only a build with a provenance file needs it

    errors = sorted(Draft7Validator(PROVENANCE_SCHEMA).iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [f"{'/'.join(str(p) for p in error.absolute_path) or '(top)'}: {error.message}" for error in errors[:10]]


def read_provenance(path: Path) -> dict[str, dict[str, Any]]:
    """The provenance records in ``path``, checked against the schema; ``{}`` when the file does not exist."""
    if not path.exists():
        return {}
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
        raise ProvenanceError(f"{path}: not readable as JSON ({error})") from error
    problems = validation_problems(data)
    if problems:
        more = f" (and {len(problems) - 1} more)" if len(problems) > 1 else ""
        raise ProvenanceError(f"{path}: does not follow the provenance schema: {problems[0]}{more}")
    return data


def write_provenance(path: Path, records: Mapping[str, Mapping[str, Any] | str]) -> None:
    """Write the records sorted by page path, one line each, atomically: an interrupted collect leaves the old file whole.

    A record may be given as its JSON text already (``collect`` holds new records so).
    One line a page keeps the file streamable and its diffs readable.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".provenance-", dir=path.parent)
    with os.fdopen(handle, "w", encoding="utf-8", newline="\n") as out:
        out.write("{\n")
        for number, name in enumerate(sorted(records)):
            record = records[name]
            text = record if isinstance(record, str) else json.dumps(record, ensure_ascii=False)
            out.write(("" if number == 0 else ",\n") + json.dumps(name, ensure_ascii=False) + ": " + text)
        out.write("\n}\n")
    os.replace(temporary, path)


@dataclass(frozen=True, slots=True)
class PageOrigin:
    """What the release states of a page's origin: its first URL and when it was retrieved."""

    url: str | None
    retrieved: str | None


@dataclass(frozen=True, slots=True)
class ProvenanceCheck:
    """Raw pages matched with their records: the origins, and what is missing or wrong."""

    origins: dict[str, PageOrigin]  # source path -> origin, for pages whose record matches
    without_record: tuple[str, ...]  # pages with no record
    sha256_differs: tuple[str, ...]  # pages whose record names other bytes
    without_page: tuple[str, ...]  # records naming no raw page

    def manifest_facts(self, file_name: str | None) -> dict[str, Any]:
        return {
            "file": file_name,
            "pages_with_record": len(self.origins),
            "pages_without_record": list(self.without_record),
            "pages_whose_record_names_other_bytes": list(self.sha256_differs),
            "records_without_page": len(self.without_page),
        }


def match_provenance(records: Mapping[str, Mapping[str, Any]], pages: Iterable[tuple[str, str]]) -> ProvenanceCheck:
    """Match ``(source, sha256)`` of every raw page against the records.

    A record whose sha256 is not the page's describes other bytes (the page was edited
    after it was collected): the page is listed, and gets no URL.
    """
    origins: dict[str, PageOrigin] = {}
    without, differs, seen = [], [], set()
    for source, sha256 in pages:
        record = records.get(source)
        if record is None:
            without.append(source)
            continue
        seen.add(source)
        if record["sha256"] != sha256:
            differs.append(source)
            continue
        origins[source] = PageOrigin(record.get("url"), _retrieved(record))
    return ProvenanceCheck(origins, tuple(without), tuple(differs), tuple(sorted(records.keys() - seen)))


def _retrieved(record: Mapping[str, Any]) -> str | None:
    """The record's retrieval date: its own, else its earliest capture's."""
    if record.get("retrieved"):
        return record["retrieved"]
    dates = sorted(c["captured"] for c in record.get("captures", ()) if c.get("captured"))
    return dates[0] if dates else None


def source_summary(records: Mapping[str, Mapping[str, Any]], sources: Iterable[str]) -> dict[str, Any]:
    """Sites (URL hosts), their page counts, and the span of retrieval dates, for the card."""
    hosts: dict[str, int] = {}
    dates = []
    for source in sources:
        record = records.get(source, {})
        host = urlsplit(record["url"]).hostname if record.get("url") else None
        hosts[host or "(no URL)"] = hosts.get(host or "(no URL)", 0) + 1
        if (date := _retrieved(record)) and date[:4].isdigit():
            dates.append(date[:10])
    sites = dict(sorted(hosts.items(), key=lambda item: (-item[1], item[0])))
    return {"sites": sites, "retrieved": [min(dates), max(dates)] if dates else None}
