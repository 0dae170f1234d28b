"""Streaming, workers, the page cache and the fast segmenter: same bytes however a release is built."""

from __future__ import annotations

import contextlib
import shutil
import signal
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from cadrespeech.build import cache as page_cache
from cadrespeech.build import writer
from cadrespeech.build.cache import PageCache
from cadrespeech.build.results import BuildOptions
from cadrespeech.stages.tokens import Segmenter

from .conftest import FIXTURE_PAGES, ROOT, build, count_processed, make_raw_folder, tree_bytes

pytestmark = pytest.mark.slow


@pytest.fixture
def small_row_groups(monkeypatch: pytest.MonkeyPatch) -> None:
    """Row groups of a few rows, so that every file has several."""
    groups = {"documents": 3, "sections": 7, "sentences": 50, "paragraphs": 11, "notes": 2, "removals": 100, "duplicates": 2}
    monkeypatch.setattr(writer, "ROW_GROUP_ROWS", groups)


def build_path(raw: Path, out: Path, **kwargs) -> Path:
    return build("0.1.0", raw, out, **kwargs).path


def test_same_bytes_with_one_or_two_workers(tmp_path: Path, small_row_groups: None) -> None:
    raw = make_raw_folder(tmp_path / "raw")
    one = build_path(raw, tmp_path / "one", jobs=1)
    two = build_path(raw, tmp_path / "two", jobs=2)
    assert tree_bytes(one) == tree_bytes(two)
    import pyarrow.parquet as pq

    assert pq.ParquetFile(one / "sentences/train-00000-of-00001.parquet").num_row_groups > 3


def test_cached_and_incremental_builds_give_the_bytes_of_a_full_build(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = make_raw_folder(tmp_path / "raw")
    cache = str(tmp_path / "cache")
    processed = count_processed(monkeypatch)
    first = build_path(raw, tmp_path / "a", options=BuildOptions(cache=cache))
    assert len(processed) > 20
    processed.clear()
    again = build_path(raw, tmp_path / "b", options=BuildOptions(cache=cache))
    assert processed == [] and tree_bytes(again) == tree_bytes(first)
    # Change one page: only it is processed again, and the result is what a full build gives.
    changed = raw / "sites" / "tpl_deep_levels.txt"
    changed.write_bytes(changed.read_bytes() + "\n谢谢大家！\n".encode())
    incremental = build_path(raw, tmp_path / "c", options=BuildOptions(cache=cache))
    assert processed == ["sites/tpl_deep_levels.txt"]
    full = build_path(raw, tmp_path / "d")
    assert tree_bytes(incremental) == tree_bytes(full)
    # With several workers the cached pages are read by the writing process: same bytes.
    assert tree_bytes(build_path(raw, tmp_path / "e", options=BuildOptions(cache=cache), jobs=2)) == tree_bytes(full)


def test_a_damaged_cache_entry_is_recomputed(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    page = raw / "page.txt"
    page.write_bytes((FIXTURE_PAGES / "tpl_crlf_dangjian.txt").read_bytes())
    cache = tmp_path / "cache"
    clean = build_path(raw, tmp_path / "a", options=BuildOptions(cache=str(cache)))
    (entry,) = [path for path in cache.rglob("*.bin") if path.relative_to(cache).parts[0] not in ("shards", "reports", "report-shards")]
    sound = entry.read_bytes()
    entry.write_bytes(sound[:-5] + b"xxxxx")
    shutil.rmtree(cache / "shards")  # else the whole shard is copied and the page's entry never read
    assert tree_bytes(build_path(raw, tmp_path / "b", options=BuildOptions(cache=str(cache)))) == tree_bytes(clean)
    assert entry.read_bytes() == sound  # the damaged entry was recomputed and written again
    entry.write_bytes(b"not gzip at all")
    shutil.rmtree(cache / "shards")
    assert tree_bytes(build_path(raw, tmp_path / "c", options=BuildOptions(cache=str(cache)))) == tree_bytes(clean)


def test_a_renamed_page_takes_its_new_name_from_the_cache(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "old.txt").write_bytes((FIXTURE_PAGES / "tpl_crlf_dangjian.txt").read_bytes())
    cache = str(tmp_path / "cache")
    build_path(raw, tmp_path / "a", options=BuildOptions(cache=cache))
    (raw / "old.txt").rename(raw / "new.txt")
    renamed = build_path(raw, tmp_path / "b", options=BuildOptions(cache=cache))
    assert tree_bytes(renamed) == tree_bytes(build_path(raw, tmp_path / "c"))


def test_cache_keys_change_with_the_pipeline(segmenter) -> None:
    plain = page_cache.pipeline_fingerprint(BuildOptions(), segmenter)
    assert plain == page_cache.pipeline_fingerprint(BuildOptions(), segmenter)
    assert plain != page_cache.pipeline_fingerprint(BuildOptions(skip_rules=("blank_line",)), segmenter)
    assert PageCache(Path("/c"), plain).folder != PageCache(Path("/c"), "0" * 64).folder


def all_sentences(segmenter) -> list[str]:
    from cadrespeech.stages.pipeline import sentence_texts

    folders = [FIXTURE_PAGES]
    devset = ROOT.parent / "shared" / "devset" / "raw"
    if devset.is_dir():  # beside a developer's or CI's clone; a user's clone has none
        folders.append(devset)
    return [text for folder in folders for text in sentence_texts(folder, segmenter)]


def test_the_fast_segmenter_gives_the_reference_tokens_on_every_sentence(segmenter) -> None:
    fast = Segmenter("rjieba")
    sentences = all_sentences(segmenter)
    assert len(sentences) > 1000
    differing = [s for s in sentences if segmenter.tokenize(s) != fast.tokenize(s)]
    assert differing == []


def test_the_manifest_names_the_segmenter(tmp_path: Path) -> None:
    import json

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.txt").write_bytes((FIXTURE_PAGES / "tpl_crlf_dangjian.txt").read_bytes())
    fast = build_path(raw, tmp_path / "fast", options=BuildOptions(segmenter="rjieba"))
    manifest = json.loads((fast / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["build"]["segmenter"] == "rjieba"
    reference = build_path(raw, tmp_path / "reference")
    data = "sentences/train-00000-of-00001.parquet"
    assert (fast / data).read_bytes() == (reference / data).read_bytes()


def _dies_on_the_seed(path: str, *args, **kwargs):
    """A worker's page step that kills its process on one page, as the kernel's OOM killer would."""
    import os

    from cadrespeech.build import executor

    if path.endswith("seed_copy.txt"):
        os._exit(9)
    return executor._real_process_path(path, *args, **kwargs)


@pytest.mark.parametrize("pages_per_shard", [5000, 2])
def test_a_worker_that_dies_fails_the_build_with_one_reason_and_publishes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pages_per_shard: int
) -> None:
    # Forked workers inherit the patch. With multiprocessing.Pool the build waited forever for the dead worker.
    from cadrespeech.build import executor
    from cadrespeech.errors import ReleaseError

    monkeypatch.setattr(executor, "_real_process_path", executor.process_path, raising=False)
    monkeypatch.setattr(executor, "process_path", _dies_on_the_seed)
    raw = make_raw_folder(tmp_path / "raw")
    with pytest.raises(ReleaseError, match="worker process died"), _fails_after(120, "the build waited for a dead worker"):
        build_path(raw, tmp_path / "out", jobs=2, pages_per_shard=pages_per_shard, options=BuildOptions(cache=None))
    assert not (tmp_path / "out" / "v0.1.0").exists()


@contextlib.contextmanager
def _fails_after(seconds: int, reason: str) -> Iterator[None]:
    """Turn a hang into a failure (the test's own deadline; pytest has none)."""

    def expire(signum: int, frame: object) -> None:
        raise TimeoutError(reason)

    previous = signal.signal(signal.SIGALRM, expire)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def _write_shard_slowly(folder: Path, count: int, index: int, results, origins=None) -> None:
    """A shard that takes a minute, except the first."""
    if index:
        time.sleep(60)


def test_workers_stop_at_once_when_the_build_stops_before_its_shards_are_done(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Ctrl-C, an error or a consumer that stops: the workers must not first finish the shards queued to them.
    import multiprocessing

    from cadrespeech.build import executor

    monkeypatch.setattr(executor, "write_shard", _write_shard_slowly)  # forked workers inherit it
    raw = tmp_path / "raw"
    shards = {index: [raw / f"page{index}.txt"] for index in range(3)}
    built = executor.local_shards(shards, raw, tmp_path / "release", 4, BuildOptions(), jobs=2)
    assert next(built) == 0
    stopped = time.monotonic()
    built.close()
    while multiprocessing.active_children() and time.monotonic() - stopped < 10:
        time.sleep(0.05)
    assert not multiprocessing.active_children()
