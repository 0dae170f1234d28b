"""Per-page results on disk, keyed by the page's sha256 and the pipeline's fingerprint.

The fingerprint covers every module and data file of the package and every option
that changes rows, so a new version re-processes only the pages that changed, and a
cache never changes a result: an entry that does not check out is recomputed.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import marshal
import os
import platform
import tempfile
import zlib
from dataclasses import asdict, replace
from importlib import metadata, resources
from pathlib import Path

import pyarrow as pa

from ..stages.reprints import SpeechSignature
from ..stages.tokens import Segmenter, cache_dir
from .results import BuildOptions, PageReport, PageResult, PageTally, ipc_bytes, read_ipc

# The card's prose and the citation ship in the package for the release to carry, but
# no page's rows depend on them: editing the card must not make every cached page stale.
RELEASE_TEMPLATES = ("data/DATASET_CARD.md", "data/CITATION.cff")


def package_files() -> list[tuple[str, bytes]]:
    """Every module and data file of the package that can change a page's rows, nested ones too.

    Compiled bytecode is left out: it follows from the sources, and Python rewrites it.
    """
    root = Path(str(resources.files("cadrespeech")))
    found = [p for p in root.rglob("*") if p.is_file() and "__pycache__" not in p.parts and p.suffix not in (".pyc", ".pyo")]
    named = ((p.relative_to(root).as_posix(), p) for p in found)
    return sorted((name, path.read_bytes()) for name, path in named if name not in RELEASE_TEMPLATES)


def pipeline_fingerprint(options: BuildOptions, segmenter: Segmenter) -> str:
    """sha256 over our code and data files, the segmenter and its dictionary, and every option that changes rows.

    Any change to any of them makes every cached page result stale.
    """
    digest = hashlib.sha256()
    for name, data in package_files():
        digest.update(f"{name}\0{len(data)}\0".encode())
        digest.update(data)
    facts = [
        segmenter.engine,
        segmenter.engine_version,
        segmenter.jieba_version,
        segmenter.dictionary_sha256,
        segmenter.domain_sha256,
        metadata.version("htmldate"),  # it reads publication dates
        platform.python_version(),  # the cache's marshal format is Python's own
        sorted(options.skip_rules),
        options.segmenter,
    ]
    digest.update(json.dumps(facts).encode())
    return digest.hexdigest()


def usable_cache(options: BuildOptions) -> tuple[BuildOptions, tuple[str, ...]]:
    """The options with their cache if it can be written, else with no cache and a warning.

    A build never fails for its cache: a cache is only a way to save time.
    """
    if not options.cache:
        return options, ()
    problem = PageCache(Path(options.cache), options.fingerprint).writable()
    if problem is None:
        return options, ()
    return replace(options, cache=None), (f"page cache {options.cache} cannot be written ({problem}); building without it",)


class PageCache:
    """Per-page results on disk; an entry that does not check out is recomputed, never trusted.

    An entry is a header line (format, pipeline fingerprint, page sha256, body sha256)
    and the body: the report and tally in ``marshal`` form (fast, and they hold only
    plain data) and each table as an Arrow IPC stream, compressed together (faster to
    read than Arrow's own per-buffer compression of such small tables, as measured).
    An entry is used only for the fingerprint and page it names.
    """

    FORMAT = b"cadrespeech-page-cache-2"

    def __init__(self, folder: Path, fingerprint: str) -> None:
        self.fingerprint = fingerprint
        self.folder = folder / fingerprint[:24]

    @staticmethod
    def default_folder() -> Path:
        return cache_dir() / "pages"

    def _path(self, sha256: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}.bin"

    def writable(self) -> str | None:
        """Why this cache cannot take entries (a read-only or full disk), or None."""
        try:
            self.folder.mkdir(parents=True, exist_ok=True)
            with tempfile.TemporaryFile(dir=self.folder) as probe:
                probe.write(b"probe")
                probe.flush()
                os.fsync(probe.fileno())
        except OSError as error:
            return error.strerror or str(error)
        return None

    def get(self, sha256: str, source: str) -> PageResult | None:
        try:
            data = self._path(sha256).read_bytes()
            header, body = data.split(b"\n", 1)
            form, fingerprint, page_sha, body_sha = header.split(b" ")
            if (form, fingerprint.decode(), page_sha.decode()) != (self.FORMAT, self.fingerprint, sha256):
                return None  # another pipeline's or another page's: recompute
            if hashlib.sha256(body).hexdigest() != body_sha.decode():
                return None  # damaged
            report, tally, streams, signatures = marshal.loads(zlib.decompress(body))
            tables = read_ipc(streams)
            result = PageResult(PageReport(**report), tables, PageTally(*tally), tuple(SpeechSignature(*s) for s in signatures))
        except (OSError, ValueError, EOFError, TypeError, KeyError, zlib.error, pa.ArrowException):
            return None
        return _renamed(result, source) if result.report.source != source else result

    def put(self, sha256: str, result: PageResult) -> str | None:
        """Store a result; on a full or read-only disk, store nothing and say why."""
        streams = {name: ipc_bytes(table) for name, table in result.tables.items()}
        tally = (result.tally.tokens, result.tally.characters, result.tally.removed)
        signatures = [(s.doc_id, s.n_chars, s.signature) for s in result.signatures]
        body = zlib.compress(marshal.dumps((asdict(result.report), tally, streams, signatures)), 1)
        header = b" ".join([self.FORMAT, self.fingerprint.encode(), sha256.encode(), hashlib.sha256(body).hexdigest().encode()])
        path = self._path(sha256)
        temporary = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            handle, temporary = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
            with os.fdopen(handle, "wb") as stream:
                stream.write(header + b"\n" + body)
            os.replace(temporary, path)  # concurrent writers of one page leave one whole file
        except OSError as error:
            if temporary is not None:
                with contextlib.suppress(OSError):
                    os.unlink(temporary)
            return error.strerror or str(error)
        return None


def _renamed(result: PageResult, source: str) -> PageResult:
    """The same bytes now stand under another name: every row that names the file follows."""
    tables = dict(result.tables)
    for name in ("documents", "removals"):
        if name not in tables:  # a failed page has no tables, only its report
            continue
        table = tables[name]
        column = table.schema.get_field_index("source_file")
        tables[name] = table.set_column(column, table.schema.field(column), pa.array([source] * table.num_rows, pa.string()))
    return PageResult(replace(result.report, source=source), tables, result.tally, result.signatures)
