from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from cadrespeech.errors import PageError
from cadrespeech.records import RawPage
from cadrespeech.stages.ingest import common_share, decode_page, list_raw_pages, normalise_newlines, read_page, sha256_hex

from .conftest import FIXTURE_PAGES, RAW, ROOT, SEED

TEXT = "同志们：\n今天召开会议，研究部署工作。\n"


def page(data: bytes, name: str = "page.txt") -> RawPage:
    return RawPage(name, data, sha256_hex(data))


@pytest.mark.parametrize(
    ("data", "encoding", "had_bom"),
    [
        (TEXT.encode("utf-8"), "utf-8", False),
        (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8", True),
        (TEXT.encode("gbk"), "gbk", False),
        # 𠀀 (U+20000) exists in GB18030 but not in GBK.
        ((TEXT + "𠀀").encode("gb18030"), "gb18030", False),
        (codecs.BOM_UTF16_LE + TEXT.encode("utf-16-le"), "utf-16-le", True),
        (codecs.BOM_UTF16_BE + TEXT.encode("utf-16-be"), "utf-16-be", True),
    ],
)
def test_decodes_and_names_the_encoding(data: bytes, encoding: str, had_bom: bool) -> None:
    decoded = decode_page(page(data))
    assert decoded.encoding == encoding
    assert decoded.had_bom is had_bom
    assert decoded.text.startswith("同志们：\n今天召开会议")


def test_crlf_and_lone_cr_become_lf_and_are_recorded() -> None:
    assert normalise_newlines("a\r\nb\r\n") == ("a\nb\n", "crlf")
    assert normalise_newlines("a\rb\r") == ("a\nb\n", "cr")
    assert normalise_newlines("a\r\nb\nc\r") == ("a\nb\nc\n", "mixed")
    assert normalise_newlines("ab") == ("ab", "none")
    decoded = decode_page(page(TEXT.replace("\n", "\r\n").encode("utf-8")))
    assert decoded.newlines == "crlf" and "\r" not in decoded.text


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty"),
        (b"   \n\n", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "binary"),
        (bytes(range(0x80, 0x100)) * 4, "cannot decode"),
        (codecs.BOM_UTF8 + b"\xff\xfe\xfd", "byte-order mark"),
    ],
)
def test_bad_bytes_give_a_page_error_naming_the_file(data: bytes, reason: str) -> None:
    with pytest.raises(PageError) as caught:
        decode_page(page(data, "bad/page.txt"))
    assert caught.value.path == "bad/page.txt"
    assert caught.value.stage == "ingest"
    assert reason in caught.value.reason
    assert str(caught.value).startswith("bad/page.txt: ingest: ")


def test_read_page_is_byte_exact_with_a_relative_source() -> None:
    raw = read_page(SEED, RAW)
    assert raw.data == SEED.read_bytes()
    assert raw.source == "000_a2664c36943adc35.txt"
    assert raw.sha256 == "11439411abe84baf1bef6ba8c5784bb938afe6881fdcb3993ad21229cbdb3348"


def test_a_missing_file_is_a_page_error(tmp_path: Path) -> None:
    with pytest.raises(PageError, match="cannot read"):
        read_page(tmp_path / "gone.txt", tmp_path)


def test_every_raw_page_has_provenance_with_its_checksum() -> None:
    provenance = json.loads((ROOT / "corpus" / "provenance.json").read_text(encoding="utf-8"))
    listing = list_raw_pages(RAW)
    assert listing.pages, "corpus/raw holds no pages"
    assert not listing.problems
    for path in listing.pages:
        record = provenance[path.relative_to(RAW).as_posix()]
        assert record["sha256"] == sha256_hex(path.read_bytes())
        for field in ("site", "url", "retrieval_note", "licence_note"):
            assert field in record


@pytest.mark.parametrize(
    ("name", "encoding", "newlines", "had_bom"),
    [
        ("tpl_gb18030_xiangcun.txt", "gbk", "lf", False),
        ("tpl_crlf_dangjian.txt", "utf-8", "crlf", False),
        ("tpl_bom_zhengfa.txt", "utf-8", "lf", True),
        ("tpl_fanwenwang_breadcrumb.txt", "utf-8", "lf", False),
    ],
)
def test_fixture_pages_decode_as_written(name: str, encoding: str, newlines: str, had_bom: bool) -> None:
    decoded = decode_page(read_page(FIXTURE_PAGES / name, FIXTURE_PAGES))
    assert (decoded.encoding, decoded.newlines, decoded.had_bom) == (encoding, newlines, had_bom)


# Big5 pages: a speech in traditional characters, written for these tests.
TRADITIONAL = (
    "各位同事、各位朋友：\n"
    "今天我們在這裡舉行年度工作會議，總結過去一年的成績，部署新一年的任務。\n"
    "過去一年，我們堅持以市民為中心，推動各項服務不斷改善。\n"
    "展望未來，我們要團結一致，迎難而上，為社會發展作出更大貢獻。\n"
    "謝謝大家！\n"
)
SIMPLIFIED = (
    "同志们：\n"
    "今天召开全县经济工作会议，主要任务是总结去年工作，安排今年任务。\n"
    "过去一年，全县上下齐心协力，各项事业取得新进展。\n"
    "新的一年，我们要坚定信心，真抓实干，推动高质量发展。\n"
)


def html_page(body: str, head: str = "") -> str:
    return f"<html><head>{head}<title>{body.split()[0]}</title></head><body><p>{body}</p></body></html>"


@pytest.mark.parametrize(
    ("text", "codec", "encoding"),
    [
        # No declaration: Big5 bytes used to fail (or come out as GBK look-alikes).
        pytest.param(TRADITIONAL, "big5", "big5hkscs", id="big5_text"),
        pytest.param(html_page(TRADITIONAL), "big5", "big5hkscs", id="big5_html"),
        # A truthful declaration is followed, under its own name.
        pytest.param(html_page(TRADITIONAL, '<meta charset="big5">'), "big5", "big5", id="big5_html_declared"),
        # A declaration that lies (gb2312 over Big5 bytes) fails to decode and is overruled.
        pytest.param(
            html_page(TRADITIONAL, '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">'),
            "big5",
            "big5hkscs",
            id="big5_html_declared_gb2312",
        ),
        # Simplified pages stay GBK, with or without a declaration.
        pytest.param(SIMPLIFIED, "gbk", "gbk", id="gbk_text"),
        pytest.param(html_page(SIMPLIFIED), "gbk", "gbk", id="gbk_html"),
        pytest.param(html_page(SIMPLIFIED, '<meta charset="gb2312">'), "gbk", "gb2312", id="gbk_html_declared"),
        # One line is enough.
        pytest.param("各位同事：今天召開年度工作會議。", "big5", "big5hkscs", id="big5_line"),
        pytest.param("在年度工作會議上的致辭", "big5", "big5hkscs", id="big5_title"),
        pytest.param("同志们：今天召开会议。", "gbk", "gbk", id="gbk_line"),
        pytest.param("在全县经济工作会议上的讲话", "gbk", "gbk", id="gbk_title"),
        # Two characters that GBK reads as two other, rarer ones.
        pytest.param("致辭", "big5", "big5hkscs", id="big5_two_characters"),
        # Hong Kong's own characters (嘅, 哋, 㗎) are in big5hkscs only; the euro sign in cp950 only.
        pytest.param("大家好，今日嘅會議好重要，我哋一齊努力㗎。", "big5hkscs", "big5hkscs", id="big5hkscs_cantonese"),
        pytest.param("今年預算為100€，謝謝大家。", "cp950", "cp950", id="cp950_euro"),
    ],
)
def test_gbk_and_big5_pages_decode_exactly(text: str, codec: str, encoding: str) -> None:
    decoded = decode_page(page(text.encode(codec), "page.html" if text.startswith("<") else "page.txt"))
    assert (decoded.encoding, decoded.text) == (encoding, text)


@pytest.mark.parametrize(
    "text",
    [
        TRADITIONAL,  # GBK holds the traditional characters too: written in GBK, it stays GBK
        "我們要堅持學習，同志们要努力工作。\n",  # both scripts on one line
    ],
)
def test_traditional_characters_written_in_gbk_stay_gbk(text: str) -> None:
    decoded = decode_page(page(text.encode("gbk")))
    assert (decoded.encoding, decoded.text) == ("gbk", text)


@pytest.mark.parametrize("codec", ["hex", "undefined"])  # no text encoding; one that always fails
def test_a_declared_codec_that_gives_no_text_is_ignored(codec: str) -> None:
    text = html_page(SIMPLIFIED, f'<meta charset="{codec}">')
    decoded = decode_page(page(text.encode("gbk"), "page.html"))
    assert (decoded.encoding, decoded.text) == ("gbk", text)


def test_a_declared_codec_that_makes_lone_surrogates_is_refused() -> None:
    # unicode_escape turns these escapes into Chinese text, and \ud800 into a lone
    # surrogate that no later stage could write out; the stray 0x80 keeps UTF-8 off.
    escaped = SIMPLIFIED.encode("unicode_escape") + b"\\ud800\x80"
    with pytest.raises(PageError, match="cannot decode"):
        decode_page(page(b'<meta charset="unicode_escape">' + escaped, "page.html"))


def test_on_a_tie_gbk_wins() -> None:
    # The Big5 bytes of 區選策略 are also four common simplified characters in GBK;
    # four characters cannot tell the two apart, and GBK is the likelier encoding.
    decoded = decode_page(page("區選策略".encode("big5")))
    assert decoded.encoding == "gbk" and decoded.text == "區選策略".encode("big5").decode("gbk")


def test_common_share_prefers_the_right_reading() -> None:
    data = TRADITIONAL.encode("big5")
    assert common_share(data.decode("big5hkscs")) == 1.0
    assert common_share(data.decode("gb18030")) < 0.5
    assert common_share(SIMPLIFIED) == 1.0
    assert common_share("abc") == 0.0
