"""Precision and recall of ``collect --speeches-only`` on the annotated pages, through a WARC.

Every annotated page (the fixtures' parts, and the devset when ../shared is beside the
project) is written into one WARC as a crawl would hold it; ``collect --speeches-only``
reads it; what it keeps is compared with the annotation's ``kind``. Also printed: how
many pages the cheap pre-filter let through to the classifier, and whether it dropped
any page the classifier keeps (it must not).

    python scripts/speech_filter_figures.py [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # for tests.archives, the WARC writer the tests use

from tests.archives import Response, write_warc  # noqa: E402

from cadrespeech.collect.gather import CollectConfig, collect  # noqa: E402
from cadrespeech.collect.speechfilter import is_speech_page, page_cue  # noqa: E402
from cadrespeech.records import RawPage  # noqa: E402
from cadrespeech.stages.ingest import decode_page, sha256_hex  # noqa: E402


def annotated_folders() -> list[tuple[str, Path]]:
    fixtures = ROOT / "tests" / "fixtures"
    folders = [(folder.name, folder) for folder in sorted(fixtures.iterdir()) if (folder / "annotations.json").is_file()]
    devset = ROOT.parent / "shared" / "devset"
    if (devset / "annotations.json").is_file():
        folders.append(("devset", devset / "raw"))
    return folders


def pages(folder: Path) -> list[tuple[str, bytes, bool]]:
    """(name, bytes, is a speech by its annotation) for each annotated page of a folder."""
    annotations_file = folder / "annotations.json" if (folder / "annotations.json").is_file() else folder.parent / "annotations.json"
    annotations = json.loads(annotations_file.read_text(encoding="utf-8"))
    found = []
    for name, note in sorted(annotations.items()):
        path = folder / name
        if path.is_file():
            found.append((name, path.read_bytes(), note.get("kind") == "speech"))
    return found


def measure() -> dict[str, dict[str, float | int]]:
    figures = {}
    everything: list[tuple[str, bytes, bool]] = []
    for label, folder in annotated_folders():
        found = pages(folder)
        everything += [(f"{label}/{name}", data, speech) for name, data, speech in found]
        figures[label] = _scores(found)
    figures["all"] = _scores(everything)
    return figures


def _scores(found: list[tuple[str, bytes, bool]]) -> dict[str, float | int]:
    with tempfile.TemporaryDirectory() as work:
        folder = Path(work)
        archive = folder / "annotated.warc.gz"
        responses = [Response(f"http://annotated.example/{i}/{name.rsplit('/', 1)[-1]}", data) for i, (name, data, _) in enumerate(found)]
        write_warc(archive, responses)
        summary = collect(CollectConfig((archive,), folder / "raw", folder / "provenance.json", speeches_only=True))
        kept = {path.name.split(".")[0] for path in (folder / "raw").iterdir()} if (folder / "raw").exists() else set()
    truth = {sha256_hex(data) for _, data, speech in found if speech}
    chosen = {sha256_hex(data) for _, data, _ in found} & kept
    hits = len(truth & chosen)
    cued = sum(page_cue(decode_page(RawPage(name, data, "")).text) is not None for name, data, _ in found)
    lost = [
        name
        for name, data, _ in found
        if is_speech_page(RawPage(name, data, "")) and page_cue(decode_page(RawPage(name, data, "")).text) is None
    ]
    return {
        "pages": len(found),
        "speeches": len(truth),
        "kept": len(chosen),
        "precision": round(hits / len(chosen), 3) if chosen else 1.0,
        "recall": round(hits / len(truth), 3) if truth else 1.0,
        "passed_pre_filter": cued,
        "classifier_speeches_the_pre_filter_drops": len(lost),
        "skipped": summary.skipped,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    figures = measure()
    if args.json:
        print(json.dumps(figures, indent=1, sort_keys=True))
        return 0
    print(f"{'part':<10} {'pages':>5} {'speeches':>8} {'kept':>5} {'precision':>9} {'recall':>6} {'pre-filter':>10} {'lost':>4}")
    for label, f in figures.items():
        print(
            f"{label:<10} {f['pages']:>5} {f['speeches']:>8} {f['kept']:>5} {f['precision']:>9.3f} {f['recall']:>6.3f} "
            f"{f['passed_pre_filter']:>10} {f['classifier_speeches_the_pre_filter_drops']:>4}"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
