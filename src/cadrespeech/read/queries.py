"""What researchers ask of a speech corpus: keywords in context, frequencies by metadata, collocates.

Every query runs in DuckDB straight over a release's Parquet files (checked against the
manifest first), so a release is never copied into memory: a sentence reaches Python
only when it holds the query. ``version`` is a version ("0.7.0", "latest") or a
release folder, as for ``load``.

A query is a token (营商环境), a sequence of tokens separated by spaces (优化 营商环境,
matched as consecutive tokens), or with ``regex=True`` a regular expression over the
sentences' text.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from ..errors import CadrespeechError
from .loader import checked_files

# Metadata a frequency can be broken down by: the name researchers use, and the SQL
# over the documents config that gives it.
BREAKDOWNS: dict[str, str] = {
    "year": "coalesce(substr(d.date, 1, 4), 'unknown')",
    "genre": "coalesce(d.genre, 'unknown')",
    "speaker": "coalesce(d.speaker, 'unknown')",
    "admin_level": "coalesce(d.admin_level, 'unknown')",
    "region": "coalesce(d.region, 'unknown')",
    "speaker_office": "coalesce(d.speaker_office, 'unknown')",
    "occasion_type": "coalesce(d.occasion_type, 'unknown')",
    "is_speech": "CAST(d.is_speech AS VARCHAR)",
}
PER_MILLION = 1_000_000
# A token is a word for counts and collocates when it holds a letter or a digit: punctuation
# and spaces are tokens too, and would swamp every count.
_WORDLIKE = r"regexp_matches(tok, '[\pL\pN]')"
_WORD = re.compile(r"\w")


class QueryError(CadrespeechError):
    """A query that cannot run: an empty or malformed query, a column the release lacks."""


@dataclass(frozen=True, slots=True)
class KwicHit:
    """One occurrence with its context: ``left`` + ``match`` + ``right`` is the document's text there."""

    doc_id: str
    sentence_id: str
    title: str | None
    date: str | None
    speaker: str | None
    left: str
    match: str
    right: str
    start: int  # offset of the match in the document's text
    end: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True, slots=True)
class FreqRow:
    term: str
    group: str
    count: int
    tokens: int  # the group's word tokens: the denominator
    per_million: float


@dataclass(frozen=True, slots=True)
class Collocate:
    collocate: str
    together: int  # co-occurrences within the window
    frequency: int  # the collocate's own frequency in the release
    score: float


def _connect(version: str | Path, releases_folder: str | Path | None, configs: tuple[str, ...]) -> Any:
    """An in-memory DuckDB with a view per config over the release's checked Parquet files."""
    import duckdb  # imported here: only a query needs it

    connection = duckdb.connect(":memory:")
    for config in configs:
        files = [str(path) for path in checked_files(config, version, releases_folder)]
        connection.execute(f"CREATE VIEW {config} AS SELECT * FROM read_parquet({files!r})")
    return connection


def _parse(query: str, regex: bool) -> tuple[str, ...] | re.Pattern[str]:
    if not query.strip():
        raise QueryError("empty query: give a token, tokens separated by spaces, or a regular expression with --regex")
    if regex:
        try:
            return re.compile(query)
        except re.error as error:
            raise QueryError(f"not a regular expression: {query!r} ({error})") from None
    return tuple(query.split())


def kwic(
    query: str,
    version: str | Path = "latest",
    window: int = 20,
    where: str | None = None,
    by: str | None = None,
    limit: int | None = None,
    regex: bool = False,
    releases_folder: str | Path | None = None,
) -> list[KwicHit]:
    """Every occurrence of ``query`` with ``window`` characters of its document on each side.

    ``where`` is a SQL condition over the ``documents`` columns (``date >= '2020'``,
    ``is_speech``); ``by`` sorts the hits by a documents column first (else they come
    in release order); ``limit`` keeps the first hits. For example,
    ``kwic("优化 营商环境", version="0.7.0", window=10)`` finds 优化营商环境 written as
    two tokens, with ten characters of the document on each side.
    """
    pattern = _parse(query, regex)
    connection = _connect(version, releases_folder, ("documents", "sentences"))
    condition, parameters = _sentence_filter(pattern)
    order = _order_column(connection, by)
    sql = (
        "SELECT s.doc_id, s.sentence_id, s.start, s.text, s.tokens, s.token_starts, d.title, d.date, d.speaker, d.text AS doc_text "
        f"FROM sentences s JOIN documents d USING (doc_id) WHERE {condition}"
        + (f" AND ({where})" if where else "")
        + f" ORDER BY {order}s.doc_id, s.start"
    )
    hits: list[KwicHit] = []
    for row in _rows(connection, sql, parameters):
        for start, end in _matches(pattern, row):
            doc_start, doc_end = row["start"] + start, row["start"] + end
            text = row["doc_text"]
            hits.append(
                KwicHit(
                    row["doc_id"],
                    row["sentence_id"],
                    row["title"],
                    row["date"],
                    row["speaker"],
                    _flat(text[max(0, doc_start - window) : doc_start]),
                    _flat(text[doc_start:doc_end]),
                    _flat(text[doc_end : doc_end + window]),
                    doc_start,
                    doc_end,
                )
            )
            if limit is not None and len(hits) >= limit:
                return hits
    return hits


def freq(
    terms: list[str] | str,
    by: str = "year",
    per: int = PER_MILLION,
    version: str | Path = "latest",
    where: str | None = None,
    releases_folder: str | Path | None = None,
) -> list[FreqRow]:
    """How often each term (a token or a token sequence) occurs in each group, and per ``per`` word tokens of the group.

    Groups are years, genres, speakers, administrative levels or regions (``BREAKDOWNS``);
    every group of the release is listed for every term, with a count of 0 where the
    term does not occur, so rates over time can be plotted as they are.
    """
    terms = [terms] if isinstance(terms, str) else list(terms)
    if by not in BREAKDOWNS:
        raise QueryError(f"cannot break counts down by {by!r}; choose one of {', '.join(BREAKDOWNS)}")
    connection = _connect(version, releases_folder, ("documents", "sentences"))
    group = BREAKDOWNS[by]
    _require_columns(connection, by)
    filter_sql = f" WHERE ({where})" if where else ""
    totals = dict(
        connection.execute(
            f"SELECT {group} AS g, count(*) FROM (SELECT s.doc_id, unnest(s.tokens) AS tok FROM sentences s) t "
            f"JOIN documents d USING (doc_id) WHERE {_WORDLIKE}" + (f" AND ({where})" if where else "") + " GROUP BY g"
        ).fetchall()
    )
    rows = []
    for term in terms:
        pattern = _parse(term, regex=False)
        condition, parameters = _sentence_filter(pattern)
        sql = f"SELECT {group} AS g, s.tokens FROM sentences s JOIN documents d USING (doc_id){filter_sql}"
        sql += (" AND " if where else " WHERE ") + condition
        counts: Counter[str] = Counter()
        for row in _rows(connection, sql, parameters):
            counts[row["g"]] += sum(1 for _ in _token_runs(pattern, row["tokens"]))
        for name in sorted(totals):
            count, tokens = counts.get(name, 0), totals[name]
            rows.append(FreqRow(term, name, count, tokens, round(count * per / tokens, 3) if tokens else 0.0))
    return rows


def collocates(
    term: str,
    window: int = 5,
    measure: str = "logdice",
    min_count: int = 2,
    top: int = 50,
    version: str | Path = "latest",
    releases_folder: str | Path | None = None,
) -> list[Collocate]:
    """The words found within ``window`` word tokens of ``term`` in the same sentence, scored.

    ``logdice``: 14 + log2(2·f(xy) / (f(x) + f(y))), comparable across corpora of any size
    (Rychlý 2008). ``mi``: log2(f(xy)·N / (f(x)·f(y)·2·window)), pointwise mutual
    information with the window's span in the expected count. f(xy) counts co-occurrences
    within the window, f(x) and f(y) word tokens in the release, N all word tokens.
    Punctuation is not a word and does not count towards the window.
    """
    if measure not in ("logdice", "mi"):
        raise QueryError(f"unknown measure {measure!r}; choose logdice or mi")
    pattern = _parse(term, regex=False)
    connection = _connect(version, releases_folder, ("sentences",))
    words = "SELECT unnest(tokens) AS tok FROM sentences"
    total = connection.execute(f"SELECT count(*) FROM ({words}) WHERE {_WORDLIKE}").fetchone()[0]
    condition, parameters = _sentence_filter(pattern)
    together: Counter[str] = Counter()
    node_count = 0
    for row in _rows(connection, f"SELECT tokens FROM sentences s WHERE {condition}", parameters):
        sequence = [token for token in row["tokens"] if _WORD.search(token)]
        for start, end in _token_runs(pattern, sequence):
            node_count += 1
            neighbours = sequence[max(0, start - window) : start] + sequence[end : end + window]
            together.update(neighbours)
    kept = {word: n for word, n in together.items() if n >= min_count}
    if not kept or not node_count:
        return []
    frequency = dict(
        connection.execute(f"SELECT tok, count(*) FROM ({words}) WHERE tok IN (SELECT unnest(?)) GROUP BY tok", [list(kept)]).fetchall()
    )
    scored = []
    for word, n in kept.items():
        f_y = frequency.get(word, n)
        if measure == "logdice":
            score = 14 + math.log2(2 * n / (node_count + f_y))
        else:
            score = math.log2(n * total / (node_count * f_y * 2 * window))
        scored.append(Collocate(word, n, f_y, round(score, 3)))
    return sorted(scored, key=lambda c: (-c.score, -c.together, c.collocate))[:top]


def _sentence_filter(pattern: tuple[str, ...] | re.Pattern[str]) -> tuple[str, list[Any]]:
    """A SQL condition that keeps the sentences that can hold the query, and its parameters."""
    if isinstance(pattern, re.Pattern):
        return "regexp_matches(s.text, ?)", [pattern.pattern]
    return " AND ".join("list_contains(s.tokens, ?)" for _ in pattern), list(pattern)


def _order_column(connection: Any, by: str | None) -> str:
    if by is None:
        return ""
    columns = {row[0] for row in connection.execute("DESCRIBE documents").fetchall()}
    if by not in columns:
        raise QueryError(f"the documents config has no column {by!r}; it has {', '.join(sorted(columns))}")
    return f'd."{by}", '


def _require_columns(connection: Any, by: str) -> None:
    needed = set(re.findall(r"d\.(\w+)", BREAKDOWNS[by]))
    columns = {row[0] for row in connection.execute("DESCRIBE documents").fetchall()}
    if not needed <= columns:
        raise QueryError(
            f"this release has no {', '.join(sorted(needed - columns))} column to break counts down by (it came in a later release)"
        )


def _rows(connection: Any, sql: str, parameters: list[Any]) -> Any:
    """Rows as dicts, fetched in batches: a query over millions of sentences streams."""
    try:
        cursor = connection.execute(sql, parameters)
    except Exception as error:  # DuckDB's own errors: a bad where clause, an unknown column
        raise QueryError(f"the query failed: {str(error).splitlines()[0]}") from None
    names = [column[0] for column in cursor.description]
    while batch := cursor.fetchmany(2048):
        for values in batch:
            yield dict(zip(names, values, strict=True))


def _matches(pattern: tuple[str, ...] | re.Pattern[str], row: dict[str, Any]) -> list[tuple[int, int]]:
    """(start, end) of each occurrence in the sentence's text."""
    if isinstance(pattern, re.Pattern):
        return [match.span() for match in pattern.finditer(row["text"]) if match.end() > match.start()]
    tokens, starts = row["tokens"], row["token_starts"]
    return [(starts[first], starts[last - 1] + len(tokens[last - 1])) for first, last in _token_runs(pattern, tokens)]


def _token_runs(pattern: tuple[str, ...] | re.Pattern[str], tokens: list[str]) -> list[tuple[int, int]]:
    """(first, past-last) token positions where the token sequence occurs, left to right, not overlapping."""
    assert not isinstance(pattern, re.Pattern)
    runs, size, index = [], len(pattern), 0
    while index + size <= len(tokens):
        if tuple(tokens[index : index + size]) == pattern:
            runs.append((index, index + size))
            index += size
        else:
            index += 1
    return runs


def _flat(text: str) -> str:
    """Context on one line: line breaks between paragraphs shown as a space."""
    return text.replace("\n", " ")
