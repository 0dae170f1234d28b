"""Hostile input: each page fails alone with a clear reason, or comes out flagged; the build goes on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cadrespeech.errors import PageError
from cadrespeech.ingest import MAX_PAGE_BYTES, read_page, sha256_hex
from cadrespeech.pipeline import process_page
from cadrespeech.records import RawPage
from cadrespeech.release import build_release

from .conftest import CARD, CITATION, SEED


def page(name: str, data: bytes) -> RawPage:
    return RawPage(name, data, sha256_hex(data))


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b" \n\t\n", "file is empty"),
        ("binary.txt", bytes(range(256)) * 64, "looks binary"),
        ("invalid.txt", "讲话".encode() + b"\xff\xfe\x80\x81" * 500, "cannot decode"),
        ("boilerplate_only.txt", "首页 > 文章中心 > 正文\n\n打印本文 关闭窗口\n".encode(), "no speech text"),
    ],
)
def test_bad_pages_give_a_clear_page_error(segmenter, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(PageError) as caught:
        process_page(page(name, data), segmenter)
    assert caught.value.path == name and reason in caught.value.reason


def test_an_oversized_page_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: no 20 MB of real writing
        handle.seek(MAX_PAGE_BYTES)
        handle.write(b"x")
    with pytest.raises(PageError, match="over the"):
        read_page(huge, tmp_path)


def test_deeply_nested_html_is_processed(segmenter) -> None:
    depth = 20_000
    html = "<html><body>" + "<div>" * depth + "<p>同志们：今天召开会议，研究部署工作。</p>" + "</div>" * depth + "</body></html>"
    processed = process_page(page("deep.html", html.encode()), segmenter)
    assert processed.speeches[0].text == "同志们：今天召开会议，研究部署工作。"


def test_truncated_html_keeps_what_it_has(segmenter) -> None:
    html = "<html><body><div class='nav'>首页 政务公开</div><div><p>同志们：今天开会。<p>一、提高认识。要学习<li>二"
    text = process_page(page("cut.html", html.encode()), segmenter).speeches[0].text
    assert text.startswith("同志们：今天开会。\n一、提高认识。要学习") and "首页" not in text


def test_a_long_single_line_is_processed(segmenter) -> None:
    line = "同志们，今天开会研究工作，要提高认识。" * 5_000
    processed = process_page(page("oneline.txt", line.encode()), segmenter)
    assert len(processed.speeches[0].text) == len(line)
    assert len(processed.speeches[0].sentences) == 5_000


def test_a_build_reports_every_hostile_page_and_goes_on(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_bytes(SEED.read_bytes())
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.html").write_bytes(bytes(range(256)))
    (raw / "invalid.txt").write_bytes(b"\xff\xfe\x80" * 100)
    result = build_release("0.1.0", raw, tmp_path / "out", CARD, CITATION, progress=False)
    reports = [json.loads(line) for line in (result.path / "raw_inputs.jsonl").read_text(encoding="utf-8").splitlines()]
    statuses = {r["source"]: (r["status"], r["stage"]) for r in reports}
    assert {r.source for r in result.problems} == {"empty.txt", "binary.html", "invalid.txt"}
    assert statuses == {
        "good.txt": ("ok", None),
        "empty.txt": ("error", "ingest"),
        "binary.html": ("error", "ingest"),
        "invalid.txt": ("error", "ingest"),
    }
    manifest = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["page_errors"]) == 3 and manifest["statistics"]["documents"] == 1
