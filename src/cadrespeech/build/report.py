"""A corpus report a person can look at: one static HTML page and SVG figures.

Everything is read from a release's own files, so a report describes exactly what
was published. The page needs no network: figures are files beside it, and the one
inline script only marks which figures loaded (a headless-browser test reads that).
Figure labels are ASCII, so a figure never depends on a Chinese font being installed;
Chinese terms and titles go into HTML tables. The page says ``lang="zh"``, so the
browser draws them with a Chinese font; a machine with none shows boxes, which is why
CI installs Debian's fonts-noto-cjk and the browser test fails on boxes.
"""

from __future__ import annotations

import contextlib
import hashlib
import html
import json
import marshal
import os
import re
import threading
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from ..datafiles import config_paths, file_digest, iter_batches, read_config
from ..escaping import for_terminal
from .figures import Bar, bar_chart, histogram_bars, line_chart

Item = TypeVar("Item")
Counted = TypeVar("Counted")

# Genres as the release names them, with the English label a figure shows.
GENRE_LABELS: dict[str, str] = {
    "讲话": "speech",
    "致辞": "address",
    "报告": "work report",
    "讲话纪要": "speech summary",
    "发言": "statement",
    "主持词": "chairing words",
    "书信": "letter",
    "决议": "resolution",
    "通知": "notice",
    "法规": "regulation",
    "公文": "official document",
    "新闻": "news",
    "纪要": "minutes",
    "消歧义页": "disambiguation",
    "文章": "article",
    "摘要": "digest",
    "小说": "fiction",
    "公报": "communique",
    "心得体会": "reflections",
}
# Content words for the top-terms table: nouns, verbs, verbal nouns, set phrases.
TERM_TAGS = ("n", "nz", "vn", "v", "l", "i")
TOP_TERMS = 40


@dataclass(frozen=True, slots=True)
class Figure:
    name: str  # file stem under figures/
    title: str
    caption: str


FIGURES = (
    Figure("lengths", "Speech length", "Characters per speech (documents with is_speech)."),
    Figure("section_depth", "Section depth", "Deepest numbered section level per document (0: no numbered sections)."),
    Figure("years", "Speeches by year", "Year of the speech date; documents without a date are counted as unknown."),
    Figure("genres", "Documents by genre", "Genre as classified; speeches and non-speeches alike."),
    Figure("removals", "Removals per rule", "Edits in the removals ledger, by cleaning rule (the 20 most used)."),
    Figure("reprints", "Reprint clusters", "Reprint clusters by size (duplicates config; clusters of two or more)."),
    Figure(
        "formulations",
        "Formulations over time",
        "Occurrences per 10,000 word tokens, by year of the speech date, of a few well-known formulations (tokens of the release).",
    ),
)
# The formulations the report follows over time, with the English its figure shows
# (figure labels are ASCII); chosen as long-lived terms of the field, each one token
# in the domain dictionary.
FORMULATIONS: tuple[tuple[str, str], ...] = (
    ("高质量发展", "high-quality development"),
    ("全面从严治党", "strict Party governance"),
    ("乡村振兴", "rural revitalisation"),
    ("营商环境", "business environment"),
    ("共同富裕", "common prosperity"),
    ("新发展理念", "new development philosophy"),
)
PER_WORDS = 10_000
# Axis titles per figure: what the counts are, and what the categories are.
FIGURE_AXES: dict[str, dict[str, str]] = {
    "lengths": {"value_label": "speeches", "category_label": "characters (start of range)"},
    "section_depth": {"value_label": "documents", "category_label": "deepest section level"},
    "years": {"value_label": "documents", "category_label": "year"},
    "genres": {"value_label": "documents"},
    "removals": {"value_label": "edits"},
    "reprints": {"value_label": "clusters", "category_label": "speeches in the cluster"},
}
_WORD_TOKEN = re.compile(r"\w")


def write_report(release: Path, out: Path, manifest: dict[str, Any], kept: Path | None = None, fingerprint: str = "") -> Path:
    """Write ``out/index.html`` and ``out/figures/*.svg`` for the release folder; return the page.

    A build passes the manifest it is about to write, since the report goes into the
    release (and its checksums into the manifest); ``cadrespeech report`` passes the
    release's own, read and checked by the loader. With ``kept`` (a build's cache
    folder), a report drawn before from the same facts by the same code
    (``fingerprint``) is copied instead of drawn: drawing is most of a rebuild in which
    nothing changed.
    """
    page = out / "index.html"
    store, shard_store = None, None
    if kept is not None:
        # Everything the report is drawn from: the code, the facts passed and every data file's bytes.
        files = [path for config in manifest.get("configs", {}) for path in config_paths(release, config, manifest)]
        digests = {path: file_digest(path)[0] for path in files}
        store = _KeptReports(kept, [fingerprint, manifest, list(digests.values())])
        if store.restore(out):
            return page
        shard_store = _KeptShardCounts(kept, fingerprint, digests)
    facts = gather(release, manifest, shard_store)
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    draw_figures(facts, figures)
    page.write_text(render_html(manifest, facts), encoding="utf-8", newline="\n")
    if store is not None:
        store.keep(out)
    return page


def _read_kept(path: Path, form: bytes) -> Any:
    """What ``_write_kept`` kept at ``path``, or None when it is missing, damaged or of another format."""
    try:
        header, body = path.read_bytes().split(b"\n", 1)
        if header != form + b" " + hashlib.sha256(body).hexdigest().encode():
            return None
        return marshal.loads(zlib.decompress(body))
    except (OSError, ValueError, EOFError, TypeError, zlib.error):
        return None


def _write_kept(path: Path, form: bytes, value: Any) -> None:
    """Keep ``value`` (marshal-able) at ``path``, with its format and sha256 in a header line; a failure keeps nothing."""
    body = zlib.compress(marshal.dumps(value), 1)
    with contextlib.suppress(OSError):  # what cannot be kept is computed again next time
        path.parent.mkdir(parents=True, exist_ok=True)
        # Named by process and thread: shards with the same bytes share a key, and are counted at once.
        temporary = path.with_suffix(f".{os.getpid()}.{threading.get_ident()}.tmp")
        temporary.write_bytes(form + b" " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
        os.replace(temporary, path)


class _KeptReports:
    """Reports drawn before, one file per key: the report's files, checked by a sha256 before they are used."""

    FORMAT = b"cadrespeech-report-cache-1"

    def __init__(self, folder: Path, inputs: list[Any]) -> None:
        # Dicts keep the order the release's data gave them: same data, same text.
        self.key = hashlib.sha256(json.dumps(inputs, default=str).encode()).hexdigest()
        self.path = folder / "reports" / f"{self.key}.bin"

    def restore(self, out: Path) -> bool:
        files = _read_kept(self.path, self.FORMAT)
        try:
            if not isinstance(files, dict) or any(Path(name).is_absolute() or ".." in Path(name).parts for name in files):
                return False
            for name, data in files.items():
                target = out / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        except (OSError, TypeError):
            return False
        return True

    def keep(self, out: Path) -> None:
        _write_kept(self.path, self.FORMAT, {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()})


class _KeptShardCounts:
    """Each shard's share of the report's counts, kept under the sha256 of the shard's files and the code.

    A rebuild that rewrote a few shards counts only those: the tokens of every other
    shard were counted before, by the same code, from the same bytes.
    """

    FORMAT = b"cadrespeech-report-shard-1"

    def __init__(self, folder: Path, fingerprint: str, digests: dict[Path, str]) -> None:
        # digests: every data file the manifest lists, so every shard's files (write_report reads them all once)
        self.folder, self.fingerprint, self.digests = folder / "report-shards", fingerprint, digests

    def _path(self, files: tuple[Path, ...]) -> Path:
        key = hashlib.sha256(json.dumps([self.fingerprint, [self.digests[path] for path in files]]).encode()).hexdigest()
        return self.folder / key[:2] / f"{key}.bin"

    def get(self, files: tuple[Path, ...]) -> ShardCounts | None:
        kept = _read_kept(self._path(files), self.FORMAT)
        try:
            return None if kept is None else ShardCounts.from_plain(kept)
        except (TypeError, ValueError):
            return None

    def keep(self, files: tuple[Path, ...], counts: ShardCounts) -> None:
        _write_kept(self._path(files), self.FORMAT, counts.plain())


def gather(release: Path, manifest: dict[str, Any], kept: _KeptShardCounts | None = None) -> dict[str, Any]:
    """The figures' and tables' data, read column by column from the release's files.

    Per-document columns stay Arrow arrays and are counted in Arrow: as Python lists
    and dicts they were the part of a build's memory that grew with the release
    (about 60 MB at 100k documents). Tokens and sections are counted shard by shard
    (a shard's documents, sections and sentences are the rows of the same pages), and
    with ``kept``, a shard counted before is not counted again.
    """
    documents = _document_columns(config_paths(release, "documents", manifest))
    configs = manifest.get("configs", {})
    shards = zip(*(config_paths(release, config, manifest) for config in SHARD_COUNTED), strict=True)
    counts = ShardCounts.merged(_in_order_on_threads(lambda files: _shard_counts(files, kept), shards))
    facts: dict[str, Any] = {
        "statistics": manifest.get("statistics", {}),
        "lengths": documents.filter(documents["is_speech"])["n_chars"].to_numpy(),
        "depths": counts.depths,
        "years": _tally(_years(documents["date"]).fill_null("unknown")),
        "genres": _tally(documents["genre"]),
        "top_terms": counts.top_terms(),
        "formulations": counts.formulations,
        "clusters": [],
    }
    if "duplicates" in configs:
        duplicates = read_config(config_paths(release, "duplicates", manifest)).filter(pc.field("cluster_size") >= 2)
        members: dict[str, list[str]] = {}
        for row in duplicates.to_pylist():
            members.setdefault(row["canonical_doc_id"], []).append(row["doc_id"])
        titles: dict[str, str | None] = {}
        if members:  # most releases have few clusters: their titles are all the report reads of that column
            named = read_config(config_paths(release, "documents", manifest), ["doc_id", "title"])
            named = named.filter(pc.is_in(named["doc_id"], value_set=pa.array(sorted(members), pa.string())))
            titles = dict(zip(named["doc_id"].to_pylist(), named["title"].to_pylist(), strict=True))
        facts["clusters"] = [
            {"canonical": canonical, "title": titles.get(canonical), "members": sorted(docs)}
            for canonical, docs in sorted(members.items(), key=lambda item: (-len(item[1]), item[0]))
        ]
    return facts


def _document_columns(files: list[Path]) -> pa.Table:
    """The documents' columns the report reads.

    v0.1.0 predates ``genre`` and ``is_speech``: there, every document counts as a
    speech whose genre was not classified.
    """
    present = set(pq.read_schema(files[0]).names)
    documents = read_config(files, [name for name in ("doc_id", "date", "genre", "is_speech", "n_chars") if name in present])
    if "genre" not in present:
        documents = documents.append_column("genre", pa.nulls(documents.num_rows, pa.string()))
    if "is_speech" not in present:
        documents = documents.append_column("is_speech", pa.repeat(pa.scalar(True), documents.num_rows))
    return documents


def _years(dates: pa.ChunkedArray) -> pa.ChunkedArray:
    """The year of each date (its first four characters); null where there is no date."""
    dated = pc.and_(pc.is_valid(dates), pc.not_equal(dates, ""))
    return pc.if_else(dated, pc.utf8_slice_codeunits(dates, 0, 4), pa.scalar(None, pa.string()))


def _tally(values: pa.ChunkedArray) -> Counter:
    """How often each value occurs, counted in Arrow."""
    return Counter({entry["values"]: entry["counts"] for entry in pc.value_counts(values).to_pylist()})


def section_depths(files: list[Path], documents: int) -> Counter[int]:
    """How many documents reach each section depth (0: none), a row group at a time.

    A document's sections are contiguous rows, so one pass with the current document's
    deepest level is enough; no table of all sections is held.
    """
    depths: Counter[int] = Counter()
    current, deepest = None, 0
    for batch in iter_batches(files, ["doc_id", "level"], 50_000):
        for doc, level in zip(batch.column("doc_id").to_pylist(), batch.column("level").to_pylist(), strict=True):
            if doc != current:
                if current is not None:
                    depths[deepest] += 1
                current, deepest = doc, level
            deepest = max(deepest, level)
    if current is not None:
        depths[deepest] += 1
    if documents > sum(depths.values()):
        depths[0] = documents - sum(depths.values())
    return depths


def formulation_counts(files: list[Path], documents: pa.Table) -> dict[str, dict[str, int]]:
    """Per year of the speech date: word tokens, and occurrences of each of FORMULATIONS (years without a date left out).

    Counted in Arrow a row group at a time: only the distinct tokens that hold no word
    character (punctuation, a few hundred) are judged in Python, where a loop over
    every token cost a second a build.
    """
    dated = documents.filter(pc.is_valid(_years(documents["date"])))
    dated_ids, dated_years = dated["doc_id"].combine_chunks(), _years(dated["date"]).combine_chunks()
    wanted = sorted(term for term, _ in FORMULATIONS)
    counts: dict[str, dict[str, int]] = {}
    judged: set[str] = set()
    not_words: list[str] = []
    for batch in iter_batches(files, ["doc_id", "tokens"], 20_000):
        years = pc.take(dated_years, pc.index_in(batch.column("doc_id"), value_set=dated_ids))
        tokens = batch.column("tokens")
        table = pa.table({"year": pc.take(years, pc.list_parent_indices(tokens)), "token": pc.list_flatten(tokens)})
        table = table.filter(pc.is_valid(table["year"]))
        for token in pc.unique(table["token"]).to_pylist():
            if token not in judged:
                judged.add(token)
                if not _WORD_TOKEN.search(token):
                    not_words.append(token)
        is_word = pc.invert(pc.is_in(table["token"], value_set=pa.array(not_words, pa.string())))
        words = pa.table({"year": table["year"], "word": pc.cast(is_word, pa.int64())}).group_by("year").aggregate([("word", "sum")])
        for year, n in zip(words["year"].to_pylist(), words["word_sum"].to_pylist(), strict=True):
            counts.setdefault(year, {"words": 0, **dict.fromkeys(wanted, 0)})["words"] += n
        found = table.filter(pc.is_in(table["token"], value_set=pa.array(wanted)))
        found = found.group_by(["year", "token"]).aggregate([([], "count_all")])
        for year, token, n in zip(*(found[name].to_pylist() for name in ("year", "token", "count_all")), strict=True):
            counts[year][token] += n
    return dict(sorted(counts.items()))


def term_counts(files: list[Path]) -> pa.Table:
    """Occurrences (``n``) of each content word of two characters or more, as "word/tag" (``pair``), counted in Arrow."""
    tags = pa.array(TERM_TAGS)
    pairs = [pa.array([], pa.string())]
    for batch in iter_batches(files, ["tokens", "pos"], 20_000):
        words, pos = pc.list_flatten(batch.column("tokens")), pc.list_flatten(batch.column("pos"))
        keep = pc.and_(pc.is_in(pos, value_set=tags), pc.greater_equal(pc.utf8_length(words), 2))
        pairs.append(pc.binary_join_element_wise(pc.filter(words, keep), pc.filter(pos, keep), "/"))
    counted = pc.value_counts(pa.chunked_array(pairs, pa.string()))
    return pa.table({"pair": counted.field("values"), "n": counted.field("counts")})


def _summed(tables: list[pa.Table]) -> pa.Table:
    """Term counts added up: one row per pair."""
    summed = pa.concat_tables(tables).group_by("pair").aggregate([("n", "sum")])
    return summed.rename_columns({"n_sum": "n"}).select(["pair", "n"])


# The configs whose rows the report counts shard by shard, in the order ShardCounts takes their files.
SHARD_COUNTED = ("documents", "sections", "sentences")


@dataclass(frozen=True, slots=True)
class ShardCounts:
    """What the report counts in one shard's rows, or in several merged: sums all, so the shards add up to the release."""

    depths: Counter[int]  # documents per deepest section level
    terms: pa.Table  # pair ("word/tag"), n (term_counts)
    formulations: dict[str, dict[str, int]]  # as formulation_counts gives them

    # Term rows gathered from shards before they are added up: the sum is in Arrow, and
    # a merge holds at most about this many rows besides the running total.
    MERGE_ROWS = 1_000_000

    @classmethod
    def of_shard(cls, documents: Path, sections: Path, sentences: Path) -> ShardCounts:
        # Terms are counted on a thread of their own while the formulations are: a release
        # of one shard has nothing else to count beside them.
        with ThreadPoolExecutor(1, thread_name_prefix="cadrespeech-count-terms") as helper:
            terms = helper.submit(term_counts, [sentences])
            rows = pq.read_table(documents, columns=["doc_id", "date"])
            formulations = formulation_counts([sentences], rows)
            return cls(section_depths([sections], rows.num_rows), terms.result(), formulations)

    @classmethod
    def merged(cls, parts: Iterable[ShardCounts]) -> ShardCounts:
        """The sum of ``parts``, taken one at a time: a release's shards are never all in memory."""
        depths: Counter[int] = Counter()
        terms = [pa.table({"pair": pa.array([], pa.string()), "n": pa.array([], pa.int64())})]
        formulations: dict[str, dict[str, int]] = {}
        for part in parts:
            depths.update(part.depths)
            terms.append(part.terms)
            if sum(table.num_rows for table in terms) > cls.MERGE_ROWS:
                terms = [_summed(terms)]
            for year, row in part.formulations.items():
                total = formulations.setdefault(year, dict.fromkeys(row, 0))
                for name, n in row.items():
                    total[name] += n
        return cls(depths, _summed(terms), dict(sorted(formulations.items())))

    def top_terms(self) -> list[tuple[str, str, int]]:
        """The TOP_TERMS most frequent, as (word, tag, count); ties in the order of "word/tag" (UTF-8 bytes: code points)."""
        ranked = self.terms.sort_by([("n", "descending"), ("pair", "ascending")]).slice(0, TOP_TERMS)
        return [(*pair.rsplit("/", 1), n) for pair, n in zip(ranked["pair"].to_pylist(), ranked["n"].to_pylist(), strict=True)]

    def plain(self) -> tuple[dict[int, int], tuple[list[str], list[int]], dict[str, dict[str, int]]]:
        """The counts as plain values, for marshal."""
        return dict(self.depths), (self.terms["pair"].to_pylist(), self.terms["n"].to_pylist()), self.formulations

    @classmethod
    def from_plain(cls, plain: Any) -> ShardCounts:
        depths, (pairs, counts), formulations = plain
        if not isinstance(depths, dict) or not isinstance(formulations, dict):
            raise TypeError("kept shard counts are not as plain() gives them")
        return cls(Counter(depths), pa.table({"pair": pa.array(pairs, pa.string()), "n": pa.array(counts, pa.int64())}), formulations)


# Shards counted at once. Counting is mostly Arrow's work (reading, flattening,
# grouping), done with the GIL let go, so threads overlap it; a rebuild that rewrote
# many shards counts each of them.
COUNTING_THREADS = min(4, os.cpu_count() or 1)


def _in_order_on_threads(function: Callable[[Item], Counted], items: Iterable[Item], threads: int = COUNTING_THREADS) -> Iterator[Counted]:
    """``function`` of each of ``items``, in their order, computed on ``threads`` threads at most ``2 * threads`` items ahead."""
    with ThreadPoolExecutor(threads, thread_name_prefix="cadrespeech-count") as pool:
        ahead: deque[Future[Counted]] = deque()
        for item in items:
            ahead.append(pool.submit(function, item))
            if len(ahead) >= 2 * threads:
                yield ahead.popleft().result()
        while ahead:
            yield ahead.popleft().result()


def _shard_counts(files: tuple[Path, ...], kept: _KeptShardCounts | None) -> ShardCounts:
    """One shard's counts: kept from an earlier build of the same bytes, or counted (and kept)."""
    counts = None if kept is None else kept.get(files)
    if counts is None:
        counts = ShardCounts.of_shard(*files)
        if kept is not None:
            kept.keep(files, counts)
    return counts


def draw_figures(facts: dict[str, Any], folder: Path) -> None:
    """Each of FIGURES as ``folder/<name>.svg``, from the gathered facts."""
    statistics = facts["statistics"]
    removals = sorted(statistics.get("removals_per_rule", {}).items(), key=lambda item: (-item[1]["edits"], item[0]))[:20]
    sizes = Counter(len(cluster["members"]) for cluster in facts["clusters"])
    bars = {
        "lengths": histogram_bars(facts["lengths"]),
        "section_depth": [Bar(str(depth), n) for depth, n in sorted(facts["depths"].items())],
        "years": [Bar(year, n) for year, n in sorted(facts["years"].items(), key=lambda item: (item[0] == "unknown", item[0]))],
        "genres": sorted((Bar(_genre_label(g), n) for g, n in facts["genres"].items()), key=lambda bar: -bar.count),
        "removals": [Bar(rule, counts["edits"]) for rule, counts in removals],
        "reprints": [Bar(str(size), n) for size, n in sorted(sizes.items())],
    }
    for figure in FIGURES:
        if figure.name == "formulations":
            chart = formulations_chart(figure.title, facts["formulations"])
        else:
            chart = bar_chart(figure.title, bars[figure.name], horizontal=figure.name in ("genres", "removals"), **FIGURE_AXES[figure.name])
        (folder / f"{figure.name}.svg").write_text(chart, encoding="utf-8", newline="\n")


def _genre_label(genre: str | None) -> str:
    return "not classified" if genre is None else GENRE_LABELS.get(genre, "other")


def formulations_chart(title: str, counts: dict[str, dict[str, int]]) -> str:
    years = list(counts)
    series = [
        (english, [round(counts[year][term] * PER_WORDS / counts[year]["words"], 3) if counts[year]["words"] else 0.0 for year in years])
        for term, english in FORMULATIONS
    ]
    return line_chart(title, years, series, value_label=f"per {PER_WORDS:,} words", category_label="year of the speech")


def render_html(manifest: dict[str, Any], facts: dict[str, Any]) -> str:
    statistics = facts["statistics"]
    version = manifest.get("version", "?")
    names = ("pages", "documents", "sections", "paragraphs", "sentences", "tokens", "characters")
    counts = [(name, statistics.get(name)) for name in names]
    template = statistics.get("template_paragraphs", {})
    reuse = [
        ("reprint clusters", statistics.get("reprints", {}).get("clusters")),
        ("speeches in a reprint cluster", statistics.get("reprints", {}).get("documents_in_clusters")),
        ("paragraph texts recurring in two or more speeches", template.get("recurring_texts")),
        ("speeches with a recurring paragraph", template.get("speeches_with_recurring")),
    ]
    parts = [
        "<!DOCTYPE html>",
        # The content is Chinese: lang picks a Chinese font (and Simplified glyphs) for it.
        '<html lang="zh"><head><meta charset="utf-8">',
        f"<title>cadrespeech v{_e(version)}: corpus report</title>",
        "<style>body{font-family:sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem}"
        "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:.2rem .5rem;text-align:left}"
        "td.n{text-align:right}figure{margin:1.5rem 0}img{max-width:100%;height:auto}</style>",
        "</head><body>",
        f"<h1>cadrespeech v{_e(version)}</h1>",
        f"<p>Built by cadrespeech {_e(manifest.get('build', {}).get('cadrespeech', '?'))}; "
        f"manifest of this release: <code>manifest.json</code>.</p>",
        "<h2>Size</h2>",
        _table(("", "count"), counts),
        "<h2>Reprints and template paragraphs</h2>",
        _table(("", "count"), [(k, v) for k, v in reuse if v is not None] or [("not in this release", "")]),
    ]
    for figure in FIGURES:
        # A figure and its caption are English only.
        parts.append(
            f'<figure id="{figure.name}" lang="en">'
            f'<img src="figures/{figure.name}.svg" width="700" height="400" alt="{_e(figure.title)}" data-figure="{figure.name}">'
            f"<figcaption>{_e(figure.caption)}</figcaption></figure>"
        )
    parts += [
        "<h2>Formulations over time</h2>",
        "<p>Occurrences of each formulation by year of the speech date (the figure above shows them per "
        f"{PER_WORDS:,} word tokens); <code>cadrespeech freq</code> counts any term so.</p>",
        _table(
            ("formulation", "in English", *facts["formulations"]),
            [(term, english, *(facts["formulations"][year][term] for year in facts["formulations"])) for term, english in FORMULATIONS],
        ),
        "<h2>Top terms</h2>",
        "<p>Most frequent words of two characters or more tagged " + ", ".join(TERM_TAGS) + ".</p>",
        _table(("term", "tag", "count"), facts["top_terms"]),
        "<h2>Reprint clusters</h2>",
        _table(
            ("canonical speech", "title", "reprints"),
            [(c["canonical"], c["title"] or "", ", ".join(m for m in c["members"] if m != c["canonical"])) for c in facts["clusters"]],
        )
        if facts["clusters"]
        else "<p>None in this release.</p>",
        "<script>",
        # Marks each figure once it loaded (or failed), so a headless browser can tell.
        "window.addEventListener('load',function(){document.querySelectorAll('img[data-figure]').forEach(function(i){"
        "i.setAttribute('data-loaded',i.complete&&i.naturalWidth>0?'yes':'no')});"
        "document.body.setAttribute('data-ready','yes')});",
        "</script>",
        f"<!-- figures: {json.dumps([f.name for f in FIGURES])} -->",
        "</body></html>",
    ]
    return "\n".join(parts) + "\n"


def _table(header: tuple[str, ...], rows) -> str:
    head = "".join(f"<th>{_e(h)}</th>" for h in header)
    body = "".join(
        "<tr>" + "".join(f'<td class="n">{value}</td>' if isinstance(value, int) else f"<td>{_e(value)}</td>" for value in row) + "</tr>"
        for row in rows
    )
    return f"<table><tr>{head}</tr>{body}</table>"


def _e(value: Any) -> str:
    """A page's string as HTML text: markup escaped, and controls and bidi overrides shown, not obeyed."""
    return html.escape(for_terminal(str(value), keep_lines=True))
