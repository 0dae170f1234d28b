"""The newest committed release is what this code makes of ``corpus/raw``, to the byte.

Every change that alters a release's data must come with a new version; a rebuild of
an older version needs the commit that cut it (see the README's "Rebuilding an old
release").
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from cadrespeech.build.release import build_release
from cadrespeech.build.results import BuildConfig, BuildOptions
from cadrespeech.read.loader import releases
from cadrespeech.schema import data_file

from .conftest import RAW, ROOT

pytestmark = pytest.mark.slow

COMMITTED = ROOT / "corpus" / "releases"


def test_the_newest_committed_release_rebuilds_to_the_same_data(tmp_path: Path) -> None:
    version = releases(COMMITTED)[-1]
    committed = COMMITTED / f"v{version}"
    manifest = json.loads((committed / "manifest.json").read_text(encoding="utf-8"))
    # As the README's command builds it: with the provenance file beside the raw folder (0.7.0 on).
    provenance = RAW.parent / "provenance.json"
    rebuilt = build_release(BuildConfig(version, RAW, tmp_path, BuildOptions(cache=None), progress=False, provenance=provenance)).path
    fresh = json.loads((rebuilt / "manifest.json").read_text(encoding="utf-8"))
    data = [data_file(name) for name in manifest["configs"]] + ["raw_inputs.jsonl"]
    differing = [name for name in data if (committed / name).read_bytes() != (rebuilt / name).read_bytes()]
    assert not differing, f"v{version} no longer rebuilds from corpus/raw ({differing}); cut a new version"
    assert fresh["statistics"] == manifest["statistics"] and fresh["configs"] == manifest["configs"]


def test_readme_examples_do_not_build_a_committed_version() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    committed = set(releases(COMMITTED))
    for line in readme.splitlines():
        if "cadrespeech build" in line and "--version" in line and "--out" not in line:
            version = line.split("--version", 1)[1].split()[0].removeprefix("v")
            assert version not in committed, f"README builds committed v{version} into corpus/releases: {line.strip()}"
