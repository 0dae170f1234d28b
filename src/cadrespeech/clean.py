"""Apply the cleaning rules to a decoded page, logging every edit against the raw text."""

from __future__ import annotations

from dataclasses import dataclass

from .clean_rules import RULE_NAMES, RULES, CleanRule
from .edits import apply_changes, compose
from .htmltext import html_changes
from .records import Cleaned, Edit

# Removing one thing can expose another (a line left blank, two title copies now
# adjacent), so the table runs until nothing changes; real pages settle in two rounds.
MAX_ROUNDS = 6


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """Which rules run; ``skip`` holds rule names from ``clean_rules.RULES``."""

    skip: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = sorted(self.skip - set(RULE_NAMES))
        if unknown:
            raise ValueError(f"unknown cleaning rule(s): {', '.join(unknown)}; known: {', '.join(RULE_NAMES)}")

    def active_rules(self) -> tuple[CleanRule, ...]:
        return tuple(rule for rule in RULES if rule.name not in self.skip)


DEFAULT_CONFIG = CleanConfig()


def clean_text(raw: str, config: CleanConfig = DEFAULT_CONFIG, is_html: bool = False) -> Cleaned:
    """Remove boilerplate and normalise ``raw``; ``replay(raw, edits) == text``.

    An HTML page first becomes text (``htmltext``); the text rules then run on that,
    and all edits land in one ledger against the raw page.

    >>> clean_text("首页 > 文章中心 > 正文\\n\\n今天召开会议,研究工作。").text
    '今天召开会议，研究工作。'
    """
    ledger: list[Edit] = []
    text = raw
    if is_html:
        changes = html_changes(raw)
        ledger = compose(raw, raw, ledger, changes)
        text = apply_changes(raw, changes)
    return apply_rules(raw, config.active_rules(), text, ledger)


def apply_rules(raw: str, rules: tuple[CleanRule, ...], text: str | None = None, ledger: list[Edit] | None = None) -> Cleaned:
    """Run ``rules`` to a fixpoint on ``text`` (by default ``raw``), extending ``ledger``."""
    text = raw if text is None else text
    ledger = [] if ledger is None else ledger
    for _ in range(MAX_ROUNDS):
        changed = False
        for rule in rules:
            changes = list(rule.find(text))
            if not changes:
                continue
            ledger = compose(raw, text, ledger, changes)
            text = apply_changes(text, changes)
            changed = True
        if not changed:
            break
    return Cleaned(text=text, edits=tuple(ledger))
