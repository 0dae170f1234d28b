"""The head rules and the scored head decision, on heads written like real sites' heads."""

from __future__ import annotations

import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadrespeech.records import PageMeta
from cadrespeech.stages.head import clean_title, decide_head, read_date, speaker_of
from cadrespeech.stages.head_rules import SPEAKER_RULES, TITLE_RULES, SpeakerRule, TitleRule, is_person_name


def test_rule_names_are_unique() -> None:
    names = [rule.name for rule in TITLE_RULES] + [rule.name for rule in SPEAKER_RULES]
    assert len(names) == len(set(names))


@pytest.mark.parametrize("rule", TITLE_RULES, ids=lambda r: r.name)
def test_title_rule_table(rule: TitleRule) -> None:
    assert rule.examples and rule.keeps
    for example in rule.examples:
        assert rule.pattern.search(example), example
    for keep in rule.keeps:
        assert not rule.pattern.search(keep), keep


@pytest.mark.parametrize("rule", SPEAKER_RULES, ids=lambda r: r.name)
def test_speaker_rule_table(rule: SpeakerRule) -> None:
    assert rule.examples and rule.keeps
    for line, name in rule.examples:
        found = rule.pattern.fullmatch(line)
        assert found and found.group("name") == name, line
    for keep in rule.keeps:
        found = rule.pattern.fullmatch(keep)
        assert not found or not is_person_name(found.group("name")), keep


@pytest.mark.parametrize(
    ("lines", "title", "why"),
    [
        # The site's label for its copy loses to the formal title below it.
        (["县委全会讲话稿", "在县委十四届五次全会上的讲话", "县委书记　林某某"], "在县委十四届五次全会上的讲话", "formal_occasion"),
        # A study-material tag and a date-range column label are not titles.
        (["【2021年3月学习材料】", "在全市重点项目推进会上的讲话"], "在全市重点项目推进会上的讲话", "formal_occasion"),
        (["每周一学（2022年5月9日-5月15日）", "在全省科技大会上的讲话"], "在全省科技大会上的讲话", "formal_occasion"),
        # A headline quoting the title in 《》 gives way to the title it quotes.
        (["周某局长《在全市卫生健康大会上的讲话》", "周某", "（2021年1月8日）"], "在全市卫生健康大会上的讲话", "quoted_in_headline"),
        # A main title spaced out over two lines, then its ——subtitle.
        (
            ["守 正 创 新", "勇 毅 前 行", "——在全县教育大会上的讲话", "韩 某"],
            "守正创新 勇毅前行——在全县教育大会上的讲话",
            "main_over_two_lines",
        ),
        # A headline that starts with its speaker: the title is the occasion part.
        (["郑某某校长在2021届毕业典礼上的讲话"], "在2021届毕业典礼上的讲话", "speaker_before_occasion"),
        # A document title broken over lines is joined.
        (
            ["某某县人民代表大会常务委员会", "关于批准2022年县级预算调整方案的", "决议"],
            "某某县人民代表大会常务委员会关于批准2022年县级预算调整方案的决议",
            "split_over_lines",
        ),
    ],
)
def test_the_best_candidate_wins(lines: list[str], title: str, why: str) -> None:
    head = decide_head(lines)
    assert head.title == title
    assert why in head.title_reason


def test_the_page_title_in_meta_tips_the_choice() -> None:
    lines = ["学习园地", "凝心聚力谋发展"]
    assert decide_head(lines).title == "学习园地"
    meta = PageMeta(title="凝心聚力谋发展_学习园地_某某中学")
    head = decide_head(lines, meta)
    assert head.title == "凝心聚力谋发展"
    assert "agrees_with_page_title" in head.title_reason


@pytest.mark.parametrize(
    ("lines", "speaker", "date"),
    [
        (["在全县大会上的讲话", "（2023年3月13日）李某某"], "李某某", "2023-03-13"),
        (["走向远方——在毕业典礼上的讲话", "宋 琛  2020.6.20"], "宋琛", "2020-06-20"),
        (["在开幕式上的致辞", "欧阳明远"], "欧阳明远", None),
        (["在友好城市论坛上的致辞", "阿卜杜拉·买买提"], "阿卜杜拉·买买提", None),
        (["在全县大会上的讲话", "县长　王䶮"], "王䶮", None),
        (["在全县大会上的讲话", "县长　李𬌗"], "李𬌗", None),
        (["在全縣大會上的講話", "縣長　陳某某", "（二〇二一年三月一日）"], "陳某某", "2021-03-01"),
        (["提振精神", "——在全县大会上的讲话", "（2021年2月31日）"], None, None),
    ],
)
def test_speakers_and_dates(lines: list[str], speaker: str | None, date: str | None) -> None:
    head = decide_head(lines)
    assert (head.speaker, head.date) == (speaker, date)


def test_a_month_only_date_is_kept_as_words() -> None:
    head = decide_head(["在全县大会上的讲话", "（2021年3月）"])
    assert (head.date, head.date_text) == (None, "2021年3月")


@pytest.mark.parametrize(
    ("text", "iso"),
    [("2021年3月1日", "2021-03-01"), ("二〇二一年三月一日", "2021-03-01"), ("2020.6.20", "2020-06-20"), ("2021年2月29日", None)],
)
def test_read_date(text: str, iso: str | None) -> None:
    assert read_date(text)[0] == iso


@pytest.mark.parametrize("line", ["提振精神", "工作报告", "同志们", "开幕词", "结论", "谢谢大家"])
def test_words_are_not_speakers(line: str) -> None:
    assert speaker_of(line) is None


@given(st.lists(st.text(alphabet="在上的讲话会议县某王李（）——年月日0123456789 【】《》", max_size=30), max_size=8))
def test_any_head_gives_a_decision_made_of_its_own_lines(lines: list[str]) -> None:
    head = decide_head(lines)
    # A title is made of the head's own characters, joined at most by a dash or a space.
    assert head.title is None or set(head.title) <= set("".join(lines)) | {"—", " "}
    assert head.title is None or head.title == clean_title(head.title)
    assert head.date is None or datetime.date.fromisoformat(head.date)


def test_a_head_showing_only_a_column_name_takes_the_title_from_the_page() -> None:
    meta = PageMeta(title="在全区安全生产工作会议上的讲话_领导讲话_某某区人民政府网")
    head = decide_head(["领导讲话"], meta)
    assert head.title == "在全区安全生产工作会议上的讲话"
    assert "page_title_only" in head.title_reason
    # With a formal title on the page itself, <title> only agrees or not.
    assert decide_head(["在全县大会上的讲话"], meta).title == "在全县大会上的讲话"


@pytest.mark.parametrize(
    ("lines", "title"),
    [
        # A headline that names the speaker before a quote is no half of the title under it.
        (
            ["【演讲全文】某某：让老城更新成为幸福", "让老城更新成为幸福", "——在城市更新论坛上的主旨演讲"],
            "让老城更新成为幸福——在城市更新论坛上的主旨演讲",
        ),
        # Unicode's other dashes (―― and ──) open a subtitle too.
        (["做一个有光的人――在2022级新生开学典礼上的讲话"], "做一个有光的人——在2022级新生开学典礼上的讲话"),
        # 〈title〉──description: the part after the dash describes the text.
        (["〈共同的未来〉──某某对外政策演说全文中译"], "共同的未来"),
    ],
)
def test_title_forms_of_news_and_university_sites(lines: list[str], title: str) -> None:
    assert decide_head(lines).title == title
