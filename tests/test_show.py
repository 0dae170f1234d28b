from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cadrespeech.cli import main
from cadrespeech.errors import CadrespeechError
from cadrespeech.read.show import explain_view, find_document, read_raw_text, speech_text_view
from cadrespeech.records import Edit, Section
from cadrespeech.schema import data_file
from cadrespeech.stages.edits import replay

from .conftest import FIXTURE_PAGES, build

# A breadcrumb and watermark page, CRLF and BOM pages (raw offsets are in decoded text,
# not bytes), and an HTML page with two speeches (one ledger for both documents).
PAGES = ("tpl_fanwenwang_breadcrumb.txt", "tpl_crlf_dangjian.txt", "tpl_bom_zhengfa.txt", "html_two_speeches.html")
# ``[-old-]`` then an optional ``{+new+}``, then ``{rule}``.
MARK = re.compile(r"\[-(.*?)-\](?:\{\+(.*?)\+\})?\{([a-z0-9_]+)\}", re.S)


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory, private_cache: Path) -> tuple[Path, Path]:
    """(releases folder, raw folder) of a release built from the pages above."""

    root = tmp_path_factory.mktemp("show")
    raw = root / "raw"
    raw.mkdir()
    for name in PAGES:
        shutil.copyfile(FIXTURE_PAGES / name, raw / name)
    build("0.1.0", raw, root / "releases")
    return root / "releases", raw


def doc_ids(releases: Path) -> dict[str, list[str]]:
    """source_file -> its doc ids, in order."""
    table = pq.read_table(releases / "v0.1.0" / data_file("documents"), columns=["doc_id", "source_file"])
    found: dict[str, list[str]] = {}
    for row in table.to_pylist():
        found.setdefault(row["source_file"], []).append(row["doc_id"])
    return {source: sorted(ids) for source, ids in found.items()}


def show(built: tuple[Path, Path], *args: str) -> list[str]:
    releases, raw = built
    return ["show", *args, "--releases", str(releases), "--raw", str(raw)]


def strip_marks(view: str, side: str) -> str:
    """The plain explain view's text with each mark replaced by its old or its new text."""
    text = view.rsplit("\n\nrule ", 1)[0]  # the summary table comes last
    return MARK.sub(lambda m: m.group(1) if side == "old" else m.group(2) or "", text)


def test_speech_view_has_the_header_and_headings_by_level_in_order(built, capsys) -> None:
    (did,) = doc_ids(built[0])["tpl_fanwenwang_breadcrumb.txt"]
    assert main(show(built, did)) == 0
    out = capsys.readouterr().out
    assert out.splitlines()[:7] == [
        f"doc_id   {did}",
        "title    压紧压实安全责任 坚决守牢发展底线——在全县安全生产工作会议上的讲话",
        "subtitle 在全县安全生产工作会议上的讲话",
        "speaker  王建国",
        "date     2021-03-15",
        "genre    讲话 (a speech)",
        "source   tpl_fanwenwang_breadcrumb.txt",
    ]
    headings = [line for line in out.splitlines() if "§" in line]
    # The page has three 一、 sections, each with three （x） subsections (annotations.json).
    assert [h for h in headings if h.startswith("§1 ")] == [
        "§1 一、正视问题短板，切实增强做好安全生产工作的紧迫感",
        "§1 二、聚焦重点领域，坚决遏制各类事故发生",
        "§1 三、压实各方责任，推动安全生产各项措施落地见效",
    ]
    assert [h.split("）")[0] for h in headings[1:4]] == ["  §2 （一", "  §2 （二", "  §2 （三"]
    assert len(headings) == 12 and "  §2 （二）隐患底数还不够清。" in headings
    # Body paragraphs stay; boilerplate does not come back.
    assert "对园区外零散的加油站、液化气站，也要纳入常态化检查范围，不能留下死角。" in out
    assert "本文由第一范文网整理" not in out and "当前位置" not in out


def test_a_heading_glued_to_the_line_before_gets_its_own_line() -> None:
    section = Section(0, None, 2, "cn_numeral_paren", "（一）", "抓落实。", 4, 14, False)
    text = "同志们：（一）抓落实。要真抓。\n完。"
    assert speech_text_view(text, [section]) == "同志们：\n  §2 （一）抓落实。\n要真抓。\n完。"


def test_explain_marks_boilerplate_with_its_rule(built, capsys) -> None:
    (did,) = doc_ids(built[0])["tpl_fanwenwang_breadcrumb.txt"]
    assert main([*show(built, did, "--explain"), "--colour", "never"]) == 0
    out = capsys.readouterr().out
    assert "[-当前位置：首页 > 范文大全 > 领导讲话 > 正文-]{breadcrumb}" in out
    assert "[-本文由第一范文网整理-]{watermark_compiled}" in out
    assert "[-,-]{+，+}{punctuation_width}" in out  # a rewrite shows both sides
    summary = {line.split()[0]: line.split()[1:] for line in out.split("\n\nrule ")[1].splitlines()[1:]}
    assert summary["breadcrumb"] == ["1", str(len("当前位置：首页 > 范文大全 > 领导讲话 > 正文")), "0"]
    assert "\x1b" not in out


@pytest.mark.parametrize("page", PAGES)
def test_plain_explain_view_gives_back_the_raw_page_and_the_clean_text(built, page: str) -> None:
    releases, raw = built
    for did in doc_ids(releases)[page]:
        document = find_document(releases / "v0.1.0", did)
        raw_text = read_raw_text(document, raw)
        view = explain_view(raw_text, document.removals, colour=False)
        # Dropping the marks' new text gives the raw page exactly, in decoded coordinates ...
        assert strip_marks(view, "old") == raw_text
        # ... and keeping it gives the clean page, which holds the document at its offset.
        clean = strip_marks(view, "new")
        assert clean == replay(raw_text, document.removals)
        offset = pq.read_table(releases / "v0.1.0" / data_file("documents"), filters=[("doc_id", "=", did)])["text_offset"][0].as_py()
        assert clean[offset : offset + len(document.text)] == document.text


def test_colour_only_when_asked_or_on_a_terminal(built, capsys, monkeypatch) -> None:
    (did,) = doc_ids(built[0])["tpl_crlf_dangjian.txt"]
    for args in (["--explain"], []):
        assert main([*show(built, did, *args), "--colour", "always"]) == 0
        out = capsys.readouterr().out
        assert "\x1b[" in out and ("\x1b[31;9m" in out) == bool(args)
        assert main(show(built, did, *args)) == 0  # auto, and capsys is no terminal
        assert "\x1b" not in capsys.readouterr().out
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert main(show(built, did, "--explain")) == 0
    assert "\x1b[" in capsys.readouterr().out
    monkeypatch.setenv("NO_COLOR", "1")
    assert main(show(built, did, "--explain")) == 0
    assert "\x1b" not in capsys.readouterr().out


def test_unknown_doc_id_exits_2_naming_it_and_the_release(built, capsys) -> None:
    assert main(show(built, "0000000000000000-07")) == 2
    err = capsys.readouterr().err
    assert "0000000000000000-07" in err and "v0.1.0" in err
    page = doc_ids(built[0])["html_two_speeches.html"][0][:-3]
    assert main(show(built, page)) == 2  # a page id: the message lists its documents
    assert f"{page}-00, {page}-01" in capsys.readouterr().err


def test_a_changed_or_missing_raw_page_is_refused(built, tmp_path: Path, capsys) -> None:
    releases, raw = built
    (did,) = doc_ids(releases)["tpl_bom_zhengfa.txt"]
    changed = tmp_path / "raw"
    shutil.copytree(raw, changed)
    page = changed / "tpl_bom_zhengfa.txt"
    page.write_bytes(page.read_bytes().replace("政法".encode(), "政治".encode(), 1))
    assert main(["show", did, "--explain", "--releases", str(releases), "--raw", str(changed)]) == 2
    captured = capsys.readouterr()
    assert str(page) in captured.err and "changed" in captured.err
    assert captured.out == ""  # never a wrong page
    page.unlink()
    assert main(["show", did, "--explain", "--releases", str(releases), "--raw", str(changed)]) == 2
    assert str(page) in capsys.readouterr().err


def test_overlapping_edits_are_counted_not_drawn_twice() -> None:
    edits = [Edit("b", 2, 4, "cd", ""), Edit("a", 0, 3, "abc", "")]
    view = explain_view("abcdef", edits, colour=False)
    assert view.startswith("[-abc-]{a}def\n") and "1 edit(s) overlap" in view


def test_a_removal_that_does_not_match_the_page_is_an_error() -> None:
    with pytest.raises(CadrespeechError, match="does not match"):
        explain_view("首页讲话", [Edit("breadcrumb", 0, 2, "正文", "")], colour=False)


@pytest.mark.parametrize("colour", [True, False])
@pytest.mark.parametrize("control", ["\x1b[2J", "\x9b2J", "\u202e", "\x07", "\x7f"])
def test_a_page_cannot_drive_the_terminal_with_colour_on_or_off(colour: bool, control: str) -> None:
    text = f"讲话{control}完"
    explained = explain_view(text, [Edit("x", 0, 1, "讲", "")], colour=colour)
    shown = speech_text_view(f"同志们：{control}今天开会。", (), colour=colour)
    for view in (explained, shown):
        assert control not in view and control.encode("unicode_escape").decode() in view
