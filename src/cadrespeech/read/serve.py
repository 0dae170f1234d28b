"""Browse and search a release in the browser: its SQLite export, served by Datasette on this machine only.

Datasette gives every table a page with facets and a full-text search box, and runs
SQL; a release is exported to SQLite once, into the cache folder under its
manifest's sha256 (a release never changes, so neither does its database).
"""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

from ..errors import CadrespeechError
from ..schema import MANIFEST
from ..stages.ingest import sha256_hex
from ..stages.tokens import cache_dir
from .exports import export_sqlite, metadata_path
from .loader import release_path

DEFAULT_PORT = 8001
LOCAL_HOST = "127.0.0.1"  # never every interface: the corpus is served to this machine alone
DATABASE_NAME = "cadrespeech"  # the database's name in Datasette's URLs


def serve_command(sqlite_path: Path, metadata_path: Path | None, port: int = DEFAULT_PORT, open_browser: bool = False) -> list[str]:
    """The Datasette command line that serves one database read-only, on this machine, with its metadata.

    Immutable mode: Datasette opens the file read-only and may count its rows once.
    No ``--cors``: no other site's pages may read the corpus through the browser.

    >>> " ".join(serve_command(Path("语料/cadrespeech.db"), Path("语料/cadrespeech.metadata.json"), 8002)[2:])
    'datasette serve --immutable 语料/cadrespeech.db --host 127.0.0.1 --port 8002 --metadata 语料/cadrespeech.metadata.json'
    """
    command = [sys.executable, "-m", "datasette", "serve", "--immutable", str(sqlite_path), "--host", LOCAL_HOST, "--port", str(port)]
    if metadata_path is not None:
        command += ["--metadata", str(metadata_path)]
    if open_browser:
        command.append("--open")
    return command


def cached_database(release: Path) -> Path:
    """The release's SQLite export in the cache folder, made on first use: one per manifest, so one per release."""
    digest = sha256_hex((release / MANIFEST).read_bytes())
    database = cache_dir() / "sqlite" / digest / f"{DATABASE_NAME}.db"
    if not (database.is_file() and metadata_path(database).is_file()):
        # A database left without its metadata (an interrupted export) is made again.
        export_sqlite(release, database, overwrite=True)
    return database


def database_to_serve(release_or_sqlite: str | Path, releases_folder: str | Path | None = None) -> tuple[Path, Path | None]:
    """The database and its metadata for a SQLite file as given, or for a release (a version or a folder) from the cache."""
    given = Path(release_or_sqlite)
    if given.is_file():
        metadata = metadata_path(given)
        return given, metadata if metadata.is_file() else None
    database = cached_database(release_path(release_or_sqlite, releases_folder))
    return database, metadata_path(database)


def serve(
    release_or_sqlite: str | Path = "latest",
    port: int = DEFAULT_PORT,
    open_browser: bool = False,
    releases_folder: str | Path | None = None,
) -> int:
    """Serve a release (or an exported SQLite file) with Datasette in the foreground until interrupted; its exit status.

    Example: ``serve("0.7.0")``, then open http://127.0.0.1:8001/cadrespeech/sentences?_search=营商环境
    """
    if importlib.util.find_spec("datasette") is None:
        raise CadrespeechError("serving needs Datasette: pip install 'cadrespeech[serve]'")
    database, metadata = database_to_serve(release_or_sqlite, releases_folder)
    command = serve_command(database, metadata, port, open_browser)
    try:
        return subprocess.run(command, check=False).returncode
    except KeyboardInterrupt:  # Datasette has had the same Ctrl-C and stopped
        return 130
