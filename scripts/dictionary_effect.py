"""Measure the domain dictionary on our fixture pages and write the figures into DATASET_CARD.md.

    python scripts/dictionary_effect.py            # update the card
    python scripts/dictionary_effect.py --check    # exit 1 if the card is stale

Every occurrence of a dictionary term in the fixture pages' sentences is counted
once (the longest term wins where terms overlap); for each we ask whether jieba
alone keeps it as one token, and whether the pipeline's segmenter does.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from dataclasses import asdict
from pathlib import Path

from cadrespeech.stages.domain import DictionaryEffect, dictionary_effect, domain_dictionary
from cadrespeech.stages.pipeline import sentence_texts
from cadrespeech.stages.tokens import Segmenter

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "pages"
CARD = ROOT / "DATASET_CARD.md"
SECTION = re.compile(r"<!-- dictionary-effect: .*?<!-- /dictionary-effect -->", re.S)


def measure(pages: Path) -> DictionaryEffect:
    segmenter, plain = Segmenter(), Segmenter(domain_terms=False)
    return dictionary_effect(sentence_texts(pages, segmenter), plain, segmenter)


def section(effect: DictionaryEffect) -> str:
    dictionary = domain_dictionary()
    share = lambda n: f"{n / effect.occurrences:.0%}"  # noqa: E731
    return "\n".join(
        [
            f"<!-- dictionary-effect: {json.dumps(asdict(effect))} -->",
            f"Measured on the {sum(1 for p in FIXTURES.iterdir() if p.suffix in ('.txt', '.html'))} fixture pages "
            f"with domain dictionary {dictionary.version} ({len(dictionary.terms)} terms), by `scripts/dictionary_effect.py`:",
            "",
            "| | occurrences | share |",
            "|---|---:|---:|",
            f"| dictionary terms found in the sentences ({effect.distinct_terms} distinct) | {effect.occurrences} | 100% |",
            f"| split into several tokens by jieba alone | {effect.split_without} | {share(effect.split_without)} |",
            f"| kept whole by the pipeline | {effect.whole_with} | {share(effect.whole_with)} |",
            "<!-- /dictionary-effect -->",
        ]
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--check", action="store_true", help="only check that the card states the measured figures")
    args = parser.parse_args()
    card = CARD.read_text(encoding="utf-8")
    if not SECTION.search(card):
        print(f"{CARD}: no <!-- dictionary-effect --> section to fill", file=sys.stderr)
        return 1
    effect = measure(FIXTURES)
    updated = SECTION.sub(lambda _: section(effect), card)
    print(json.dumps(asdict(effect)))
    if args.check:
        return 0 if updated == card else 1
    CARD.write_text(updated, encoding="utf-8", newline="\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
