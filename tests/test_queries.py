"""kwic, freq, collocates and terms over a release built from the fixture pages, through DuckDB."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

import cadrespeech
from cadrespeech.cli import main
from cadrespeech.read.queries import QueryError, collocates, freq, kwic
from cadrespeech.read.terms import term_candidates


@pytest.fixture(scope="module")
def release(fixture_release: Path) -> Path:
    return fixture_release


def _sentences(release: Path) -> list[dict]:
    return pq.read_table(release / "sentences" / "train-00000-of-00001.parquet", columns=["doc_id", "tokens"]).to_pylist()


def test_kwic_finds_every_occurrence_of_a_token_with_its_context(release: Path) -> None:
    hits = kwic("营商环境", version=release, window=10)
    expected = sum(row["tokens"].count("营商环境") for row in _sentences(release))
    assert len(hits) == expected > 20
    documents = {row["doc_id"]: row["text"] for row in pq.read_table(release / "documents" / "train-00000-of-00001.parquet").to_pylist()}
    for hit in hits:
        text = documents[hit.doc_id]
        assert text[hit.start : hit.end] == hit.match == "营商环境"
        assert text[max(0, hit.start - 10) : hit.start].replace("\n", " ") == hit.left  # the document's own text, flattened
        assert hit.title and hit.sentence_id.startswith(hit.doc_id)


def test_kwic_matches_token_sequences_and_regular_expressions(release: Path) -> None:
    sequence = kwic("优化 营商环境", version=release)
    assert sequence and all(hit.match == "优化营商环境" for hit in sequence)
    assert len(sequence) < len(kwic("营商环境", version=release))
    found = kwic(r"营商环境\w{0,2}大会", version=release, regex=True)
    assert found and all(hit.match.startswith("营商环境") and hit.match.endswith("大会") for hit in found)


def test_kwic_where_by_and_limit(release: Path) -> None:
    later = kwic("营商环境", version=release, where="date >= '2023'", by="date")
    assert later and all(hit.date >= "2023" for hit in later)
    assert [hit.date for hit in later] == sorted(hit.date for hit in later)
    assert len(kwic("营商环境", version=release, limit=3)) == 3
    with pytest.raises(QueryError, match="no column"):
        kwic("营商环境", version=release, by="mood")
    with pytest.raises(QueryError, match="the query failed"):
        kwic("营商环境", version=release, where="no_such_column = 1")
    with pytest.raises(QueryError, match="empty query"):
        kwic("  ", version=release)


def test_freq_counts_per_year_with_denominators_that_add_up(release: Path) -> None:
    rows = freq(["营商环境", "高质量发展"], by="year", version=release)
    per_term = {term: [row for row in rows if row.term == term] for term in ("营商环境", "高质量发展")}
    assert sum(row.count for row in per_term["营商环境"]) == len(kwic("营商环境", version=release))
    assert [row.group for row in per_term["营商环境"]] == [row.group for row in per_term["高质量发展"]]  # every group for every term
    words = sum(1 for row in _sentences(release) for token in row["tokens"] if any(c.isalnum() for c in token))
    assert sum(row.tokens for row in per_term["营商环境"]) == words
    for row in rows:
        assert row.per_million == round(row.count * 1_000_000 / row.tokens, 3)
    with pytest.raises(QueryError, match="cannot break counts down by"):
        freq("营商环境", by="weather", version=release)


def test_collocates_scores_by_logdice_and_mi(release: Path) -> None:
    found = collocates("营商环境", version=release, window=3, min_count=2)
    assert found and found[0].score == max(c.score for c in found)
    assert "优化" in [c.collocate for c in found[:5]]  # 优化营商环境: the field's own phrase
    assert all(c.together >= 2 and not any(ch in c.collocate for ch in "，。、") for c in found)
    every = collocates("营商环境", version=release, window=3, top=10_000)
    mi = collocates("营商环境", version=release, window=3, measure="mi", top=10_000)
    assert {c.collocate for c in mi} == {c.collocate for c in every} and len(every) > len(found)


def test_terms_propose_sequences_that_hold_together(release: Path) -> None:
    candidates = term_candidates(release, min_count=3, top=30)
    assert candidates and all(len(c.parts) >= 2 and c.count >= 3 for c in candidates)
    assert [c.score for c in candidates] == sorted((c.score for c in candidates), reverse=True)
    assert not any(c.parts[0] in ("的", "是") or c.parts[-1] in ("的", "了") for c in candidates)
    assert any(c.term == "人均可支配收入" for c in candidates)  # 人均/可/支配/收入 in jieba, one term in a budget speech


def test_the_cli_prints_hits_rates_collocates_and_terms(release: Path, tmp_path: Path, capsys) -> None:
    assert main(["kwic", "营商环境", "--version", str(release), "--limit", "2", "--format", "json"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 and json.loads(lines[0])["match"] == "营商环境"
    plot = tmp_path / "rates.png"
    assert main(["freq", "营商环境", "高质量发展", "--version", str(release), "--by", "genre", "--format", "csv", "--plot", str(plot)]) == 0
    out = capsys.readouterr().out.splitlines()
    assert out[0] == "term,group,count,tokens,per_million" and plot.read_bytes().startswith(b"\x89PNG")
    assert main(["collocates", "营商环境", "--version", str(release), "--top", "3"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 3
    assert main(["terms", str(release), "--min-count", "3", "--top", "5"]) == 0
    assert len(capsys.readouterr().out.splitlines()) == 5
    assert main(["freq", "营商环境", "--version", str(tmp_path / "nothing")]) == 2


def test_the_library_names_them_at_the_top_level() -> None:
    assert cadrespeech.kwic is kwic and cadrespeech.freq is freq and cadrespeech.collocates is collocates
