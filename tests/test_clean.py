from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadrespeech.stages.clean import CleanConfig, clean_text
from cadrespeech.stages.edits import replay

from .conftest import SEED

SEED_TEXT = SEED.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def seed_clean():
    return clean_text(SEED_TEXT)


def test_seed_breadcrumb_is_removed_and_logged(seed_clean) -> None:
    assert "首页 > 文章中心 > 正文" not in seed_clean.text
    (edit,) = [e for e in seed_clean.edits if e.rule == "breadcrumb"]
    assert (edit.start, edit.before, edit.after) == (0, "首页 > 文章中心 > 正文", "")


def test_seed_repeated_title_collapses_to_one_copy_and_the_variant_stays(seed_clean) -> None:
    lines = seed_clean.text.split("\n")
    assert lines[:2] == ["干部会议讲话", "干部工作会议讲话"]
    (edit,) = [e for e in seed_clean.edits if e.rule == "repeated_title"]
    assert edit.before == "干部会议讲话"
    assert SEED_TEXT[edit.start : edit.end] == "干部会议讲话" and edit.start > 20  # the second copy


def test_seed_watermark_is_cut_from_the_paragraph_end_and_the_paragraph_stays(seed_clean) -> None:
    assert "公务员之家" not in seed_clean.text
    assert "用实实在在的利益引导农民。\n（三）要解决群众反映强烈的热点难点问题，取信于民。" in seed_clean.text
    (edit,) = [e for e in seed_clean.edits if e.rule == "watermark_copyright"]
    assert edit.before == "公务员之家版权所有"


def test_seed_ascii_punctuation_becomes_full_width(seed_clean) -> None:
    assert "（一）树立强烈的公仆意识，扎根于民。" in seed_clean.text
    assert "集中精力把经济建设搞上去。（略）" in seed_clean.text
    assert "让人民高兴；以良好的党风取信于民" in seed_clean.text
    assert not set(",;()") & set(seed_clean.text)


def test_cleaning_never_fixes_the_sources_words(seed_clean) -> None:
    # The page's own typos and its missing word stay: we clean, we do not edit.
    for typo in ("判党", "全心全益", "发挥了的作用"):
        assert typo in SEED_TEXT and typo in seed_clean.text


def test_seed_replay_and_idempotence(seed_clean) -> None:
    assert replay(SEED_TEXT, seed_clean.edits) == seed_clean.text
    assert clean_text(seed_clean.text).edits == ()


@pytest.mark.parametrize(
    "kept",
    ["增长3.5个百分点", "2019-01-02", "http://a.b/c?d=1", "10:30", "共1,200人"],
)
def test_numbers_dates_and_urls_keep_ascii_punctuation(kept: str) -> None:
    text = f"会议指出,今年{kept}要落实。"
    cleaned = clean_text(text).text
    assert kept in cleaned
    assert cleaned.startswith("会议指出，")


def test_zero_width_and_indentation_are_removed() -> None:
    cleaned = clean_text("\u3000\u3000干部\u200b队伍建设要加强。\n\u3000\u3000第二段。")
    assert cleaned.text == "干部队伍建设要加强。\n第二段。"
    assert {e.rule for e in cleaned.edits} == {"line_space", "zero_width"}


def test_config_can_skip_a_rule_and_rejects_unknown_names() -> None:
    kept = clean_text("讲话,开始。", CleanConfig(skip=frozenset({"punctuation_width"})))
    assert kept.text == "讲话,开始。"
    with pytest.raises(ValueError, match="unknown cleaning rule"):
        CleanConfig(skip=frozenset({"no_such_rule"}))


# Text built from the characters and fragments the rules care about, so that the
# properties are exercised where rules actually fire and interact.
FRAGMENTS = st.sampled_from(
    [
        "首页 > 正文",
        "\n",
        "\n\n",
        "\u3000\u3000",
        " ",
        "\u200b",
        ",",
        "(",
        ")",
        ":",
        "?",
        "!",
        "。",
        "“",
        "”",
        "同志们",
        "版权所有",
        "公务员之家",
        "本文由范文网整理",
        "一、",
        "（一）",
        "1.",
        "3.5",
        "http://a.b/c?d=1",
        "干部",
        "会议",
        "讲话",
        "a",
        "7",
        "\r",
        "\t",
        "相关文章",
        "打印本文",
        "责任编辑：张三",
        "Copyright",
    ]
)
TEXTS = st.one_of(st.text(max_size=60), st.lists(FRAGMENTS, max_size=30).map("".join))


@settings(max_examples=300, deadline=None)
@given(TEXTS)
def test_clean_properties_on_arbitrary_text(text: str) -> None:
    cleaned = clean_text(text)
    assert replay(text, cleaned.edits) == cleaned.text
    for edit in cleaned.edits:
        assert text[edit.start : edit.end] == edit.before
    assert clean_text(cleaned.text).text == cleaned.text
    assert clean_text(cleaned.text).edits == ()


TAG = re.compile(r"<[^<>]*>")


def markup_rows(raw: str, edits) -> list[tuple[str, str]]:
    """(rule, tag) for every tag in ``raw``, with the rule of the ledger row that holds it."""
    rows = []
    for tag in TAG.finditer(raw):
        (edit,) = [e for e in edits if e.start <= tag.start() and tag.end() <= e.end]  # never split between rows
        rows.append((edit.rule, tag.group()))
    return rows


@pytest.mark.parametrize(
    ("page", "markup", "text"),
    [
        # blank_line takes the line breaks the block tags left, not the tags.
        ("<div><p>同志们：</p>\n\n<p>  </p>\n<p>今天召开会议。</p></div>", "html", "今天召开会议。"),
        (
            "<html><body><div class='article'><p>同志们：</p>\n\n<p>  </p>\n<p>今天召开全县工作会议，研究部署今年的工作。</p>"
            "<p>一、要提高认识，抓好落实〔1〕。</p>\n<p>注释：</p>\n<p>〔1〕见某某文件汇编，第二卷。</p></div></body></html>",
            "html",
            "同志们：\n今天召开全县工作会议，研究部署今年的工作。\n一、要提高认识，抓好落实。",
        ),
        ("---\ntitle: 讲话\n---\n<p>同志们：</p>\n\n<br>\n<p>今天召开会议。</p>", "markdown", "同志们：\n今天召开会议。"),
    ],
    ids=["blank_lines", "notes_block", "markdown_tags"],
)
def test_markup_stays_under_the_markup_rules_that_removed_it(page: str, markup: str, text: str) -> None:
    cleaned = clean_text(page, markup=markup)
    assert cleaned.text == text
    assert replay(page, cleaned.edits) == cleaned.text
    rules = {rule for rule, _ in markup_rows(page, cleaned.edits)}
    assert all(rule.startswith(("html_", "md_")) for rule in rules), rules
    # Text rules still log the text they remove, and nothing else.
    for edit in cleaned.edits:
        if not edit.rule.startswith(("html_", "md_")):
            assert not TAG.search(edit.before), edit


def test_a_notes_block_split_around_its_tags_still_reads_back() -> None:
    from cadrespeech.stages.notes import extract_notes

    page = (
        "<html><body><div class='article'><p>同志们：</p><p>今天召开会议，要抓好落实〔1〕，加强学习〔2〕。</p>"
        "<p>注释：</p>\n<p>〔1〕见某某文件汇编，第二卷。</p>\n<p>〔2〕同上。</p></div></body></html>"
    )
    cleaned = clean_text(page, is_html=True)
    assert [(n.marker, n.text) for n in extract_notes(page, cleaned)] == [("〔1〕", "见某某文件汇编，第二卷。"), ("〔2〕", "同上。")]
    assert {e.rule for e in cleaned.edits if "〔2〕同上。" in e.before} == {"note_block"}


def test_numbered_notes_parted_only_by_block_tags_still_read_back() -> None:
    from cadrespeech.stages.notes import extract_notes

    page = (
        "<html><body><div class='article'><p>同志们：</p><p>今天召开全县工作会议，部署推进“链长制”和“一网通办”两项工作。</p>"
        "<p>一、要提高认识，抓好落实。各级各部门要把这两项工作摆上重要位置。</p>\n"
        "<p><strong>名词解释</strong></p>\n<p>1.“链长制”：由县领导担任产业链链长的工作机制。</p>\n"
        "<p>2.“一网通办”：政务服务事项网上一次登录、一网办理。</p></div></body></html>"
    )
    cleaned = clean_text(page, is_html=True)
    assert [n.marker for n in extract_notes(page, cleaned)] == ["1.", "2."]
