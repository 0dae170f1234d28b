"""How often would a cheap tagger give the tags a release holds? The figure behind keeping the HMM for unknown words.

    python scripts/tag_agreement.py RELEASE_FOLDER      # e.g. a build of real pages

A release's tags are jieba's dictionary tags, and for the words the dictionary lacks
(unknown words), the state jieba.posseg's HMM gives the word's last character. That
HMM is most of what tagging costs. Each candidate below costs a lookup per word; the
script counts, over every unknown Chinese word in the release, how often it gives the
release's tag, and what share of all tokens that leaves with the same tag. Only
figures are printed, never a page's words.
"""

from __future__ import annotations

import argparse
import sys
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

import pyarrow.parquet as pq

from cadrespeech.stages.tokens import _HAN_RUN, Segmenter

Tagger = Callable[[str], str]


def unknown_chinese_words(release: Path, known: dict[str, str]) -> tuple[Counter[tuple[str, str]], int, int]:
    """(word, release tag) -> occurrences of the Chinese words the dictionary lacks; all tokens; all unknown tokens."""
    found: Counter[tuple[str, str]] = Counter()
    tokens = unknown = 0
    for path in sorted((release / "sentences").glob("*.parquet")):
        table = pq.read_table(path, columns=["tokens", "pos"])
        for words, tags in zip(table.column("tokens").to_pylist(), table.column("pos").to_pylist(), strict=True):
            tokens += len(words)
            for word, tag in zip(words, tags, strict=True):
                if word not in known:
                    unknown += 1
                    if _HAN_RUN.fullmatch(word):
                        found[(word, tag)] += 1
    return found, tokens, unknown


def dictionary_last_character(segmenter: Segmenter) -> Tagger:
    """The tag most dictionary words ending in the same character have, weighted by their frequency."""
    by_last: defaultdict[str, Counter[str]] = defaultdict(Counter)
    with segmenter._tokenizer.get_dict_file() as handle:
        for line in handle:
            parts = line.strip().decode("utf-8").split(" ")
            if len(parts) == 3 and len(parts[0]) > 1:
                by_last[parts[0][-1]][parts[2]] += int(parts[1])
    tags = segmenter._tags

    def tag(word: str) -> str:
        seen = by_last.get(word[-1])
        return seen.most_common(1)[0][0] if seen else tags.get(word[-1], "n")

    return tag


def hmm_last_character() -> Tagger:
    """The tag of the HMM state that best emits the word's last character alone (an end state, or single)."""
    import jieba.posseg as posseg

    def tag(word: str) -> str:
        position = "S" if len(word) == 1 else "E"
        scores = [(emit.get(word[-1], float("-inf")), state[1]) for state, emit in posseg.emit_P.items() if state[0] == position]
        best = max(scores)
        return best[1] if best[0] > float("-inf") else "x"

    return tag


def rjieba_alone() -> Tagger | None:
    """rjieba's own tagger on the word alone; a word it cuts further gets no tag."""
    try:
        import rjieba
    except ImportError:
        return None
    engine = rjieba.Jieba()

    def tag(word: str) -> str:
        tagged = engine.tag(word, True)
        return tagged[0][1] if len(tagged) == 1 else ""

    return tag


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("release", type=Path, help="a release folder (with sentences/*.parquet)")
    args = parser.parse_args(argv)
    if not (args.release / "sentences").is_dir():
        print(f"tag_agreement: {args.release}: not a release folder (no sentences/)", file=sys.stderr)
        return 2
    segmenter = Segmenter().load()
    found, tokens, unknown = unknown_chinese_words(args.release, segmenter._tags)
    occurrences = sum(found.values())
    distinct = len({word for word, _ in found})
    print(f"tokens {tokens:,}; unknown to the dictionary {unknown:,}; of them Chinese words {occurrences:,} ({distinct:,} distinct)")
    candidates: dict[str, Tagger | None] = {
        "always n": lambda word: "n",
        "last character, dictionary words": dictionary_last_character(segmenter),
        "last character, HMM emission": hmm_last_character(),
        "rjieba's tagger, word alone": rjieba_alone(),
    }
    print(f"{'candidate':<36} {'unknown Chinese words':>22} {'all tokens':>11}")
    for name, tagger in candidates.items():
        if tagger is None:
            print(f"{name:<36} {'(not installed)':>22}")
            continue
        same = sum(count for (word, tag), count in found.items() if tagger(word) == tag)
        print(f"{name:<36} {same / max(1, occurrences):>22.3f} {(tokens - occurrences + same) / max(1, tokens):>11.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
