"""Reprint clusters and template paragraphs, on a release built from our fixture pages."""

from __future__ import annotations

import json
import tempfile
import zlib
from pathlib import Path

import numpy as np
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest
from datasketch import MinHash
from hypothesis import given
from hypothesis import strategies as st

import cadrespeech
from cadrespeech.read.verify import verify_release
from cadrespeech.stages.reprints import (
    NUM_PERM,
    REPRINT_SIMILARITY,
    SCHEME,
    SEED,
    SHINGLE_CHARS,
    ParagraphTally,
    ReprintIndex,
    SpeechSignature,
    normalise,
    paragraph_hash,
    signature,
    similarity,
)

from .conftest import FIXTURE_PAGES, build, fixture_pages_as_raw

REPRINTS = json.loads((FIXTURE_PAGES.parent / "reprints.json").read_text(encoding="utf-8"))
PARAGRAPH = "企业的口碑，是营商环境最真实的成绩单。我们要把企业满意度作为检验工作的标准，让每一家企业都感受到诚意。"

chinese = st.text(st.characters(min_codepoint=0x4E00, max_codepoint=0x9FA5), min_size=1, max_size=60)
noise = st.sampled_from([" ", "\u3000", "，", ",", "。", ".", "“", '"', "、", "！", "!", "\n", "（", "("])


@given(chinese, st.lists(st.tuples(st.integers(0, 60), noise), max_size=8))
def test_spacing_and_punctuation_do_not_change_the_normal_form(text: str, insertions: list[tuple[int, str]]) -> None:
    noisy = text
    for position, mark in insertions:
        noisy = noisy[:position] + mark + noisy[position:]
    assert normalise(noisy) == normalise(text) == text
    assert normalise(normalise(noisy)) == normalise(noisy)


def test_a_paragraph_hash_ignores_width_and_punctuation_but_not_words() -> None:
    half_width = PARAGRAPH.replace("，", ", ").replace("。", ". ")
    assert paragraph_hash(PARAGRAPH) == paragraph_hash(half_width) is not None
    assert paragraph_hash(PARAGRAPH) != paragraph_hash(PARAGRAPH.replace("全", "区").replace("企业", "单位"))
    assert paragraph_hash("同志们：") is None and paragraph_hash("谢谢大家！") is None


def test_signatures_are_deterministic_and_estimate_similarity() -> None:
    other = "坚持以人民为中心的发展思想，把群众的急难愁盼作为工作的出发点和落脚点，一件一件抓落实。" * 2
    assert signature(PARAGRAPH) == signature(PARAGRAPH)
    assert similarity(signature(PARAGRAPH), signature(PARAGRAPH + "。")) == 1.0
    assert similarity(signature(PARAGRAPH), signature(other)) < 0.1


def test_clusters_join_through_a_chain_and_the_fullest_text_stands_for_them() -> None:
    base = "".join(f"第{n}项工作要抓紧推进，确保按期完成任务目标。" for n in "一二三四五六七八九十")
    edited = base.replace("第三项", "第叁项")
    longer = edited + "各单位要加强协调配合。"
    index = ReprintIndex()
    for doc, text in (("b-00", edited), ("a-00", base), ("c-00", longer), ("d-00", "完全不同的另一篇讲话，谈的是防汛抗旱工作。" * 5)):
        index.add(SpeechSignature(doc, len(text), signature(text)))
    rows = {row.doc_id: row for row in index.rows()}
    assert [rows[d].canonical_doc_id for d in ("a-00", "b-00", "c-00")] == ["c-00"] * 3
    assert rows["c-00"].is_canonical and rows["c-00"].similarity == 1.0 and rows["a-00"].cluster_size == 3
    assert rows["d-00"].cluster_size == 1 and rows["d-00"].canonical_doc_id == "d-00"
    assert [row.doc_id for row in index.rows()] == ["b-00", "a-00", "c-00", "d-00"]  # the order added


@pytest.fixture(scope="module")
def fixture_release(tmp_path_factory: pytest.TempPathFactory, private_cache: Path) -> Path:
    root = tmp_path_factory.mktemp("reprints")
    return build("0.1.0", fixture_pages_as_raw(root / "raw"), root / "releases").path


def doc_ids_by_file(release: Path) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for row in pq.read_table(release / "documents/train-00000-of-00001.parquet", columns=["doc_id", "source_file"]).to_pylist():
        found.setdefault(row["source_file"], []).append(row["doc_id"])
    return found


def test_a_reprint_in_another_layout_shares_a_cluster_and_a_same_theme_speech_does_not(fixture_release: Path) -> None:
    files = doc_ids_by_file(fixture_release)
    rows = {r["doc_id"]: r for r in pq.read_table(fixture_release / "duplicates/train-00000-of-00001.parquet").to_pylist()}
    assert rows.keys() == {doc for docs in files.values() for doc in docs}  # every speech has a row
    for left, right in REPRINTS["same_speech"]:
        (a,), (b,) = files[left], files[right]
        assert rows[a]["cluster_id"] == rows[b]["cluster_id"]
        assert min(rows[a]["similarity"], rows[b]["similarity"]) >= REPRINT_SIMILARITY
    for left, right in REPRINTS["different_speech_same_theme"]:
        (a,), (c,) = files[left], files[right]
        assert rows[a]["cluster_id"] != rows[c]["cluster_id"]
    clustered = {r["cluster_id"] for r in rows.values() if r["cluster_size"] > 1}
    assert len(clustered) == len(REPRINTS["same_speech"])  # no other fixture page is a reprint


def test_shared_paragraphs_name_every_speech_that_holds_them(fixture_release: Path) -> None:
    files = doc_ids_by_file(fixture_release)
    shared = cadrespeech.shared_paragraphs(version="0.1.0", releases_folder=fixture_release.parent)
    for left, right, opening in REPRINTS["shared_paragraphs"]:
        (entry,) = [e for e in shared if e["text"].startswith(opening[:12])]
        assert set(files[left]) | set(files[right]) <= set(entry["doc_ids"])
    assert all(len(e["doc_ids"]) >= 2 for e in shared)


def test_the_release_card_and_manifest_count_reprints_and_recurring_paragraphs(fixture_release: Path) -> None:
    statistics = json.loads((fixture_release / "manifest.json").read_text(encoding="utf-8"))["statistics"]
    assert statistics["reprints"] == {"clusters": 1, "documents_in_clusters": 2}
    assert statistics["template_paragraphs"]["recurring_texts"] >= len(REPRINTS["shared_paragraphs"])
    card = (fixture_release / "README.md").read_text(encoding="utf-8")
    assert "| reprint clusters (two or more speeches, `duplicates` config) | 1 |" in card
    assert verify_release(fixture_release) == []


def test_older_releases_say_they_have_no_paragraphs() -> None:
    with pytest.raises(cadrespeech.ReleaseError, match="no paragraphs config"):
        cadrespeech.shared_paragraphs(version="0.3.0")


def test_the_recurring_paragraph_counts_match_a_group_by_over_the_written_file(fixture_release: Path) -> None:
    table = pq.read_table(fixture_release / "paragraphs/train-00000-of-00001.parquet", columns=["doc_id", "paragraph_hash"])
    table = table.filter(pc.field("paragraph_hash").is_valid())
    per_text = table.group_by("paragraph_hash").aggregate([("doc_id", "count_distinct")])
    shared = per_text.filter(pc.field("doc_id_count_distinct") >= 2)["paragraph_hash"]
    in_shared = table.filter(pc.is_in(table["paragraph_hash"], shared))
    stated = json.loads((fixture_release / "manifest.json").read_text(encoding="utf-8"))["statistics"]["template_paragraphs"]
    assert stated == {
        "hashed_paragraphs": table.num_rows,
        "recurring_texts": len(shared),
        "paragraphs_recurring": in_shared.num_rows,
        "speeches_with_recurring": len(pc.unique(in_shared["doc_id"])),
    }
    assert stated["recurring_texts"] >= len(REPRINTS["shared_paragraphs"])


def test_the_band_layout_is_the_one_datasketch_picks_for_our_threshold() -> None:
    # datasketch keeps its choice in private attributes (b, r); if they move or the
    # choice changes, this fails and BANDS / BAND_ROWS must be looked at again.
    from datasketch import MinHashLSH

    from cadrespeech.stages.reprints import BAND_ROWS, BANDS, NUM_PERM, REPRINT_SIMILARITY

    lsh = MinHashLSH(threshold=REPRINT_SIMILARITY, num_perm=NUM_PERM)
    assert (lsh.b, lsh.r) == (BANDS, BAND_ROWS) and BANDS * BAND_ROWS <= NUM_PERM


@given(st.text(alphabet="营商环境企业满意度工作标准诚意口碑，。 ab1", max_size=400))
def test_our_numpy_minhash_gives_datasketchs_own_signatures(text: str) -> None:
    # The build computes the affine32 scheme itself so it never imports datasketch;
    # the signatures in old releases were datasketch's, so they must stay equal.
    key = normalise(text)
    shingles = {key[i : i + SHINGLE_CHARS].encode("utf-32-le") for i in range(max(1, len(key) - SHINGLE_CHARS + 1))}
    theirs = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=zlib.crc32, scheme=SCHEME)
    theirs.update_batch(list(shingles))
    assert signature(text) == theirs.hashvalues.astype("<u4").tobytes()


def _family_signatures(seed: int, families: int, variants: int, changed: int) -> list[SpeechSignature]:
    """Speeches in families: each variant of a base signature has ``changed`` of its values redrawn."""
    draw = np.random.default_rng(seed)
    speeches = []
    for _ in range(families):
        base = draw.integers(0, 2**32, NUM_PERM, dtype=np.uint32)
        for variant in range(variants):
            values = base.copy()
            values[draw.choice(NUM_PERM, changed, replace=False)] = draw.integers(0, 2**32, changed, dtype=np.uint32)
            doc = f"{draw.integers(0, 2**63):016x}-{variant:02d}"
            speeches.append(SpeechSignature(doc, int(draw.integers(100, 110)), values.astype("<u4").tobytes()))
    return speeches


@given(st.integers(0, 2**32 - 1), st.integers(1, 6), st.integers(1, 5), st.integers(0, 100))
def test_reprint_clusters_do_not_depend_on_where_signatures_wait_or_how_they_come_back(
    seed: int, families: int, variants: int, changed: int
) -> None:
    # The build spills signatures to a file and reads them back a chunk at a time; a
    # chunk as small as three signatures must give the rows the in-memory index gives.
    speeches = _family_signatures(seed, families, variants, changed)
    in_memory = ReprintIndex()
    with tempfile.TemporaryFile() as spill:
        spilled = ReprintIndex(spill)
        spilled._signatures.CHUNK_BYTES = 3 * 4 * NUM_PERM
        for speech in speeches:
            in_memory.add(speech)
            spilled.add(speech)
        assert spilled.rows() == in_memory.rows()
    rows = in_memory.rows()
    assert [row.doc_id for row in rows] == [speech.doc_id for speech in speeches]
    if changed <= 12:  # two variants differ in at most 24 places: one of the 25 bands is whole, and most values agree
        assert {row.cluster_size for row in rows} == {variants}
    assert all(row.similarity == 1.0 for row in rows if row.is_canonical)


def test_an_empty_reprint_index_gives_empty_columns() -> None:
    assert ReprintIndex().rows() == []


hashes = st.sampled_from([f"{n:016x}" for n in (1, 2, 3, 2**63, 2**63 + 1, 2**64 - 1)] + [None])


@given(st.lists(st.tuples(st.integers(0, 5), hashes), max_size=40), st.integers(1, 5))
def test_recurring_paragraphs_are_counted_alike_in_any_number_of_hash_slices(
    paragraphs: list[tuple[int, str | None]], slice_records: int
) -> None:
    # Speeches in release order: doc ids change where a new speech starts.
    doc_ids = [f"d-{n:02d}" for n, _ in sorted(paragraphs, key=lambda p: p[0])]
    keys = [key for _, key in sorted(paragraphs, key=lambda p: p[0])]
    with tempfile.TemporaryFile() as spill:
        tally = ParagraphTally(spill)
        tally.SLICE_RECORDS = slice_records
        tally.add(doc_ids[:7], keys[:7])
        tally.add(doc_ids[7:], keys[7:])
        figures = tally.figures()
    speeches_of: dict[str, set[str]] = {}
    for doc, key in zip(doc_ids, keys, strict=True):
        if key is not None:
            speeches_of.setdefault(key, set()).add(doc)
    shared = {key for key, docs in speeches_of.items() if len(docs) >= 2}
    assert figures == {
        "hashed_paragraphs": sum(key is not None for key in keys),
        "recurring_texts": len(shared),
        "paragraphs_recurring": sum(key in shared for key in keys),
        "speeches_with_recurring": len({doc for doc, key in zip(doc_ids, keys, strict=True) if key in shared}),
    }
