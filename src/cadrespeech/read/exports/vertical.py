"""The vertical export that Sketch Engine, NoSketch Engine and CQPweb import, with a Manatee registry file."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from ...errors import CadrespeechError
from ..loader import read_manifest, release_path
from .common import (
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
    write_text,
)

# ---------------------------------------------------------------------------
# The vertical format (Sketch Engine, NoSketch Engine, CQPweb)
# ---------------------------------------------------------------------------

CORPUS_NAME = "cadrespeech"
DOC_ATTRIBUTES = ("id", "title", "date", "year", "speaker", "genre", "is_speech", "url")
# Bidi controls and lone surrogates too: they would reorder or break a line in a concordance.
_UNSAFE_IN_ATTRIBUTE = re.compile(r"[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def xml_attribute(value: Any) -> str:
    """A value for a structure's attribute: one line, no controls, with & < > and " escaped.

    >>> xml_attribute('关于"<&>"的讲话\\n（草稿）')
    '关于&quot;&lt;&amp;&gt;&quot;的讲话 （草稿）'
    """
    if value is None:
        return ""
    text = _UNSAFE_IN_ATTRIBUTE.sub("", WHITESPACE_RUN.sub(" ", str(value))).strip()
    return escape(text, {'"': "&quot;"})


def _doc_tag(head: DocumentHead) -> str:
    is_speech = None if head.is_speech is None else ("yes" if head.is_speech else "no")
    values = {
        "id": head.doc_id,
        "title": head.title,
        "date": head.date,
        "year": head.year,
        "speaker": head.speaker,
        "genre": head.genre,
        "is_speech": is_speech,
        "url": head.url,
    }
    return "<doc " + " ".join(f'{name}="{xml_attribute(values[name])}"' for name in DOC_ATTRIBUTES) + ">"


def vertical_document(head: DocumentHead, sentences: list[tuple[dict[str, Any], list[Token]]]) -> str:
    """One document in the vertical format: ``<doc>``, a ``<p n>`` per paragraph, an ``<s id>`` per sentence, a token a line.

    A token line is ``word<TAB>tag<TAB>lemma`` with the lemma the word itself (jieba
    gives none). Every attribute is written, empty when unknown, so a query can test
    any of them on every document. Token lines are the tokens as they are: a line is
    split on tabs, and a token is never a tag (punctuation such as ``<`` is a token
    of its own).
    """
    lines = [_doc_tag(head)]
    paragraph: object = object()
    for sentence, tokens in sentences:
        if sentence["paragraph"] != paragraph:
            if len(lines) > 1:
                lines.append("</p>")
            paragraph = sentence["paragraph"]
            lines.append(f'<p n="{xml_attribute(paragraph)}">')
        lines.append(f'<s id="{xml_attribute(sentence["sentence_id"])}">')
        lines += [f"{token.form}\t{token.tag}\t{token.form}" for token in tokens]
        lines.append("</s>")
    lines += ["</p>", "</doc>"]
    return "\n".join(lines) + "\n"


def _registry_string(value: str) -> str:
    if any(char in value for char in '"\\\n\r'):
        raise CadrespeechError(f"{value!r}: a Manatee registry cannot quote this; use a path without quotes, backslashes or new lines")
    return f'"{value}"'


def registry_file(name: str, vert_path: Path, data_path: Path | None = None, info: str = "") -> str:
    """A Manatee registry for the vertical file, so (No)Sketch Engine can compile and serve it.

    ``data_path`` is where ``compilecorp`` puts the compiled corpus (a ``manatee``
    folder beside the vertical file unless given). Copy the registry into the
    registry folder under the corpus's name (``registry/cadrespeech``), then run
    ``compilecorp cadrespeech``.
    """
    vertical = vert_path.resolve()
    data = (data_path or vertical.parent / "manatee" / name).resolve()
    lines = [
        f"NAME {_registry_string(name)}",
        *([f"INFO {_registry_string(info)}"] if info else []),
        f"PATH {_registry_string(str(data) + '/')}",
        f"VERTICAL {_registry_string(str(vertical))}",
        'ENCODING "UTF-8"',
        'LANGUAGE "Chinese"',
        "DEFAULTATTR word",
        "DOCSTRUCTURE doc",
        "",
        "ATTRIBUTE word",
        "ATTRIBUTE tag",
        "ATTRIBUTE lemma",
        "",
        "STRUCTURE doc {",
        *(f"    ATTRIBUTE {attribute}" for attribute in DOC_ATTRIBUTES),
        "}",
        "STRUCTURE p {",
        "    ATTRIBUTE n",
        "}",
        "STRUCTURE s {",
        "    ATTRIBUTE id",
        "}",
    ]
    return "\n".join(lines) + "\n"


def registry_path(vert_path: Path) -> Path:
    """Where ``export_vert`` puts the registry: beside the vertical file, ``.registry`` appended."""
    return vert_path.with_name(vert_path.name + ".registry")


def export_vert(release: str | Path, out: Path, *, releases_folder: str | Path | None = None, overwrite: bool = False) -> ExportSummary:
    """Write a release in the vertical format that (No)Sketch Engine and CQPweb import, with a Manatee registry beside it.

    Example: ``export_vert("0.7.0", Path("cadrespeech.vert"))`` writes
    ``<doc id="…" title="…" …>``, ``<p n="3">``, ``<s id="…">`` and lines such as
    ``营商环境	n	营商环境``, and ``cadrespeech.vert.registry``.
    """
    path = release_path(release, releases_folder)
    registry = registry_path(out)
    refuse_existing([out, registry], overwrite)
    version = read_manifest(path)["version"]
    heads = document_heads(path)
    tally = Tally()
    with replacing(out) as temporary, temporary.open("w", encoding="utf-8", newline="\n") as handle:
        for doc_id, sentences in sentences_by_document(path):
            kept = document_tokens(sentences, tally)
            if kept:
                handle.write(vertical_document(heads.get(doc_id) or DocumentHead(doc_id), kept))
    write_text(registry, registry_file(CORPUS_NAME, out, info=f"cadrespeech {version}: Chinese cadre speeches, jieba tokens and tags"))
    return tally.summary(out, (registry,))
