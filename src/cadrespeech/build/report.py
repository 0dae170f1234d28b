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
import zlib
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.compute as pc

from ..datafiles import config_paths, file_digest, iter_batches, read_config
from ..escaping import for_terminal
from .figures import Bar, bar_chart, histogram_bars, line_chart

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
    store = None
    if kept is not None:
        # Everything the report is drawn from: the code, the facts passed and every data file's bytes.
        files = [path for config in manifest.get("configs", {}) for path in config_paths(release, config, manifest)]
        digests = [file_digest(path)[0] for path in files]
        store = _KeptReports(kept, [fingerprint, manifest, digests])
        if store.restore(out):
            return page
    facts = gather(release, manifest)
    figures = out / "figures"
    figures.mkdir(parents=True, exist_ok=True)
    draw_figures(facts, figures)
    page.write_text(render_html(manifest, facts), encoding="utf-8", newline="\n")
    if store is not None:
        store.keep(out)
    return page


class _KeptReports:
    """Reports drawn before, one file per key: the report's files, checked by a sha256 before they are used."""

    FORMAT = b"cadrespeech-report-cache-1"

    def __init__(self, folder: Path, inputs: list[Any]) -> None:
        # Dicts keep the order the release's data gave them: same data, same text.
        self.key = hashlib.sha256(json.dumps(inputs, default=str).encode()).hexdigest()
        self.path = folder / "reports" / f"{self.key}.bin"

    def restore(self, out: Path) -> bool:
        try:
            header, body = self.path.read_bytes().split(b"\n", 1)
            if header != self.FORMAT + b" " + hashlib.sha256(body).hexdigest().encode():
                return False
            files = marshal.loads(zlib.decompress(body))
            for name, data in files.items():
                target = out / name
                if Path(name).is_absolute() or ".." in Path(name).parts:
                    return False
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
        except (OSError, ValueError, EOFError, TypeError, zlib.error):
            return False
        return True

    def keep(self, out: Path) -> None:
        files = {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
        body = zlib.compress(marshal.dumps(files), 1)
        with contextlib.suppress(OSError):  # a report that cannot be kept is drawn again next time
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary = self.path.with_suffix(f".{os.getpid()}.tmp")
            temporary.write_bytes(self.FORMAT + b" " + hashlib.sha256(body).hexdigest().encode() + b"\n" + body)
            os.replace(temporary, self.path)


def gather(release: Path, manifest: dict[str, Any]) -> dict[str, Any]:
    """The figures' and tables' data, read column by column from the release's files.

    Per-document columns stay Arrow arrays and are counted in Arrow: as Python lists
    and dicts they were the part of a build's memory that grew with the release
    (about 60 MB at 100k documents).
    """
    documents = read_config(config_paths(release, "documents", manifest), ["doc_id", "date", "genre", "is_speech", "n_chars"])
    configs = manifest.get("configs", {})
    facts: dict[str, Any] = {
        "statistics": manifest.get("statistics", {}),
        "lengths": documents.filter(documents["is_speech"])["n_chars"].to_numpy(),
        "depths": section_depths(config_paths(release, "sections", manifest), documents.num_rows),
        "years": _tally(_years(documents["date"]).fill_null("unknown")),
        "genres": _tally(documents["genre"]),
        "top_terms": top_terms(config_paths(release, "sentences", manifest)),
        "formulations": formulation_counts(config_paths(release, "sentences", manifest), documents),
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


def top_terms(files: list[Path]) -> list[tuple[str, str, int]]:
    """The most frequent content words (two characters or more), counted a row group at a time."""
    counts: Counter[str] = Counter()
    tags = pa.array(TERM_TAGS)
    for batch in iter_batches(files, ["tokens", "pos"], 20_000):
        words, pos = pc.list_flatten(batch.column("tokens")), pc.list_flatten(batch.column("pos"))
        keep = pc.and_(pc.is_in(pos, value_set=tags), pc.greater_equal(pc.utf8_length(words), 2))
        # Count "word/tag" strings in Arrow; only the distinct ones reach Python.
        pairs = pc.binary_join_element_wise(pc.filter(words, keep), pc.filter(pos, keep), "/")
        for entry in pc.value_counts(pairs).to_pylist():
            counts[entry["values"]] += entry["counts"]
    ranked = sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:TOP_TERMS]
    return [(*pair.rsplit("/", 1), n) for pair, n in ranked]


def draw_figures(facts: dict[str, Any], folder: Path) -> None:
    """Each of FIGURES as ``folder/<name>.svg``, from the gathered facts."""
    statistics = facts["statistics"]
    removals = sorted(statistics.get("removals_per_rule", {}).items(), key=lambda item: (-item[1]["edits"], item[0]))[:20]
    sizes = Counter(len(cluster["members"]) for cluster in facts["clusters"])
    bars = {
        "lengths": histogram_bars(facts["lengths"]),
        "section_depth": [Bar(str(depth), n) for depth, n in sorted(facts["depths"].items())],
        "years": [Bar(year, n) for year, n in sorted(facts["years"].items(), key=lambda item: (item[0] == "unknown", item[0]))],
        "genres": sorted((Bar(GENRE_LABELS.get(g, "other"), n) for g, n in facts["genres"].items()), key=lambda bar: -bar.count),
        "removals": [Bar(rule, counts["edits"]) for rule, counts in removals],
        "reprints": [Bar(str(size), n) for size, n in sorted(sizes.items())],
    }
    for figure in FIGURES:
        if figure.name == "formulations":
            chart = formulations_chart(figure.title, facts["formulations"])
        else:
            chart = bar_chart(figure.title, bars[figure.name], horizontal=figure.name in ("genres", "removals"), **FIGURE_AXES[figure.name])
        (folder / f"{figure.name}.svg").write_text(chart, encoding="utf-8", newline="\n")


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
