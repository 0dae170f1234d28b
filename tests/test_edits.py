from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadrespeech.records import Edit
from cadrespeech.stages.edits import Change, apply_changes, clean_offset, compose, replay


@st.composite
def changes_for(draw: st.DrawFn, text: str, rule: str) -> list[Change]:
    points = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
    changes = []
    for start, end in zip(points[::2], points[1::2], strict=False):
        # Whitespace replacements make removals that leave a line break, as block tags do.
        changes.append(Change(rule, start, end, draw(st.sampled_from(["", "", "，", "xy", "\n", " "]))))
    return changes


@st.composite
def passes(draw: st.DrawFn) -> tuple[str, list[list[Change]], list[str]]:
    raw = draw(st.text(alphabet="甲乙，。\n ", max_size=20))
    texts, all_changes, text = [raw], [], raw
    for number in range(draw(st.integers(1, 4))):
        changes = draw(changes_for(text, f"rule{number}"))
        all_changes.append(changes)
        text = apply_changes(text, changes)
        texts.append(text)
    return raw, all_changes, texts


@given(passes())
def test_composed_ledger_replays_to_the_same_text_as_the_passes(case) -> None:
    raw, all_changes, texts = case
    ledger: list[Edit] = []
    for changes, before in zip(all_changes, texts, strict=False):
        ledger = compose(raw, before, ledger, changes)
        for edit in ledger:
            assert raw[edit.start : edit.end] == edit.before
            assert edit.start < edit.end or edit.after
    assert replay(raw, ledger) == texts[-1]
    starts = [edit.start for edit in ledger]
    assert starts == sorted(starts)


def removals(ledger: list[Edit]) -> set[tuple[str, int, int]]:
    """Edits that took their raw text out, leaving nothing or whitespace (not whitespace made whitespace)."""
    return {(e.rule, e.start, e.end) for e in ledger if not e.after.strip() and (not e.after or e.before.strip())}


@given(passes())
def test_a_removal_keeps_its_raw_span_and_rule_name_through_the_next_pass(case) -> None:
    raw, all_changes, texts = case
    ledger: list[Edit] = []
    for changes, before in zip(all_changes, texts, strict=False):
        kept = removals(ledger)
        ledger = compose(raw, before, ledger, changes)
        assert kept <= {(e.rule, e.start, e.end) for e in ledger}


def test_a_later_deletion_around_an_earlier_one_keeps_both_rule_names() -> None:
    raw = "题\n题\n正文"
    first = [Change("repeated_title", 2, 3, "")]
    current = apply_changes(raw, first)  # "题\n\n正文"
    ledger = compose(raw, raw, [], first)
    ledger = compose(raw, current, ledger, [Change("blank_line", 1, 3, "")])
    assert [(e.rule, e.before) for e in ledger] == [("blank_line", "\n"), ("repeated_title", "题"), ("blank_line", "\n")]
    assert replay(raw, ledger) == "题正文"


def test_replay_refuses_overlapping_or_mismatched_edits() -> None:
    with pytest.raises(ValueError, match="overlap"):
        replay("abc", [Edit("x", 0, 2, "ab", ""), Edit("y", 1, 3, "bc", "")])
    with pytest.raises(ValueError, match="does not match"):
        replay("abc", [Edit("x", 0, 1, "z", "")])


def test_clean_offset_moves_a_raw_position_by_the_edits_before_it() -> None:
    raw = "首页\n要学习〔1〕,落实。"
    ledger = [Edit("breadcrumb", 0, 3, "首页\n", ""), Edit("note_anchor", 6, 9, "〔1〕", ""), Edit("punctuation_width", 9, 10, ",", "，")]
    clean = replay(raw, ledger)
    assert clean == "要学习，落实。"
    assert [clean_offset(ledger, position) for position in (3, 6, 9, 10, 11)] == [0, 3, 3, 4, 5]
    assert clean[clean_offset(ledger, 6) :].startswith("，")  # where the removed anchor stood
    assert clean_offset(ledger, 7) == clean_offset(ledger, 1) + 3 == 3  # inside an edit: where it was


def test_a_line_break_left_by_a_tag_is_removed_without_taking_the_tag() -> None:
    raw = "甲<br><br>乙"
    first = [Change("html_block", 1, 5, "\n"), Change("html_block", 5, 9, "\n")]
    current = apply_changes(raw, first)  # "甲\n\n乙"
    ledger = compose(raw, raw, [], first)
    ledger = compose(raw, current, ledger, [Change("blank_line", 2, 3, "")])
    # blank_line took out no raw text: the second tag is still html_block's, now leaving nothing.
    assert ledger == [Edit("html_block", 1, 5, "<br>", "\n"), Edit("html_block", 5, 9, "<br>", "")]
    assert replay(raw, ledger) == "甲\n乙"


def test_a_deletion_over_text_and_tags_takes_only_the_text() -> None:
    raw = "<p>注释：</p><p>〔1〕同上。</p>"
    first = [Change("html_block", 0, 3, "\n"), Change("html_block", 6, 13, "\n"), Change("html_block", 19, 23, "\n")]
    current = apply_changes(raw, first)  # "\n注释：\n〔1〕同上。\n"
    ledger = compose(raw, current, compose(raw, raw, [], first), [Change("note_block", 1, 11, "")])
    assert [(e.rule, e.before, e.after) for e in ledger] == [
        ("html_block", "<p>", "\n"),
        ("note_block", "注释：", ""),
        ("html_block", "</p><p>", ""),
        ("note_block", "〔1〕同上。", ""),
        ("html_block", "</p>", "\n"),
    ]
    assert replay(raw, ledger) == "\n\n"


def test_a_rewrite_across_a_deleted_tag_is_shared_out_character_by_character() -> None:
    raw = "２<b>０</b>年"
    first = [Change("html_inline", 1, 4, ""), Change("html_inline", 5, 9, "")]
    current = apply_changes(raw, first)  # "２０年"
    ledger = compose(raw, current, compose(raw, raw, [], first), [Change("fullwidth_alnum", 0, 2, "20")])
    assert [(e.rule, e.before, e.after) for e in ledger] == [
        ("fullwidth_alnum", "２", "2"),
        ("html_inline", "<b>", ""),
        ("fullwidth_alnum", "０", "0"),
        ("html_inline", "</b>", ""),
    ]


def test_a_rewrite_that_turns_a_tag_s_line_break_into_text_keeps_the_tag_a_removal() -> None:
    raw = "甲<br>乙"
    first = [Change("html_block", 1, 5, "\n")]
    ledger = compose(raw, "甲\n乙", compose(raw, raw, [], first), [Change("join_lines", 0, 3, "甲，乙")])
    assert [(e.rule, e.before, e.after) for e in ledger] == [
        ("join_lines", "甲", "甲，乙"),
        ("html_block", "<br>", ""),
        ("join_lines", "乙", ""),
    ]
    assert replay(raw, ledger) == "甲，乙"


@pytest.mark.parametrize(
    ("first", "after"),
    [
        (Change("punctuation_width", 2, 3, "，"), "，"),  # a rewrite passes its raw text on
        (Change("odd_space", 2, 3, " "), "\xa0"),  # so does whitespace made whitespace
    ],
)
def test_a_later_removal_takes_over_a_rewrite_of_the_text_it_removes(first: Change, after: str) -> None:
    raw = f"首页{after if first.rule == 'odd_space' else ','}正文\n讲话"
    current = apply_changes(raw, [first])
    ledger = compose(raw, current, compose(raw, raw, [], [first]), [Change("breadcrumb", 0, 5, "")])
    assert ledger == [Edit("breadcrumb", 0, 5, raw[:5], "")]
