"""One page through every stage: decode, page metadata, clean, structure, sentences, tokens."""

from __future__ import annotations

from dataclasses import replace

from ..errors import PageError
from ..records import ProcessedPage, RawPage, Sentence, Speech
from .clean import DEFAULT_CONFIG, INVISIBLE, CleanConfig, clean_text
from .head import byline_in_removals, leads_in_removals, release_date_in_removals
from .ingest import decode_page
from .notes import attach_notes, extract_notes
from .pagemeta import read_page_meta
from .sentences import split_blocks
from .sitename import infer_site_names
from .structure import structure_page
from .tokens import Segmenter


def process_page(page: RawPage, segmenter: Segmenter, config: CleanConfig = DEFAULT_CONFIG) -> ProcessedPage:
    """Run the whole per-page pipeline; any failure becomes a ``PageError`` naming the stage."""
    decoded = decode_page(page)
    stage = "meta"
    try:
        # Read from the raw page: cleaning drops the head and the front matter it reads.
        meta = read_page_meta(decoded.text, decoded.markup)
        stage = "clean"
        site_names = infer_site_names(INVISIBLE.sub("", decoded.text), meta.site_name)
        cleaned = clean_text(decoded.text, config, markup=decoded.markup, site_names=site_names)
        stage = "notes"
        notes = extract_notes(decoded.text, cleaned)
        stage = "structure"
        if meta.author is None:
            meta = replace(meta, author=byline_in_removals(cleaned.edits))
        if meta.published is None:
            meta = replace(meta, published=release_date_in_removals(cleaned.edits))
        layout = structure_page(cleaned.text, meta, leads=leads_in_removals(cleaned.edits))
        speeches: list[Speech] = []
        for speech, blocks in layout.speeches:
            stage = "sentences"
            sentences = split_blocks(speech.text, blocks)
            stage = "tokens"
            speeches.append(replace(speech, sentences=tuple(_with_tokens(sentences, segmenter))))
        speeches = attach_notes(speeches, notes, cleaned.edits)
    except PageError:
        raise
    except Exception as error:  # a bug or a pathological page: report it with the page
        raise PageError(page.source, stage, f"{type(error).__name__}: {error}") from error
    if not speeches:
        raise PageError(page.source, "structure", "no speech text is left after cleaning")
    return ProcessedPage(decoded=decoded, cleaned=cleaned, page_title=layout.page_title, speeches=tuple(speeches), meta=meta)


def _with_tokens(sentences: list[Sentence], segmenter: Segmenter) -> list[Sentence]:
    return [replace(sentence, tokens=segmenter.tokenize(sentence.text)) for sentence in sentences]
