from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from cadrespeech.errors import PageError
from cadrespeech.ingest import decode_page, list_raw_pages, normalise_newlines, read_page, sha256_hex
from cadrespeech.records import RawPage

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
