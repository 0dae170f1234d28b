from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from cadrespeech.build.release import build_release
from cadrespeech.build.results import BuildConfig
from cadrespeech.errors import ReleaseError, ReleaseExists
from cadrespeech.schema import CONFIGS, arrow_schema, data_file, datasets_features, feature_dict, schema_fingerprint
from cadrespeech.stages.ingest import sha256_hex

from .conftest import SEED, build, make_raw_folder, tree_bytes


def test_release_layout_and_manifest(built_release: Path) -> None:
    manifest = json.loads((built_release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["version"] == "0.1.0"
    for name in CONFIGS:
        entry = manifest["files"][data_file(name)]
        data = (built_release / data_file(name)).read_bytes()
        assert entry["sha256"] == sha256_hex(data) and entry["bytes"] == len(data)
        assert entry["rows"] == pq.read_metadata(built_release / data_file(name)).num_rows == manifest["configs"][name]["rows"]
        assert pq.read_schema(built_release / data_file(name)).equals(arrow_schema(name))
    build = manifest["build"]
    assert {"cadrespeech", "jieba", "jieba_dictionary_sha256", "pyarrow", "python", "options", "tagger"} <= set(build)
    rule = "int(sha256(source_file)[:8], 16) % count, source_file of the first page with the same bytes"
    assert manifest["shards"] == {"count": 1, "page_shard": rule}
    assert manifest["raw_inputs"] == "raw_inputs.jsonl"
    lines = (built_release / "raw_inputs.jsonl").read_text(encoding="utf-8").splitlines()
    assert manifest["files"]["raw_inputs.jsonl"]["rows"] == len(lines) == manifest["statistics"]["pages"]
    inputs = {r["source"]: r for r in map(json.loads, lines)}
    assert inputs[SEED.name]["sha256"] == sha256_hex(SEED.read_bytes()) and inputs[SEED.name]["status"] == "ok"
    assert inputs["broken.txt"]["status"] == "error" and "binary" in inputs["broken.txt"]["reason"]
    assert inputs["sites/seed_copy.txt"]["status"] == "duplicate"
    assert [e["source"] for e in manifest["page_errors"]] == ["broken.txt"]
    ok_pages = [r for r in inputs.values() if r["status"] == "ok"]
    assert manifest["statistics"]["documents"] == sum(r["documents"] for r in ok_pages) > len(ok_pages)


def test_card_has_hub_metadata_features_and_statistics(built_release: Path) -> None:
    from datasets import Features

    card = (built_release / "README.md").read_text(encoding="utf-8")
    _, header, prose = card.split("---\n", 2)
    meta = yaml.safe_load(header)
    assert meta["language"] == ["zh"] and meta["license"] and meta["pretty_name"]
    assert meta["size_categories"] == ["n<1K"] and meta["task_categories"]
    configs = {c["config_name"]: c for c in meta["configs"]}
    assert list(configs) == list(CONFIGS) and configs["documents"]["default"] is True
    for info in meta["dataset_info"]:
        # datasets' own (private) reader of the card format: if it moves, this fails loudly.
        assert Features._from_yaml_list(info["features"]) == datasets_features(info["config_name"])
    assert "## This release: v0.1.0" in prose
    assert "| broken.txt | error | ingest |" in prose
    assert "| `watermark_copyright` |" in prose


def test_rebuild_into_another_folder_is_byte_identical(built_release: Path, tmp_path: Path) -> None:
    raw = make_raw_folder(tmp_path / "raw")
    again = build("0.1.0", raw, tmp_path / "releases")
    assert tree_bytes(again.path) == tree_bytes(built_release)


def test_existing_version_is_immutable(built_release: Path, tmp_path: Path) -> None:
    out = tmp_path / "releases"
    shutil.copytree(built_release, out / "v0.1.0")
    before = tree_bytes(out / "v0.1.0")
    raw = make_raw_folder(tmp_path / "raw")
    assert build("0.1.0", raw, out).status == "identical"
    (raw / "sites" / "tpl_deep_levels.txt").unlink()
    with pytest.raises(ReleaseExists, match="already exists") as refused:
        build("0.1.0", raw, out)
    # The refusal names what differs: the data files that lost the page, and what vouches for them.
    assert "documents/train-00000-of-00001.parquet" in str(refused.value) and "manifest.json" in str(refused.value)
    assert tree_bytes(out / "v0.1.0") == before
    assert sorted(p.name for p in out.iterdir()) == [".v0.1.0.lock", "v0.1.0"]  # the lock file stays; no temporary left


def test_cli_refuses_a_changed_rebuild_with_exit_code_3(built_release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "releases"
    shutil.copytree(built_release, out / "v0.1.0")
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw)
    from cadrespeech.cli import main

    assert main(["build", "--version", "0.1.0", "--raw", str(raw), "--out", str(out), "--quiet", "--jobs", "1"]) == 3
    err = capsys.readouterr().err
    assert "already exists" in err and "new version" in err and "documents/train-00000-of-00001.parquet" in err


def test_ids_depend_on_content_not_on_the_other_pages(built_release: Path, tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    (raw / "sites").mkdir(parents=True)
    shutil.copy(built_release.parent.parent / "raw" / "sites" / "tpl_deep_levels.txt", raw / "sites")
    alone = build("0.1.0", raw, tmp_path / "releases")
    small = pq.read_table(alone.path / data_file("sentences")).to_pylist()
    full = {row["sentence_id"]: row for row in pq.read_table(built_release / data_file("sentences")).to_pylist()}
    assert small and all(full[row["sentence_id"]] == row for row in small)


def test_bad_version_and_missing_card_are_clear_errors(tmp_path: Path) -> None:
    with pytest.raises(ReleaseError, match=r"must look like 1\.2\.3"):
        build("one", tmp_path, tmp_path / "out")
    with pytest.raises(ReleaseError, match="not found"):
        build_release(BuildConfig("0.1.0", tmp_path, tmp_path / "out", card_path=tmp_path / "NO_CARD.md"))


# A build stopped while it writes its data: the hook marks the moment and blocks, so
# the kill lands there every time, with no sleep to guess how long a build takes.
KILLED_MIDWAY = """
import sys, time
from pathlib import Path
from cadrespeech.build import writer
from cadrespeech.cli import main
marker, args = Path(sys.argv[1]), sys.argv[2:]
real_add = writer._TableWriter.add
def add(self, table):
    real_add(self, table)
    marker.touch()
    time.sleep(600)
writer._TableWriter.add = add
sys.exit(main(args))
"""


@pytest.mark.slow
def test_a_killed_build_leaves_no_partial_release(built_release: Path, tmp_path: Path, private_cache: Path) -> None:
    out = tmp_path / "releases"
    shutil.copytree(built_release, out / "v0.1.0")
    before = tree_bytes(out / "v0.1.0")
    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw)
    marker = tmp_path / "writing"
    args = ["build", "--version", "0.2.0", "--raw", str(raw), "--out", str(out), "--quiet", "--jobs", "1", "--no-cache"]
    env = {**os.environ, "CADRESPEECH_CACHE": str(private_cache)}
    process = subprocess.Popen([sys.executable, "-c", KILLED_MIDWAY, str(marker), *args], env=env, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.01)
    assert process.poll() is None and marker.exists(), process.stderr.read() if process.stderr else ""
    assert list(out.glob(".tmp-v0.2.0-*")), "the build writes into a temporary folder"
    process.send_signal(signal.SIGKILL)
    process.wait()
    assert not (out / "v0.2.0").exists()
    assert tree_bytes(out / "v0.1.0") == before
    from cadrespeech.read.loader import releases

    assert releases(out) == ["0.1.0"]
    # The next build of that version clears what the killed one left and succeeds.
    assert build("0.2.0", raw, out).status == "created"
    assert sorted(p.name for p in out.iterdir() if not p.name.endswith(".lock")) == ["v0.1.0", "v0.2.0"]


def test_verify_passes_on_a_sound_release(built_release: Path) -> None:
    from cadrespeech.read.verify import verify_release

    assert verify_release(built_release) == []


@pytest.mark.parametrize("config", list(CONFIGS))
def test_verify_catches_a_flipped_byte_in_any_data_file(built_release: Path, tmp_path: Path, config: str) -> None:
    from cadrespeech.read.verify import verify_release

    copy = shutil.copytree(built_release, tmp_path / "v0.1.0")
    target = copy / data_file(config)
    data = bytearray(target.read_bytes())
    data[len(data) // 2] ^= 0x01
    target.write_bytes(bytes(data))
    problems = verify_release(copy)
    assert any(str(target) in line and "sha256" in line for line in problems)


def test_verify_catches_broken_offsets_and_trees(built_release: Path, tmp_path: Path) -> None:
    from cadrespeech.read.verify import verify_release

    copy = shutil.copytree(built_release, tmp_path / "v0.1.0")
    manifest = json.loads((copy / "manifest.json").read_text(encoding="utf-8"))
    for config, damage in (("sentences", "start"), ("sections", "parent_id")):
        path = copy / data_file(config)
        rows = pq.read_table(path).to_pylist()
        if damage == "start":
            rows[3]["start"] += 1
        else:
            child = next(row for row in rows if row["parent_id"])
            child["parent_id"] = child["doc_id"] + "-s999"
        pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema(config)), path)
        data = path.read_bytes()
        manifest["files"][data_file(config)].update(sha256=sha256_hex(data), bytes=len(data))
    (copy / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    problems = verify_release(copy)
    assert any("text does not match its document" in line for line in problems)
    assert any("names unknown parent" in line for line in problems)


def test_cli_verify_exit_codes(built_release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cadrespeech.cli import main

    assert main(["verify", str(built_release)]) == 0
    copy = shutil.copytree(built_release, tmp_path / "v0.1.0")
    (copy / data_file("documents")).write_bytes(b"PAR1 damaged")
    capsys.readouterr()
    assert main(["verify", str(copy)]) == 1
    assert any("documents" in line for line in capsys.readouterr().out.splitlines())
    assert main(["verify", str(tmp_path / "nowhere")]) == 2


def test_profile_prints_where_the_build_spent_its_time(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from cadrespeech.cli import main
    from cadrespeech.stages.pipeline import STEPS

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "seed.txt").write_bytes(SEED.read_bytes())
    args = ["build", "--version", "0.1.0", "--raw", str(raw), "--out", str(tmp_path / "out"), "--jobs", "1", "--quiet", "--profile"]
    assert main(args) == 0
    lines = [line for line in capsys.readouterr().err.splitlines() if line.startswith("cadrespeech: profile: ")]
    named = [re.match(r"cadrespeech: profile: (.+?)\s+[\d.]+ s", line).group(1) for line in lines]
    assert "pages: process and write" in named and "manifest, card, checksums" in named
    assert [f"page step: {step.name}" for step in STEPS] + ["page step: rows and tables"] == [n for n in named if n.startswith("page step")]


@pytest.mark.parametrize("config", list(CONFIGS))
def test_our_schema_is_what_datasets_makes_of_the_same_columns(config: str) -> None:
    """The build writes the features without importing datasets: they must be datasets' own, to the byte."""
    features = datasets_features(config)
    assert feature_dict(CONFIGS[config]) == features.to_dict()
    ours, theirs = arrow_schema(config), features.arrow_schema
    assert ours.equals(theirs, check_metadata=True)
    assert ours.metadata == theirs.metadata
    assert schema_fingerprint(feature_dict(CONFIGS[config])) == schema_fingerprint(features.to_dict())


def test_a_build_does_not_import_datasets(tmp_path: Path) -> None:
    from .conftest import FIXTURE_PAGES

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "page.txt").write_bytes(next(p for p in sorted(FIXTURE_PAGES.iterdir()) if p.suffix == ".txt").read_bytes())
    script = (
        "import sys, runpy\n"
        "sys.argv = ['cadrespeech', 'build', '--version', '0.1.0', '--raw', sys.argv[1], '--out', sys.argv[2], '--quiet', '--no-cache']\n"
        "try:\n    runpy.run_module('cadrespeech', run_name='__main__')\n"
        "except SystemExit as done:\n    assert not done.code, done.code\n"
        "print(sorted(m for m in sys.modules if m.partition('.')[0] == 'datasets'))\n"
    )
    env = {**os.environ, "CADRESPEECH_CACHE": str(tmp_path / "cache")}
    result = subprocess.run([sys.executable, "-c", script, str(raw), str(tmp_path / "out")], capture_output=True, text=True, env=env)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-1] == "[]"
