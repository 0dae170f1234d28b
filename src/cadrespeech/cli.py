"""The ``cadrespeech`` command: parse arguments, call the library, print.

Data goes to stdout, messages to stderr; exit 0 on success, 1 when a check finds
problems, 2 for bad input or usage.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from . import __version__
from .build.citation import bibtex, load_cff, pinned_cff
from .errors import CadrespeechError, ReleaseExists
from .escaping import for_json, for_terminal
from .schema import PAGES_PER_SHARD
from .stages.ingest import sha256_hex

EXIT_OK, EXIT_PROBLEMS, EXIT_USAGE, EXIT_EXISTS, EXIT_INTERRUPTED = 0, 1, 2, 3, 130
EXIT_CODES = (
    "exit codes: 0 success, 1 problems found (verify), 2 bad input, usage or a system error (full disk), "
    "3 release exists and differs, 130 interrupted"
)


def main(argv: Sequence[str] | None = None) -> int:
    parser = _parser()
    args = parser.parse_args(argv)
    try:
        return int(args.run(args))
    except ReleaseExists as error:
        say(f"error: {error}")
        return EXIT_EXISTS
    except CadrespeechError as error:
        say(f"error: {error}")
        return EXIT_USAGE
    except BrokenPipeError:  # e.g. piped into head
        return EXIT_OK
    except OSError as error:  # a full disk, a read-only folder: the system's reason, in one line
        where = f"{error.filename}: " if error.filename else ""
        say(f"error: {where}{error.strerror or error}")
        return EXIT_USAGE
    except KeyboardInterrupt:
        say("interrupted; nothing was released")
        return EXIT_INTERRUPTED


def say(message: str) -> None:
    """One line on stderr; whatever in it came from a page or a file name cannot drive the terminal."""
    print(f"cadrespeech: {for_terminal(message)}", file=sys.stderr)


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cadrespeech", description="Build and use the cadrespeech corpus of Chinese cadre speeches.", epilog=EXIT_CODES
    )
    parser.add_argument("--version", action="version", version=f"cadrespeech {__version__}")
    commands = parser.add_subparsers(title="commands", required=True, metavar="COMMAND")

    clean = commands.add_parser(
        "clean", help="clean one raw page and print its speeches", description="Clean one raw page and print its speeches."
    )
    clean.add_argument("path", type=Path, help="a raw page (plain text or HTML)")
    clean.add_argument("--format", choices=("text", "json"), default="text", help="text: the clean speech text; json: everything")
    clean.add_argument("--explain", action="store_true", help="list every removal and rewrite: rule, raw line, text")
    clean.set_defaults(run=_run_clean)

    build = commands.add_parser(
        "build", help="build a versioned release from raw pages", description="Build a versioned release.", epilog=EXIT_CODES
    )
    build.add_argument("--version", required=True, dest="release_version", help="the release version, X.Y.Z")
    build.add_argument("--raw", type=Path, default=Path("corpus/raw"), help="folder of raw pages (default: corpus/raw)")
    build.add_argument("--out", type=Path, default=None, help="releases folder (default: $CADRESPEECH_RELEASES or corpus/releases)")
    build.add_argument("--card", type=Path, default=None, help="the card's prose (default: the DATASET_CARD.md shipped with cadrespeech)")
    build.add_argument("--citation", type=Path, default=None, help="the citation file (default: the CITATION.cff shipped with cadrespeech)")
    build.add_argument("--skip-rule", action="append", default=[], metavar="RULE", help="a cleaning rule to switch off (repeatable)")
    build.add_argument("--jobs", type=int, default=os.cpu_count() or 1, help="worker processes (default: all cores)")
    build.add_argument("--segmenter", choices=("jieba", "rjieba"), default="jieba", help="jieba (reference) or rjieba (fast; extra 'fast')")
    build.add_argument("--engine", choices=("local", "ray"), default="local", help="local processes, or Ray Data (extra 'ray')")
    build.add_argument("--ray-address", default=None, help="an existing Ray cluster (default: start a local one)")
    build.add_argument(
        "--pages-per-shard",
        type=_positive,
        default=PAGES_PER_SHARD,
        metavar="N",
        help=f"spread each config over a power of two of files, about N pages each (default: {PAGES_PER_SHARD})",
    )
    build.add_argument(
        "--provenance", type=Path, default=None, help="provenance file (default: provenance.json beside --raw; a missing file: no records)"
    )
    build.add_argument("--cache", type=Path, default=None, help="page and shard cache folder (default: the user cache)")
    build.add_argument("--no-cache", action="store_true", help="process every page afresh and cache nothing")
    build.add_argument("--quiet", action="store_true", help="no progress bar")
    build.add_argument(
        "--profile", action="store_true", help="print the time each build step and each pipeline step took (reads no cached page)"
    )
    build.set_defaults(run=_run_build)

    verify = commands.add_parser("verify", help="check a release: checksums, rows, IDs, offsets, section tree", epilog=EXIT_CODES)
    verify.add_argument("release", nargs="?", default="latest", help="a version, 'latest' (default) or a release folder")
    verify.add_argument("--releases", type=Path, default=None, help="releases folder")
    verify.set_defaults(run=_run_verify)

    cite = commands.add_parser("cite", help="print a citation for a release")
    cite.add_argument("--format", choices=("bibtex", "cff"), default="bibtex")
    cite.add_argument("--version", dest="release", default="latest", help="a version, 'latest' (default) or a release folder")
    cite.add_argument("--releases", type=Path, default=None, help="releases folder")
    cite.set_defaults(run=_run_cite)

    evaluate = commands.add_parser("evaluate", help="score the pipeline on annotated pages", epilog=EXIT_CODES)
    evaluate.add_argument("pages", type=Path, help="folder of raw pages")
    evaluate.add_argument("annotations", type=Path, help="annotations JSON (the devset's format)")
    evaluate.add_argument("--json", action="store_true", help="print the figures as JSON instead of text")
    evaluate.add_argument("--match", metavar="REGEX", help="score only pages whose file name matches (a check part, say)")
    evaluate.add_argument("--exclude", metavar="REGEX", help="leave out pages whose file name matches")
    evaluate.set_defaults(run=_run_evaluate)

    report = commands.add_parser(
        "report",
        help="write a static HTML report with SVG figures for a release",
        description="Write index.html and figures/*.svg describing a release; the page needs no network.",
        epilog=EXIT_CODES,
    )
    report.add_argument("release", nargs="?", help="a version (X.Y.Z) or a release folder; default: the latest release")
    report.add_argument("--out", type=Path, help="output folder (default: report-vX.Y.Z in the current folder)")
    report.add_argument("--releases", type=Path, help="folder of releases (default: corpus/releases)")
    report.set_defaults(run=_run_report)

    collect = commands.add_parser(
        "collect",
        help="take pages out of web archives (WARC, ARC) and dumps (JSONL) into the raw folder, with provenance",
        description="Each kept record becomes one raw page named by its sha256, its bytes as archived, with a provenance record.",
        epilog=EXIT_CODES,
    )
    collect.add_argument(
        "sources", nargs="+", type=Path, metavar="SOURCE", help="a .warc[.gz], .arc[.gz] or .jsonl[.gz|.zst] file, or a folder of them"
    )
    collect.add_argument("--out", type=Path, default=Path("corpus/raw"), help="raw folder to write pages into (default: corpus/raw)")
    collect.add_argument("--provenance", type=Path, default=None, help="provenance file to update (default: provenance.json beside --out)")
    collect.add_argument("--speeches-only", action="store_true", help="keep only pages the genre classifier calls speeches")
    for name in ("url", "html", "text", "date", "title"):
        what = f"JSONL field holding the {name} (repeatable; the first present wins)"
        collect.add_argument(f"--{name}-field", action="append", default=None, metavar="NAME", help=what)
    collect.add_argument("--engine", choices=("local", "ray"), default="local", help="local, or one Ray task per archive (extra 'ray')")
    collect.add_argument("--ray-address", default=None, help="an existing Ray cluster (default: start a local one)")
    collect.add_argument("--quiet", action="store_true", help="no progress bar")
    collect.set_defaults(run=_run_collect)

    crawl = commands.add_parser(
        "crawl",
        help="crawl a site's speech column politely into a WARC file (which collect reads)",
        description="robots.txt obeyed, a delay between requests to a host, retries with backoff; every answer archived as received.",
        epilog=EXIT_CODES,
    )
    crawl.add_argument("seeds", nargs="+", metavar="URL", help="where to start, e.g. the column's index page")
    crawl.add_argument("--out", type=Path, required=True, help="folder to write the WARC file into")
    crawl.add_argument("--delay", type=float, default=1.0, metavar="S", help="seconds between requests to one host (default: 1)")
    crawl.add_argument("--max-pages", type=int, default=100, metavar="N", help="stop after N pages (default: 100)")
    crawl.add_argument("--allow", action="append", default=[], metavar="PATTERN", help="follow only URLs this regex finds (repeatable)")
    crawl.add_argument("--sitemap", action="append", default=[], metavar="URL", help="a sitemap whose pages to fetch (repeatable)")
    crawl.add_argument("--retries", type=int, default=3, help="further tries after a 5xx, 429 or lost connection (default: 3)")
    crawl.add_argument("--timeout", type=float, default=20.0, metavar="S", help="seconds a connection may stay silent (default: 20)")
    crawl.add_argument("--contact", default=None, help="your e-mail or URL, added to the User-Agent so a site can reach you")
    crawl.add_argument("--quiet", action="store_true", help="no progress bar")
    crawl.set_defaults(run=_run_crawl)

    kwic = commands.add_parser(
        "kwic", help="keyword in context: every occurrence of a token, tokens or a regex, with its context", epilog=EXIT_CODES
    )
    kwic.add_argument("query", help="a token (营商环境), tokens separated by spaces (优化 营商环境), or a regex with --regex")
    kwic.add_argument("--regex", action="store_true", help="the query is a regular expression over the sentences' text")
    kwic.add_argument("--window", type=int, default=20, help="characters of context on each side (default: 20)")
    kwic.add_argument("--where", help="a SQL condition over the documents columns, e.g. \"date >= '2020'\"")
    kwic.add_argument("--by", metavar="COLUMN", help="sort the hits by this documents column first")
    kwic.add_argument("--limit", type=int, help="at most this many hits")
    kwic.add_argument("--format", choices=("text", "csv", "json"), default="text")
    _release_arguments(kwic)
    kwic.set_defaults(run=_run_kwic)

    freq = commands.add_parser("freq", help="counts and rates per million words of terms, by year, genre, speaker …", epilog=EXIT_CODES)
    freq.add_argument("terms", nargs="+", metavar="TERM", help="a token, or tokens separated by spaces in one argument")
    freq.add_argument("--by", default="year", help="year (default), genre, speaker, admin_level, region, speaker_office, occasion_type")
    freq.add_argument("--where", help="a SQL condition over the documents columns")
    freq.add_argument("--plot", type=Path, metavar="FILE.png", help="also draw the rates as lines (extra 'plot')")
    freq.add_argument("--format", choices=("text", "csv", "json"), default="text")
    _release_arguments(freq)
    freq.set_defaults(run=_run_freq)

    colloc = commands.add_parser("collocates", help="the words found near a term, scored by logDice or MI", epilog=EXIT_CODES)
    colloc.add_argument("term", help="a token, or tokens separated by spaces")
    colloc.add_argument("--window", type=int, default=5, help="word tokens on each side (default: 5)")
    colloc.add_argument("--measure", choices=("logdice", "mi"), default="logdice")
    colloc.add_argument("--min-count", type=int, default=2, help="co-occurrences a collocate needs (default: 2)")
    colloc.add_argument("--top", type=int, default=30, help="how many to list (default: 30)")
    colloc.add_argument("--format", choices=("text", "csv", "json"), default="text")
    _release_arguments(colloc)
    colloc.set_defaults(run=_run_collocates)

    terms = commands.add_parser(
        "terms", help="multi-token terms the tokenizer splits but the corpus keeps together, for the domain dictionary", epilog=EXIT_CODES
    )
    terms.add_argument("release", nargs="?", default="latest", help="a version, 'latest' (default) or a release folder")
    terms.add_argument("--releases", type=Path, default=None, help="releases folder")
    terms.add_argument("--min-count", type=int, default=5, help="occurrences a candidate needs (default: 5)")
    terms.add_argument("--top", type=int, default=50, help="how many to list (default: 50)")
    terms.add_argument("--format", choices=("text", "csv", "json"), default="text")
    terms.set_defaults(run=_run_terms)

    export = commands.add_parser(
        "export",
        help="write a release as CoNLL-U, the vertical format (Sketch Engine, CQPweb) or SQLite (Datasette)",
        description="conllu: UD tools; vert: (No)Sketch Engine and CQPweb, with a registry file; sqlite: tables and an FTS5 index.",
        epilog=EXIT_CODES,
    )
    export.add_argument("format", choices=("conllu", "vert", "sqlite"))
    export.add_argument("release", nargs="?", default="latest", help="a version, 'latest' (default) or a release folder")
    export.add_argument("--out", type=Path, required=True, help="the file to write")
    export.add_argument("--releases", type=Path, default=None, help="releases folder")
    export.add_argument("--overwrite", action="store_true", help="replace files that are there")
    export.set_defaults(run=_run_export)

    serve = commands.add_parser(
        "serve", help="browse and search a release in Datasette, on 127.0.0.1 only (extra 'serve')", epilog=EXIT_CODES
    )
    serve.add_argument("release", nargs="?", default="latest", help="a version, 'latest' (default), a release folder or an exported .db")
    serve.add_argument("--releases", type=Path, default=None, help="releases folder")
    serve.add_argument("--port", type=int, default=8001, help="port on 127.0.0.1 (default: 8001)")
    serve.add_argument("--open", action="store_true", help="open a browser on the page")
    serve.set_defaults(run=_run_serve)

    listing = commands.add_parser("releases", help="list the releases, oldest first")
    listing.add_argument("--releases", type=Path, default=None, help="releases folder")
    listing.set_defaults(run=_run_releases)

    show = commands.add_parser(
        "show", help="print one document of a release", description="Print one document: its metadata and its speech with the section tree."
    )
    show.add_argument("doc_id", help="a document ID, e.g. 11439411abe84baf-00")
    show.add_argument("--version", dest="release", default="latest", help="a version, 'latest' (default) or a release folder")
    show.add_argument("--releases", type=Path, default=None, help="releases folder")
    show.add_argument("--raw", type=Path, default=Path("corpus/raw"), help="folder of raw pages, for --explain (default: corpus/raw)")
    show.add_argument("--explain", action="store_true", help="print the raw page with every removal and rewrite marked, by rule")
    show.add_argument(
        "--colour", choices=("auto", "always", "never"), default="auto", help="auto: colour on a terminal unless NO_COLOR is set"
    )
    show.set_defaults(run=_run_show)
    return parser


def _run_clean(args: argparse.Namespace) -> int:
    path: Path = args.path
    if path.is_dir():
        raise CadrespeechError(f"{path}: a folder; clean takes one page file (for a folder: cadrespeech build --raw FOLDER)")
    if not path.exists():
        raise CadrespeechError(f"{path}: no such file")
    from .stages.ingest import read_page
    from .stages.pipeline import process_page
    from .stages.tokens import Segmenter
    from .views import explain_edits, page_to_dict

    page = process_page(read_page(path.absolute(), path.absolute().parent), Segmenter())
    if args.explain:
        for line in explain_edits(page.decoded.text, page.cleaned.edits):
            print(for_terminal(line, keep_lines=True))
        counts = Counter(edit.rule for edit in page.cleaned.edits)
        print(f"{len(page.cleaned.edits)} edits: " + ", ".join(f"{rule} {n}" for rule, n in sorted(counts.items())))
    elif args.format == "json":
        print(for_json(json.dumps(page_to_dict(page), ensure_ascii=False, indent=1)))
    else:
        print(for_terminal("\n\n".join(speech.text for speech in page.speeches), keep_lines=True))
    return EXIT_OK


# The release commands import their modules when run: they pull in ``datasets``,
# which takes a second to import and which ``clean`` does not need.


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number of at least 1")
    return value


def _settle_pyarrows_pandas_probe() -> None:
    """Let pyarrow's first look for pandas find none, so that it does not import it.

    On its first conversion of Python objects pyarrow imports pandas only to ask
    whether they are pandas objects: 0.2 s, a fifth of a rebuild in which nothing
    changed. pyarrow keeps the answer for that question, while ``to_pandas`` and
    ``from_pandas`` still import pandas when called. A build hands pyarrow no pandas
    object; Ray Data does, so its engine is left alone.
    """
    if "pandas" in sys.modules:
        return
    refuse = _RefusePandas()
    sys.meta_path.insert(0, refuse)
    try:
        import pyarrow as pa

        pa.array([0])
    finally:
        sys.meta_path.remove(refuse)


class _RefusePandas:
    """An import finder that fails imports of pandas. (pyarrow's compiled import takes a
    None put in ``sys.modules`` for the module itself, so that cannot stand in.)"""

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name.partition(".")[0] == "pandas":
            raise ImportError("pandas is not imported by pyarrow's probe in a build")


def _run_build(args: argparse.Namespace) -> int:
    from .build.cache import PageCache
    from .build.release import build_release
    from .build.results import BuildConfig, BuildOptions
    from .read.loader import releases_dir

    if args.skip_rule:  # unknown rule names fail here, before any work
        from .stages.clean import CleanConfig

        try:
            CleanConfig(skip=frozenset(args.skip_rule))
        except ValueError as error:
            raise CadrespeechError(str(error)) from error
    if args.engine == "local":
        _settle_pyarrows_pandas_probe()
    cache = None if args.no_cache else str(args.cache or PageCache.default_folder())
    pages = BuildOptions(skip_rules=tuple(sorted(set(args.skip_rule))), segmenter=args.segmenter, cache=cache, profile=args.profile)
    config = BuildConfig(
        version=args.release_version,
        raw_dir=args.raw,
        out_dir=releases_dir(args.out),
        pages=pages,
        card_path=args.card,
        citation_path=args.citation,
        jobs=max(1, args.jobs),
        engine=args.engine,
        ray_address=args.ray_address,
        progress=False if args.quiet else None,
        pages_per_shard=args.pages_per_shard,
        provenance=args.provenance if args.provenance is not None else args.raw.parent / "provenance.json",
    )
    result = build_release(config)
    for report in result.problems:
        what = "page failed" if report.status == "error" else f"page skipped ({report.status})"
        where = f"{report.stage}: " if report.stage else ""
        say(f"{what}: {report.source}: {where}{report.reason}")
    for warning in result.warnings:
        say(f"warning: {warning}")
    if args.profile:
        total = sum(seconds for step, seconds in result.timings if not step.startswith("page step:")) or 1.0
        for step, seconds in result.timings:
            say(f"profile: {step:<32} {seconds:8.2f} s" + ("" if step.startswith("page step:") else f" {seconds / total:6.1%}"))
    state = "built" if result.status == "created" else "unchanged (identical rebuild of)"
    summary = f"{result.documents} documents from {result.pages_ok} of {result.pages} pages"
    say(f"{state} {result.path.name}: {summary}")
    print(for_terminal(str(result.path)))
    return EXIT_OK


def _run_collect(args: argparse.Namespace) -> int:
    from dataclasses import replace

    from .collect.archives import ROUTINE_SKIPS, JsonlFields
    from .collect.gather import CollectConfig, collect
    from .provenance import ProvenanceError

    fields = JsonlFields()
    for name in ("url", "html", "text", "date", "title"):
        if chosen := getattr(args, f"{name}_field"):
            fields = replace(fields, **{name: tuple(chosen)})
    config = CollectConfig(
        sources=tuple(args.sources),
        out=args.out,
        provenance=args.provenance or args.out.parent / "provenance.json",
        speeches_only=args.speeches_only,
        fields=fields,
        engine=args.engine,
        ray_address=args.ray_address,
        progress=not args.quiet and sys.stderr.isatty(),
    )
    try:
        summary = collect(config)
    except ProvenanceError as error:
        raise CadrespeechError(str(error)) from error
    for line in summary.lines():
        print(for_terminal(line))
    for reason, places in sorted(summary.examples.items()):
        if reason not in ROUTINE_SKIPS:  # request and warcinfo records are in every WARC: nothing to look at
            say(f"skipped ({reason}): e.g. {'; '.join(places)}")
    return EXIT_OK


def _run_crawl(args: argparse.Namespace) -> int:
    from .collect.crawl import DEFAULT_USER_AGENT, SKIP_REASONS, CrawlConfig, crawl

    agent = DEFAULT_USER_AGENT if not args.contact else f"{DEFAULT_USER_AGENT[:-1]}; contact {args.contact})"
    config = CrawlConfig(
        seeds=tuple(args.seeds),
        out=args.out,
        delay=args.delay,
        max_pages=args.max_pages,
        allow=tuple(args.allow),
        sitemaps=tuple(args.sitemap),
        retries=args.retries,
        timeout=args.timeout,
        user_agent=agent,
    )
    summary = crawl(config, progress=not args.quiet and sys.stderr.isatty())
    print(for_terminal(f"fetched {summary.fetched} pages; {summary.written} responses archived in {summary.warc_path}"))
    for reason, count in summary.skipped_by_reason.items():
        print(for_terminal(f"skipped {count}: {reason} ({SKIP_REASONS[reason]})"))
    return EXIT_OK


def _release_arguments(command: argparse.ArgumentParser) -> None:
    command.add_argument("--version", dest="release", default="latest", help="a version, 'latest' (default) or a release folder")
    command.add_argument("--releases", type=Path, default=None, help="releases folder")


def _print_records(records: list[dict[str, Any]], form: str, text_line: Callable[[dict[str, Any]], str]) -> None:
    """Rows as text (one line each), CSV or JSON lines; whatever came from a page is escaped for the terminal."""
    if form == "json":
        for record in records:
            print(for_json(json.dumps(record, ensure_ascii=False)))
    elif form == "csv":
        import csv

        if records:
            writer = csv.DictWriter(sys.stdout, fieldnames=list(records[0]), lineterminator="\n")
            writer.writeheader()
            for record in records:
                writer.writerow({key: "" if value is None else for_terminal(str(value)) for key, value in record.items()})
    else:
        for record in records:
            print(for_terminal(text_line(record)))


def _run_kwic(args: argparse.Namespace) -> int:
    from .read.queries import kwic

    hits = kwic(args.query, args.release, args.window, args.where, args.by, args.limit, args.regex, args.releases)
    width = args.window
    _print_records(
        [hit.as_dict() for hit in hits],
        args.format,
        lambda h: f"{h['doc_id']}  {h['left']:>{width}} [{h['match']}] {h['right']:<{width}}  {h['date'] or ''} {h['title'] or ''}",
    )
    say(f"{len(hits)} hits")
    return EXIT_OK


def _run_freq(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .read.queries import freq

    rows = freq(args.terms, args.by, version=args.release, where=args.where, releases_folder=args.releases)
    _print_records(
        [asdict(row) for row in rows],
        args.format,
        lambda r: f"{r['term']}  {r['group']}  {r['count']}/{r['tokens']}  {r['per_million']} per million",
    )
    if args.plot:
        from .read.plots import plot_freq

        say(f"plot: {plot_freq(rows, args.plot, args.by)}")
    return EXIT_OK


def _run_collocates(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .read.queries import collocates

    found = collocates(args.term, args.window, args.measure, args.min_count, args.top, args.release, args.releases)
    _print_records(
        [asdict(c) for c in found],
        args.format,
        lambda c: f"{c['score']:>8}  {c['collocate']}  ({c['together']} together, {c['frequency']} in all)",
    )
    return EXIT_OK


def _run_terms(args: argparse.Namespace) -> int:
    from dataclasses import asdict

    from .read.terms import term_candidates

    found = term_candidates(args.release, args.min_count, args.top, args.releases)
    _print_records(
        [{**asdict(c), "parts": " ".join(c.parts)} for c in found],
        args.format,
        lambda c: f"{c['score']:>8} {c['term']} ({c['parts']}; {c['count']}×; PMI {c['pmi']}; H {c['left_entropy']}, {c['right_entropy']})",
    )
    return EXIT_OK


def _run_export(args: argparse.Namespace) -> int:
    from .read import exports

    write = {"conllu": exports.export_conllu, "vert": exports.export_vert, "sqlite": exports.export_sqlite}[args.format]
    summary = write(args.release, args.out, releases_folder=args.releases, overwrite=args.overwrite)
    for path in (summary.path, *summary.extra_files):
        print(for_terminal(str(path)))
    say(f"{summary.documents} documents, {summary.sentences} sentences, {summary.tokens} tokens")
    return EXIT_OK


def _run_serve(args: argparse.Namespace) -> int:
    from urllib.parse import quote

    from .read.serve import DATABASE_NAME, serve

    search = f"/{DATABASE_NAME}/sentences?_search={quote('营商环境')}"
    say(f"serving on http://127.0.0.1:{args.port}/{DATABASE_NAME} (a search: {search}); Ctrl-C stops")
    return serve(args.release, args.port, args.open, args.releases)


def _run_verify(args: argparse.Namespace) -> int:
    from .read.loader import release_path
    from .read.verify import verify_release

    path = release_path(args.release, args.releases)
    problems = verify_release(path)
    for problem in problems:
        print(for_terminal(problem))
    if problems:
        say(f"{path}: {len(problems)} problem(s)")
        return EXIT_PROBLEMS
    say(f"{path}: OK")
    return EXIT_OK


def _run_cite(args: argparse.Namespace) -> int:
    from .read.loader import release_path
    from .schema import CITATION, MANIFEST

    path = release_path(args.release, args.releases)
    cff = path / CITATION
    manifest_sha = sha256_hex((path / MANIFEST).read_bytes())
    if args.format == "cff":
        sys.stdout.write(pinned_cff(load_cff(cff), manifest_sha))
    else:
        print(bibtex(load_cff(cff), manifest_sha))
    return EXIT_OK


def _run_evaluate(args: argparse.Namespace) -> int:
    from .evaluate import evaluate, load_annotations, select_pages

    if not args.pages.is_dir():
        raise CadrespeechError(f"{args.pages}: not a folder of pages")
    try:
        annotations = select_pages(load_annotations(args.annotations), args.match, args.exclude)
    except re.error as error:
        raise CadrespeechError(f"--match/--exclude: not a regular expression: {error}") from error
    report = evaluate(args.pages, annotations)
    figures = report.figures()
    if args.json:
        print(json.dumps({"pages": report.pages, "figures": figures, "misses": report.misses}, ensure_ascii=False, indent=1))
        return EXIT_OK
    print(f"pages: {report.pages}")
    for name, value in figures.items():
        print(f"{name:<20} {value:.3f}")
    if report.misses:
        print(f"\nmisses ({len(report.misses)}):")
        for miss in report.misses:
            print(f"  {for_terminal(miss)}")
    return EXIT_OK


def _run_releases(args: argparse.Namespace) -> int:
    from .read.loader import releases

    for version in releases(args.releases):
        print(version)
    return EXIT_OK


def _run_show(args: argparse.Namespace) -> int:
    from .read.loader import release_path
    from .read.show import document_header, explain_view, find_document, read_raw_text, speech_view

    document = find_document(release_path(args.release, args.releases), args.doc_id)
    colour = args.colour == "always" or (args.colour == "auto" and sys.stdout.isatty() and not os.environ.get("NO_COLOR"))
    if args.explain:
        raw_text = read_raw_text(document, args.raw)
        print(document_header(document, colour) + "\n\n" + explain_view(raw_text, document.removals, colour))
    else:
        print(speech_view(document, colour))
    return EXIT_OK


def _run_report(args: argparse.Namespace) -> int:
    from .build.report import write_report
    from .read.loader import read_manifest, release_path

    release = release_path(args.release or "latest", args.releases)
    page = write_report(release, args.out or Path(f"report-{release.name}"), read_manifest(release))
    print(page)
    return EXIT_OK


if __name__ == "__main__":  # python -m cadrespeech.cli
    sys.exit(main())
