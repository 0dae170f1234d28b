"""Render a release's dataset card: Hugging Face YAML, our prose, this release's figures."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

from ..escaping import for_markdown
from ..schema import CONFIGS, DEFAULT_CONFIG, MANIFEST_LINE, Columns, ListOf, config_files
from .report import FIGURES

if TYPE_CHECKING:
    from .results import PageReport


def _size_category(documents: int) -> str:
    for limit, name in ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M")):
        if documents < limit:
            return name
    return "n>1M"


def card_metadata(version: str, documents: int, splits: dict[str, tuple[int, int]], shards: int = 1) -> dict[str, Any]:
    """The YAML header that ``datasets`` and the Hub read: configs, features, licence.

    ``splits`` maps each config to its rows and in-memory Arrow bytes; a config written
    as several shards names them by a pattern, which ``datasets`` reads as one split.
    """
    return {
        "pretty_name": f"cadrespeech {version}",
        "language": ["zh"],
        "license": "other",
        "license_name": "mixed",
        "license_details": "Toolkit and annotations MIT; speech texts remain their owners' (see Licensing).",
        "size_categories": [_size_category(documents)],
        "task_categories": ["text-classification", "token-classification"],
        "tags": ["political-science", "chinese", "speeches", "government"],
        # A config with no rows is left out: ``datasets`` cannot read a split with no rows,
        # so listing it would break loading every config by name. ``cadrespeech.load``
        # still gives it as an empty table.
        "configs": [
            {
                "config_name": name,
                "data_files": [{"split": "train", "path": _files_pattern(name, shards)}],
                **({"default": True} if name == DEFAULT_CONFIG else {}),
            }
            for name in CONFIGS
            if splits[name][0] or name == DEFAULT_CONFIG
        ],
        # The Hub's card format for features; a test reads it back with datasets' own
        # reader and compares with our schema.
        "dataset_info": [
            {
                "config_name": name,
                "features": card_features(columns),
                "splits": [{"name": "train", "num_bytes": splits[name][1], "num_examples": splits[name][0]}],
            }
            for name, columns in CONFIGS.items()
            if splits[name][0] or name == DEFAULT_CONFIG
        ],
    }


def _files_pattern(config: str, shards: int) -> str:
    """A config's files for the card: its one file, or the pattern that matches exactly its shards.

    >>> _files_pattern("sentences", 1), _files_pattern("sentences", 4), _files_pattern("duplicates", 4)
    ('sentences/train-00000-of-00001.parquet', 'sentences/train-*-of-00004.parquet', 'duplicates/train-00000-of-00001.parquet')
    """
    files = config_files(config, shards)
    return files[0] if len(files) == 1 else f"{config}/train-*-of-{shards:05d}.parquet"


def card_features(columns: Columns) -> list[dict[str, str]]:
    """Our columns in the card's YAML form: a ``dtype`` for a value, a ``list`` of one for a list.

    Written here rather than taken from ``datasets``, which keeps its writer private; a
    test reads the card back with ``datasets``' reader and compares.

    >>> card_features({"text": "string", "tokens": ListOf("string")})
    [{'name': 'text', 'dtype': 'string'}, {'name': 'tokens', 'list': 'string'}]
    """
    return [
        {"name": name, "list": column.dtype} if isinstance(column, ListOf) else {"name": name, "dtype": column}
        for name, column in columns.items()
    ]


def render_card(
    version: str,
    statistics: dict[str, Any],
    splits: dict[str, tuple[int, int]],
    reports: tuple[PageReport, ...],
    prose: str,
    manifest_sha256: str,
    shards: int = 1,
    provenance: dict[str, Any] | None = None,
) -> str:
    """The card: YAML header, the project's prose, and this release's figures and checksum.

    Everything that came from a page or a file name is escaped (``for_markdown``), so it
    shows as text and cannot break the tables or the YAML header.
    """
    metadata = card_metadata(version, statistics["documents"], splits, shards)
    header = yaml.safe_dump(metadata, sort_keys=False, allow_unicode=True, width=1000)
    return f"---\n{header}---\n\n{prose.strip()}\n\n{_release_section(version, statistics, reports, manifest_sha256, provenance)}"


def _release_section(
    version: str, statistics: dict[str, Any], reports: tuple[PageReport, ...], manifest_sha256: str, provenance: dict[str, Any] | None
) -> str:
    lines = [
        f"## This release: v{version}",
        "",
        MANIFEST_LINE.format(manifest_sha256),
        "",
        "The manifest lists every other file of the release with its sha256 and size; `SHA256SUMS` covers the "
        "manifest and this card. `cadrespeech verify` checks all of it; `cadrespeech cite` puts the manifest's "
        "sha256 into the citation, so a citation pins these bytes.",
        "",
        "| | count |",
        "|---|---:|",
        f"| raw pages | {statistics['pages']} |",
        f"| pages processed | {statistics['pages_ok']} |",
        f"| pages that failed | {statistics['pages_failed']} |",
        f"| pages skipped as byte-identical duplicates | {statistics['pages_duplicate']} |",
        f"| documents (speeches) | {statistics['documents']} |",
        f"| sections | {statistics['sections']} |",
        f"| sentences | {statistics['sentences']} |",
        f"| tokens | {statistics['tokens']} |",
        f"| characters of speech text | {statistics['characters']} |",
        f"| notes taken out of the text (`notes` config) | {statistics['notes']} |",
        f"| edits in the removals ledger | {statistics['removals']} |",
        "",
        "### Reprints and template paragraphs",
        "",
        *_reuse_lines(statistics),
        "",
        "### Figures",
        "",
        "From this release's files; the whole report, with top terms and the clusters, is `report/index.html`.",
        "",
        *[line for figure in FIGURES for line in (f"![{figure.title}: {figure.caption}](report/figures/{figure.name}.svg)", "")],
        "### Removals per rule",
        "",
        "| rule | edits | raw characters |",
        "|---|---:|---:|",
    ]
    for rule, counts in statistics["removals_per_rule"].items():
        lines.append(f"| `{rule}` | {counts['edits']} | {counts['raw_chars']} |")
    if provenance is not None:
        lines += ["", *_source_lines(provenance)]
    lines += ["", "### Pages that failed", ""]
    failed = [r for r in reports if r.status != "ok"]  # the build passes only the problems
    if not failed:
        lines.append("None.")
    else:
        lines += ["| file | status | stage | reason |", "|---|---|---|---|"]
        for report in failed:
            cells = (report.source, report.status, report.stage or "", report.reason or "")
            lines.append("| " + " | ".join(for_markdown(cell) for cell in cells) + " |")
    return "\n".join(lines) + "\n"


SHOWN_WITHOUT_RECORD = 20


def _source_lines(provenance: dict[str, Any]) -> list[str]:
    """Where the pages came from: sites and counts, capture dates, and the pages that have no provenance record."""
    summary = provenance["summary"]
    file = f"`{for_markdown(provenance['file'])}`" if provenance["file"] else "no provenance file"
    lines = ["### Sources", "", f"From {file}: {provenance['pages_with_record']} pages with a provenance record."]
    if summary["retrieved"]:
        lines[-1] += f" Retrieved between {for_markdown(summary['retrieved'][0])} and {for_markdown(summary['retrieved'][1])}."
    if summary["sites"]:
        lines += ["", "| site | pages |", "|---|---:|", *(f"| {for_markdown(site)} | {n} |" for site, n in summary["sites"].items())]
    lacking = provenance["pages_without_record"] + provenance["pages_whose_record_names_other_bytes"]
    lines += ["", f"Pages without a record (or whose record names other bytes): {len(lacking)}."]
    if lacking:
        shown = ", ".join(f"`{for_markdown(source)}`" for source in lacking[:SHOWN_WITHOUT_RECORD])
        more = len(lacking) - SHOWN_WITHOUT_RECORD
        lines[-1] += f" {shown}" + (f" and {more} more (all in the manifest)." if more > 0 else ".")
    return lines


def _reuse_lines(statistics: dict[str, Any]) -> list[str]:
    reprints, template = statistics["reprints"], statistics["template_paragraphs"]
    return [
        "| | count |",
        "|---|---:|",
        f"| reprint clusters (two or more speeches, `duplicates` config) | {reprints['clusters']} |",
        f"| speeches in a reprint cluster | {reprints['documents_in_clusters']} |",
        f"| paragraphs (`paragraphs` config) | {statistics['paragraphs']} |",
        f"| paragraphs long enough to hash | {template['hashed_paragraphs']} |",
        f"| paragraph texts that recur in two or more speeches | {template['recurring_texts']} |",
        f"| paragraphs that are such a recurrence | {template['paragraphs_recurring']} |",
        f"| speeches with a recurring paragraph | {template['speeches_with_recurring']} |",
    ]
