"""cadrespeech: a research corpus of Chinese cadre speeches and the toolkit that builds it."""

from __future__ import annotations

from .errors import CadrespeechError, PageError, ReleaseError
from .records import Cleaned, DecodedPage, Edit, ProcessedPage, RawPage, Section, Sentence, Speech, Token, Tokens

__version__ = "0.8.2"

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
    "Tokens",
    "__version__",
    "clean_text",
    "collocates",
    "decode_page",
    "freq",
    "kwic",
    "load",
    "process_page",
    "read_page",
    "releases",
    "replay",
    "shared_paragraphs",
    "term_candidates",
]


# Where each public name lives, imported on first use: the pipeline's rule tables, jieba
# and htmldate take about half a second to import, ``datasets`` a second more, and a
# script that only reads a release needs none of them.
_LAZY = {
    "CleanConfig": ".stages.clean",
    "clean_text": ".stages.clean",
    "replay": ".stages.edits",
    "decode_page": ".stages.ingest",
    "read_page": ".stages.ingest",
    "process_page": ".stages.pipeline",
    "Segmenter": ".stages.tokens",
    "load": ".read.loader",
    "releases": ".read.loader",
    "shared_paragraphs": ".read.loader",
    "kwic": ".read.queries",
    "freq": ".read.queries",
    "collocates": ".read.queries",
    "term_candidates": ".read.terms",
}


def __getattr__(name: str):
    if name in _LAZY:
        import importlib

        value = getattr(importlib.import_module(_LAZY[name], __name__), name)
        globals()[name] = value  # later lookups skip this function
        return value
    raise AttributeError(f"module 'cadrespeech' has no attribute {name!r}")


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
