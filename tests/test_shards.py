"""Sharded releases: a stable page-to-shard rule, the same bytes however built, only changed shards rewritten."""

from __future__ import annotations

import hashlib
import json
import shutil
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadrespeech.build import executor, writer
from cadrespeech.build.cache import PageCache
from cadrespeech.build.report import ShardCounts, _in_order_on_threads
from cadrespeech.build.results import BuildOptions
from cadrespeech.build.shards import ShardCache
from cadrespeech.read.loader import load
from cadrespeech.read.verify import verify_release
from cadrespeech.schema import CONFIGS, PAGE_CONFIGS, config_files, page_shard_files, shard_count, shard_of

from .conftest import build, count_processed, fixture_pages_as_raw, tree_bytes

pytestmark = pytest.mark.slow
SHARDS = 8
PAGES_PER_SHARD = 12  # the 62 fixture pages in 8 shards


@given(pages=st.integers(0, 10**7), per_shard=st.integers(1, 10**5))
def test_a_shard_count_is_the_least_power_of_two_that_holds_the_pages(pages: int, per_shard: int) -> None:
    count = shard_count(pages, per_shard)
    assert count & (count - 1) == 0 and count * per_shard >= pages
    assert count == 1 or (count // 2) * per_shard < pages


@given(source=st.text(), bits=st.integers(0, 10))
def test_when_the_count_doubles_a_shard_splits_in_two(source: str, bits: int) -> None:
    # Pages of shard i of n go to shard i or i + n of 2n: a grown corpus moves no page between old shards.
    assert shard_of(source, 2 ** (bits + 1)) % 2**bits == shard_of(source, 2**bits)


@given(source=st.text(st.characters(blacklist_categories=["Cs"])), bits=st.integers(0, 10))
def test_a_shard_is_what_the_manifest_says_of_the_path(source: str, bits: int) -> None:
    # The manifest's rule, int(sha256(source_file)[:8], 16) % count, worked by hand on the UTF-8 path.
    assert shard_of(source, 2**bits) == int(hashlib.sha256(source.encode()).hexdigest()[:8], 16) % 2**bits


@given(bits=st.integers(0, 12), data=st.data())
def test_a_shards_files_are_its_place_in_each_page_configs_files(bits: int, data: st.DataObject) -> None:
    count = 2**bits
    index = data.draw(st.integers(0, count - 1))
    assert page_shard_files(index, count) == {config: config_files(config, count)[index] for config in PAGE_CONFIGS}


def test_a_name_the_filesystem_could_not_decode_still_has_its_shard() -> None:
    # Such a name comes as surrogates (surrogateescape); its shard is that of its bytes.
    raw_name = b"speeches/\xb9\xfa.html"
    assert shard_of(raw_name.decode("utf-8", "surrogateescape"), 16) == int(hashlib.sha256(raw_name).hexdigest()[:8], 16) % 16


def rows_of(release: Path, config: str) -> list[dict]:
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    tables = [pq.read_table(release / name) for name in manifest["configs"][config]["files"]]
    return pa.concat_tables(tables).to_pylist()


def sharded(raw: Path, out: Path, **settings) -> Path:
    return build("0.1.0", raw, out, pages_per_shard=PAGES_PER_SHARD, **settings).path


@pytest.fixture(scope="module")
def fixture_raw(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return fixture_pages_as_raw(tmp_path_factory.mktemp("shards") / "raw")


@pytest.fixture(scope="module")
def sharded_release(fixture_raw: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return sharded(fixture_raw, tmp_path_factory.mktemp("sharded"))


def test_each_page_config_is_its_shards_and_holds_the_rows_of_one_file(
    fixture_raw: Path, sharded_release: Path, tmp_path: Path
) -> None:
    whole = build("0.1.0", fixture_raw, tmp_path).path
    manifest = json.loads((sharded_release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["shards"]["count"] == SHARDS
    for config in CONFIGS:
        names = sorted(p.relative_to(sharded_release).as_posix() for p in (sharded_release / config).iterdir())
        expected = config_files(config, SHARDS)
        assert names == expected == manifest["configs"][config]["files"]
        assert len(expected) == (SHARDS if config in PAGE_CONFIGS else 1)
        key = {"documents": "doc_id", "sentences": "sentence_id", "removals": "edit_index"}.get(config)
        if key is None:
            continue
        ours, theirs = rows_of(sharded_release, config), rows_of(whole, config)
        assert len(ours) == len(theirs) == manifest["configs"][config]["rows"]
        as_set = sorted(json.dumps(row, sort_keys=True, default=str) for row in ours)
        assert as_set == sorted(json.dumps(row, sort_keys=True, default=str) for row in theirs)
    # Every page's rows are in the shard its path names, and nowhere else; the 62 pages fill every shard.
    for index, name in enumerate(config_files("documents", SHARDS)):
        sources = pq.read_table(sharded_release / name, columns=["source_file"])["source_file"].to_pylist()
        assert sources and all(shard_of(source, SHARDS) == index for source in sources)
    assert manifest["statistics"] == json.loads((whole / "manifest.json").read_text(encoding="utf-8"))["statistics"]


def test_a_sharded_release_verifies_and_loads_as_one_split(sharded_release: Path) -> None:
    import datasets

    assert verify_release(sharded_release) == []
    rows = len(rows_of(sharded_release, "sentences"))
    assert load("sentences", version=sharded_release).num_rows == rows
    # Plain datasets, from the card alone: the shards of a config are one split.
    plain = datasets.load_dataset(str(sharded_release), "sentences", split="train")
    assert plain.num_rows == rows
    assert datasets.load_dataset(str(sharded_release), split="train").num_rows == len(rows_of(sharded_release, "documents"))


def test_a_sharded_release_with_a_shard_missing_or_added_fails_verify(sharded_release: Path, tmp_path: Path) -> None:
    copy = Path(shutil.copytree(sharded_release, tmp_path / "copy"))
    (copy / config_files("sentences", SHARDS)[3]).unlink()
    assert any("train-00003-of-00008.parquet: missing" in p for p in verify_release(copy))
    copy = Path(shutil.copytree(sharded_release, tmp_path / "extra"))
    shutil.copyfile(copy / config_files("sentences", SHARDS)[0], copy / "sentences/train-00008-of-00008.parquet")
    assert any("not in the manifest" in p for p in verify_release(copy))


def test_same_bytes_whatever_the_jobs_and_the_cache(
    fixture_raw: Path, sharded_release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    expected = tree_bytes(sharded_release)
    assert tree_bytes(sharded(fixture_raw, tmp_path / "two", jobs=2)) == expected
    cache = str(tmp_path / "cache")
    assert tree_bytes(sharded(fixture_raw, tmp_path / "cold", options=BuildOptions(cache=cache))) == expected

    def no_page_reads(*args):
        raise AssertionError("a page of an unchanged shard was read from the page cache")

    # Every shard unchanged: each is copied whole, and no page, cached or not, is looked at.
    monkeypatch.setattr(PageCache, "get", no_page_reads)
    monkeypatch.setattr(executor, "process_page_timed", no_page_reads)
    warm = build("0.1.0", fixture_raw, tmp_path / "warm", pages_per_shard=PAGES_PER_SHARD, options=BuildOptions(cache=cache))
    assert tree_bytes(warm.path) == expected
    assert len(list((tmp_path / "cache" / "shards").glob("*/*/summary.bin"))) == SHARDS


def test_a_byte_identical_copy_goes_with_the_first_and_is_left_out_however_built(fixture_raw: Path, tmp_path: Path) -> None:
    raw = Path(shutil.copytree(fixture_raw, tmp_path / "raw"))
    page = sorted(p for p in raw.iterdir() if p.suffix == ".html")[0]
    # A copy whose own path would put it in another shard than the page's.
    copy = next(f"copy-{n}.html" for n in range(100) if shard_of(f"copy-{n}.html", SHARDS) != shard_of(page.name, SHARDS))
    (raw / copy).write_bytes(page.read_bytes())
    one, two = sharded(raw, tmp_path / "one", jobs=1), sharded(raw, tmp_path / "two", jobs=2)
    assert tree_bytes(one) == tree_bytes(two)  # a worker building one shard leaves out what the whole build would
    first, second = sorted([page.name, copy])
    sources = {row["source_file"] for row in rows_of(one, "documents")}
    assert first in sources and second not in sources
    manifest = json.loads((one / "manifest.json").read_text(encoding="utf-8"))
    assert [(r["source"], r["status"]) for r in manifest["pages_skipped"]] == [(second, "duplicate")]


def test_a_changed_page_rewrites_only_its_shards(fixture_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = Path(shutil.copytree(fixture_raw, tmp_path / "raw"))
    cache = str(tmp_path / "cache")
    before = sharded(raw, tmp_path / "before", options=BuildOptions(cache=cache))
    processed = count_processed(monkeypatch)
    counted = count_report_shards(monkeypatch)
    page = sorted(p for p in raw.iterdir() if p.suffix == ".txt")[0]
    page.write_bytes(page.read_bytes() + "\n谢谢大家！\n".encode())
    after = sharded(raw, tmp_path / "after", options=BuildOptions(cache=cache))
    # Only the changed page went through the pipeline: its shard's other pages came from the page cache.
    assert processed == [page.name]
    shard = shard_of(page.name, SHARDS)
    # The report counted the tokens and sections of that shard alone; the others' counts were kept.
    assert counted == [config_files("documents", SHARDS)[shard]]
    # The edited page kept its shard: no other shard's files changed; its documents and sentences did.
    for config in PAGE_CONFIGS:
        for index, name in enumerate(config_files(config, SHARDS)):
            same = (before / name).read_bytes() == (after / name).read_bytes()
            assert same or index == shard, f"{name} was rewritten though none of its pages changed"
            assert not same or index != shard or config not in ("documents", "sentences"), name
    monkeypatch.undo()
    assert tree_bytes(after) == tree_bytes(sharded(raw, tmp_path / "fresh"))


def count_report_shards(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The documents files of the shards whose rows the report counts from now on, in order."""
    counted: list[str] = []
    real = ShardCounts.of_shard.__func__

    def counting(cls, documents: Path, *files: Path) -> ShardCounts:
        counted.append(f"{documents.parent.name}/{documents.name}")
        return real(cls, documents, *files)

    monkeypatch.setattr(ShardCounts, "of_shard", classmethod(counting))
    return counted


def test_kept_report_counts_that_are_damaged_or_missing_are_counted_again(
    fixture_raw: Path, sharded_release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cache = tmp_path / "cache"
    sharded(fixture_raw, tmp_path / "first", options=BuildOptions(cache=str(cache)))
    shutil.rmtree(cache / "reports")  # the whole report is not kept: it is drawn from the shards' counts
    kept = sorted(cache.glob("report-shards/*/*.bin"))
    assert len(kept) == SHARDS
    kept[0].write_bytes(kept[0].read_bytes()[:-3] + b"xyz")
    kept[1].unlink()
    counted = count_report_shards(monkeypatch)
    again = sharded(fixture_raw, tmp_path / "again", options=BuildOptions(cache=str(cache)))
    assert len(counted) == 2
    assert tree_bytes(again) == tree_bytes(sharded_release)


def test_a_damaged_kept_shard_is_not_trusted(fixture_raw: Path, sharded_release: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    sharded(fixture_raw, tmp_path / "first", options=BuildOptions(cache=str(cache)))
    for damaged in list(cache.glob("shards/*/*/sentences/*.parquet"))[:3]:
        damaged.write_bytes(damaged.read_bytes()[:-20] + b"\0" * 20)
    for summary in list(cache.glob("shards/*/*/summary.bin"))[3:5]:
        summary.write_bytes(summary.read_bytes()[:-3] + b"xyz")
    again = sharded(fixture_raw, tmp_path / "again", options=BuildOptions(cache=str(cache)))
    assert tree_bytes(again) == tree_bytes(sharded_release)
    assert verify_release(again) == []


def test_a_rebuild_with_nothing_changed_copies_and_imports_no_pipeline(fixture_raw: Path, tmp_path: Path) -> None:
    """Every shard and the report come from the cache: no page is read, no rule table compiled, nothing drawn."""
    import os
    import subprocess
    import sys

    script = (
        "import sys, runpy\n"
        "sys.argv = ['cadrespeech', 'build', '--version', '0.1.0', '--raw', sys.argv[1], '--out', sys.argv[2], '--quiet',\n"
        "            '--cache', sys.argv[3], '--pages-per-shard', '12', '--jobs', '1']\n"
        "try:\n    runpy.run_module('cadrespeech', run_name='__main__')\n"
        "except SystemExit as done:\n    assert not done.code, done.code\n"
        "heavy = ('cadrespeech.stages.pipeline', 'cadrespeech.stages.clean_rules', 'matplotlib',\n"
        "         'jieba', 'jieba.posseg', 'datasketch', 'scipy')\n"
        "print(sorted(m for m in heavy if m in sys.modules))\n"
    )
    env = {**os.environ, "CADRESPEECH_CACHE": str(tmp_path / "user-cache")}

    def run(out: str) -> str:
        args = [sys.executable, "-c", script, str(fixture_raw), str(tmp_path / out), str(tmp_path / "cache")]
        result = subprocess.run(args, capture_output=True, text=True, env=env)
        assert result.returncode == 0, result.stderr
        return result.stdout.strip().splitlines()[-1]

    # The first build does the work, and draws its report and reprint signatures without matplotlib, datasketch or scipy;
    # it reads posseg's HMM tables without importing posseg, whose import parses the whole dictionary.
    assert run("cold") == "['cadrespeech.stages.clean_rules', 'cadrespeech.stages.pipeline', 'jieba']"
    # The warm one does not even import jieba: the dictionary's sha256 and jieba's version are read without it.
    assert run("warm") == "[]"
    assert tree_bytes(tmp_path / "warm" / "v0.1.0") == tree_bytes(tmp_path / "cold" / "v0.1.0")


def test_a_kept_report_is_used_only_when_sound(fixture_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from cadrespeech.build import report

    cache = tmp_path / "cache"
    first = sharded(fixture_raw, tmp_path / "first", options=BuildOptions(cache=str(cache)))
    (kept,) = list((cache / "reports").glob("*.bin"))
    drawn: list[int] = []
    real = report.draw_figures
    monkeypatch.setattr(report, "draw_figures", lambda *args: drawn.append(1) or real(*args))
    assert tree_bytes(sharded(fixture_raw, tmp_path / "again", options=BuildOptions(cache=str(cache)))) == tree_bytes(first)
    assert drawn == []
    kept.write_bytes(kept.read_bytes()[:-10] + b"0123456789")
    assert tree_bytes(sharded(fixture_raw, tmp_path / "damaged", options=BuildOptions(cache=str(cache)))) == tree_bytes(first)
    assert drawn == [1]


def test_the_largest_shards_start_first(tmp_path: Path) -> None:
    sizes = {0: [10, 10], 1: [500], 2: [20], 3: [5, 15]}  # bytes of each shard's pages
    shards = {}
    for index, lengths in sizes.items():
        shards[index] = []
        for n, length in enumerate(lengths):
            page = tmp_path / f"{index}-{n}.txt"
            page.write_bytes(b"x" * length)
            shards[index].append(page)
    shards[4] = [tmp_path / "vanished.txt"]  # fails in its worker; costs nothing to plan
    assert executor.largest_first(shards) == [1, 0, 2, 3, 4]  # 0, 2 and 3 tie at 20 bytes: by index


@given(st.permutations(range(6)))
def test_shards_finished_in_any_order_are_handed_on_in_index_order_as_soon_as_they_can_be(finished: list[int]) -> None:
    consumed = 0

    def done():
        nonlocal consumed
        for index in finished:
            consumed += 1
            yield index

    handed = [(index, consumed) for index in executor.in_index_order(done(), dict.fromkeys(range(6)))]
    assert [index for index, _ in handed] == list(range(6))
    for index, seen in handed:  # handed on once every shard up to it had finished, not later
        assert seen == max(finished.index(i) for i in range(index + 1)) + 1


def test_a_shard_that_never_finishes_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="shard 1 was not built"):
        list(executor.in_index_order(iter([0, 2]), dict.fromkeys(range(3))))


def test_shards_are_closed_a_few_at_a_time_off_the_main_thread(
    fixture_raw: Path, sharded_release: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = writer._ShardWriter.close
    closing: list[int] = []  # shards being closed right now
    seen: list[tuple[int, str, int]] = []  # each close: shard, thread, how many were closing with it

    def close(self) -> dict[str, tuple[int, int]]:
        closing.append(self.index)
        seen.append((self.index, threading.current_thread().name, len(closing)))
        time.sleep(0.01)  # long enough for the main thread to reach the next shard's pages
        closing.remove(self.index)
        return real(self)

    monkeypatch.setattr(writer._ShardWriter, "close", close)
    release = sharded(fixture_raw, tmp_path / "out", jobs=1)
    assert sorted(index for index, _, _ in seen) == list(range(SHARDS))
    assert all(thread != threading.main_thread().name for _, thread, _ in seen)
    assert max(together for _, _, together in seen) <= writer.CLOSING_SHARDS
    monkeypatch.undo()
    assert tree_bytes(release) == tree_bytes(sharded_release)


def test_shards_that_could_not_be_kept_are_told_in_shard_order(fixture_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    second_kept = threading.Event()

    def keep(self, key: str, release: Path, shard) -> str:
        if shard.index == 0:  # the first shard is kept after the second (closed beside it)
            second_kept.wait(timeout=5)
        if shard.index == 1:
            second_kept.set()
        return f"disk full at shard {shard.index}"

    monkeypatch.setattr(ShardCache, "keep", keep)
    options = BuildOptions(cache=str(tmp_path / "cache"))
    result = build("0.1.0", fixture_raw, tmp_path / "out", options, pages_per_shard=PAGES_PER_SHARD, jobs=1)
    assert any(f"{SHARDS} page result(s) could not be cached (shard 0: disk full at shard 0)" in warning for warning in result.warnings)


def test_a_shard_that_cannot_be_closed_fails_the_build_and_publishes_nothing(
    fixture_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = writer._ShardWriter.close

    def close(self) -> dict[str, tuple[int, int]]:
        if self.index == 3:
            raise OSError(28, "No space left on device")
        return real(self)

    monkeypatch.setattr(writer._ShardWriter, "close", close)
    out = tmp_path / "out"
    with pytest.raises(OSError, match="No space left on device"):
        sharded(fixture_raw, out, jobs=1)
    assert not [path.name for path in out.iterdir() if path.name.startswith(("v", ".tmp-"))]


def test_page_tables_one_by_one_are_written_as_one_table_would_be(sharded_release: Path, tmp_path: Path) -> None:
    documents = pa.concat_tables(pq.read_table(sharded_release / name) for name in config_files("documents", SHARDS))
    many = pa.concat_tables([documents] * (1 + 3 * writer.COMPACT_TABLES // documents.num_rows)).combine_chunks()
    assert writer.COMPACT_TABLES < many.num_rows < writer.ROW_GROUP_ROWS["documents"]
    one_by_one = writer._TableWriter(tmp_path / "one-by-one.parquet", "documents")
    for row in range(many.num_rows):
        one_by_one.add(many.slice(row, 1))
        assert len(one_by_one.buffer) < writer.COMPACT_TABLES  # combined as they come, not all at the end
    one_by_one.close()
    whole = writer._TableWriter(tmp_path / "whole.parquet", "documents")
    whole.add(many)
    whole.close()
    assert (tmp_path / "one-by-one.parquet").read_bytes() == (tmp_path / "whole.parquet").read_bytes()


@settings(max_examples=40, deadline=None)
@given(st.lists(st.integers(0, 3), max_size=24), st.integers(1, 4))
def test_counting_on_threads_keeps_the_order_and_runs_a_bounded_way_ahead(delays: list[int], threads: int) -> None:
    drawn = 0  # items taken from the input so far: a release's shards are never all in hand

    def shards() -> Iterator[int]:
        nonlocal drawn
        for item in range(len(delays)):
            drawn += 1
            yield item

    def count(item: int) -> int:
        time.sleep(delays[item] / 1000)  # later items often finish first
        return item * item

    handed: list[int] = []
    for value in _in_order_on_threads(count, shards(), threads):
        assert drawn <= len(handed) + 2 * threads
        handed.append(value)
    assert handed == [item * item for item in range(len(delays))]


def test_counting_on_threads_hands_on_a_failure_in_its_place() -> None:
    def count(item: int) -> int:
        if item == 3:
            raise ValueError("shard 3 is unreadable")
        return item

    handed: list[int] = []
    with pytest.raises(ValueError, match="shard 3"):
        handed.extend(_in_order_on_threads(count, range(8), 2))
    assert handed == [0, 1, 2]
