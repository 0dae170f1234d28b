"""Every entry of the raw folder is accounted for: a document, or a reported error with its reason."""

from __future__ import annotations

import json
import os
import socket
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadrespeech.cli import main
from cadrespeech.errors import PageError
from cadrespeech.records import DecodedPage, RawPage
from cadrespeech.schema import data_file
from cadrespeech.stages.edits import replay
from cadrespeech.stages.ingest import (
    BINARY_CONTROL_COUNT,
    MARKUP_SIGNS,
    _walked_entry_problem,
    binary_reason,
    decode_page,
    entry_problem,
    list_raw_pages,
    read_page,
    sha256_hex,
    sniff_markup,
)
from cadrespeech.stages.pipeline import process_page

from .conftest import CARD, CITATION

# Invented speech text; each page gets its own topic so no two are byte-identical.
BODY = "同志们：\n今天召开全县{topic}会议，研究部署工作。\n一、提高认识。要抓落实，把任务落到实处。\n二、压实责任。干部要以身作则。\n"


def body(topic: str) -> str:
    return BODY.format(topic=topic)


def html(topic: str) -> str:
    paragraphs = "".join(f"<p>{line}</p>" for line in body(topic).splitlines())
    return f"<!DOCTYPE html>\n<html><head><title>讲话</title></head><body><div>{paragraphs}</div></body></html>"


def page(name: str, data: bytes) -> RawPage:
    return RawPage(name, data, sha256_hex(data))


# --- sniffing: the content decides the markup, the suffix is a hint -----------------------


@pytest.mark.parametrize("sign", MARKUP_SIGNS, ids=lambda sign: sign.name)
def test_each_markup_sign_finds_its_example_and_not_its_counter_example(sign) -> None:
    assert sign.found(sign.example) and sniff_markup(sign.example) == sign.markup
    assert not sign.found(sign.counter_example) and sniff_markup(sign.counter_example) != sign.markup


@pytest.mark.parametrize(
    ("source", "text", "markup"),
    [
        # Suffixes that lie: the content wins.
        ("speech.html", body("农业"), "text"),
        ("speech.php", html("农业"), "html"),
        ("speech.aspx", html("农业"), "html"),
        ("speech.txt", "# 在全县农业会议上的讲话\n" + body("农业"), "markdown"),
        # A .md page with no sign of markdown is still taken at its word; an HTML one is not.
        ("speech.md", body("农业"), "markdown"),
        ("speech.MARKDOWN", body("农业"), "markdown"),
        ("speech.md", html("农业"), "html"),
        # Front matter opens the page, so inline HTML further down does not make it HTML.
        ("speech", "---\ntitle: 讲话\n---\n<div>同志们：</div>\n" + body("农业"), "markdown"),
        # A sign past the sniffed opening is not looked for.
        ("speech.txt", body("农业") * 80 + "\n# 附件\n", "text"),
    ],
)
def test_markup_is_sniffed_from_the_content(source: str, text: str, markup: str) -> None:
    assert sniff_markup(text, source) == markup


def test_decoded_page_is_html_follows_its_markup() -> None:
    decoded = decode_page(page("speech.php", html("农业").encode()))
    assert decoded.markup == "html" and decoded.is_html
    plain = decode_page(page("speech.html", body("农业").encode()))
    assert plain.markup == "text" and not plain.is_html
    assert isinstance(DecodedPage.is_html, property)  # derived, never stored apart from markup
    with pytest.raises((AttributeError, TypeError)):
        plain.is_html = True  # type: ignore[misc]


@given(st.text(), st.text())
def test_sniffing_never_raises(text: str, source: str) -> None:
    assert sniff_markup(text, source) in {"html", "markdown", "text"}


@given(st.sampled_from(["", " ", "\n", "\n\n  "]), st.sampled_from(["<html>", "<HTML>", "<html lang='zh'>"]), st.text())
def test_html_up_front_always_sniffs_as_html(space: str, tag: str, rest: str) -> None:
    assert sniff_markup(space + tag + rest, "page.md") == "html"


# --- binary or text with stray control bytes -----------------------------------------------


@pytest.mark.parametrize(
    ("data", "binary"),
    [
        (body("农业").replace("部署", "部\x08署").encode(), False),  # one stray backspace
        (body("农业").encode() * 20 + b"\x16" * BINARY_CONTROL_COUNT, False),  # at the count floor
        ((body("农业") * 20).replace("以身作则", "以身作\x16则").encode(), False),  # 20, but under 1% of the bytes
        (b"\x16" * (BINARY_CONTROL_COUNT + 1) + body("农业").encode(), True),  # over both
        (body("农业").encode() + b"\x00", True),  # one NUL is enough
        (b"\x00\x00\x00\x01Bud1\x00\x00\x10\x00", True),  # a .DS_Store's opening
    ],
)
def test_binary_means_a_nul_or_many_dense_control_bytes(data: bytes, binary: bool) -> None:
    assert (binary_reason(data) is not None) is binary


def test_a_stray_control_byte_is_a_logged_cleaning_edit(segmenter) -> None:
    processed = process_page(page("stray.txt", body("农业").replace("部署", "部\x08署").encode()), segmenter)
    assert "\x08" in processed.decoded.text and "\x08" not in processed.cleaned.text
    assert any(edit.rule == "control_char" and edit.before == "\x08" for edit in processed.cleaned.edits)
    assert replay(processed.decoded.text, processed.cleaned.edits) == processed.cleaned.text
    assert "研究部署工作" in processed.speeches[0].text


# --- listing: every entry, in path order, with a reason when it cannot be a page -----------


def hostile_raw_folder(root: Path) -> tuple[Path, dict[str, str | None]]:
    """A raw folder of every kind of entry; returns it and each entry's expected error, None for a document."""
    raw = root / "raw"
    (raw / "sub").mkdir(parents=True)
    expected: dict[str, str | None] = {}

    def put(name: str, data: bytes, error: str | None = None) -> None:
        (raw / name).write_bytes(data)
        expected[name] = error

    put("speech.md", ("---\ntitle: 在全县教育会议上的讲话\ndate: 2021-03-01\n---\n" + body("教育")).encode())
    put("speech.php", html("卫生").encode())
    put("speech.aspx", html("交通").encode("gbk"))
    put("speech.jsp", body("水利").encode())
    put("speech.shtml", html("环保").encode())
    put("speech", body("文化").encode())  # no suffix
    put("speech.txt", body("农业").encode())
    put("speech.html", body("林业").encode())  # plain text under an .html name
    put("sub/speech.text", body("统计").encode())
    put("stray.txt", body("审计").replace("部署", "部\x08署").encode())
    put(".hidden.txt", body("民政").encode())  # hidden files are pages like any other
    put(".DS_Store", b"\x00\x00\x00\x01Bud1\x00\x00\x10\x00\x00\x00\x08\x00", "looks binary")
    put("empty.txt", b"", "file is empty")
    (raw / "gone.txt").symlink_to(raw / "nowhere.txt")
    expected["gone.txt"] = "broken symlink"
    outside = root / "outside.txt"
    outside.write_bytes(body("外事").encode())
    (raw / "outside.txt").symlink_to(outside)
    expected["outside.txt"] = "symlink to a file outside the raw folder"
    (raw / "speech_alias.txt").symlink_to(raw / "speech.txt")  # inside: read, and found to repeat speech.txt
    expected["speech_alias.txt"] = "same bytes as an earlier page"
    (raw / "loop").symlink_to(raw / "loop")
    expected["loop"] = "cannot read file"  # too many levels of symbolic links
    (raw / "linked_sub").symlink_to(raw / "sub", target_is_directory=True)
    expected["linked_sub"] = "symlink to a folder"
    os.mkfifo(raw / "pipe")
    expected["pipe"] = "named pipe"
    return raw, expected


def test_listing_accounts_for_every_entry_in_path_order(tmp_path: Path) -> None:
    raw, expected = hostile_raw_folder(tmp_path)
    listing = list_raw_pages(raw)
    sources = [p.relative_to(raw).as_posix() for p in listing.pages] + [e.path for e in listing.problems]
    assert sorted(sources) == sorted(expected) and listing.entries == len(expected)
    assert [p.relative_to(raw).as_posix() for p in listing.pages] == sorted(p.relative_to(raw).as_posix() for p in listing.pages)
    reasons = {e.path: e.reason for e in listing.problems}
    for name in ("gone.txt", "outside.txt", "loop", "linked_sub", "pipe"):
        assert expected[name] in reasons[name]
    assert all(e.stage == "ingest" and "\n" not in e.reason for e in listing.problems)


def test_listing_judges_each_entry_as_entry_problem_does(tmp_path: Path) -> None:
    raw, _ = hostile_raw_folder(tmp_path)
    through_a_link = tmp_path / "raw-link"
    through_a_link.symlink_to(raw, target_is_directory=True)
    judged = 0
    for root in (raw, through_a_link):
        for folder, folders, files in os.walk(root):
            for name in folders + files:
                path = Path(folder, name)
                assert _walked_entry_problem(path, root) == entry_problem(path, root), path
                judged += 1
    assert judged >= 2 * 20


def test_a_socket_is_reported_not_read(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    with socket.socket(socket.AF_UNIX) as server:
        server.bind(str(raw / "sock"))
        (problem,) = list_raw_pages(raw).problems
    assert problem.path == "sock" and "socket" in problem.reason


def test_an_unreadable_folder_is_reported_with_its_path(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    raw = tmp_path / "raw"
    (raw / "locked").mkdir(parents=True)
    (raw / "locked" / "speech.txt").write_bytes(body("农业").encode())
    (raw / "speech.txt").write_bytes(body("林业").encode())
    real_scandir = os.scandir

    def scandir(path):  # tests may run as root, whom chmod 000 does not stop
        if Path(path).name == "locked":
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    listing = list_raw_pages(raw)
    assert [p.name for p in listing.pages] == ["speech.txt"]
    (problem,) = listing.problems
    assert problem.path == "locked" and "folder cannot be read: Permission denied" in problem.reason


def test_read_page_refuses_what_listing_refuses(tmp_path: Path) -> None:
    raw, _ = hostile_raw_folder(tmp_path)
    for name, reason in (("pipe", "named pipe"), ("outside.txt", "outside the raw folder"), ("gone.txt", "broken symlink")):
        with pytest.raises(PageError, match=reason):  # and does not hang on the pipe
            read_page(raw / name, raw)
    assert read_page(raw / "speech_alias.txt", raw).source == "speech_alias.txt"  # a symlink keeps its own name


# --- the build: a document or a reported error of every entry ------------------------------


def test_build_makes_a_document_or_a_reported_error_of_every_entry(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    raw, expected = hostile_raw_folder(tmp_path)
    out = tmp_path / "releases"
    argv = ["build", "--version", "0.1.0", "--raw", str(raw), "--out", str(out), "--card", str(CARD), "--citation", str(CITATION)]
    assert main([*argv, "--quiet", "--no-cache", "--jobs", "1"]) == 0
    release = out / "v0.1.0"
    reports = [json.loads(line) for line in (release / "raw_inputs.jsonl").read_text(encoding="utf-8").splitlines()]
    assert [r["source"] for r in reports] == sorted(expected)  # every entry once, in path order
    for report in reports:
        error = expected[report["source"]]
        if error is None:
            assert report["status"] == "ok" and report["documents"] >= 1, report
        else:
            assert report["status"] != "ok" and error in report["reason"], report

    statistics = json.loads((release / "manifest.json").read_text(encoding="utf-8"))["statistics"]
    assert statistics["pages"] == len(expected)
    assert statistics["pages_ok"] + statistics["pages_failed"] + statistics["pages_duplicate"] == len(expected)
    assert statistics["pages_ok"] == sum(error is None for error in expected.values())
    assert statistics["pages_duplicate"] == 1

    removals = pq.read_table(release / data_file("removals")).to_pylist()
    assert any(row["source_file"] == "stray.txt" and row["rule"] == "control_char" for row in removals)
    assert "| pipe | error | ingest |" in (release / "README.md").read_text(encoding="utf-8")  # the card lists it

    err = capsys.readouterr().err.splitlines()
    for name, error in expected.items():
        if error is not None:
            assert any(line.startswith("cadrespeech: page") and f": {name}: " in line for line in err), name
    assert err[-1].endswith(f"of {len(expected)} pages")
