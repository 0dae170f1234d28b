"""A release in the formats corpus tools read: CoNLL-U, the vertical format, and SQLite for Datasette.

Researchers query corpora in UD tools (CoNLL-U), in (No)Sketch Engine and CQPweb (the
vertical format with a Manatee registry), or in SQL and a browser (SQLite with a
full-text index, served by Datasette). Each export reads a release's checked Parquet
files a batch at a time, writes beside its target and renames into place, and never
replaces a file unless told to.

Tokens are the release's own jieba tokens. A token that is only whitespace (or only
control characters) cannot be a CoNLL-U word or a vertical line and is skipped; our
segmenter drops such tokens already, so the count is zero for our releases, and it is
reported in the summary either way. A sentence left with no token is skipped likewise.
Documents with no sentences have no place in either token format and are left out.
"""

from .common import ExportSummary
from .conllu import export_conllu
from .sqlite import export_sqlite, metadata_path
from .upos import JIEBA_TAGS, UPOS_OF_JIEBA_TAG, upos, upos_table_markdown
from .vertical import export_vert, registry_file, registry_path

__all__ = [
    "JIEBA_TAGS",
    "UPOS_OF_JIEBA_TAG",
    "ExportSummary",
    "export_conllu",
    "export_sqlite",
    "export_vert",
    "metadata_path",
    "registry_file",
    "registry_path",
    "upos",
    "upos_table_markdown",
]
