"""The algebra of edits: replay a ledger on raw text, and fold a new pass into a ledger.

Cleaning runs in passes. Each pass finds spans in the text as the earlier passes left
it; ``compose`` maps them back to raw coordinates so that the ledger always says what
happened to the raw text, and ``replay(raw, ledger)`` gives the clean text exactly.
A pass that rewrites text an earlier pass already rewrote takes the blame for the
whole merged span (the earlier rewrite no longer shows in the output).
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from .records import Edit


@dataclass(frozen=True, slots=True)
class Change:
    """A span of the current text that a rule replaces: ``text[start:end]`` -> ``after``."""

    rule: str
    start: int
    end: int
    after: str


def replay(raw: str, edits: Sequence[Edit]) -> str:
    """Apply a ledger of edits to the raw text.

    >>> replay("首页\\n讲话", [Edit("breadcrumb", 0, 3, "首页\\n", "")])
    '讲话'
    """
    pieces: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        if edit.start < position:
            raise ValueError(f"edits overlap at raw offset {edit.start} (rule {edit.rule})")
        if raw[edit.start : edit.end] != edit.before:
            raise ValueError(f"edit {edit.rule} at {edit.start}-{edit.end} does not match the raw text")
        pieces.append(raw[position : edit.start])
        pieces.append(edit.after)
        position = edit.end
    pieces.append(raw[position:])
    return "".join(pieces)


def clean_offset(edits: Sequence[Edit], raw_position: int) -> int:
    """Where a raw position lands in the clean text, to place what the ledger removed.

    Every edit that ends at or before the position moves it by what the edit added or
    took away; a position inside an edit lands where that edit's replacement begins.

    >>> clean_offset([Edit("breadcrumb", 0, 3, "首页\\n", ""), Edit("note_anchor", 5, 8, "〔1〕", "")], 8)
    2
    """
    offset = raw_position
    for edit in edits:
        if edit.end <= raw_position:
            offset += len(edit.after) - (edit.end - edit.start)
        elif edit.start < raw_position:  # inside this edit (edits never overlap, so only one)
            offset -= raw_position - edit.start
    return offset


def apply_changes(text: str, changes: Sequence[Change]) -> str:
    """Apply sorted, non-overlapping changes to ``text`` (used within one pass)."""
    pieces: list[str] = []
    position = 0
    for change in changes:
        pieces.append(text[position : change.start])
        pieces.append(change.after)
        position = change.end
    pieces.append(text[position:])
    return "".join(pieces)


class _Merged:
    """A ledger entry being built from one or more changes and the old edits they cover."""

    __slots__ = ("current_end", "current_start", "cursor", "prefix", "raw_end", "raw_start", "rule")

    def __init__(self, rule: str, raw_start: int, current_start: int) -> None:
        self.rule = rule
        self.raw_start = raw_start
        self.raw_end = raw_start
        self.current_start = current_start
        self.current_end = current_start
        self.prefix = ""  # replacement text for current[current_start:cursor]
        self.cursor = current_start


def compose(raw: str, current: str, ledger: Sequence[Edit], changes: Iterable[Change]) -> list[Edit]:
    """Fold ``changes`` (in coordinates of ``current == replay(raw, ledger)``) into the ledger.

    ``ledger`` must be sorted and non-overlapping; ``changes`` sorted, non-overlapping and
    each non-empty (``start < end``). The result is again sorted and non-overlapping.
    """
    changes = _split_at_old_deletions(ledger, changes)
    out: list[Edit] = []
    pending: _Merged | None = None
    index = 0
    delta = 0  # len(current) - len(raw) over the old edits already passed

    def flush() -> None:
        nonlocal pending
        if pending is not None:
            after = pending.prefix + current[pending.cursor : pending.current_end]
            out.append(Edit(pending.rule, pending.raw_start, pending.raw_end, raw[pending.raw_start : pending.raw_end], after))
            pending = None

    for change in changes:
        if change.start >= change.end:
            raise ValueError(f"empty change from rule {change.rule} at {change.start}")
        if pending is not None and change.start >= pending.current_end:
            flush()
        # Old edits that end at or before the change starts stay as they are.
        while index < len(ledger):
            old = ledger[index]
            old_current_end = old.start + delta + len(old.after)
            if old_current_end > change.start:
                break
            if pending is not None:
                break
            out.append(old)
            delta += len(old.after) - (old.end - old.start)
            index += 1
        if pending is None:
            pending = _Merged(change.rule, change.start - delta, change.start)
            if index < len(ledger):
                old = ledger[index]
                old_current_start = old.start + delta
                if old_current_start < change.start:
                    pending.raw_start = old.start
                    pending.current_start = old_current_start
                    pending.cursor = old_current_start
        pending.rule = change.rule
        pending.prefix += current[pending.cursor : change.start] + change.after
        pending.cursor = change.end
        pending.current_end = max(pending.current_end, change.end)
        # Old edits the change overlaps (or a deletion strictly inside it) merge in.
        while index < len(ledger):
            old = ledger[index]
            old_current_start = old.start + delta
            if old_current_start >= change.end:
                break
            old_current_end = old_current_start + len(old.after)
            delta += len(old.after) - (old.end - old.start)
            index += 1
            pending.current_end = max(pending.current_end, old_current_end)
        # Every old edit before current_end is passed now, so the plain offset maps back.
        pending.raw_end = pending.current_end - delta
    flush()
    out.extend(ledger[index:])
    return out


def _split_at_old_deletions(ledger: Sequence[Edit], changes: Iterable[Change]) -> list[Change]:
    """Cut a deleting change where an earlier deletion sits inside it.

    Both stay in the ledger under their own rule names: a title line the page repeats
    and the blank lines around it are two removals, not one.
    """
    points: list[int] = []
    delta = 0
    for old in ledger:
        if not old.after:
            points.append(old.start + delta)
        delta += len(old.after) - (old.end - old.start)
    result: list[Change] = []
    for change in changes:
        if change.after:
            result.append(change)
            continue
        start = change.start
        for point in points[bisect_right(points, change.start) : bisect_left(points, change.end)]:
            if point == start:  # several deletions at one point
                continue
            result.append(Change(change.rule, start, point, ""))
            start = point
        result.append(Change(change.rule, start, change.end, ""))
    return result
