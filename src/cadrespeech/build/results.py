"""What the build passes around for one page: its report, its tables, its share of the figures; and the build's options."""

from __future__ import annotations

from dataclasses import dataclass, field

import pyarrow as pa

from ..stages.clean import CleanConfig
from ..stages.reprints import SpeechSignature


@dataclass(frozen=True, slots=True)
class PageReport:
    """What became of one raw page in a build."""

    source: str
    sha256: str | None
    status: str  # "ok", "error" or "duplicate"
    documents: int = 0
    stage: str | None = None
    reason: str | None = None


@dataclass(frozen=True, slots=True)
class PageTally:
    """A page's share of the release figures, counted where its rows were made."""

    tokens: int = 0
    characters: int = 0
    removed: tuple[tuple[str, int, int], ...] = ()  # (rule, edits, raw characters), by rule


@dataclass(frozen=True, slots=True)
class PageResult:
    """One page's report and, when it is ok, its rows as one small Arrow table per config.

    Tables are made in the worker that processed the page (or read whole from the
    cache), so the writing process only concatenates and writes them.
    """

    report: PageReport
    tables: dict[str, pa.Table] = field(default_factory=dict)
    tally: PageTally = PageTally()
    signatures: tuple[SpeechSignature, ...] = ()  # one per speech, for reprint clusters
    cache_problem: str | None = None  # why this result could not be cached, if it could not


@dataclass(frozen=True, slots=True)
class BuildOptions:
    """Everything besides the page's bytes that decides its rows."""

    skip_rules: tuple[str, ...] = ()
    segmenter: str = "jieba"
    cache: str | None = None  # folder of cached page results; None for no cache
    fingerprint: str = ""  # of the pipeline; set by ``with_fingerprint``

    def clean_config(self) -> CleanConfig:
        return CleanConfig(skip=frozenset(self.skip_rules))
