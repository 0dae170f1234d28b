from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "corpus" / "raw"
SEED = RAW / "000_a2664c36943adc35.txt"
FIXTURE_PAGES = ROOT / "tests" / "fixtures" / "pages"


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keep the tests' jieba cache out of the user's cache folder."""
    folder = tmp_path_factory.mktemp("cadrespeech-cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("CADRESPEECH_CACHE", str(folder))
    yield folder
    mp.undo()


@pytest.fixture(scope="session")
def segmenter(private_cache: Path):
    from cadrespeech.tokens import Segmenter

    return Segmenter()


@pytest.fixture(scope="session")
def seed_page(segmenter):
    from cadrespeech.ingest import read_page
    from cadrespeech.pipeline import process_page

    return process_page(read_page(SEED, RAW), segmenter)


@pytest.fixture(scope="session")
def fixture_annotations() -> dict:
    return json.loads((FIXTURE_PAGES / "annotations.json").read_text(encoding="utf-8"))
