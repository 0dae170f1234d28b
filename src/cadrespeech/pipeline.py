"""One page through every stage: decode, clean, structure, sentences, tokens."""

from __future__ import annotations

from dataclasses import replace

from .clean import DEFAULT_CONFIG, CleanConfig, clean_text
from .errors import PageError
from .ingest import decode_page
from .records import ProcessedPage, RawPage, Sentence, Speech
from .sentences import split_blocks
from .structure import structure_page
from .tokens import Segmenter


def process_page(page: RawPage, segmenter: Segmenter, config: CleanConfig = DEFAULT_CONFIG) -> ProcessedPage:
    """Run the whole per-page pipeline; any failure becomes a ``PageError`` naming the stage."""
    decoded = decode_page(page)
    stage = "clean"
    try:
        cleaned = clean_text(decoded.text, config, is_html=decoded.is_html)
        stage = "structure"
        layout = structure_page(cleaned.text)
        speeches: list[Speech] = []
        for speech, blocks in layout.speeches:
            stage = "sentences"
            sentences = split_blocks(speech.text, blocks)
            stage = "tokens"
            speeches.append(replace(speech, sentences=tuple(_with_tokens(sentences, segmenter))))
    except PageError:
        raise
    except Exception as error:  # a bug or a pathological page: report it with the page
        raise PageError(page.source, stage, f"{type(error).__name__}: {error}") from error
    if not speeches:
        raise PageError(page.source, "structure", "no speech text is left after cleaning")
    return ProcessedPage(decoded=decoded, cleaned=cleaned, page_title=layout.page_title, speeches=tuple(speeches))


def _with_tokens(sentences: list[Sentence], segmenter: Segmenter) -> list[Sentence]:
    return [replace(sentence, tokens=segmenter.tokenize(sentence.text)) for sentence in sentences]
