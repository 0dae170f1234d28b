"""Walk the rule table: every rule changes its examples as stated and keeps its counter-examples."""

from __future__ import annotations

import re

import pytest
from hypothesis import example as with_example
from hypothesis import given, settings
from hypothesis import strategies as st

from cadrespeech.stages import clean_rules as clean_rules_module
from cadrespeech.stages.clean import apply_rules
from cadrespeech.stages.clean_rules import RULE_NAMES, RULES, CleanRule
from cadrespeech.stages.edits import replay
from cadrespeech.stages.markdown_rules import MARKDOWN_RULES
from cadrespeech.stages.textclass import HAN, SENTENCE_END

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


# --- guards: a rule that declares the literals it needs is skipped where none occurs ---

# The markdown rows run in the same fixpoint as the text rules, under the same guard.
GUARDED = [rule for rule in (*MARKDOWN_RULES, *RULES) if rule.needs]


def _without_literals(text: str, literals: tuple[str, ...]) -> str:
    """``text`` with every needed literal taken out, until none is left (taking one out may join another)."""
    while any(literal in text for literal in literals):
        for literal in literals:
            text = text.replace(literal, "")
    return text


def test_the_costly_rules_are_guarded() -> None:
    # The rules that found nothing on most real pages yet cost most of the cleaning.
    assert {"paywall", "watermark_copyright", "photo_credit", "photo_caption", "licence_tail"} <= {r.name for r in GUARDED}


@pytest.mark.parametrize("rule", GUARDED, ids=lambda rule: rule.name)
def test_a_guarded_rule_finds_nothing_once_its_literals_are_gone(rule: CleanRule) -> None:
    """The guard is sound: the finder itself, unguarded, finds nothing in its own examples without the literals."""
    for example, _ in rule.examples:
        assert rule.may_change(example), f"{rule.name}'s guard would skip its own example {example!r}"
        assert list(rule.find(_without_literals(example, rule.needs))) == []


@pytest.mark.parametrize("rule", GUARDED, ids=lambda rule: rule.name)
@settings(max_examples=60, deadline=None)
@given(data=st.data())
def test_a_guarded_rule_finds_nothing_without_its_literals_in_any_text(rule: CleanRule, data) -> None:
    # Texts made of the characters the rule's examples are made of, so they come close to matching.
    alphabet = sorted({c for given, _ in rule.examples for c in given} | set("\n。，（）() \u3000"))
    text = _without_literals(data.draw(st.text(alphabet=alphabet, max_size=120)), rule.needs)
    assert not rule.may_change(text)
    assert list(rule.find(text)) == []


def _always_contains_a_need(pattern: list, needs: tuple[str, ...], before: str = "") -> bool:
    """Whether every match of a parsed regex (``re._parser``) contains one of ``needs``: read off its literals.

    ``before`` is the literal text that always stands right before ``pattern`` (the
    parser factors 开通会员|开通VIP into 开通 and a branch).
    """
    from re import _constants as op

    run = before
    for code, value in [*pattern, (None, None)]:
        if code is op.LITERAL:
            run += chr(value)
            continue
        if any(need in run for need in needs):
            return True
        # A run then a class of characters: 发[）)] holds 发） or 发).
        literal_class = code is op.IN and all(item is op.LITERAL for item, _ in value)
        if literal_class and all(any(need in run + chr(char) for need in needs) for _, char in value):
            return True
        if code is op.SUBPATTERN and _always_contains_a_need(value[3], needs, run):
            return True
        if code is op.BRANCH and all(_always_contains_a_need(branch, needs, run) for branch in value[1]):
            return True
        repeated = code in (op.MAX_REPEAT, op.MIN_REPEAT, op.POSSESSIVE_REPEAT) and value[0] >= 1
        if repeated and len(value[2]) == 1 and value[2][0][0] is op.LITERAL:
            # c{2,} holds cc: the run goes on with the least number of copies, which also end the repeat.
            copies = chr(value[2][0][1]) * value[0]
            if any(need in run + copies for need in needs):
                return True
            run = copies
            continue
        if repeated and _always_contains_a_need(value[2], needs, run):
            return True
        run = ""
    return False


def _finder_regex(rule: CleanRule) -> re.Pattern | None:
    import inspect

    regex = inspect.getclosurevars(rule.find).nonlocals.get("regex")
    return regex if isinstance(regex, re.Pattern) else None


@pytest.mark.parametrize("rule", [rule for rule in GUARDED if _finder_regex(rule)], ids=lambda rule: rule.name)
def test_a_guarded_regex_rule_cannot_match_without_a_literal_it_needs(rule: CleanRule) -> None:
    """Read off the regex itself: every branch of it holds one of the declared literals."""
    from re import _parser

    regex = _finder_regex(rule)
    # A regex that ignores case can match a need in another case: only needs with no case may guard it.
    assert not regex.flags & re.IGNORECASE or all(need.lower() == need.upper() for need in rule.needs)
    assert _always_contains_a_need(list(_parser.parse(regex.pattern, regex.flags)), rule.needs)


def test_the_guarded_finders_written_as_functions_match_only_through_their_literals() -> None:
    from re import _parser

    from cadrespeech.stages import clean_rules

    rules = {rule.name: rule for rule in GUARDED}
    regexes = {  # the regexes each function-written rule finds with
        "watermark_copyright": (clean_rules._COPYRIGHT,),
        "photo_caption": (clean_rules._CREDIT, clean_rules._PICTURED),  # a caption stands above a credit, or says 图为
    }
    for name, patterns in regexes.items():
        for regex in patterns:
            assert _always_contains_a_need(list(_parser.parse(regex.pattern, regex.flags)), rules[name].needs), (name, regex.pattern)


def test_the_literal_reading_is_not_fooled() -> None:
    from re import _parser

    def check(pattern: str, needs: tuple[str, ...]) -> bool:
        return _always_contains_a_need(list(_parser.parse(pattern)), needs)

    assert check("(?:本文)?某网(?:独家)?首发", ("首发",))
    assert not check("(?:本文)?某(?:网|站)(?:独家)?首发", ("网首发",))  # 站首发 has no 网首发
    assert check("[摄攝]影", ("摄", "攝"))
    assert not check("[摄攝]影", ("摄",))
    assert check("社发[）)]", ("发）", "发)"))
    assert not check("社发[）)]", ("发）",))
    assert not check("(?:版权)?所有", ("版权",))  # optional: a match may lack it
    assert check("a|版权所有|b版权", ("版权",)) is False
    assert check("x版权所有|b版权", ("版权",))
    assert check("开通(?:会员|VIP)", ("开通会员", "开通VIP"))
    assert not check("开通(?:会员|VIP)", ("开通会员",))


def test_guards_change_no_byte_of_any_fixture_page(monkeypatch) -> None:
    """Same ledger and same text with every rule run on every page as with the guards."""
    from cadrespeech.stages.clean import clean_text
    from cadrespeech.stages.ingest import decode_page, read_page

    from .conftest import FIXTURE_PAGES

    pages = [decode_page(read_page(path, FIXTURE_PAGES)) for path in sorted(FIXTURE_PAGES.iterdir()) if path.is_file()]
    guarded = [clean_text(page.text, markup=page.markup) for page in pages]
    monkeypatch.setattr(CleanRule, "may_change", lambda self, text: True)
    assert [clean_text(page.text, markup=page.markup) for page in pages] == guarded


# Rules rewritten so that a search can skip to the characters they need, each beside the
# plain pattern it replaced: their spans must be the same in any text.
_PLAIN_PATTERNS = {
    "blank_line": (r"\A\n+|(?<=\n)\n+|\n+\Z", 0),
    "line_space": (f"^[{clean_rules_module._LINE_SPACE}]+|[{clean_rules_module._LINE_SPACE}]+$", re.M),
    "broken_line": (f"(?<=[^\\s{SENTENCE_END}：；])\\n(?=[，。、；：？！）》”])|(?<=[{HAN}]的)\\n(?=[{HAN}])", 0),
    "spaced_digits": (r"(?<![\d.])(\d(?: \d){2,})(?=\s?[年月日%万亿元个件项名人]|[" + HAN + "])", 0),
}
# What those patterns turn on: newlines, the spaces, 的, digits and points, the marks.
_PLAIN_PIECES = ("\n", "\n\n", " ", "\t", "\u3000", "\u00a0", "的", "政府", "2", " 3", "2 0 2", ".", "年", "a")
_PLAIN_PIECES += ("，", "。", "：", "）", "》")


@pytest.mark.parametrize("name", sorted(_PLAIN_PATTERNS))
@settings(max_examples=300, deadline=None)
@given(text=st.lists(st.sampled_from(_PLAIN_PIECES), max_size=24).map("".join))
@with_example(text="第.2 0 2年\n\n的\n政府\u3000\n \n。a\n）")  # a point before the digits; runs at every line edge
def test_a_rule_written_for_speed_finds_what_its_plain_pattern_finds(name: str, text: str) -> None:
    pattern, flags = _PLAIN_PATTERNS[name]
    rule = next(rule for rule in RULES if rule.name == name)
    plain = [(m.start(), m.end()) for m in re.finditer(pattern, text, flags) if m.end() > m.start()]
    assert [(change.start, change.end) for change in rule.find(text)] == plain


@pytest.mark.parametrize(
    ("name", "text", "spans"),
    [
        ("blank_line", "\n\n讲话\n\n\n正文\n\n", [(0, 2), (5, 7), (9, 11)]),
        ("line_space", "\u3000\u3000同志们：  \n干部 队伍", [(0, 2), (6, 8)]),
        ("broken_line", "所作的\n报告\n。会议", [(3, 4), (6, 7)]),
        ("spaced_digits", "2 0 2 2 年，1.2 3 4年", [(0, 7)]),
    ],
)
def test_the_plain_patterns_are_the_ones_meant(name: str, text: str, spans: list[tuple[int, int]]) -> None:
    # So that the property above compares with the right thing.
    pattern, flags = _PLAIN_PATTERNS[name]
    assert [m.span() for m in re.finditer(pattern, text, flags)] == spans


def test_photo_captions_need_a_credit_or_a_pictured_line() -> None:
    caption = next(rule for rule in RULES if rule.name == "photo_caption")
    # 图 is everywhere in speeches (蓝图, 意图): the rule runs, and finds nothing.
    assert caption.may_change("绘就发展蓝图。\n县长在社区察看防汛物资储备\n要把工作做实。")
    assert list(caption.find("绘就发展蓝图。\n县长在社区察看防汛物资储备\n要把工作做实。")) == []
    assert len(list(caption.find("正文。\n县长在社区察看\n新华社记者 王某/摄"))) == 1
    assert len(list(caption.find("正文。\n图为会议现场\n下文。"))) == 1
