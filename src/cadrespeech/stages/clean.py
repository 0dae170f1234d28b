"""Apply the cleaning rules to a decoded page, logging every edit against the raw text."""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..records import Cleaned, Edit
from .clean_rules import RULE_NAMES as TEXT_RULE_NAMES
from .clean_rules import RULES, CleanRule
from .edits import apply_changes, compose
from .htmltext import html_changes
from .markdown_rules import MARKDOWN_RULE_NAMES, MARKDOWN_RULES
from .notes import NOTE_RULE_NAMES, NOTE_RULES
from .sitename import SITE_WATERMARK, infer_site_names, site_watermark_finder

# Removing one thing can expose another (a line left blank, two title copies now
# adjacent), so the table runs until nothing changes; real pages settle in two rounds.
MAX_ROUNDS = 6

INVISIBLE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200d\u2060\ufeff\u00ad]")
# What a page's text is written in; it decides which tables run before the text rules.
MARKUPS = ("html", "markdown", "text")
# Every name ``CleanConfig.skip`` accepts: the markdown rows, the text rows and the note rows.
RULE_NAMES: tuple[str, ...] = (*MARKDOWN_RULE_NAMES, *TEXT_RULE_NAMES, *NOTE_RULE_NAMES, SITE_WATERMARK)


@dataclass(frozen=True, slots=True)
class CleanConfig:
    """Which rules run; ``skip`` holds rule names from ``clean_rules.RULES``, ``markdown_rules.MARKDOWN_RULES`` or ``notes.NOTE_RULES``."""

    skip: frozenset[str] = frozenset()

    def __post_init__(self) -> None:
        unknown = sorted(self.skip - set(RULE_NAMES))
        if unknown:
            raise ValueError(f"unknown cleaning rule(s): {', '.join(unknown)}; known: {', '.join(RULE_NAMES)}")

    def active_rules(self, markup: str = "text") -> tuple[CleanRule, ...]:
        # One table, so that the fixpoint covers both: a link's text may be a
        # breadcrumb, and a text rule may expose markup (a line joined to a ``**``).
        table = MARKDOWN_RULES + RULES if markup == "markdown" else RULES
        # Notes last: a notes block is judged on text the other rules have cleaned.
        table += NOTE_RULES
        return tuple(rule for rule in table if rule.name not in self.skip)


DEFAULT_CONFIG = CleanConfig()


def clean_text(
    raw: str,
    config: CleanConfig = DEFAULT_CONFIG,
    is_html: bool = False,
    markup: str | None = None,
    site_names: tuple[str, ...] | None = None,
) -> Cleaned:
    """Remove boilerplate and normalise ``raw``; ``replay(raw, edits) == text``.

    ``markup`` is "html", "markdown" or "text"; left out, ``is_html`` decides between
    the first and the last. An HTML page first becomes text (``htmltext``); on a
    markdown page the markdown rows run together with the text rules; all edits land
    in one ledger against the raw page.

    ``site_names`` are the names the page gives its own site (``sitename``); left out,
    they are read from ``raw``. The ``site_watermark`` rule removes them where they are
    glued into the text.

    >>> clean_text("首页 > 文章中心 > 正文\\n\\n今天召开会议,研究工作。").text
    '今天召开会议，研究工作。'
    >>> clean_text("---\\ntitle: 讲话\\n---\\n要**坚持**[人民至上](https://example.org)。", markup="markdown").text
    '要坚持人民至上。'
    """
    markup = markup or ("html" if is_html else "text")
    if markup not in MARKUPS or (is_html and markup != "html"):
        raise ValueError(f"markup must be one of {', '.join(MARKUPS)} (and 'html' when is_html=True), not {markup!r}")
    ledger: list[Edit] = []
    text = raw
    if markup == "html":
        changes = html_changes(raw)
        ledger = compose(raw, raw, ledger, changes)
        text = apply_changes(raw, changes)
    # Read from the raw page without its invisible characters, so that cleaning the clean
    # text again finds no name the first pass did not (idempotence).
    names = infer_site_names(INVISIBLE.sub("", raw)) if site_names is None else site_names
    for _ in range(MAX_ROUNDS):
        cleaned = apply_rules(raw, _with_watermarks(config.active_rules(markup), config, names), text, ledger)
        # A name can surface only once what stood above it is gone (a masthead under a
        # breadcrumb); cleaning again with it makes the result a fixpoint, as the clean
        # text itself would show that name.
        surfaced = set(infer_site_names(cleaned.text)) - set(names)
        if not surfaced or SITE_WATERMARK in config.skip:
            return cleaned
        names = (*names, *sorted(surfaced))
    return cleaned


def _with_watermarks(rules: tuple[CleanRule, ...], config: CleanConfig, names: tuple[str, ...]) -> tuple[CleanRule, ...]:
    if SITE_WATERMARK in config.skip:
        return rules
    finder = site_watermark_finder(names)
    # Last, so that the lines naming the site (breadcrumb, footer) go whole under their own rules.
    return (*rules, CleanRule(SITE_WATERMARK, "The page's own site name and address glued into its text.", finder, (), ()))


def apply_rules(raw: str, rules: tuple[CleanRule, ...], text: str | None = None, ledger: list[Edit] | None = None) -> Cleaned:
    """Run ``rules`` to a fixpoint on ``text`` (by default ``raw``), extending ``ledger``.

    A rule is a function of the text, so one that found nothing would find nothing again
    until some rule changes the text: each round runs only the rules that have not yet
    seen the text as it now is. The last round, which used to run the whole table to
    confirm the fixpoint, runs just the rules before the last change.
    """
    text = raw if text is None else text
    ledger = [] if ledger is None else ledger
    version = 0  # how many times the text has changed
    saw_unchanged: dict[int, int] = {}  # rule's place in the table -> the version it found nothing in
    for _ in range(MAX_ROUNDS):
        changed = False
        for place, rule in enumerate(rules):
            if saw_unchanged.get(place) == version:
                continue
            changes = rule.changes(text)
            if not changes:
                saw_unchanged[place] = version
                continue
            ledger = compose(raw, text, ledger, changes)
            text = apply_changes(text, changes)
            version += 1
            changed = True
        if not changed:
            break
    return Cleaned(text=text, edits=tuple(ledger))
