"""One page through every stage: decode, page metadata, clean, notes, structure, sentences, tokens.

The pipeline is ``STEPS``, a named list; each step takes the page as the steps before
left it and returns it with its own part filled in. A failure inside a step becomes a
``PageError`` naming that step, and a build can time every step (``--profile``).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from pathlib import Path

from ..errors import PageError
from ..records import Cleaned, DecodedPage, Note, PageMeta, ProcessedPage, RawPage, Speech
from .clean import DEFAULT_CONFIG, INVISIBLE, CleanConfig, clean_text
from .head import byline_in_removals, leads_in_removals, release_date_in_removals
from .ingest import decode_page, read_page
from .notes import attach_notes, extract_notes
from .pagemeta import read_page_meta
from .sentences import split_blocks
from .sitename import infer_site_names
from .speaker_meta import enrich_speeches
from .structure import PageStructure, structure_page
from .tokens import Segmenter


@dataclass(frozen=True, slots=True)
class PageInProgress:
    """A page between steps: what the steps so far have made of it."""

    raw: RawPage
    segmenter: Segmenter
    config: CleanConfig
    decoded: DecodedPage | None = None
    meta: PageMeta | None = None
    cleaned: Cleaned | None = None
    notes: tuple[Note, ...] = ()
    layout: PageStructure | None = None
    speeches: tuple[Speech, ...] = ()


def _decode(page: PageInProgress) -> PageInProgress:
    return replace(page, decoded=decode_page(page.raw))


def _meta(page: PageInProgress) -> PageInProgress:
    # Read from the raw page: cleaning drops the head and the front matter it reads.
    return replace(page, meta=read_page_meta(page.decoded.text, page.decoded.markup))


def _clean(page: PageInProgress) -> PageInProgress:
    text = page.decoded.text
    site_names = infer_site_names(INVISIBLE.sub("", text), page.meta.site_name)
    return replace(page, cleaned=clean_text(text, page.config, markup=page.decoded.markup, site_names=site_names))


def _notes(page: PageInProgress) -> PageInProgress:
    return replace(page, notes=tuple(extract_notes(page.decoded.text, page.cleaned)))


def _structure(page: PageInProgress) -> PageInProgress:
    edits, meta = page.cleaned.edits, page.meta
    if meta.author is None:
        meta = replace(meta, author=byline_in_removals(edits))
    if meta.published is None:
        meta = replace(meta, published=release_date_in_removals(edits))
    layout = structure_page(page.cleaned.text, meta, leads=leads_in_removals(edits))
    return replace(page, meta=meta, layout=layout)


def _sentences(page: PageInProgress) -> PageInProgress:
    speeches = tuple(replace(speech, sentences=tuple(split_blocks(speech.text, blocks))) for speech, blocks in page.layout.speeches)
    return replace(page, speeches=speeches)


def _tokens(page: PageInProgress) -> PageInProgress:
    # The page's sentences in one call: the words no dictionary knows are tagged together.
    tokens = iter(page.segmenter.tokenize_many([sentence.text for speech in page.speeches for sentence in speech.sentences]))
    speeches = tuple(
        replace(speech, sentences=tuple(replace(sentence, tokens=next(tokens)) for sentence in speech.sentences))
        for speech in page.speeches
    )
    return replace(page, speeches=speeches)


def _attach_notes(page: PageInProgress) -> PageInProgress:
    return replace(page, speeches=tuple(attach_notes(list(page.speeches), list(page.notes), page.cleaned.edits)))


def _speaker_meta(page: PageInProgress) -> PageInProgress:
    first = page.speeches[0].offset if page.speeches else 0
    leads = tuple(text for offset, text in leads_in_removals(page.cleaned.edits) if offset <= first)
    return replace(page, speeches=enrich_speeches(page.cleaned.text, page.speeches, leads, page.meta.site_name))


@dataclass(frozen=True, slots=True)
class Step:
    name: str  # also the stage a PageError names
    run: Callable[[PageInProgress], PageInProgress]


STEPS: tuple[Step, ...] = (
    Step("ingest", _decode),
    Step("meta", _meta),
    Step("clean", _clean),
    Step("notes", _notes),
    Step("structure", _structure),
    Step("sentences", _sentences),
    Step("tokens", _tokens),
    Step("attach notes", _attach_notes),
    Step("speaker meta", _speaker_meta),
)


def process_page(page: RawPage, segmenter: Segmenter, config: CleanConfig = DEFAULT_CONFIG) -> ProcessedPage:
    """Run the whole per-page pipeline; any failure becomes a ``PageError`` naming the step."""
    return process_page_timed(page, segmenter, config)[0]


def process_page_timed(
    page: RawPage, segmenter: Segmenter, config: CleanConfig = DEFAULT_CONFIG
) -> tuple[ProcessedPage, tuple[tuple[str, float], ...]]:
    """``process_page``, and the seconds each step took."""
    state = PageInProgress(page, segmenter, config)
    timings = []
    for step in STEPS:
        start = time.perf_counter()
        try:
            state = step.run(state)
        except PageError:
            raise
        except Exception as error:  # a bug or a pathological page: report it with the page
            raise PageError(page.source, step.name, f"{type(error).__name__}: {error}") from error
        timings.append((step.name, time.perf_counter() - start))
        if step.name == "structure" and not state.layout.speeches:
            raise PageError(page.source, "structure", "no speech text is left after cleaning")
    processed = ProcessedPage(
        decoded=state.decoded, cleaned=state.cleaned, page_title=state.layout.page_title, speeches=state.speeches, meta=state.meta
    )
    return processed, tuple(timings)


def classify_page(page: RawPage, config: CleanConfig = DEFAULT_CONFIG, decoded: DecodedPage | None = None) -> bool:
    """Whether any document of the page is a speech, by the steps up to the genre classifier.

    For choosing pages (``collect --speeches-only``): it skips sentences and tokens,
    which are most of a page's cost, and decoding too when ``decoded`` is given. A
    failure is a ``PageError``, as in a build.
    """
    state = PageInProgress(page, None, config, decoded=decoded)  # type: ignore[arg-type]  # no step before tokens uses the segmenter
    names = [step.name for step in STEPS]
    first = 0 if decoded is None else names.index("ingest") + 1  # decoding is the ingest step
    for step in STEPS[first : names.index("structure") + 1]:
        try:
            state = step.run(state)
        except PageError:
            raise
        except Exception as error:
            raise PageError(page.source, step.name, f"{type(error).__name__}: {error}") from error
    return any(speech.is_speech for speech, _ in state.layout.speeches)


def sentence_texts(folder: Path, segmenter: Segmenter, suffixes: tuple[str, ...] = (".txt", ".html")) -> list[str]:
    """The text of every sentence of every page in ``folder`` (not its sub-folders) with these suffixes, in path order.

    What the dictionary's figures and the segmenters' comparison are measured on.
    """
    texts = []
    for path in sorted(folder.iterdir()):
        if path.suffix in suffixes:
            page = process_page(read_page(path, folder), segmenter)
            texts += [sentence.text for speech in page.speeches for sentence in speech.sentences]
    return texts
