"""What every export shares: the summary it returns, the release read document by document, writing beside the target."""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq

from ...datafiles import iter_batches, read_config
from ...errors import CadrespeechError, ReleaseError
from ..loader import checked_files

BATCH_ROWS = 5_000


@dataclass(frozen=True, slots=True)
class ExportSummary:
    """What an export wrote, for the command line to report and tests to check."""

    path: Path
    documents: int  # written with their sentences (CoNLL-U, vertical); every row of the documents table (SQLite)
    sentences: int
    tokens: int
    skipped_tokens: int = 0  # whitespace-only tokens, which neither token format can hold
    skipped_sentences: int = 0  # sentences with no token left
    extra_files: tuple[Path, ...] = ()  # the vertical file's registry, the database's Datasette metadata


# ---------------------------------------------------------------------------
# Reading the release: document heads, and sentences grouped by document
# ---------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class DocumentHead:
    """The document fields the token formats carry with each document (None where absent or unknown)."""

    doc_id: str
    title: str | None = None
    date: str | None = None
    speaker: str | None = None
    genre: str | None = None
    is_speech: bool | None = None
    url: str | None = None

    @property
    def year(self) -> str | None:
        return self.date[:4] if self.date and re.match(r"\d{4}", self.date) else None


HEAD_COLUMNS = ("title", "date", "speaker", "genre", "is_speech", "url")
SENTENCE_COLUMNS = ["doc_id", "sentence_id", "paragraph", "text", "start", "end", "tokens", "token_starts", "pos"]


def document_heads(release: Path) -> dict[str, DocumentHead]:
    """Each document's head, read from the columns this release has (older releases lack genre and url)."""
    files = checked_files("documents", release, None)
    present = set(pq.read_schema(files[0]).names)
    columns = [name for name in HEAD_COLUMNS if name in present]
    rows = read_config(files, ["doc_id", *columns]).to_pylist()
    return {row["doc_id"]: DocumentHead(**row) for row in rows}


def sentences_by_document(release: Path) -> Iterator[tuple[str, list[dict[str, Any]]]]:
    """The sentences config, a document at a time: the formats need a document's sentences together."""
    files = checked_files("sentences", release, None)
    missing = [name for name in SENTENCE_COLUMNS if name not in pq.read_schema(files[0]).names]
    if missing:
        raise ReleaseError(f"{release}: the sentences config lacks {', '.join(missing)}; export a newer release")
    finished: set[str] = set()
    current: str | None = None
    sentences: list[dict[str, Any]] = []
    for batch in iter_batches(files, SENTENCE_COLUMNS, BATCH_ROWS):
        for row in batch.to_pylist():
            if row["doc_id"] != current:
                if current is not None:
                    yield current, sentences
                    finished.add(current)
                if row["doc_id"] in finished:
                    raise ReleaseError(f"{release}: the sentences of {row['doc_id']} are not together; the release is damaged")
                current, sentences = row["doc_id"], []
            sentences.append(row)
    if current is not None:
        yield current, sentences


@dataclass(frozen=True, slots=True)
class Token:
    """A token as the formats write it: its form made safe, its jieba tag, its span in the sentence's text."""

    form: str
    tag: str
    start: int
    end: int


CONTROL_CHARACTERS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
WHITESPACE_RUN = re.compile(r"\s+")


def safe_form(token: str) -> str | None:
    """A token as one field of a line: None when it is only whitespace or controls.

    Whitespace inside a token becomes a no-break space (our segmenter makes no such
    token; a line's fields are split on tabs and spaces by many tools), and other
    control characters are dropped.

    >>> safe_form("营商环境"), safe_form(" \\t"), safe_form("a b")
    ('营商环境', None, 'a\\xa0b')
    """
    form = CONTROL_CHARACTERS.sub("", WHITESPACE_RUN.sub("\u00a0", token))
    return form if form.strip() else None


def sentence_tokens(sentence: dict[str, Any]) -> tuple[list[Token], int]:
    """A sentence's tokens that a format can hold, and how many it skipped."""
    tokens: list[Token] = []
    skipped = 0
    starts = sentence["token_starts"] or []
    tags = sentence["pos"] or []
    for index, token in enumerate(sentence["tokens"] or []):
        form = safe_form(token)
        if form is None:
            skipped += 1
            continue
        start = starts[index] if index < len(starts) else 0
        tag = tags[index] if index < len(tags) and tags[index] else "_"
        tokens.append(Token(form, tag, start, start + len(token)))
    return tokens, skipped


@dataclass(slots=True)
class Tally:
    documents: int = 0
    sentences: int = 0
    tokens: int = 0
    skipped_tokens: int = 0
    skipped_sentences: int = 0

    def summary(self, path: Path, extra_files: tuple[Path, ...] = ()) -> ExportSummary:
        return ExportSummary(path, self.documents, self.sentences, self.tokens, self.skipped_tokens, self.skipped_sentences, extra_files)


def document_tokens(sentences: list[dict[str, Any]], tally: Tally) -> list[tuple[dict[str, Any], list[Token]]]:
    """The document's sentences with their tokens, counting what is written and what is skipped."""
    kept = []
    for sentence in sentences:
        tokens, skipped = sentence_tokens(sentence)
        tally.skipped_tokens += skipped
        if not tokens:
            tally.skipped_sentences += 1
            continue
        kept.append((sentence, tokens))
        tally.sentences += 1
        tally.tokens += len(tokens)
    if kept:
        tally.documents += 1
    return kept


# ---------------------------------------------------------------------------
# Writing beside the target, then renaming
# ---------------------------------------------------------------------------


def refuse_existing(paths: list[Path], overwrite: bool) -> None:
    existing = [str(path) for path in paths if path.exists()]
    if existing and not overwrite:
        raise CadrespeechError(f"{', '.join(existing)}: already there; choose another --out or pass --overwrite")


@contextmanager
def replacing(out: Path) -> Iterator[Path]:
    """A temporary path beside ``out`` that becomes ``out`` only if the block completes: a reader never sees half a file."""
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{os.getpid()}.tmp")
    try:
        yield temporary
        os.replace(temporary, out)
    finally:
        temporary.unlink(missing_ok=True)


def write_text(out: Path, text: str) -> None:
    with replacing(out) as temporary:
        temporary.write_text(text, encoding="utf-8", newline="\n")
