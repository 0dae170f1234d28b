"""The algebra of edits: replay a ledger on raw text, and fold a new pass into a ledger.

Cleaning runs in passes. Each pass finds spans in the text as the earlier passes left
it; ``compose`` maps them back to raw coordinates so that the ledger always says what
happened to the raw text, and ``replay(raw, ledger)`` gives the clean text exactly.

Each raw character is booked under the rule that took it out of the text. An earlier
edit that removed its raw text, leaving nothing or only a line break or space (an HTML
tag that became a newline), keeps its raw span and rule name when a later pass removes
what it left: the later rule took out no raw text there. An earlier edit whose output
carries its raw text on (``,`` made ``，``, ``&ldquo;`` decoded) is taken over, with
the whole merged span, by a later pass that rewrites that output.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from ..records import Edit


@dataclass(frozen=True, slots=True)
class Change:
    """A span of the current text that a rule replaces: ``text[start:end]`` -> ``after``."""

    rule: str
    start: int
    end: int
    after: str


def span(start: int, end: int, after: str = "") -> Change:
    """A change as a rule's finder yields it, unnamed: the rule stamps its own name (``CleanRule.changes``)."""
    return Change("", start, end, after)


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
    changes = _split_at_kept_edits(ledger, changes)
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


def _removed_its_raw(edit: Edit) -> bool:
    """An edit that took its raw text out, leaving nothing or only whitespace in its place.

    A whitespace edit that leaves whitespace (a no-break space made a space) passed its
    raw text on, like any rewrite.

    >>> _removed_its_raw(Edit("html_block", 0, 4, "</p>", "\\n")), _removed_its_raw(Edit("odd_space", 0, 1, "\\xa0", " "))
    (True, False)
    """
    return not edit.after.strip() and (not edit.after or bool(edit.before.strip()))


def _split_at_kept_edits(ledger: Sequence[Edit], changes: Iterable[Change]) -> list[Change]:
    """Cut each change where it covers an earlier edit that removed its raw text.

    Such an edit stays in the ledger under its own rule name: a title line the page
    repeats and the blank lines around it are two removals, not one, and the block tag
    whose line break ``blank_line`` takes is still an HTML removal. A deletion sitting
    inside the change is a cut point; the part of the change that falls on another
    kept edit's whitespace becomes a change under that edit's rule, so that ``compose``
    folds it into that edit alone.
    """
    kept: list[tuple[int, int, str]] = []  # current start, current end, rule
    delta = 0
    for old in ledger:
        if _removed_its_raw(old):
            kept.append((old.start + delta, old.start + delta + len(old.after), old.rule))
        delta += len(old.after) - (old.end - old.start)
    kept_starts = [start for start, _, _ in kept]
    kept_ends = [end for _, end, _ in kept]
    result: list[Change] = []
    for change in changes:
        # Deletions strictly inside the change, and whitespace left by removals that it overlaps.
        inside = kept[bisect_right(kept_ends, change.start) : bisect_left(kept_starts, change.end)]
        if not inside:
            result.append(change)
            continue
        pieces: list[_Piece] = []
        position = change.start
        for start, end, rule in inside:
            start, end = max(start, change.start), min(end, change.end)
            if position < start:
                pieces.append(_Piece(position, start, change.rule, own=True))
            if start < end:
                pieces.append(_Piece(start, end, rule, own=False))
            position = max(position, end)
        if position < change.end:
            pieces.append(_Piece(position, change.end, change.rule, own=True))
        result.extend(_share_replacement(change, pieces))
    return result


@dataclass(frozen=True, slots=True)
class _Piece:
    """Part of a change's span: the change's own text, or what a kept edit left (``own=False``)."""

    start: int
    end: int
    rule: str
    own: bool


def _share_replacement(change: Change, pieces: list[_Piece]) -> list[Change]:
    """The change's pieces as changes, their replacements concatenating to the change's own.

    As long as the span it replaces, the replacement is shared character by character
    (``２０`` made ``20`` across a deleted tag: ``２``->``2``, ``０``->``0``), unless a kept
    edit would get visible text and stop being a removal; otherwise the first piece of
    the change's own text takes it whole.
    """
    shares = [change.after[piece.start - change.start : piece.end - change.start] for piece in pieces]
    if len(change.after) == change.end - change.start and all(
        piece.own or not share.strip() for piece, share in zip(pieces, shares, strict=True)
    ):
        return [Change(piece.rule, piece.start, piece.end, share) for piece, share in zip(pieces, shares, strict=True)]
    owner = next((index for index, piece in enumerate(pieces) if piece.own), 0)
    return [Change(piece.rule, piece.start, piece.end, change.after if index == owner else "") for index, piece in enumerate(pieces)]
