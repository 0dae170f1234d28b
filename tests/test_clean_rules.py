"""Walk the rule table: every rule changes its examples as stated and keeps its counter-examples."""

from __future__ import annotations

import re

import pytest

from cadrespeech.clean import apply_rules
from cadrespeech.clean_rules import RULE_NAMES, RULES, CleanRule
from cadrespeech.edits import replay

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
    from cadrespeech.clean import RULE_NAMES as ALL_RULES

    from .conftest import CARD

    table = re.findall(r"^\| ([a-z_]+) \| ", CARD.read_text(encoding="utf-8"), re.M)
    listed = [name for name in table if name in ALL_RULES]
    assert listed == list(ALL_RULES)
