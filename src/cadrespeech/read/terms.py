"""Multi-token terms the tokenizer splits but the corpus keeps together: candidates for the domain dictionary.

A fixed formulation of the field (提法: 全过程人民民主, 新质生产力) that jieba does not
know is cut into pieces, which then count and collocate as pieces. A sequence of two
to four word tokens is proposed as a term when its parts hold together (pointwise
mutual information of the sequence against its parts) and it stands free of its
neighbours (the entropy of the tokens just before and just after it: a real term
occurs in many contexts, a fragment of a longer phrase in one). A person reviews the
ranked list into ``data/domain_dict.txt``; nothing is added automatically.
"""

from __future__ import annotations

import math
import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from pathlib import Path

from ..datafiles import iter_batches
from .loader import checked_files

# Sequences this long at most: longer formulations are rare, and their parts are
# found as shorter candidates first.
MAX_TOKENS = 4
# A part must be a word of Chinese characters: candidates across punctuation, digits or
# Latin words are not terms of this kind.
_HAN_WORD = re.compile(r"[\u3400-\u9fff\U00020000-\U0002ffff]+")
# Function words that start or end a sequence make a phrase, not a term (的营商环境, 营商环境是).
EDGE_WORDS = frozenset("的 了 和 与 及 或 是 在 对 把 被 将 要 也 都 就 等 中 上 下 为 以 从 向 于 之 其 这 那 我 我们 你 他 她 它".split())


@dataclass(frozen=True, slots=True)
class TermCandidate:
    term: str  # the parts joined, as the text writes them
    parts: tuple[str, ...]
    count: int
    pmi: float  # log2 p(sequence) / product of p(part)
    left_entropy: float  # bits: how varied the token before it is
    right_entropy: float
    score: float  # pmi x min(left, right entropy): both must hold


def term_candidates(
    version: str | Path = "latest", min_count: int = 5, top: int = 100, releases_folder: str | Path | None = None
) -> list[TermCandidate]:
    """Ranked sequences of 2 to 4 Chinese word tokens that occur ``min_count`` times or more and hold together."""
    files = checked_files("sentences", version, releases_folder)
    unigrams: Counter[str] = Counter()
    sequences: Counter[tuple[str, ...]] = Counter()
    before: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    after: defaultdict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    total = 0
    for batch in iter_batches(files, ["tokens"], 10_000):
        for tokens in batch.column("tokens").to_pylist():
            words = [token for token in tokens if not token.isspace()]
            total += len(words)
            unigrams.update(words)
            for size in range(2, MAX_TOKENS + 1):
                for start in range(len(words) - size + 1):
                    parts = tuple(words[start : start + size])
                    if not _could_be_term(parts):
                        continue
                    sequences[parts] += 1
                    before[parts][words[start - 1] if start else "<s>"] += 1
                    after[parts][words[start + size] if start + size < len(words) else "</s>"] += 1
    found = []
    for parts, count in sequences.items():
        if count < min_count:
            continue
        pmi = math.log2(count / total) - sum(math.log2(unigrams[part] / total) for part in parts)
        left, right = _entropy(before[parts]), _entropy(after[parts])
        found.append(
            TermCandidate("".join(parts), parts, count, round(pmi, 3), round(left, 3), round(right, 3), round(pmi * min(left, right), 3))
        )
    found.sort(key=lambda c: (-c.score, -c.count, c.term))
    return _without_fragments(found)[:top]


def _could_be_term(parts: tuple[str, ...]) -> bool:
    return all(_HAN_WORD.fullmatch(part) for part in parts) and parts[0] not in EDGE_WORDS and parts[-1] not in EDGE_WORDS


def _entropy(counts: Counter[str]) -> float:
    total = sum(counts.values())
    return -sum(n / total * math.log2(n / total) for n in counts.values())


def _without_fragments(ranked: list[TermCandidate]) -> list[TermCandidate]:
    """Drop a candidate that a better-ranked, longer one contains with the same count: it only ever occurs inside it."""
    kept: list[TermCandidate] = []
    for candidate in ranked:
        if any(candidate.term in longer.term and candidate.count == longer.count for longer in kept):
            continue
        kept.append(candidate)
    return kept
