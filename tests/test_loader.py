from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cadrespeech
from cadrespeech.errors import ReleaseError
from cadrespeech.schema import data_file

from .conftest import ROOT

PLAIN = """
import gc, json, sys
import datasets
path = sys.argv[1]
ds = datasets.load_dataset(path, "sentences", split="train")
stream = datasets.load_dataset(path, "sentences", split="train", streaming=True)
streamed = list(stream)  # read to the end
# pyarrow's scanner threads must be gone before the interpreter tears Arrow down, or the
# process can abort at exit ("terminate called without an active exception";
# apache/arrow#45214, huggingface/datasets#7357). Seen once in this project's CI.
del stream
gc.collect()
default = datasets.load_dataset(path, split="train")
configs = {name: len(datasets.load_dataset(path, name, split="train")) for name in datasets.get_dataset_config_names(path)}
print(json.dumps({
    "config_rows": configs,
    "rows": len(ds),
    "streamed": len(streamed),
    "tokens_type": str(ds.features["tokens"]),
    "first_tokens": ds[0]["tokens"],
    "default_columns": default.column_names,
    "imported_cadrespeech": "cadrespeech" in sys.modules,
}, ensure_ascii=False))
"""


def plain_load(release: Path, cache: Path) -> dict:
    env = {**os.environ, "HF_DATASETS_CACHE": str(cache / "plain-hf"), "HF_HUB_OFFLINE": "1"}
    result = subprocess.run([sys.executable, "-c", PLAIN, str(release)], capture_output=True, text=True, env=env, cwd="/")
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_plain_datasets_loads_a_release_without_our_package(built_release: Path, private_cache: Path) -> None:
    out = plain_load(built_release, private_cache)
    assert out["imported_cadrespeech"] is False
    assert out["rows"] == out["streamed"] > 0
    assert out["tokens_type"] == "List(Value('string'))"
    assert all(isinstance(t, str) for t in out["first_tokens"])
    assert out["default_columns"][0] == "doc_id" and "text" in out["default_columns"]
    manifest = json.loads((built_release / "manifest.json").read_text(encoding="utf-8"))
    assert out["config_rows"] == {name: info["rows"] for name, info in manifest["configs"].items()}
    assert {"paragraphs", "duplicates"} <= out["config_rows"].keys()


COMMITTED = sorted(p.name for p in (ROOT / "corpus" / "releases").glob("v*.*.*"))


def test_every_committed_release_is_checked() -> None:
    assert {"v0.1.0", "v0.2.0", "v0.3.0", "v0.4.0", "v0.5.0"} <= set(COMMITTED)


@pytest.mark.parametrize("version", COMMITTED)
def test_committed_release_verifies_and_loads_without_our_package(private_cache: Path, version: str) -> None:
    from cadrespeech.read.verify import verify_release

    committed = ROOT / "corpus" / "releases" / version
    assert verify_release(committed) == []
    out = plain_load(committed, private_cache)
    assert out["rows"] > 50 and out["imported_cadrespeech"] is False


def test_load_returns_datasets_and_lists_releases(built_release: Path) -> None:
    folder = built_release.parent
    assert cadrespeech.releases(folder) == ["0.1.0"]
    manifest = json.loads((built_release / "manifest.json").read_text(encoding="utf-8"))
    documents = cadrespeech.load(releases_folder=folder)
    assert documents.num_rows == manifest["statistics"]["documents"] > manifest["statistics"]["pages_ok"]  # multi-speech pages
    assert documents.features["n_tokens"].dtype == "int32" and documents.features["is_speech"].dtype == "bool"
    sentences = cadrespeech.load("sentences", version="v0.1.0", releases_folder=folder)
    assert sentences.features["tokens"].feature.dtype == "string"
    streamed = list(cadrespeech.load("sections", version=str(built_release), streaming=True))
    assert len(streamed) == json.loads((built_release / "manifest.json").read_text())["configs"]["sections"]["rows"]


def test_load_names_the_file_that_does_not_match(built_release: Path, tmp_path: Path) -> None:
    copy = shutil.copytree(built_release, tmp_path / "releases" / "v0.1.0")
    target = copy / data_file("sentences")
    target.write_bytes(target.read_bytes() + b"\0")
    with pytest.raises(ReleaseError, match=r"sentences/train-00000-of-00001\.parquet: sha256 does not match"):
        cadrespeech.load("sentences", releases_folder=tmp_path / "releases")


def test_load_errors_are_clear(tmp_path: Path, built_release: Path) -> None:
    with pytest.raises(ReleaseError, match="no releases in"):
        cadrespeech.load(releases_folder=tmp_path)
    with pytest.raises(ReleaseError, match=r"no release 9\.9\.9"):
        cadrespeech.load(version="9.9.9", releases_folder=built_release.parent)
    with pytest.raises(ReleaseError, match="unknown config"):
        cadrespeech.load("chapters", releases_folder=built_release.parent)
