"""Split speech text into sentences with offsets.

A sentence ends at 。！？ (or a run of them) or at an ellipsis ……, together with
the closing quotes and brackets that follow and a note such as （掌声）. A terminator inside a matched pair of
quotes or brackets does not end the sentence unless the pair closes right after it,
so a quoted saying stays whole and the quote stays with its sentence.
"""

from __future__ import annotations

import itertools
import re

from ..records import Block, Sentence
from .textclass import CLOSERS, OPENERS

MAX_QUOTE = 500
_PAIRS = dict(zip(OPENERS, CLOSERS, strict=True))
_MARK = re.compile(f"[{re.escape(OPENERS + CLOSERS)}]")
# A transcript's note of the audience's reaction belongs to the sentence it follows.
_AUDIENCE_REACTION = re.compile(r"[（(][^（）()。！？]{0,6}(?:掌声|鼓掌|笑声|众笑|欢呼)[^（）()。！？]{0,4}[）)]")
_TERMINATOR = re.compile(r"[。！？]+(?:……+[。！？]*)?|……+[。！？]*")


def sentence_spans(text: str, start: int = 0, end: int | None = None) -> list[tuple[int, int]]:
    """Offsets of the sentences of ``text[start:end]``; together they cover it exactly.

    >>> text = "“金杯银杯不如老百姓的口碑。”党风问题很重要。"
    >>> [text[a:b] for a, b in sentence_spans(text)]
    ['“金杯银杯不如老百姓的口碑。”', '党风问题很重要。']
    """
    end = len(text) if end is None else end
    if start >= end:
        return []
    inside = _quoted_regions(text, start, end)
    cuts: list[int] = []
    for match in _TERMINATOR.finditer(text, start, end):
        cut = match.end()
        region = inside.get(match.start())
        if region is not None and region != cut:
            continue  # a terminator inside a quotation that goes on
        while cut < end and text[cut] in CLOSERS:
            cut += 1
        reaction = _AUDIENCE_REACTION.match(text, cut, end)
        if reaction:
            cut = reaction.end()
        while cut < end and text[cut].isspace():
            cut += 1
        if cut < end and (not cuts or cut > cuts[-1]):
            cuts.append(cut)
    bounds = [start, *cuts, end]
    return [(a, b) for a, b in itertools.pairwise(bounds) if b > a]


def _quoted_regions(text: str, start: int, end: int) -> dict[int, int]:
    """For every position inside a matched quote or bracket pair: where its closer sits."""
    closer_at: dict[int, int] = {}
    stack: list[tuple[str, int]] = []
    pairs: list[tuple[int, int]] = []
    # Only the marks are visited: the regex engine skips the text between them.
    for mark in _MARK.finditer(text, start, end):
        index, char = mark.start(), mark.group()
        if char in _PAIRS:
            stack.append((_PAIRS[char], index))
        elif char in CLOSERS:
            # Close the nearest matching opener; unmatched closers are ignored.
            for depth in range(len(stack) - 1, -1, -1):
                if stack[depth][0] == char:
                    pairs.append((stack[depth][1], index))
                    del stack[depth:]
                    break
    # Outer pairs are written first so that inner ones overwrite them. A "quotation"
    # longer than MAX_QUOTE is a stray mark, not a quote, and protects nothing.
    for opened, closed in sorted(pairs, key=lambda p: p[0] - p[1]):
        if closed - opened > MAX_QUOTE:
            continue
        closer_at.update(dict.fromkeys(range(opened + 1, closed), closed))
    return closer_at


def split_blocks(text: str, blocks: tuple[Block, ...]) -> list[Sentence]:
    """Sentences of a speech; a heading block is always one sentence."""
    sentences: list[Sentence] = []
    for block in blocks:
        spans = [(block.start, block.end)] if block.is_heading else sentence_spans(text, block.start, block.end)
        for start, end in spans:
            sentences.append(
                Sentence(
                    text=text[start:end],
                    start=start,
                    end=end,
                    paragraph=block.paragraph,
                    section=block.section,
                    part=block.part,
                    is_heading=block.is_heading,
                )
            )
    return sentences
