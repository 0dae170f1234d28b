"""A page's own site name, read from the page, and the watermarks made of it."""

from __future__ import annotations

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from cadrespeech.stages.clean import clean_text
from cadrespeech.stages.edits import replay
from cadrespeech.stages.sitename import NAME_SIGNS, NameSign, infer_site_names

# A template site's dump: its name stands only in the breadcrumb and the footer, and is
# glued into the speech in four ways. Invented text.
TEMPLATE_DUMP = (
    "青萍文稿网 > 工作报告 > 正文\n"
    "在全县财政工作会议上的讲话\n"
    "同志们：\n"
    "今年全县财政运行总体平稳，收支矛盾有所缓解。青萍文稿网www.qingping.example.com整理，仅供参考\n"
    "下半年，我们要坚持过紧日子的思想，青萍文稿网从严控制一般性支出，确保基本民生支出。\n"
    "要加强资金监管，确保每一分钱都用在刀刃上。本文地址：http://www.qingping.example.com/a/1.html\n"
    "青萍文稿网（www.qingping.example.com）版权所有\n"
)


@pytest.mark.parametrize("sign", NAME_SIGNS, ids=lambda s: s.name)
def test_name_sign_table(sign: NameSign) -> None:
    assert sign.examples and sign.keeps
    for text, name in sign.examples:
        found = sign.pattern.search(text)
        assert found and next(g for g in found.groups() if g) == name, text
    for text in sign.keeps:
        found = sign.pattern.search(text)
        assert not found or not any(found.groups()), text


GUARDED_SIGNS = [sign for sign in NAME_SIGNS if sign.needs]


def _without_needs(text: str, needs: tuple[str, ...]) -> str:
    """``text`` with every needed literal taken out, in any case, until none is left."""
    while any(need in text.lower() for need in needs):
        for need in needs:
            at = text.lower().find(need)
            if at >= 0:
                text = text[:at] + text[at + len(need) :]
    return text


def test_the_copyright_scan_is_guarded() -> None:
    # The scan for a name before 版权所有 was most of the cost of reading a page's site names.
    assert "copyright_line" in {sign.name for sign in GUARDED_SIGNS}


@pytest.mark.parametrize("sign", GUARDED_SIGNS, ids=lambda s: s.name)
@settings(max_examples=80, deadline=None)
@given(data=st.data())
def test_a_guarded_sign_finds_nothing_without_its_literals(sign: NameSign, data) -> None:
    alphabet = sorted({c for text, _ in sign.examples for c in text + text.upper()} | set("\n （）() "))
    text = _without_needs(data.draw(st.text(alphabet=alphabet, max_size=120)), sign.needs)
    assert not any(any(match.groups()) for match in sign.pattern.finditer(text))


def test_the_guard_lets_every_example_of_a_guarded_sign_through() -> None:
    for sign in GUARDED_SIGNS:
        for text, name in sign.examples:
            assert name in infer_site_names(text), text
    assert infer_site_names("(C) 2020 某某文稿网") == ("某某文稿网",)  # the literal is matched in any case


def test_the_name_comes_from_the_page_itself() -> None:
    assert infer_site_names(TEMPLATE_DUMP)[0] == "青萍文稿网"
    assert infer_site_names("同志们：\n今天开会。") == ()


def test_the_sites_watermarks_leave_the_speech_and_the_ledger_holds_them() -> None:
    cleaned = clean_text(TEMPLATE_DUMP)
    assert "青萍" not in cleaned.text
    assert "本文地址" not in cleaned.text
    assert "下半年，我们要坚持过紧日子的思想，从严控制一般性支出，确保基本民生支出。" in cleaned.text
    assert "今年全县财政运行总体平稳，收支矛盾有所缓解。" in cleaned.text
    assert {e.rule for e in cleaned.edits} >= {"site_watermark"}
    assert replay(TEMPLATE_DUMP, cleaned.edits) == cleaned.text


def test_a_news_sites_own_dateline_and_a_mention_stay() -> None:
    page = "某某新闻网北京2月13日消息 县里召开会议。\n据某某新闻网报道，会议研究了工作。\nCopyright © 某某新闻网"
    cleaned = clean_text(page)
    assert "某某新闻网北京2月13日消息" in cleaned.text
    assert "据某某新闻网报道" in cleaned.text


def test_an_organisations_name_is_never_cut_from_its_sentences() -> None:
    # A school's name in its footer is not a website's: the speech may say it anywhere.
    page = "同志们：\n绍川市第一中学是一所百年名校，我们要办好绍川市第一中学。\n绍川市第一中学 版权所有"
    assert "我们要办好绍川市第一中学。" in clean_text(page).text


# breadcrumb_root as first written: up to six characters matched before 位置.
_PLAIN_BREADCRUMB = (
    r"(?:^|\n|[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]{0,6}位置\s*[：:])\s*"
    r"(?P<name>[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z0-9]{2,16}?"
    r"(?:网|網|站|网站|網站|文库|文庫|之家|在线|在線|论坛|論壇|频道|頻道|平台|平臺))\s*(?:>|＞|»|→)"
)
_CRUMB_PIECES = ("当前", "您的", "位置", "：", ":", " ", "\n", "某某", "文稿", "网", "站", ">", "＞", "首页", "正文", "讲话")


@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(_CRUMB_PIECES), max_size=24).map("".join))
@example(text="某某网 > 首页\n文稿网>正文\n您的当前位置： 某某文稿站 ＞ 讲话")
def test_the_breadcrumb_sign_finds_the_names_its_plain_pattern_finds(text: str) -> None:
    import re

    sign = next(sign for sign in NAME_SIGNS if sign.name == "breadcrumb_root")
    plain = {match.group("name") for match in re.finditer(_PLAIN_BREADCRUMB, text)}
    assert {match.group("name") for match in sign.pattern.finditer(text)} == plain
