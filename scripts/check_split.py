"""Score the pipeline on both parts of our split: pages the rules were written against,
and the check part nobody tuned to. The check part's figures are the ones to believe.

    python scripts/check_split.py                # print both parts, fixtures and devset
    python scripts/check_split.py --misses       # and every miss of every part
    python scripts/check_split.py --card         # also write the figures into DATASET_CARD.md and README.md

The split is ``tests/fixtures/split.json``: fixture pages in ``tests/fixtures/pages``
(rules) and ``tests/fixtures/check`` (check); the devset beside the project, when it is
there, by source family. Only figures, file names and miss kinds reach the card, never
devset text.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

from cadrespeech.evaluate import METRICS, Report, evaluate, load_annotations, select_pages
from cadrespeech.stages.tokens import Segmenter

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
DEVSET = ROOT.parent / "shared" / "devset"
CARD = ROOT / "DATASET_CARD.md"
README = ROOT / "README.md"
SECTION = re.compile(r"<!-- check-part: .*?<!-- /check-part -->", re.S)
README_TABLE = re.compile(r"<!-- check-split-table -->.*?<!-- /check-split-table -->", re.S)


def parts(segmenter: Segmenter) -> dict[str, Report]:
    """Each part's report, by name."""
    split = json.loads((FIXTURES / "split.json").read_text(encoding="utf-8"))
    reports = {
        "fixtures, rules part": evaluate(FIXTURES / "pages", load_annotations(FIXTURES / "pages" / "annotations.json"), segmenter),
        "fixtures, check part": evaluate(FIXTURES / "check", load_annotations(FIXTURES / "check" / "annotations.json"), segmenter),
    }
    for folder, name in split.get("later_check_parts", {}).items():
        reports[name] = evaluate(FIXTURES / folder, load_annotations(FIXTURES / folder / "annotations.json"), segmenter)
    if (DEVSET / "annotations.json").is_file():
        families = "^\\d+_(?:" + "|".join(map(re.escape, split["devset_check_families"])) + ")_"
        annotations = load_annotations(DEVSET / "annotations.json")
        reports["devset, rules part"] = evaluate(DEVSET / "raw", select_pages(annotations, exclude=families), segmenter)
        reports["devset, check part"] = evaluate(DEVSET / "raw", select_pages(annotations, match=families), segmenter)
        reports["devset, all"] = evaluate(DEVSET / "raw", annotations, segmenter)
    return reports


def table(reports: dict[str, Report]) -> str:
    names = list(reports)
    lines = ["| figure | " + " | ".join(f"{n} ({reports[n].pages})" for n in names) + " |", "|---|" + "---:|" * len(names)]
    for metric in METRICS:
        lines.append(f"| {metric} | " + " | ".join(f"{reports[n].figures()[metric]:.3f}" for n in names) + " |")
    return "\n".join(lines)


def miss_kinds(report: Report) -> list[str]:
    """Each miss as its page and what was wrong, without the page's text (the devset stays out of the card)."""
    kinds = []
    for miss in report.misses:
        name, _, what = miss.partition(": ")
        kind = "kept boilerplate" if what.startswith("kept") else "lost body text" if what.startswith("lost") else what.split(" ")[0]
        kinds.append(f"{name}: {kind}")
    return kinds


def card_section(reports: dict[str, Report]) -> str:
    checks = {name: report for name, report in reports.items() if name.startswith("fixtures") and "check" in name}
    body = {name: {"pages": report.pages, "figures": report.figures()} for name, report in checks.items()}
    lines = [f"<!-- check-part: {json.dumps(body, ensure_ascii=False)} -->", "", table(reports), ""]
    lines += ["What the fixture check parts still miss (page: what was wrong):", ""]
    kinds = sorted({kind for report in checks.values() for kind in miss_kinds(report)})
    lines += [f"- `{kind}`" for kind in kinds] or ["- nothing"]
    lines += ["", "<!-- /check-part -->"]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--misses", action="store_true", help="print every miss")
    parser.add_argument("--card", action="store_true", help="write the figures into DATASET_CARD.md")
    args = parser.parse_args(argv)
    reports = parts(Segmenter())
    print(table(reports))
    if args.misses:
        for name, report in reports.items():
            print(f"\n{name}: {len(report.misses)} misses")
            for miss in report.misses:
                print(f"  {miss}")
    if args.card:
        card, readme = CARD.read_text(encoding="utf-8"), README.read_text(encoding="utf-8")
        if not SECTION.search(card) or not README_TABLE.search(readme):
            print("DATASET_CARD.md or README.md lacks its figures' markers", file=sys.stderr)
            return 1
        CARD.write_text(SECTION.sub(lambda _: card_section(reports), card), encoding="utf-8")
        block = f"<!-- check-split-table -->\n{table(reports)}\n<!-- /check-split-table -->"
        README.write_text(README_TABLE.sub(lambda _: block, readme), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
