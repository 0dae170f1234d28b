"""Walk the markdown table, and check that markdown cleaning keeps the ledger's promises."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadrespeech.stages.clean import RULE_NAMES, CleanConfig, apply_rules, clean_text
from cadrespeech.stages.clean_rules import RULES, CleanRule
from cadrespeech.stages.edits import replay
from cadrespeech.stages.markdown_rules import MARKDOWN_RULE_NAMES, MARKDOWN_RULES

EXAMPLES = [(rule, given, expected) for rule in MARKDOWN_RULES for given, expected in rule.examples]
KEEPS = [(rule, text) for rule in MARKDOWN_RULES for text in rule.keeps]


def test_every_markdown_rule_has_a_unique_name_examples_and_counter_examples() -> None:
    assert len(set(RULE_NAMES)) == len(RULE_NAMES)  # markdown names never shadow a text rule's
    assert all(name.startswith("md_") for name in MARKDOWN_RULE_NAMES)
    for rule in MARKDOWN_RULES:
        assert rule.examples, f"{rule.name} has no example"
        assert rule.keeps, f"{rule.name} has no counter-example"
        assert rule.description


@pytest.mark.parametrize(("rule", "given", "expected"), EXAMPLES, ids=lambda v: v.name if isinstance(v, CleanRule) else None)
def test_markdown_rule_changes_its_example(rule: CleanRule, given: str, expected: str) -> None:
    cleaned = apply_rules(given, (rule,))
    assert cleaned.text == expected
    assert {edit.rule for edit in cleaned.edits} == {rule.name}
    assert replay(given, cleaned.edits) == expected


@pytest.mark.parametrize(("rule", "text"), KEEPS, ids=lambda v: v.name if isinstance(v, CleanRule) else None)
def test_markdown_rule_keeps_its_counter_example(rule: CleanRule, text: str) -> None:
    cleaned = apply_rules(text, (rule,))
    assert cleaned.text == text
    assert cleaned.edits == ()


# A Hugo post as the crawled blogs write them (invented text, traditional script).
HUGO_POST = """---
title: "在全縣幹部大會上的講話"
date: "2019-04-02"
author: "某某"
tags:
  - "講話"
---

# 在全縣幹部大會上的講話


{{< video src="https://example.org/embed/abc" >}}


同志們：今天我們召開全縣幹部大會，**主要任務**是部署今年的工作。{hard_break}
據[新華社報道](https://example.org/news/1)，各地都在行動。

<figure>
<img src="https://example.org/a.jpg" alt="">
<figcaption>會議現場</figcaption>
</figure>

> 要堅持人民至上。

---

![博客 | 某某](https://example.org/avatar.png)

[https://example.org/blog](https://example.org/blog)
""".replace("{hard_break}", "  ")  # two trailing spaces: a hard line break


def test_a_hugo_post_keeps_its_text_and_loses_its_markup() -> None:
    cleaned = clean_text(HUGO_POST, markup="markdown")
    assert cleaned.text == (
        "在全縣幹部大會上的講話\n"
        "同志們：今天我們召開全縣幹部大會，主要任務是部署今年的工作。\n"
        "據新華社報道，各地都在行動。\n"
        "要堅持人民至上。"
    )
    assert replay(HUGO_POST, cleaned.edits) == cleaned.text
    rules = {edit.rule for edit in cleaned.edits}
    assert {"md_front_matter", "md_shortcode", "md_html_figure", "md_image", "md_link", "md_emphasis", "md_heading"} <= rules
    assert {"md_blockquote", "md_rule", "md_hard_break"} <= rules


def test_the_same_page_as_text_keeps_markdown_syntax() -> None:
    # Without markup="markdown" only the text rules run: the link and emphasis syntax stay.
    text = clean_text(HUGO_POST).text
    assert "[新華社報道]" in text and "**主要任務**" in text


def test_markdown_rules_can_be_skipped_by_name_and_unknown_names_still_fail() -> None:
    kept = clean_text("要**坚持**。", CleanConfig(skip=frozenset({"md_emphasis"})), markup="markdown")
    assert kept.text == "要**坚持**。"
    with pytest.raises(ValueError, match="unknown cleaning rule"):
        CleanConfig(skip=frozenset({"md_no_such_rule"}))


def test_markup_must_be_known_and_agree_with_is_html() -> None:
    with pytest.raises(ValueError, match="markup must be one of"):
        clean_text("正文", markup="rst")
    with pytest.raises(ValueError, match="markup must be one of"):
        clean_text("正文", is_html=True, markup="markdown")


def test_markdown_rows_run_before_the_text_rules() -> None:
    names = [rule.name for rule in CleanConfig().active_rules("markdown")]
    text_names = [rule.name for rule in RULES]
    assert names[: len(MARKDOWN_RULE_NAMES) + len(text_names)] == list(MARKDOWN_RULE_NAMES) + text_names
    assert not set(MARKDOWN_RULE_NAMES) & {rule.name for rule in CleanConfig().active_rules("text")}


# Fragments of markdown and of the text the rules care about, so that the properties are
# exercised where markdown rows and text rules fire and interact.
MARKDOWN_FRAGMENTS = st.sampled_from(
    [
        "\n",
        "\n\n",
        "  ",
        " ",
        "\\",
        "#",
        "## ",
        "===",
        "---",
        "* * *",
        "> ",
        ">",
        "**",
        "__",
        "*",
        "_",
        "[",
        "]",
        "(",
        ")",
        "](https://example.org/a)",
        "[1]",
        "![图](/a.png)",
        "[新华社](https://example.org/x)",
        "[https://example.org](https://example.org)",
        "{{< video >}}",
        "{{% notice %}}",
        "<figure>",
        "<figcaption>",
        "</figure>",
        "<br>",
        "<strong>",
        "</strong>",
        "<!--more-->",
        "同志们",
        "坚持",
        "。",
        "，",
        "首页 > 正文",
        "版权所有",
        "\u3000\u3000",
        "\u200b",
        "一、",
        "http://a.b/c?__tn__=1",
    ]
)
FRONT = st.sampled_from(["", "---\ntitle: 讲话\n---\n", "---\ntitle: [\n---\n", "---\n---\n"])
PAGES = st.builds(lambda front, body: front + "".join(body), FRONT, st.lists(MARKDOWN_FRAGMENTS, max_size=30))


@settings(max_examples=300, deadline=None)
@given(st.one_of(PAGES, st.text(max_size=60)))
def test_markdown_cleaning_replays_and_settles(page: str) -> None:
    cleaned = clean_text(page, markup="markdown")
    assert replay(page, cleaned.edits) == cleaned.text
    for edit in cleaned.edits:
        assert page[edit.start : edit.end] == edit.before
    again = clean_text(cleaned.text, markup="markdown")
    assert again.edits == ()
    assert clean_text(cleaned.text).text == cleaned.text
