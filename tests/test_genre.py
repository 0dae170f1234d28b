from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadrespeech.stages.genre import FALLBACK, GENRE_RULES, GenreRule, classify
from cadrespeech.stages.textclass import SIMPLIFIED_ONLY, TRADITIONAL_ONLY, detect_script


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in GENRE_RULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", GENRE_RULES, ids=lambda r: r.name)
def test_genre_rule_table(rule: GenreRule) -> None:
    assert rule.examples and rule.keeps
    for title, text in rule.examples:
        assert rule.evidence(title, text), (title, text)
    for title, text in rule.keeps:
        assert not rule.evidence(title, text), (title, text)


@pytest.mark.parametrize(
    ("title", "text", "is_speech", "genre"),
    [
        ("在全县安全生产工作会议上的讲话", "同志们：\n今天开会。", True, "讲话"),
        ("在开幕式上的致辞", "尊敬的各位来宾：", True, "致辞"),
        ("政府工作报告", "各位代表：", True, "报告"),
        ("某县人民代表大会关于政府工作报告的决议", "会议听取了报告。", False, "决议"),
        ("关于做好防汛工作的通知", "各乡镇：", False, "通知"),
        (None, "张某同志：\n你好！来信收悉。", False, "书信"),
        (None, "本报讯（记者 王某）6月20日，全市召开会议。", False, "新闻"),
        ("某词", "某词可以指：\n一篇文章", False, "消歧义页"),
        (None, "据统计，全县去年投入资金三千万元。", False, "文章"),
    ],
)
def test_classify(title: str | None, text: str, is_speech: bool, genre: str) -> None:
    got = classify(title, text)
    assert got[:2] == (is_speech, genre)
    # The reason names the rule that decided and what it saw, or says that none fired.
    rule, _, evidence = got[2].partition(": ")
    assert got[2] == FALLBACK[2] or (rule in {r.name for r in GENRE_RULES} and evidence)


def test_a_speech_titled_wiki_stub_is_still_a_stub() -> None:
    assert classify("在全市干部大会上的讲话", "在全市干部大会上的讲话可以指：\n一、某年的讲话\n二、另一年的讲话")[:2] == (False, "消歧义页")


@pytest.mark.parametrize(
    ("text", "script"),
    [
        ("我们要加强干部队伍建设", "simplified"),
        ("我們要加強幹部隊伍建設", "traditional"),
        ("我們要加强建设这个", "mixed"),
        ("GDP 3.5", "none"),
    ],
)
def test_detect_script(text: str, script: str) -> None:
    assert detect_script(text) == script


@settings(max_examples=200, deadline=None)
@given(text=st.text(alphabet="们們会會这這说說国國学學发發a，。的要\n]^-\\", max_size=60))
def test_the_script_is_read_from_each_script_only_character(text: str) -> None:
    # The sets are counted as regex classes: each character counts once, and nothing else counts.
    simplified = sum(char in SIMPLIFIED_ONLY for char in text)
    traditional = sum(char in TRADITIONAL_ONLY for char in text)
    if not simplified + traditional:
        expected = "simplified" if any("\u4e00" <= char <= "\u9fff" for char in text) else "none"
    else:
        share = traditional / (simplified + traditional)
        expected = "traditional" if share > 0.9 else "simplified" if share < 0.1 else "mixed"
    assert detect_script(text) == expected


def test_fixture_speech_in_traditional_characters_is_marked(segmenter) -> None:
    from cadrespeech.stages.ingest import read_page
    from cadrespeech.stages.pipeline import process_page

    from .conftest import FIXTURE_PAGES

    page = process_page(read_page(FIXTURE_PAGES / "txt_traditional_speech.txt", FIXTURE_PAGES), segmenter)
    assert page.speeches[0].script == "traditional" and page.speeches[0].is_speech
    assert "們" in page.speeches[0].text  # never converted
