"""``cadrespeech collect``: archives and dumps in, raw pages and their provenance out.

Each archive is read by ``collect_archive``, which writes every kept page into the raw
folder under its sha256 and returns the captures; the driver merges them, archive by
archive in the order given, into the provenance file. The same bytes captured at
several URLs (or already in the raw folder) are one page with several captures. With
``--engine ray`` each archive is a Ray task; the merge, and so the output, is the same.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import __version__
from ..errors import CadrespeechError
from ..provenance import read_provenance, write_provenance
from ..records import RawPage
from ..stages.ingest import decode_page, sha256_hex
from .archives import DEFAULT_FIELDS, Captured, JsonlFields, Skipped, archive_kind, read_archive
from .speechfilter import is_speech_page, page_cue

COLLECTED_BY = f"cadrespeech {__version__} collect"
EXAMPLES_PER_REASON = 3  # where a person can look, for each skip reason


@dataclass(frozen=True, slots=True)
class CollectConfig:
    sources: tuple[Path, ...]
    out: Path
    provenance: Path
    speeches_only: bool = False
    fields: JsonlFields = DEFAULT_FIELDS
    engine: str = "local"  # or "ray": one task per archive
    ray_address: str | None = None
    progress: bool = False


@dataclass(frozen=True, slots=True)
class Archive:
    path: Path
    label: str  # the name provenance gives it: relative to the source folder, never an absolute path


@dataclass(frozen=True, slots=True)
class ArchiveOutcome:
    """What one archive gave: its records read, the pages kept with their captures, the skips by reason."""

    label: str
    read: int
    kept: tuple[tuple[str, str, dict[str, Any]], ...]  # (sha256, file name in the raw folder, capture)
    skipped: dict[str, int]
    examples: dict[str, tuple[str, ...]]  # reason -> where the first few skips are


@dataclass(frozen=True, slots=True)
class CollectSummary:
    archives: int
    read: int
    kept: int  # captures kept
    new_pages: int
    duplicates: int  # captures whose bytes were already a page
    skipped: dict[str, int]
    examples: dict[str, tuple[str, ...]] = field(default_factory=dict)

    def lines(self) -> list[str]:
        skipped = ", ".join(f"{reason} {count}" for reason, count in sorted(self.skipped.items())) or "none"
        return [
            f"read {self.read} records from {self.archives} archive{'' if self.archives == 1 else 's'}",
            f"kept {self.kept}: {self.new_pages} new pages, {self.duplicates} duplicates of pages already kept",
            f"skipped {sum(self.skipped.values())}: {skipped}",
        ]


def list_archives(sources: Iterable[Path]) -> list[Archive]:
    """Every archive named or under a named folder, sorted within each folder; an unusable SOURCE is an error."""
    archives = []
    for source in sources:
        if source.is_dir():
            found = sorted(path for path in source.rglob("*") if path.is_file() and archive_kind(path))
            if not found:
                raise CadrespeechError(f"{source}: no WARC, ARC or JSONL file in this folder")
            archives += [Archive(path, f"{source.name}/{path.relative_to(source).as_posix()}") for path in found]
        elif source.is_file():
            if archive_kind(source) is None:
                raise CadrespeechError(f"{source}: not an archive collect reads (.warc[.gz], .arc[.gz], .jsonl[.gz|.zst])")
            archives.append(Archive(source, source.name))
        else:
            raise CadrespeechError(f"{source}: no such file or folder")
    return archives


def collect_archive(
    archive: Archive,
    out: Path,
    speeches_only: bool,
    fields: JsonlFields = DEFAULT_FIELDS,
    known: frozenset[str] = frozenset(),
    on_record: Callable[[], None] | None = None,
    on_kept: Callable[[str, str, dict[str, Any]], None] | None = None,
) -> ArchiveOutcome:
    """Read one archive, write each kept page not already ``known`` (by sha256) into ``out``, and say what was kept.

    With ``on_kept``, each kept page's (sha256, name, capture) goes there as it comes
    instead of into the outcome, so a large archive's captures are never all held.
    """
    read, kept, skipped, examples = 0, [], Counter(), {}
    for outcome in read_archive(archive.path, archive.label, fields):
        read += 1
        if on_record:
            on_record()
        if isinstance(outcome, Captured) and speeches_only:
            outcome = _speech_or_skip(outcome, archive.label)
        if isinstance(outcome, Skipped):
            skipped[outcome.reason] += 1
            shown = examples.setdefault(outcome.reason, [])
            if len(shown) < EXAMPLES_PER_REASON:
                shown.append(outcome.where)
            continue
        sha256 = sha256_hex(outcome.payload)
        name = f"{sha256}{'.html' if outcome.is_html else '.txt'}"
        if sha256 not in known:
            _write_once(out / name, outcome.payload)
        if on_kept is None:
            kept.append((sha256, name, outcome.capture))
        else:
            on_kept(sha256, name, outcome.capture)
    return ArchiveOutcome(archive.label, read, tuple(kept), dict(skipped), {k: tuple(v) for k, v in examples.items()})


def _speech_or_skip(captured: Captured, label: str) -> Captured | Skipped:
    where = f"{label}: {captured.capture.get('url') or '?'}"
    page = RawPage(captured.capture.get("url") or label, captured.payload, "")
    try:
        decoded = decode_page(page)
    except Exception:  # an undecodable page is no speech; the build would refuse it too
        return Skipped("no-speech-cue", where)
    if page_cue(decoded.text, captured.capture.get("url") or "") is None:
        return Skipped("no-speech-cue", where)
    if not is_speech_page(page, decoded):
        return Skipped("not-a-speech", where)
    return captured


def _write_once(path: Path, payload: bytes) -> None:
    """Write the page unless a file of that name (so those bytes) is there; atomic, so no half page is left."""
    if path.exists():
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=".collect-", dir=path.parent)
    with os.fdopen(handle, "wb") as out:
        out.write(payload)
    os.replace(temporary, path)


def collect(config: CollectConfig) -> CollectSummary:
    """Collect every archive of the config into its raw folder and provenance file."""
    archives = list_archives(config.sources)
    merged = _Merged(read_provenance(config.provenance))  # checked before anything is written
    config.out.mkdir(parents=True, exist_ok=True)
    known = frozenset(merged.by_sha)
    if config.engine == "ray":
        for outcome in _ray_outcomes(archives, config, known):
            for kept in outcome.kept:
                merged.add(*kept)
            merged.count(outcome)
    else:
        from tqdm import tqdm

        with tqdm(unit=" records", disable=not config.progress, desc="collect") as bar:
            for archive in archives:
                merged.count(collect_archive(archive, config.out, config.speeches_only, config.fields, known, bar.update, merged.add))
    write_provenance(config.provenance, merged.records)
    return merged.summary(len(archives))


def _ray_outcomes(archives: list[Archive], config: CollectConfig, known: frozenset[str]) -> Iterable[ArchiveOutcome]:
    """One Ray task per archive, results taken in the order given, so the merge is the local one.

    A task returns its archive's captures whole: memory on the driver is one archive's
    provenance at a time.
    """
    from tqdm import tqdm

    from ..build.ray_engine import connected_ray

    ray, started = connected_ray(config.ray_address)
    try:
        task = ray.remote(collect_archive)
        known_ref = ray.put(known)
        pending = [task.remote(archive, config.out, config.speeches_only, config.fields, known_ref) for archive in archives]
        for ref in tqdm(pending, unit=" archives", disable=not config.progress, desc="collect"):
            yield ray.get(ref)
    finally:
        if started:
            ray.shutdown()


class _Merged:
    """The provenance records with every capture added, and the counts for the summary.

    Each record is held as its JSON text, not a dict: a few hundred bytes a page instead
    of a couple of kilobytes, which is what keeps collect's memory low on a large
    archive (the records are the only thing that grows with it).
    """

    def __init__(self, records: dict[str, Any]) -> None:
        self.records: dict[str, str] = {name: json.dumps(record, ensure_ascii=False) for name, record in records.items()}
        self.by_sha = {record["sha256"]: name for name, record in records.items()}
        self.read = self.kept = self.new = self.duplicates = 0
        self.skipped: Counter[str] = Counter()
        self.examples: dict[str, tuple[str, ...]] = {}

    def add(self, sha256: str, name: str, capture: dict[str, Any]) -> None:
        """Add a capture: a new page gets a record, known bytes one more capture (unless it is there already)."""
        self.kept += 1
        capture = {key: value for key, value in capture.items() if value is not None}
        if sha256 in self.by_sha:
            self.duplicates += 1
            record = json.loads(self.records[self.by_sha[sha256]])
            captures = record.setdefault("captures", [])
            if capture not in captures:  # collecting the same archive twice adds nothing
                captures.append(capture)
                self.records[self.by_sha[sha256]] = json.dumps(record, ensure_ascii=False)
            return
        self.by_sha[sha256] = name
        record = {"sha256": sha256, "url": capture.get("url"), "retrieved": capture.get("captured"), "captures": [capture]}
        self.records[name] = json.dumps({**record, "collected_by": COLLECTED_BY}, ensure_ascii=False)
        self.new += 1

    def count(self, outcome: ArchiveOutcome) -> None:
        self.read += outcome.read
        self.skipped.update(outcome.skipped)
        for reason, where in outcome.examples.items():
            self.examples[reason] = (self.examples.get(reason, ()) + where)[:EXAMPLES_PER_REASON]

    def summary(self, archives: int) -> CollectSummary:
        return CollectSummary(archives, self.read, self.kept, self.new, self.duplicates, dict(self.skipped), self.examples)
