from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadrespeech.edits import Change, apply_changes, clean_offset, compose, replay
from cadrespeech.records import Edit


@st.composite
def changes_for(draw: st.DrawFn, text: str, rule: str) -> list[Change]:
    points = sorted(set(draw(st.lists(st.integers(0, len(text)), max_size=8))))
    changes = []
    for start, end in zip(points[::2], points[1::2], strict=False):
        changes.append(Change(rule, start, end, draw(st.sampled_from(["", "", "，", "xy"]))))
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
