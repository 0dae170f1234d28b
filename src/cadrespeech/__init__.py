"""cadrespeech: a research corpus of Chinese cadre speeches and the toolkit that builds it."""

from __future__ import annotations

from .errors import CadrespeechError, PageError, ReleaseError
from .records import Cleaned, DecodedPage, Edit, ProcessedPage, RawPage, Section, Sentence, Speech, Token
from .stages.clean import CleanConfig, clean_text
from .stages.edits import replay
from .stages.ingest import decode_page, read_page
from .stages.pipeline import process_page
from .stages.tokens import Segmenter

__version__ = "0.6.0"

__all__ = [
    "CadrespeechError",
    "CleanConfig",
    "Cleaned",
    "DecodedPage",
    "Edit",
    "PageError",
    "ProcessedPage",
    "RawPage",
    "ReleaseError",
    "Section",
    "Segmenter",
    "Sentence",
    "Speech",
    "Token",
    "__version__",
    "clean_text",
    "decode_page",
    "load",
    "process_page",
    "read_page",
    "releases",
    "replay",
    "shared_paragraphs",
]


def __getattr__(name: str):
    # ``datasets`` takes a second to import; only the loader needs it.
    if name in ("load", "releases", "shared_paragraphs"):
        from .read import loader

        return getattr(loader, name)
    raise AttributeError(f"module 'cadrespeech' has no attribute {name!r}")
