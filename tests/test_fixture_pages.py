"""The annotated fixture pages: what a correct pipeline keeps, drops and finds on each."""

from __future__ import annotations

import re
import unicodedata

import pytest

from cadrespeech.ingest import read_page
from cadrespeech.pipeline import process_page

from .conftest import FIXTURE_PAGES


def normalise(text: str) -> str:
    # The annotations compare after NFKC and without whitespace, as the devset's do.
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))


def fixture_names() -> list[str]:
    return sorted(p.name for p in FIXTURE_PAGES.glob("*.txt"))


@pytest.fixture(scope="module")
def processed(segmenter):
    return {name: process_page(read_page(FIXTURE_PAGES / name, FIXTURE_PAGES), segmenter) for name in fixture_names()}


def test_every_fixture_page_is_annotated(fixture_annotations) -> None:
    assert len(fixture_names()) >= 5
    assert set(fixture_names()) == set(fixture_annotations)


@pytest.mark.parametrize("name", fixture_names())
def test_fixture_page(name: str, processed, fixture_annotations) -> None:
    page, want = processed[name], fixture_annotations[name]
    body = normalise("\n".join(s.text for s in page.speeches))
    assert [k for k in want["must_keep"] if normalise(k) not in body] == []
    assert [d for d in want["must_drop"] if normalise(d) in body] == []
    speech = page.speeches[0]
    assert speech.title == want["title"]
    assert (speech.date, speech.speaker) == (want["date"], want["speaker"])
    assert [s.marker for s in speech.sections if s.level == 1] == want["headings_level1"]
    assert sum(1 for s in speech.sections if s.level == 2) == want["n_level2"]
