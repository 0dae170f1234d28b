"""Walk the rule table: every rule changes its examples as stated and keeps its counter-examples."""

from __future__ import annotations

import re

import pytest

from cadrespeech.stages.clean import apply_rules
from cadrespeech.stages.clean_rules import RULE_NAMES, RULES, CleanRule
from cadrespeech.stages.edits import replay

EXAMPLES = [(rule, given, expected) for rule in RULES for given, expected in rule.examples]
KEEPS = [(rule, text) for rule in RULES for text in rule.keeps]


def test_every_rule_has_a_unique_name_examples_and_counter_examples() -> None:
    assert len(set(RULE_NAMES)) == len(RULE_NAMES)
    for rule in RULES:
        assert rule.examples, f"{rule.name} has no example"
        assert rule.keeps, f"{rule.name} has no counter-example"
        assert rule.description


@pytest.mark.parametrize(("rule", "given", "expected"), EXAMPLES, ids=lambda v: v.name if isinstance(v, CleanRule) else None)
def test_rule_changes_its_example(rule: CleanRule, given: str, expected: str) -> None:
    cleaned = apply_rules(given, (rule,))
    assert cleaned.text == expected
    assert {edit.rule for edit in cleaned.edits} == {rule.name}
    assert replay(given, cleaned.edits) == expected


@pytest.mark.parametrize(("rule", "text"), KEEPS, ids=lambda v: v.name if isinstance(v, CleanRule) else None)
def test_rule_keeps_its_counter_example(rule: CleanRule, text: str) -> None:
    cleaned = apply_rules(text, (rule,))
    assert cleaned.text == text
    assert cleaned.edits == ()


def test_the_card_lists_every_rule_in_the_order_it_runs() -> None:
    from cadrespeech.stages.clean import RULE_NAMES as ALL_RULES

    from .conftest import CARD

    table = re.findall(r"^\| ([a-z_]+) \| ", CARD.read_text(encoding="utf-8"), re.M)
    listed = [name for name in table if name in ALL_RULES]
    assert listed == list(ALL_RULES)


# Short speech sentences made of the words boilerplate uses: banners, footers, tools,
# article info, related lists, page turns. Inside a speech they are speech.
SHORT_SPEECH_SENTENCES = (
    "我们要为身边的好干部点赞！",
    "请各乡镇及时转发。",
    "联系电话：要保持畅通。",
    "打印、复印的材料要清点。",
    "分享到基层去的经验要总结。",
    "来源：群众的意见要认真听。",
    "相关文章要认真学习。",
    "上一篇讲的是作风，下一篇讲纪律。",
    "欢迎大家提出意见！",
    "第1页的数据要核实。",
    "扫码登记要规范。",
    "关注群众的急难愁盼！",
    "完成任务。",
    "主办单位：要负总责。",
)


@pytest.mark.parametrize("sentence", SHORT_SPEECH_SENTENCES)
def test_no_line_rule_deletes_a_short_sentence_inside_the_body(sentence: str) -> None:
    from cadrespeech.stages.clean import clean_text
    from cadrespeech.stages.clean_rules import BODY_AFTER, BODY_BEFORE

    cleaned = clean_text(BODY_BEFORE + sentence + BODY_AFTER).text
    assert sentence in cleaned.split("\n")
