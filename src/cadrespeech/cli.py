"""The ``cadrespeech`` command: parse arguments, call the library, print.

Data goes to stdout, messages to stderr; exit 0 on success, 1 when a check finds
problems, 2 for bad input or usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from collections.abc import Sequence
from pathlib import Path

from . import __version__
from .errors import CadrespeechError
from .ingest import read_page
from .pipeline import process_page
from .tokens import Segmenter
from .views import explain_edits, page_to_dict

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE = 0, 1, 2


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except CadrespeechError as error:
        print(f"cadrespeech: error: {error}", file=sys.stderr)
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. piped into head
        return EXIT_OK


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="cadrespeech", description="Build and use the cadrespeech corpus of Chinese cadre speeches.")
    parser.add_argument("--version", action="version", version=f"cadrespeech {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    clean = commands.add_parser(
        "clean", help="clean one raw page and print its speeches", description="Clean one raw page and print its speeches."
    )
    clean.add_argument("path", type=Path, help="a raw page (plain text or HTML)")
    clean.add_argument("--format", choices=("text", "json"), default="text", help="text: the clean speech text; json: everything")
    clean.add_argument("--explain", action="store_true", help="list every removal and rewrite: rule, raw line, text")
    clean.set_defaults(run=_run_clean)
    return parser


def _run_clean(args: argparse.Namespace) -> int:
    path: Path = args.path
    if not path.is_file():
        raise CadrespeechError(f"{path}: no such file")
    page = process_page(read_page(path.resolve(), path.resolve().parent), Segmenter())
    if args.explain:
        for line in explain_edits(page.decoded.text, page.cleaned.edits):
            print(line)
        counts = Counter(edit.rule for edit in page.cleaned.edits)
        print(f"{len(page.cleaned.edits)} edits: " + ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items())))
    elif args.format == "json":
        json.dump(page_to_dict(page), sys.stdout, ensure_ascii=False, indent=1)
        print()
    else:
        print("\n\n".join(speech.text for speech in page.speeches))
    return EXIT_OK


if __name__ == "__main__":
    sys.exit(main())
