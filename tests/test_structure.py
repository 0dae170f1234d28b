from __future__ import annotations

import re

import pytest

from cadrespeech.stages import structure_rules
from cadrespeech.stages.structure import structure_page
from cadrespeech.stages.structure_rules import HEADING_STYLES, HeadingStyle, chinese_number


def only_speech(text: str):
    page = structure_page(text)
    assert len(page.speeches) == 1
    speech, blocks = page.speeches[0]
    from dataclasses import replace

    from cadrespeech.stages.sentences import split_blocks

    return replace(speech, sentences=tuple(split_blocks(speech.text, blocks)))


# --- the seed page -------------------------------------------------------------------


def test_seed_titles(seed_page) -> None:
    # Two speech titles of equal weight: the one nearest the speech wins, and a page
    # holding one speech is named by it.
    assert [s.title for s in seed_page.speeches] == ["干部工作会议讲话"]
    assert seed_page.page_title == "干部工作会议讲话"
    assert "speech_word" in seed_page.speeches[0].title_reason


def test_seed_has_six_level_one_sections_with_headings(seed_page) -> None:
    speech = seed_page.speeches[0]
    top = [s for s in speech.sections if s.level == 1]
    assert [s.marker for s in top] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert top[0].heading == "大力强化发展意识，集中精力把经济建设搞上去。"
    assert top[5].heading == "大力强化宗旨意识，进一步密切党群干群关系。"
    assert [s.elided for s in top] == [True, False, False, False, False, False]


def test_seed_section_six_holds_three_level_two_sections(seed_page) -> None:
    speech = seed_page.speeches[0]
    six = speech.sections[5]
    children = [s for s in speech.sections if s.parent == six.section_id]
    assert [(s.marker, s.level) for s in children] == [("（一）", 2), ("（二）", 2), ("（三）", 2)]
    assert [s.heading for s in children] == [
        "树立强烈的公仆意识，扎根于民。",
        "搞好服务，造福于民。",
        "要解决群众反映强烈的热点难点问题，取信于民。",
    ]
    assert len(speech.sections) == 9


def test_seed_heading_line_is_split_into_heading_and_body(seed_page) -> None:
    speech = seed_page.speeches[0]
    quote = "“金杯银杯不如老百姓的口碑，金奖银奖不如老百姓的夸奖。”"
    heading, body = [s for s in speech.sentences if s.paragraph == speech.sentences[-1].paragraph - 4][:2]
    assert heading.is_heading and heading.text == "六、大力强化宗旨意识，进一步密切党群干群关系。"
    assert not body.is_heading and body.text == quote
    assert heading.section == body.section == 5


def test_seed_preamble_and_closing(seed_page) -> None:
    speech = seed_page.speeches[0]
    preamble = [s for s in speech.sentences if s.part == "preamble"]
    closing = [s for s in speech.sentences if s.part == "closing"]
    assert {s.paragraph for s in preamble} == {0, 1}
    assert preamble[0].text.startswith("今天召开领导干部会议，")
    assert closing[0].text.startswith("同志们，今年已经过去三分之一的时间")
    assert all(s.section is None for s in preamble + closing)
    last_section = speech.sections[-1]
    assert last_section.marker == "（三）"
    assert speech.text[last_section.end - 4 : last_section.end] == "好局面。"
    assert speech.text[last_section.end + 1 :].startswith("同志们，")


def test_seed_section_offsets_point_at_their_markers(seed_page) -> None:
    speech = seed_page.speeches[0]
    for section in speech.sections:
        assert speech.text[section.start :].startswith(section.marker + section.heading)
        assert section.start < section.end <= len(speech.text)
        if section.parent is not None:
            parent = speech.sections[section.parent]
            assert parent.start < section.start and section.end <= parent.end


# --- structures the seed does not have -----------------------------------------------

DEEP = """工作报告
同志们：
一、总体情况
今年工作取得新进展。
（一）经济运行平稳
1.工业生产加快。规模以上工业增加值增长。
（1）新开工项目十二个。
①签约项目五个。
②落地项目七个。
（2）竣工项目八个。
2.农业生产稳定。
（二）社会事业进步
二、明年安排
1.抓好项目建设。这里跳过了（一）这一级。
2.抓好民生保障。
谢谢大家！"""


def test_deeper_and_skipped_levels_nest_by_rank() -> None:
    speech = only_speech(DEEP)
    shape = [(s.marker, s.level, None if s.parent is None else speech.sections[s.parent].marker) for s in speech.sections]
    assert shape == [
        ("一、", 1, None),
        ("（一）", 2, "一、"),
        ("1.", 3, "（一）"),
        ("（1）", 4, "1."),
        ("①", 5, "（1）"),
        ("②", 5, "（1）"),
        ("（2）", 4, "1."),
        ("2.", 3, "（一）"),
        ("（二）", 2, "一、"),
        ("二、", 1, None),
        ("1.", 2, "二、"),  # skipped level: 1. directly under 二、
        ("2.", 2, "二、"),
    ]
    assert speech.opening == "同志们："
    assert speech.sentences[-1].part == "closing" and speech.sentences[-1].text == "谢谢大家！"


def test_inline_enumerations_and_out_of_sequence_numbers_are_not_headings() -> None:
    text = "讲话\n同志们：\n一是要提高认识，二是要狠抓落实。\n第一，要讲政治。\n3.这不是从一开始的编号。\n一、真正的标题\n正文。"
    speech = only_speech(text)
    assert [s.marker for s in speech.sections] == ["一、"]


def test_several_speeches_on_one_page_are_split_with_their_titles() -> None:
    text = (
        "作风建设讲话稿（精选2篇）\n篇一：在全县作风建设大会上的讲话\n同志们：\n一、提高认识。\n二、狠抓落实。\n"
        "篇二\n在局机关作风整顿会上的讲话\n同志们：\n一、统一思想。\n谢谢大家！"
    )
    page = structure_page(text)
    assert page.page_title == "作风建设讲话稿（精选2篇）"
    speeches = [speech for speech, _ in page.speeches]
    assert [s.title for s in speeches] == ["在全县作风建设大会上的讲话", "在局机关作风整顿会上的讲话"]
    assert [[x.marker for x in s.sections] for s in speeches] == [["一、", "二、"], ["一、"]]
    assert [s.index for s in speeches] == [0, 1]
    assert [s.occasion for s in speeches] == ["全县作风建设大会", "局机关作风整顿会"]


def test_head_metadata_subtitle_speaker_and_date() -> None:
    text = "压实责任 守牢底线\n——在全县安全生产工作会议上的讲话\n县委书记\u3000王建国\n（二〇二一年三月十五日）\n同志们：\n今天开会。"
    speech = only_speech(text)
    # A main title and its ——subtitle naming the occasion are one title, as readers cite it.
    assert speech.title == "压实责任 守牢底线——在全县安全生产工作会议上的讲话"
    assert speech.subtitle == "在全县安全生产工作会议上的讲话"
    assert "main_and_subtitle" in speech.title_reason
    assert (speech.speaker, speech.date, speech.occasion) == ("王建国", "2021-03-15", "全县安全生产工作会议")
    assert speech.text.startswith("同志们：")


@pytest.mark.parametrize("style", HEADING_STYLES, ids=lambda s: s.name)
def test_heading_style_table(style: HeadingStyle) -> None:
    for example in style.examples:
        assert style.pattern.match(example), example
    for text in style.keeps:
        match = style.pattern.match(text)
        assert match is None or chinese_number(match.group("number")) is None, text


@pytest.mark.parametrize(
    ("text", "value"), [("一", 1), ("十", 10), ("十二", 12), ("二十三", 23), ("一百零五", 105), ("二〇二一", 2021), ("③", 3), ("略", None)]
)
def test_chinese_numbers(text: str, value: int | None) -> None:
    assert chinese_number(text) == value


# --- titles and metadata from real layouts ----------------------------------------------


def test_title_glued_to_its_date_and_speaker() -> None:
    speech = only_speech("在全县防汛工作会议上的讲话（2021年6月3日）王某某\n同志们：\n今天开会，研究部署防汛工作。")
    assert (speech.title, speech.date, speech.speaker) == ("在全县防汛工作会议上的讲话", "2021-06-03", "王某某")


def test_office_line_then_name_line_gives_the_speaker() -> None:
    speech = only_speech("政府工作报告\n国务院总理\n李某某\n各位代表：\n现在，我代表国务院，向大会报告政府工作。")
    assert (speech.title, speech.speaker) == ("政府工作报告", "李某某")


@pytest.mark.parametrize(
    ("head", "title"),
    [
        ("某某委员会\n关于批准某项预算调整的决议", "某某委员会关于批准某项预算调整的决议"),
        ("在全县冬春水利建设\n暨植树造林大会上的讲话", "在全县冬春水利建设暨植树造林大会上的讲话"),
        ("政府工作报\n告", "政府工作报告"),
    ],
)
def test_a_title_over_two_lines_is_joined(head: str, title: str) -> None:
    assert only_speech(f"{head}\n同志们：\n今天开会，研究部署工作。").title == title


def test_the_speech_title_wins_over_the_sites_label() -> None:
    speech = only_speech("在全县作风建设大会上的讲话\n作风建设大会讲话稿\n同志们：\n今天开会，研究部署工作。")
    assert speech.title == "在全县作风建设大会上的讲话"


def test_a_news_headline_wins_over_its_subheadline() -> None:
    speech = only_speech("全市乡村振兴推进会召开\n某某出席并讲话　某某主持\n本报讯 6月20日，全市召开推进会，部署重点工作。")
    assert speech.title == "全市乡村振兴推进会召开"
    assert not speech.is_speech and speech.genre == "新闻"


def test_a_closing_signature_gives_signer_and_date() -> None:
    letter = (
        "给某某同志的回信\n某某同志：\n你好！来信收悉。希望你们继续努力。\n中华人民共和国主席某某某　2020年5月17日\n（某社北京5月18日电）"
    )
    speech = only_speech(letter)
    assert (speech.speaker, speech.date, speech.is_speech) == ("某某某", "2020-05-17", False)


def test_a_table_of_contents_header_is_not_a_title() -> None:
    speech = only_speech("某某市古村落保护条例\n目　　录\n第一章　总则\n第一条　为了保护古村落，制定本条例。")
    assert speech.title == "某某市古村落保护条例"


def test_a_concatenated_dump_splits_at_each_titled_speech() -> None:
    one = "在全县医保征缴工作会议上的讲话\n同志们：\n一、统一思想。\n二、压实责任。\n谢谢大家！\n"
    two = "在全县招生工作会议上的讲话\n同志们：\n招生工作很重要。\n我讲两点。\n谢谢大家！\n"
    three = "在重点项目开工仪式上的讲话\n同志们：\n今天项目开工。\n希望大家努力。\n谢谢大家！"
    page = structure_page(one + two + three)
    assert page.page_title is None
    titles = [speech.title for speech, _ in page.speeches]
    assert titles == ["在全县医保征缴工作会议上的讲话", "在全县招生工作会议上的讲话", "在重点项目开工仪式上的讲话"]


def test_a_long_run_of_numbered_paragraphs_is_not_a_section_tree() -> None:
    # A lawyer's address numbers its paragraphs 1. to 12.; they open no sections.
    body = "\n".join(f"{n}. " + "法治是社会的基石，也是每一位执业者守护的底线，这一点我们任何时候都不能忘记。" * 3 for n in range(1, 13))
    speech = only_speech(f"在法律年度开启典礼上的演辞\n各位嘉宾：\n{body}")
    assert speech.sections == ()
    # Four numbered headings are sections as before.
    short = "\n".join(f"{n}. 第{n}件事\n要抓紧落实。" for n in range(1, 5))
    assert [s.marker for s in only_speech(f"在全县大会上的讲话\n同志们：\n{short}").sections] == ["1.", "2.", "3.", "4."]


def test_a_title_named_only_in_the_removed_lead_is_the_title() -> None:
    from cadrespeech.stages.structure import structure_page

    text = "某某快讯　副委员长说明草案\n各位代表：\n我受委托，作说明。"
    layout = structure_page(text, leads=((0, "关于《某某条例（草案）》的说明全文如下："),))
    speech = layout.speeches[0][0]
    assert speech.title == "关于《某某条例（草案）》的说明"
    assert "title_in_lead" in speech.title_reason


def test_a_page_of_short_lines_or_one_line_is_still_a_document() -> None:
    from cadrespeech.stages.structure import structure_page

    listing = structure_page("全县重点项目名单\n城东污水处理厂\n城西物流园\n南湖大桥")
    assert [s.text for s, _ in listing.speeches] == ["城东污水处理厂\n城西物流园\n南湖大桥"]
    (one,) = structure_page("某某县人民政府关于做好春耕备耕工作的通知").speeches
    assert one[0].text == "某某县人民政府关于做好春耕备耕工作的通知" and not one[0].is_speech
    assert structure_page("").speeches == ()


def test_a_news_headline_names_a_report_but_not_a_speech_under_it() -> None:
    from cadrespeech.stages.structure import structure_page

    report = structure_page("县长主持召开民营企业座谈会\n倾听企业心声　共谋发展良策\n本报讯　昨天，县长主持召开座谈会，听取企业意见。")
    assert report.speeches[0][0].title == "县长主持召开民营企业座谈会"
    speech = structure_page("县委书记在全县大会上强调 对标一流补短板\n同志们：\n今天开会，我讲三点意见。我们要抓落实。")
    assert speech.speeches[0][0].is_speech and speech.speeches[0][0].title is None


def test_a_byline_of_fields_and_a_date_field_give_speaker_and_date() -> None:
    from cadrespeech.stages.head import decide_head

    head = decide_head(["在推介会上的致辞", "市长　韩某某|2023.10.18|来源：某某市投资促进局|浏览：2036"])
    assert (head.speaker, head.date) == ("韩某某", "2023-10-18")
    head = decide_head(["某某集团年会主持词", "主持人：林某某", "时间：2024年1月27日（星期六）下午14:00", "地点：报告厅"])
    assert (head.title, head.speaker, head.date) == ("某某集团年会主持词", "林某某", "2024-01-27")


def test_selected_works_and_reposts_are_cut_where_each_speech_begins() -> None:
    from cadrespeech.stages.structure import structure_page

    body = "\n".join(f"第{n}段讲的是工作，要抓好落实，这一点很重要。" for n in range(1, 6))
    opening = f"开　幕　词\n（一九五六年七月十二日）\n同志们：\n{body}"
    works = structure_page(f"某某文集\n{opening}\n结　　论\n（一九五六年七月十六日）\n同志们：\n{body}")
    assert [s.title for s, _ in works.speeches] == ["开幕词", "结论"] and works.page_title == "某某文集"
    assert [s.date for s, _ in works.speeches] == ["1956-07-12", "1956-07-16"]
    dump = structure_page(f"原标题：在甲会上的讲话\n同志们：\n{body}\n原标题：在乙会上的讲话\n同志们：\n{body}")
    assert [s.title for s, _ in dump.speeches] == ["在甲会上的讲话", "在乙会上的讲话"]


@pytest.mark.parametrize("rule", structure_rules.LINE_PATTERNS, ids=lambda r: r.name)
def test_each_line_pattern_takes_its_examples_and_leaves_its_counter_examples(rule) -> None:
    assert [line for line in rule.examples if not rule.takes(line)] == []
    assert [line for line in rule.keeps if rule.takes(line)] == []


def test_every_public_pattern_of_structure_rules_is_in_a_table() -> None:
    patterns = {value for name, value in vars(structure_rules).items() if isinstance(value, re.Pattern) and not name.startswith("_")}
    tabled = {rule.pattern for rule in structure_rules.LINE_PATTERNS} | {style.pattern for style in structure_rules.HEADING_STYLES}
    assert patterns <= tabled
    assert len({rule.name for rule in structure_rules.LINE_PATTERNS}) == len(structure_rules.LINE_PATTERNS)
