"""How well ``enrich_speaker`` reads the speaker's office, level, region and occasion type.

Every annotated page goes through the pipeline, whose ``speaker meta`` step enriches
each speech from its title, speaker, occasion, opening, head lines (and the leads
cleaning removed above the first speech), its last lines (where a signature may stand)
and the site's name; a document the pipeline does not take for a speech gets no values. Per field: exact
matches over the speeches whose annotation states the field, and how many speeches get
a value where the annotation says the page states none.

Parts: the fixtures' rules part (tests/fixtures/pages), their check parts
(tests/fixtures/check*), and the devset when ../shared/devset is beside the project.
The devset's annotations lack these fields; they are read from a separate file kept
outside the repository (--devset-meta, by default /work/scratch/devset_speaker_meta.json).

    python scripts/speaker_meta_figures.py [--json] [--misses] [--devset-meta PATH]
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

from cadrespeech.records import ProcessedPage
from cadrespeech.stages.ingest import read_page
from cadrespeech.stages.pipeline import process_page
from cadrespeech.stages.speaker_meta import SpeakerMeta
from cadrespeech.stages.tokens import segmenter_for

ROOT = Path(__file__).resolve().parents[1]
FIELDS = ("speaker_office", "admin_level", "region", "occasion_type")
PLURAL = {"speaker_office": "speaker_offices", "admin_level": "admin_levels", "region": "regions", "occasion_type": "occasion_types"}
DEVSET = ROOT.parent / "shared" / "devset"
DEVSET_META = Path("/work/scratch/devset_speaker_meta.json")


def speech_metas(page: ProcessedPage) -> list[SpeakerMeta]:
    """Each speech's enrichment as the pipeline made it (the ``speaker meta`` step); a document that is not a speech has none."""
    return [
        SpeakerMeta(
            speech.speaker_office,
            speech.admin_level,
            speech.region,
            speech.occasion_type,
            dict(rule.split("=", 1) for rule in speech.enrichment_rules),
        )
        for speech in page.speeches
    ]


def expected(note: dict[str, Any]) -> list[dict[str, Any]]:
    """The annotated values of each speech of a page: the per-speech lists of a page of several, else the page's fields."""
    if note.get("speeches"):
        return note["speeches"]
    if any(note.get(PLURAL[f]) for f in FIELDS):
        count = max(len(note.get(PLURAL[f]) or []) for f in FIELDS)
        return [{f: (note.get(PLURAL[f]) or [None] * count)[i] for f in FIELDS} for i in range(count)]
    return [{f: note.get(f) for f in FIELDS}]


def parts(devset_meta: Path) -> list[tuple[str, Path, dict[str, dict[str, Any]]]]:
    """(label, page folder, annotations with the four fields) of every part that can be scored."""
    fixtures = ROOT / "tests" / "fixtures"
    found = []
    for folder in sorted(fixtures.iterdir()):
        annotations = folder / "annotations.json"
        if annotations.is_file():
            found.append((folder.name, folder, json.loads(annotations.read_text(encoding="utf-8"))))
    if (DEVSET / "annotations.json").is_file() and devset_meta.is_file():
        found.append(("devset", DEVSET / "raw", json.loads(devset_meta.read_text(encoding="utf-8"))["pages"]))
    return found


def score(folder: Path, annotations: dict[str, dict[str, Any]], segmenter, misses: list[str]) -> dict[str, dict[str, int]]:
    """Per field: stated, correct, and set where the annotation says none (``spurious``, over ``unstated``)."""
    figures = {f: {"stated": 0, "correct": 0, "unstated": 0, "spurious": 0} for f in FIELDS}
    for name, note in sorted(annotations.items()):
        path = folder / name
        if not path.is_file():
            continue
        metas = speech_metas(process_page(read_page(path, folder), segmenter))
        for index, want in enumerate(expected(note)):
            got = metas[index] if index < len(metas) else SpeakerMeta()
            for f in FIELDS:
                value, truth = getattr(got, f), want.get(f)
                counts = figures[f]
                if truth is None:
                    counts["unstated"] += 1
                    counts["spurious"] += value is not None
                else:
                    counts["stated"] += 1
                    counts["correct"] += value == truth
                if value != truth:
                    misses.append(f"{folder.name}/{name}#{index} {f}: want {truth!r}, got {value!r} ({got.rules.get(f, '-')})")
    return figures


def measure(devset_meta: Path = DEVSET_META, misses: list[str] | None = None) -> dict[str, dict[str, dict[str, int]]]:
    segmenter = segmenter_for("jieba")
    misses = [] if misses is None else misses
    results = {}
    for label, folder, notes in parts(devset_meta):
        results[label] = score(folder, notes, segmenter, misses)
    checks = [results[label] for label in results if label.startswith("check")]
    results = {
        "rules part": results.pop("pages"),
        "check parts": {f: {k: sum(c[f][k] for c in checks) for k in checks[0][f]} for f in FIELDS},
        **{label: figures for label, figures in results.items() if label == "devset"},
        **{label: figures for label, figures in results.items() if label.startswith("check")},
    }
    return results


def table(results: dict[str, dict[str, dict[str, int]]]) -> str:
    rows = [f"{'part':<12}" + "".join(f"{f:>26}" for f in FIELDS)]
    for label, figures in results.items():
        cells = []
        for f in FIELDS:
            c = figures[f]
            accuracy = f"{c['correct'] / c['stated']:.0%}" if c["stated"] else "-"
            cells.append(f"{c['correct']:>3}/{c['stated']:<3} {accuracy:>4}  +{c['spurious']}/{c['unstated']:<3}")
        rows.append(f"{label:<12}" + "".join(f"{cell:>26}" for cell in cells))
    rows.append("cells: correct/stated accuracy  +set where the annotation says none/speeches it says none for")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    parser.add_argument("--misses", action="store_true", help="also list every speech and field read wrongly")
    parser.add_argument("--devset-meta", type=Path, default=DEVSET_META, help="the devset's speaker-metadata annotations")
    args = parser.parse_args(argv)
    misses: list[str] = []
    results = measure(args.devset_meta, misses)
    if args.json:
        print(json.dumps(results, ensure_ascii=False, indent=1))
    else:
        print(table(results))
    if args.misses:
        print("\n".join(misses), file=sys.stderr)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
