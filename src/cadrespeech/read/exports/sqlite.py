"""The SQLite export: every config a table, a full-text index over the tokens, and Datasette metadata."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq

from ...datafiles import iter_batches
from ...schema import CONFIGS, MANIFEST, UNIQUE_KEYS
from ...stages.ingest import sha256_hex
from ..loader import checked_files, read_manifest, release_path
from .common import BATCH_ROWS, ExportSummary, Tally, refuse_existing, replacing, write_text

# ---------------------------------------------------------------------------
# SQLite, with a full-text index, for Datasette
# ---------------------------------------------------------------------------

FTS_TABLE = "sentences_fts"
# unicode61 splits on whitespace and punctuation and keeps every Han character, so
# with tokens joined by spaces each jieba token is one index term: 营商环境 is found
# as a token, 营商 only where jieba cut 营商 (a substring search is a LIKE on
# sentences.text). The marks jieba keeps inside a number (3.5%, 10:30) are token
# characters, so a number stays one term too; punctuation tokens are not indexed.
FTS_TOKENIZER = "unicode61 tokenchars '.,:/%-'"
# Columns that name a row of another table, for Datasette's links.
REFERENCES = {
    ("sections", "doc_id"): ("documents", "doc_id"),
    ("sections", "parent_id"): ("sections", "section_id"),
    ("sentences", "doc_id"): ("documents", "doc_id"),
    ("sentences", "section_id"): ("sections", "section_id"),
    ("paragraphs", "doc_id"): ("documents", "doc_id"),
    ("paragraphs", "section_id"): ("sections", "section_id"),
    ("notes", "doc_id"): ("documents", "doc_id"),
    ("notes", "sentence_id"): ("sentences", "sentence_id"),
    ("duplicates", "doc_id"): ("documents", "doc_id"),
    ("duplicates", "canonical_doc_id"): ("documents", "doc_id"),
}
INDEXED_COLUMNS = ("doc_id", "page_id", "sentence_id")
TABLE_DESCRIPTIONS = {
    "documents": "One row per speech (or other document found on a page): its metadata and clean text. Every other table joins on doc_id.",
    "sections": "One row per numbered section; start and end are offsets into the document's text.",
    "sentences": "One row per sentence, with its jieba tokens, their offsets in the sentence and their POS tags as JSON lists.",
    "paragraphs": "One row per paragraph, with the hash that finds template paragraphs shared by several speeches.",
    "notes": "One row per footnote or endnote, with the sentence it is anchored to.",
    "removals": "One row per edit the cleaner made to a raw page: what it removed or rewrote, and under which rule.",
    "duplicates": "One row per speech: its reprint cluster and the cluster's canonical speech.",
    FTS_TABLE: (
        "Full-text index over each sentence's jieba tokens joined by spaces: a search term matches whole tokens "
        "(营商环境 finds 营商环境, 营商 finds only the token 营商). Add &_searchmode=raw for FTS5 syntax such as 营商* "
        "(tokens starting with 营商) or NEAR(); for any substring, filter sentences.text with LIKE."
    ),
}
FACETS = {"documents": ("genre", "is_speech", "speaker"), "sentences": ("part", "is_heading")}
LICENSE_NOTE = (
    "Annotations (IDs, metadata, sections, sentences, tokens, POS tags, the removals ledger): MIT. "
    "The speech texts are not ours; their rights stay with their holders. For non-commercial research; see the dataset card's Licensing."
)
SEARCH_QUERY = f"""select {FTS_TABLE}.sentence_id, {FTS_TABLE}.doc_id, documents.title, documents.date, {FTS_TABLE}.text
from {FTS_TABLE} join documents on documents.doc_id = {FTS_TABLE}.doc_id
where {FTS_TABLE} match '"' || replace(:tokens, '"', '""') || '"'
order by {FTS_TABLE}.doc_id, {FTS_TABLE}.sentence_id
limit 1000"""


def _quoted(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _sqlite_type(dtype: pa.DataType) -> str:
    if pa.types.is_integer(dtype) or pa.types.is_boolean(dtype):
        return "INTEGER"
    if pa.types.is_floating(dtype):
        return "REAL"
    return "TEXT"  # strings, and lists as JSON


def _table_sql(config: str, schema: pa.Schema, key: str | None, tables: dict[str, set[str]]) -> str:
    columns = []
    for field in schema:
        column = f"{_quoted(field.name)} {_sqlite_type(field.type)}"
        if field.name == key:
            column += " PRIMARY KEY"
        target = REFERENCES.get((config, field.name))
        if target and target[1] in tables.get(target[0], ()):
            column += f" REFERENCES {_quoted(target[0])}({_quoted(target[1])})"
        columns.append(column)
    return f"CREATE TABLE {_quoted(config)} (\n    " + ",\n    ".join(columns) + "\n)"


def _sqlite_rows(batch: pa.RecordBatch) -> list[tuple[Any, ...]]:
    """The batch's rows as SQLite values: lists as JSON text (SQLite has no list type), the rest as they are."""
    columns = []
    for field, column in zip(batch.schema, batch.columns, strict=True):
        values = column.to_pylist()
        if pa.types.is_list(field.type) or pa.types.is_large_list(field.type):
            values = [None if value is None else json.dumps(value, ensure_ascii=False) for value in values]
        columns.append(values)
    return list(zip(*columns, strict=True))


def _release_configs(manifest: dict[str, Any]) -> list[str]:
    """The release's configs, in the card's order, then any this toolkit does not know."""
    present = manifest["configs"]
    return [name for name in CONFIGS if name in present] + sorted(set(present) - set(CONFIGS))


def _fill_table(connection: sqlite3.Connection, config: str, files: list[Path], tables: dict[str, set[str]], tally: Tally) -> None:
    """One config as a table (and, for sentences, the token index), batch by batch, then its indexes."""
    schema = pq.read_schema(files[0])
    names = schema.names
    key = UNIQUE_KEYS.get(config)
    connection.execute(_table_sql(config, schema, key if key in names else None, tables))
    with_fts = config == "sentences" and {"sentence_id", "doc_id", "text", "tokens"} <= set(names)
    insert = f"INSERT INTO {_quoted(config)} (rowid, {', '.join(map(_quoted, names))}) VALUES (?{', ?' * len(names)})"
    fts_insert = f"INSERT INTO {FTS_TABLE} (rowid, tokens, sentence_id, doc_id, text) VALUES (?, ?, ?, ?, ?)"
    rowid = 0
    for batch in iter_batches(files, names, BATCH_ROWS):
        rows = _sqlite_rows(batch)
        first = rowid + 1
        rowid += len(rows)
        # Explicit rowids, the same in the sentences table and its index, so Datasette
        # can search sentences through sentences_fts (its fts_table setting).
        connection.executemany(insert, ((first + offset, *row) for offset, row in enumerate(rows)))
        if with_fts:
            tokens = batch.column("tokens").to_pylist()
            ids, docs, texts = (batch.column(name).to_pylist() for name in ("sentence_id", "doc_id", "text"))
            connection.executemany(
                fts_insert,
                ((first + i, " ".join(tokens[i] or []), ids[i], docs[i], texts[i]) for i in range(len(rows))),
            )
            tally.tokens += sum(len(t or []) for t in tokens)
    if config == "documents":
        tally.documents = rowid
    if config == "sentences":
        tally.sentences = rowid
    for column in INDEXED_COLUMNS:
        if column in names and column != key:
            connection.execute(f"CREATE INDEX {_quoted(f'{config}_{column}')} ON {_quoted(config)} ({_quoted(column)})")


def datasette_metadata(database: str, manifest: dict[str, Any], tables: dict[str, set[str]], manifest_sha256: str) -> dict[str, Any]:
    """Datasette's metadata for the database: what the corpus is, its licence, each table, and a search by tokens."""
    version = manifest["version"]
    table_settings: dict[str, dict[str, Any]] = {}
    for table in [*tables, FTS_TABLE]:
        settings: dict[str, Any] = {"description": TABLE_DESCRIPTIONS.get(table, f"The release's {table} config.")}
        facets = [column for column in FACETS.get(table, ()) if column in tables.get(table, ())]
        if facets:
            settings["facets"] = facets
        table_settings[table] = settings
    if "title" in tables.get("documents", ()):
        table_settings["documents"]["label_column"] = "title"
    if "sentences" in table_settings:
        table_settings["sentences"]["fts_table"] = FTS_TABLE
    return {
        "title": f"cadrespeech {version}",
        "description": (
            f"A research corpus of Chinese cadre speeches, release {version}: documents, sections, sentences with jieba tokens "
            "and POS tags, and the ledger of every cleaning edit. Search whole tokens in sentences_fts."
        ),
        "license": LICENSE_NOTE,
        "source": f"cadrespeech release {version} (manifest.json sha256 {manifest_sha256})",
        "databases": {
            database: {
                "description": f"Every config of cadrespeech release {version}, one table each; list columns hold JSON.",
                "tables": table_settings,
                "queries": {
                    "search_sentences": {
                        "title": "Sentences holding these tokens",
                        "description": (
                            "Sentences where the given jieba tokens occur together, in this order (营商环境, or 优化 营商环境), "
                            "with their document's title and date; at most 1,000, in document order."
                        ),
                        "sql": SEARCH_QUERY,
                    }
                },
            }
        },
    }


def metadata_path(sqlite_path: Path) -> Path:
    """Where ``export_sqlite`` puts Datasette's metadata: beside the database, ``.metadata.json`` appended to its stem."""
    return sqlite_path.with_name(sqlite_path.stem + ".metadata.json")


def export_sqlite(release: str | Path, out: Path, *, releases_folder: str | Path | None = None, overwrite: bool = False) -> ExportSummary:
    """Write every config of a release as a SQLite table with a token index, to query in SQL or browse with Datasette.

    Each config is a table of its columns (lists as JSON text, booleans as 0/1) with
    its unique key as primary key, links to the rows it names, and indexes on
    doc_id, page_id and sentence_id. ``sentences_fts`` is an FTS5 table over each
    sentence's tokens joined by spaces, with sentence_id, doc_id and text UNINDEXED:
    ``SELECT text FROM sentences_fts WHERE sentences_fts MATCH '营商环境'``. Datasette's
    metadata goes beside the database (``metadata_path``); its database name is the
    file's stem.
    """
    path = release_path(release, releases_folder)
    metadata = metadata_path(out)
    refuse_existing([out, metadata], overwrite)
    manifest = read_manifest(path)
    configs = _release_configs(manifest)
    files = {config: checked_files(config, path, None) for config in configs}
    tables = {config: set(pq.read_schema(paths[0]).names) for config, paths in files.items()}
    tally = Tally()
    with replacing(out) as temporary:
        temporary.unlink(missing_ok=True)
        connection = sqlite3.connect(temporary)
        try:
            # A temporary file that is renamed only when complete needs no journal.
            connection.execute("PRAGMA journal_mode = OFF")
            connection.execute("PRAGMA synchronous = OFF")
            connection.execute(
                f"CREATE VIRTUAL TABLE {FTS_TABLE} USING fts5(tokens, sentence_id UNINDEXED, doc_id UNINDEXED, text UNINDEXED, "
                f"tokenize = '{FTS_TOKENIZER.replace(chr(39), chr(39) * 2)}')"
            )
            for config in configs:
                _fill_table(connection, config, files[config], tables, tally)
            connection.execute(f"INSERT INTO {FTS_TABLE} ({FTS_TABLE}) VALUES ('optimize')")
            connection.execute("ANALYZE")
            connection.commit()
        finally:
            connection.close()
    digest = sha256_hex((path / MANIFEST).read_bytes())
    document = datasette_metadata(out.stem, manifest, tables, digest)
    write_text(metadata, json.dumps(document, ensure_ascii=False, indent=2) + "\n")
    return tally.summary(out, (metadata,))
