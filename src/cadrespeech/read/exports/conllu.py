"""The CoNLL-U export: a block per sentence, with document metadata as comments."""

from __future__ import annotations

import unicodedata
from pathlib import Path
from typing import Any

from ..loader import release_path
from .common import (
    CONTROL_CHARACTERS,
    WHITESPACE_RUN,
    DocumentHead,
    ExportSummary,
    Tally,
    Token,
    document_heads,
    document_tokens,
    refuse_existing,
    replacing,
    sentences_by_document,
)
from .upos import upos

# ---------------------------------------------------------------------------
# CoNLL-U
# ---------------------------------------------------------------------------


def _one_line(value: Any) -> str:
    """A comment's value: one NFC line (CoNLL-U files are NFC), whitespace runs as one space, no controls."""
    text = CONTROL_CHARACTERS.sub("", WHITESPACE_RUN.sub(" ", str(value))).strip()
    return unicodedata.normalize("NFC", text)


# How UDPipe's SpacesAfter writes characters that cannot stand in MISC as they are.
_SPACES_AFTER = {" ": "\\s", "\t": "\\t", "\n": "\\n", "\r": "\\r", "|": "\\p", "\\": "\\\\"}


def _misc(gap: str | None, start: int, end: int) -> str:
    """MISC for a token: how the text goes on after it (None: not known), and where it stands in the document's text."""
    fields = []
    if gap == "":
        fields.append("SpaceAfter=No")
    elif gap is not None and gap != " ":
        fields.append("SpacesAfter=" + "".join(_SPACES_AFTER.get(char, char) for char in gap))
    fields.append(f"TokenRange={start}:{end}")
    return "|".join(fields)


def conllu_document(head: DocumentHead, sentences: list[tuple[dict[str, Any], list[Token]]]) -> str:
    """One document's sentences as CoNLL-U blocks, its head as comments before the first.

    UPOS comes from ``upos``; XPOS is jieba's tag; LEMMA, FEATS and the dependency
    columns are ``_`` (jieba gives no lemma, no features and no parse). MISC has
    ``SpaceAfter=No`` where the next token follows with nothing between (nearly every
    token of Chinese text; for a sentence's last token, when the next sentence of the
    same paragraph starts right after it), ``SpacesAfter`` (UDPipe's escapes) where
    anything but one space lies between, and ``TokenRange=start:end``, the token's
    span in the document's ``text`` in the release (not NFC-normalised).
    """
    lines = [f"# newdoc id = {head.doc_id}"]
    for name in ("title", "date", "speaker", "genre", "url"):
        value = getattr(head, name)
        if value is not None and _one_line(value):
            lines.append(f"# {name} = {_one_line(value)}")
    if head.is_speech is not None:
        lines.append(f"# is_speech = {'yes' if head.is_speech else 'no'}")
    paragraph: object = object()
    for index, (sentence, tokens) in enumerate(sentences):
        if sentence["paragraph"] != paragraph:
            paragraph = sentence["paragraph"]
            lines.append("# newpar")
        text = sentence["text"]
        following = sentences[index + 1][0] if index + 1 < len(sentences) else None
        touches_next = following is not None and following["start"] == sentence["end"] and following["paragraph"] == paragraph
        lines += [f"# sent_id = {sentence['sentence_id']}", f"# text = {_one_line(text)}"]
        for number, token in enumerate(tokens, 1):
            if number < len(tokens):
                gap: str | None = text[token.end : tokens[number].start]
            else:
                gap = text[token.end :] if touches_next else None
            offset = sentence["start"]
            misc = _misc(gap, offset + token.start, offset + token.end)
            form = unicodedata.normalize("NFC", token.form)
            lines.append(f"{number}\t{form}\t_\t{upos(token.tag, token.form)}\t{token.tag}\t_\t_\t_\t_\t{misc}")
        lines.append("")
    return "\n".join(lines) + "\n"


def export_conllu(release: str | Path, out: Path, *, releases_folder: str | Path | None = None, overwrite: bool = False) -> ExportSummary:
    """Write a release's sentences as CoNLL-U, so UD tools (parsers, query tools, validators) can read them.

    One block per sentence, ``# newdoc id`` and the document's title, date, speaker,
    genre, url and is_speech before a document's first sentence, ``# newpar`` before a
    paragraph's; see ``conllu_document`` for the columns and ``upos_table_markdown``
    for the UPOS mapping.

    Example: ``export_conllu("0.7.0", Path("cadrespeech.conllu"))`` writes blocks such as
    ``1	加强	_	VERB	v	_	_	_	_	SpaceAfter=No|TokenRange=118:120``.
    """
    path = release_path(release, releases_folder)
    refuse_existing([out], overwrite)
    heads = document_heads(path)
    tally = Tally()
    with replacing(out) as temporary, temporary.open("w", encoding="utf-8", newline="\n") as handle:
        for doc_id, sentences in sentences_by_document(path):
            kept = document_tokens(sentences, tally)
            if kept:
                handle.write(conllu_document(heads.get(doc_id) or DocumentHead(doc_id), kept))
    return tally.summary(out)
