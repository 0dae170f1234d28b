from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
RAW = ROOT / "corpus" / "raw"
SEED = RAW / "000_a2664c36943adc35.txt"
FIXTURE_PAGES = ROOT / "tests" / "fixtures" / "pages"


@pytest.fixture(scope="session", autouse=True)
def private_cache(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Keep the tests' jieba and datasets caches out of the user's folders, and offline."""
    folder = tmp_path_factory.mktemp("cadrespeech-cache")
    mp = pytest.MonkeyPatch()
    mp.setenv("CADRESPEECH_CACHE", str(folder))
    mp.setenv("HF_DATASETS_CACHE", str(folder / "hf-datasets"))
    mp.setenv("HF_HUB_OFFLINE", "1")
    yield folder
    mp.undo()


@pytest.fixture(scope="session")
def segmenter(private_cache: Path):
    from cadrespeech.stages.tokens import Segmenter

    return Segmenter()


@pytest.fixture(scope="session")
def seed_page(segmenter):
    from cadrespeech.stages.ingest import read_page
    from cadrespeech.stages.pipeline import process_page

    return process_page(read_page(SEED, RAW), segmenter)


@pytest.fixture(scope="session")
def fixture_annotations() -> dict:
    return json.loads((FIXTURE_PAGES / "annotations.json").read_text(encoding="utf-8"))


CARD = ROOT / "DATASET_CARD.md"
CITATION = ROOT / "CITATION.cff"


def fixture_pages_as_raw(folder: Path) -> Path:
    """A raw folder holding the fixture pages and nothing else (not their README or annotations)."""
    return Path(shutil.copytree(FIXTURE_PAGES, folder, ignore=shutil.ignore_patterns("README.md", "annotations.json")))


def build(version: str, raw: Path, out: Path, options=None, **settings):
    """``build_release`` of ``raw`` into ``out`` with the project's card and citation, no progress bar."""
    from cadrespeech.build.release import build_release
    from cadrespeech.build.results import BuildConfig, BuildOptions

    pages = options or BuildOptions()
    return build_release(BuildConfig(version, raw, out, pages, CARD, CITATION, progress=False, **settings))


def tree_bytes(folder: Path) -> dict[str, bytes]:
    """Every file under ``folder`` by relative path, with its bytes: what two releases must share to be the same."""
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def make_raw_folder(folder: Path) -> Path:
    """The seed, the fixture pages, a binary page and a byte-identical copy of the seed."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SEED.name).write_bytes(SEED.read_bytes())
    sites = folder / "sites"
    sites.mkdir(exist_ok=True)
    for page in FIXTURE_PAGES.glob("*.txt"):
        (sites / page.name).write_bytes(page.read_bytes())
    (folder / "broken.txt").write_bytes(b"\x00\x01\x02 not text")
    (sites / "seed_copy.txt").write_bytes(SEED.read_bytes())
    return folder


@pytest.fixture(scope="session")
def built_release(tmp_path_factory: pytest.TempPathFactory, private_cache: Path) -> Path:
    root = tmp_path_factory.mktemp("release-build")
    raw = make_raw_folder(root / "raw")
    result = build("0.1.0", raw, root / "releases")
    assert result.status == "created"
    return result.path


@pytest.fixture(scope="session")
def fixture_release(tmp_path_factory: pytest.TempPathFactory, private_cache: Path) -> Path:
    """One release of every fixture page, built once per test process, for the tests that only read it."""
    root = tmp_path_factory.mktemp("fixture-release")
    return build("0.1.0", fixture_pages_as_raw(root / "raw"), root / "releases").path


def count_processed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The sources of the pages that go through the pipeline from now on (in this process), in order."""
    from cadrespeech.build import executor

    processed: list[str] = []
    real = executor.process_page_timed

    def counting(raw_page, *args):
        processed.append(raw_page.source)
        return real(raw_page, *args)

    monkeypatch.setattr(executor, "process_page_timed", counting)
    return processed
