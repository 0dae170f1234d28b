"""Hostile input: each page fails alone with a clear reason, or comes out flagged; the build goes on."""

from __future__ import annotations

import fcntl
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

from cadrespeech.build.cache import PageCache, package_files, pipeline_fingerprint
from cadrespeech.build.executor import process_path
from cadrespeech.build.manifest import checksum_lines
from cadrespeech.build.results import BuildOptions
from cadrespeech.cli import main
from cadrespeech.errors import CadrespeechError, PageError, ReleaseError
from cadrespeech.read.loader import load
from cadrespeech.read.verify import verify_release
from cadrespeech.records import RawPage
from cadrespeech.schema import data_file
from cadrespeech.stages.ingest import MAX_PAGE_BYTES, read_page, sha256_hex
from cadrespeech.stages.pipeline import process_page

from .conftest import CARD, SEED, build, tree_bytes


def page(name: str, data: bytes) -> RawPage:
    return RawPage(name, data, sha256_hex(data))


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("empty.txt", b"", "file is empty"),
        ("blank.txt", b" \n\t\n", "file is empty"),
        ("binary.txt", bytes(range(256)) * 64, "looks binary"),
        ("invalid.txt", "讲话".encode() + b"\xff\xfe\x80\x81" * 500, "cannot decode"),
        ("boilerplate_only.txt", "首页 > 文章中心 > 正文\n\n打印本文 关闭窗口\n".encode(), "no speech text"),
    ],
)
def test_bad_pages_give_a_clear_page_error(segmenter, name: str, data: bytes, reason: str) -> None:
    with pytest.raises(PageError) as caught:
        process_page(page(name, data), segmenter)
    assert caught.value.path == name and reason in caught.value.reason


def test_an_oversized_page_is_refused_before_it_is_read(tmp_path: Path) -> None:
    huge = tmp_path / "huge.txt"
    with huge.open("wb") as handle:  # sparse: no 20 MB of real writing
        handle.seek(MAX_PAGE_BYTES)
        handle.write(b"x")
    with pytest.raises(PageError, match="over the"):
        read_page(huge, tmp_path)


def test_deeply_nested_html_is_processed(segmenter) -> None:
    depth = 20_000
    html = "<html><body>" + "<div>" * depth + "<p>同志们：今天召开会议，研究部署工作。</p>" + "</div>" * depth + "</body></html>"
    processed = process_page(page("deep.html", html.encode()), segmenter)
    assert processed.speeches[0].text == "同志们：今天召开会议，研究部署工作。"


def test_truncated_html_keeps_what_it_has(segmenter) -> None:
    html = "<html><body><div class='nav'>首页 政务公开</div><div><p>同志们：今天开会。<p>一、提高认识。要学习<li>二"
    text = process_page(page("cut.html", html.encode()), segmenter).speeches[0].text
    assert text.startswith("同志们：今天开会。\n一、提高认识。要学习") and "首页" not in text


def test_a_long_single_line_is_processed(segmenter) -> None:
    line = "同志们，今天开会研究工作，要提高认识。" * 5_000
    processed = process_page(page("oneline.txt", line.encode()), segmenter)
    assert len(processed.speeches[0].text) == len(line)
    assert len(processed.speeches[0].sentences) == 5_000


def test_a_build_reports_every_hostile_page_and_goes_on(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "good.txt").write_bytes(SEED.read_bytes())
    (raw / "empty.txt").write_bytes(b"")
    (raw / "binary.html").write_bytes(bytes(range(256)))
    (raw / "invalid.txt").write_bytes(b"\xff\xfe\x80" * 100)
    result = build("0.1.0", raw, tmp_path / "out")
    reports = [json.loads(line) for line in (result.path / "raw_inputs.jsonl").read_text(encoding="utf-8").splitlines()]
    statuses = {r["source"]: (r["status"], r["stage"]) for r in reports}
    assert {r.source for r in result.problems} == {"empty.txt", "binary.html", "invalid.txt"}
    assert statuses == {
        "good.txt": ("ok", None),
        "empty.txt": ("error", "ingest"),
        "binary.html": ("error", "ingest"),
        "invalid.txt": ("error", "ingest"),
    }
    manifest = json.loads((result.path / "manifest.json").read_text(encoding="utf-8"))
    assert len(manifest["page_errors"]) == 3 and manifest["statistics"]["documents"] == 1


# ---------------------------------------------------------------------------
# Releases: tampering is found, by verify and by load.


@pytest.fixture(scope="module")
def sealed_release(tmp_path_factory: pytest.TempPathFactory, private_cache: Path) -> Path:
    """A release of the seed page and one failed page, built once for the tampering tests to copy."""
    root = tmp_path_factory.mktemp("sealed")
    raw = root / "raw"
    raw.mkdir()
    (raw / SEED.name).write_bytes(SEED.read_bytes())
    (raw / "empty.txt").write_bytes(b"")
    return build("0.1.0", raw, root / "releases").path


def copy_of(release: Path, tmp_path: Path) -> Path:
    return Path(shutil.copytree(release, tmp_path / "releases" / release.name))


def manifest_of(release: Path) -> dict:
    return json.loads((release / "manifest.json").read_text(encoding="utf-8"))


def write_manifest(release: Path, manifest: object, reseal: bool = False) -> None:
    """Rewrite the manifest; ``reseal`` also redoes the card line and SHA256SUMS, as a careful forger would."""
    text = json.dumps(manifest, ensure_ascii=False, indent=1, sort_keys=True) + "\n"
    old_sha = sha256_hex((release / "manifest.json").read_bytes())
    (release / "manifest.json").write_text(text, encoding="utf-8")
    if reseal:
        card = release / "README.md"
        card.write_text(card.read_text(encoding="utf-8").replace(old_sha, sha256_hex(text.encode())), encoding="utf-8")
        (release / "SHA256SUMS").write_text(checksum_lines(release, ("README.md", "manifest.json")), encoding="utf-8")


def rewrite_documents(release: Path, column: str, value: str) -> None:
    file = release / data_file("documents")
    table = pq.read_table(file)
    index = table.schema.get_field_index(column)
    table = table.set_column(index, table.schema.field(index), pa.array([value] * table.num_rows, pa.string()))
    pq.write_table(table, file)


def test_a_sound_release_verifies_and_its_card_and_citation_pin_the_manifest(sealed_release: Path, capsys) -> None:
    assert verify_release(sealed_release) == []
    manifest_sha = sha256_hex((sealed_release / "manifest.json").read_bytes())
    assert f"manifest.json sha256: `{manifest_sha}`" in (sealed_release / "README.md").read_text(encoding="utf-8")
    assert f"{manifest_sha}  manifest.json" in (sealed_release / "SHA256SUMS").read_text(encoding="utf-8")
    for form in ("bibtex", "cff"):
        assert main(["cite", "--format", form, "--version", str(sealed_release)]) == 0
        assert manifest_sha in capsys.readouterr().out
    listed = set(manifest_of(sealed_release)["files"]) | {"manifest.json", "README.md", "SHA256SUMS"}
    on_disk = {p.relative_to(sealed_release).as_posix() for p in sealed_release.rglob("*") if p.is_file()}
    assert on_disk == listed  # every file is accounted for


def test_a_data_file_whose_entry_was_removed_is_refused(sealed_release: Path, tmp_path: Path) -> None:
    release = copy_of(sealed_release, tmp_path)
    rewrite_documents(release, "speaker", "某某某")
    manifest = manifest_of(release)
    del manifest["files"][data_file("documents")]
    write_manifest(release, manifest, reseal=True)
    problems = verify_release(release)
    assert any("documents/train-00000-of-00001.parquet" in p and "nothing vouches" in p for p in problems)
    with pytest.raises(ReleaseError, match="nothing vouches"):
        load("documents", release)


@pytest.mark.parametrize(
    "extra", ["documents/train-00001-of-00002.parquet", "evil.py", "speakers/train-00000-of-00001.parquet", "report/figures/x.png"]
)
def test_an_extra_file_fails_verify(sealed_release: Path, tmp_path: Path, extra: str) -> None:
    release = copy_of(sealed_release, tmp_path)
    (release / extra).parent.mkdir(parents=True, exist_ok=True)
    (release / extra).write_bytes((release / data_file("documents")).read_bytes())
    assert any(extra in p and "not in the manifest" in p for p in verify_release(release))


def test_an_edited_figure_is_found_even_when_the_forger_reseals(sealed_release: Path, tmp_path: Path) -> None:
    release = copy_of(sealed_release, tmp_path)
    manifest = manifest_of(release)
    manifest["statistics"]["documents"] += 1
    manifest["statistics"]["removals_per_rule"]["breadcrumb"] = {"edits": 0, "raw_chars": 0}
    manifest["page_errors"] = []  # hide the failed page
    write_manifest(release, manifest, reseal=True)
    problems = verify_release(release)
    assert any("statistics.documents says 2, the data give 1" in p for p in problems)
    assert any("statistics.removals_per_rule" in p for p in problems)
    assert any("page_errors does not match the pages in raw_inputs.jsonl" in p for p in problems)


def test_an_edited_build_fact_breaks_the_checksums(sealed_release: Path, tmp_path: Path) -> None:
    release = copy_of(sealed_release, tmp_path)
    manifest = manifest_of(release)
    manifest["build"]["jieba"] = "9.9.9"
    write_manifest(release, manifest)
    problems = verify_release(release)
    assert any("manifest.json: sha256 does not match SHA256SUMS" in p for p in problems)
    assert any("README.md: does not name the manifest's sha256" in p for p in problems)
    with pytest.raises(ReleaseError, match="SHA256SUMS"):
        load("documents", release)


@pytest.mark.parametrize(
    ("damage", "said"),
    [
        (lambda m: [m], "a JSON list, not an object"),
        (lambda m: {**m, "configs": {"documents": {"files": [data_file("documents")]}}}, "config 'documents' lacks its rows"),
        (lambda m: {**m, "files": {"../../etc/passwd": {"sha256": "0" * 64, "bytes": 1}}}, "points outside the release"),
        (lambda m: {k: v for k, v in m.items() if k != "files"}, "'files' is missing"),
    ],
)
def test_a_malformed_manifest_is_one_line_not_a_traceback(sealed_release: Path, tmp_path: Path, damage, said: str, capsys) -> None:
    release = copy_of(sealed_release, tmp_path)
    write_manifest(release, damage(manifest_of(release)))
    assert main(["verify", str(release)]) == 1
    out = capsys.readouterr().out
    assert said in out and "Traceback" not in out and len(out.splitlines()) == 1
    with pytest.raises(ReleaseError, match="malformed manifest"):
        load("documents", release)


def test_the_seal_can_be_checked_with_sha256sum(sealed_release: Path) -> None:
    sha256sum = shutil.which("sha256sum")
    if sha256sum is None:
        pytest.skip("no sha256sum here")
    checked = subprocess.run([sha256sum, "-c", "SHA256SUMS"], cwd=sealed_release, capture_output=True, text=True)
    assert checked.returncode == 0 and checked.stdout.count(": OK") == 2


# ---------------------------------------------------------------------------
# Bad arguments are refused before anything is written.


def build_args(raw: Path, out: Path, *more: str) -> list[str]:
    return ["build", "--version", "0.1.0", "--raw", str(raw), "--out", str(out), "--jobs", "1", "--no-cache", "--quiet", *more]


def one_line_error(capsys: pytest.CaptureFixture[str]) -> str:
    err = capsys.readouterr().err
    assert len(err.splitlines()) == 1 and err.startswith("cadrespeech: error: ") and "Traceback" not in err, err
    return err


def test_a_missing_or_non_folder_raw_is_exit_2(tmp_path: Path, capsys) -> None:
    out = tmp_path / "releases"
    assert main(build_args(tmp_path / "nowhere", out)) == 2
    assert "no such folder" in one_line_error(capsys)
    (tmp_path / "page.txt").write_bytes(SEED.read_bytes())
    assert main(build_args(tmp_path / "page.txt", out)) == 2
    assert "not a folder" in one_line_error(capsys)
    assert not out.exists()


def test_an_out_that_is_a_file_is_exit_2(tmp_path: Path, capsys) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "seed.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "releases").write_text("not a folder")
    assert main(build_args(raw, tmp_path / "releases")) == 2
    assert "a file, not a folder" in one_line_error(capsys)


def test_an_empty_raw_folder_uses_up_no_version(tmp_path: Path, capsys) -> None:
    (tmp_path / "raw").mkdir()
    assert main(build_args(tmp_path / "raw", tmp_path / "releases")) == 2
    assert "no files" in one_line_error(capsys)
    assert not (tmp_path / "releases").exists()


def test_a_raw_folder_where_no_page_gives_a_speech_is_refused_and_leaves_nothing(tmp_path: Path, capsys) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_bytes(b"")
    (raw / "b.bin").write_bytes(bytes(range(256)))
    assert main(build_args(raw, tmp_path / "releases")) == 2
    err = capsys.readouterr().err
    assert "none of the 2 files gave a speech" in err and "a.txt: file is empty" in err
    assert [p.name for p in (tmp_path / "releases").iterdir()] == [".v0.1.0.lock"]


def test_a_full_disk_is_one_line_exit_2_and_leaves_no_temporary(tmp_path: Path, monkeypatch, capsys) -> None:
    import errno

    from cadrespeech.build import release

    def no_space(*args, **kwargs):
        raise OSError(errno.ENOSPC, "No space left on device", str(tmp_path / "releases" / "x.parquet"))

    monkeypatch.setattr(release, "write_data", no_space)
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "seed.txt").write_bytes(SEED.read_bytes())
    assert main(build_args(raw, tmp_path / "releases")) == 2
    assert "No space left on device" in one_line_error(capsys)
    assert [p.name for p in (tmp_path / "releases").iterdir()] == [".v0.1.0.lock"]


def test_evaluate_without_its_annotations_is_exit_2(tmp_path: Path, capsys) -> None:
    assert main(["evaluate", str(tmp_path), str(tmp_path / "missing.json")]) == 2
    assert "no such annotations file" in one_line_error(capsys)
    (tmp_path / "list.json").write_text("[1, 2]")
    assert main(["evaluate", str(tmp_path), str(tmp_path / "list.json")]) == 2
    assert "not annotations" in one_line_error(capsys)


def test_clean_of_a_folder_says_it_is_a_folder(tmp_path: Path, capsys) -> None:
    assert main(["clean", str(tmp_path)]) == 2
    assert "a folder; clean takes one page file" in one_line_error(capsys)


@pytest.mark.slow
def test_the_cli_module_runs_as_a_script() -> None:
    ran = subprocess.run([sys.executable, "-m", "cadrespeech.cli", "--version"], capture_output=True, text=True)
    assert ran.returncode == 0 and ran.stdout.startswith("cadrespeech "), ran.stderr


@pytest.mark.slow
def test_build_runs_outside_the_project_folder(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "seed.txt").write_bytes(SEED.read_bytes())
    command = [sys.executable, "-m", "cadrespeech", *build_args(raw, tmp_path / "releases")]
    ran = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True)
    assert ran.returncode == 0, ran.stderr
    card = (tmp_path / "releases" / "v0.1.0" / "README.md").read_text(encoding="utf-8")
    assert CARD.read_text(encoding="utf-8").strip() in card  # the prose shipped with the package


# ---------------------------------------------------------------------------
# What comes from a file name or a page cannot drive a terminal or rewrite the card.

HOSTILE_NAMES = ["esc\x1b[2J\x1b]0;owned\x07.txt", "csi\u009b31m.txt", "bidi\u202etxt.exe", "tick`|<b>x<i>|.txt", "new\nline.txt"]


def test_hostile_file_names_are_escaped_in_stderr_and_the_card(tmp_path: Path, capsys) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "seed.txt").write_bytes(SEED.read_bytes())
    for name in HOSTILE_NAMES:
        (raw / name).write_bytes(b"")  # each fails: its name goes into stderr and the card
    assert main(build_args(raw, tmp_path / "releases")) == 0
    err = capsys.readouterr().err
    assert not any(ch in err for ch in "\x1b\x07\u009b\u202e") and "esc\\x1b[2J" in err and "bidi\\u202etxt" in err
    assert sum("page failed" in line for line in err.splitlines()) == len(HOSTILE_NAMES)  # the new line stayed in its line
    card = (tmp_path / "releases" / "v0.1.0" / "README.md").read_text(encoding="utf-8")
    _, header, body = card.split("---\n", 2)
    assert yaml.safe_load(header)["pretty_name"] == "cadrespeech 0.1.0"
    failed = body.split("### Pages that failed")[1].strip().splitlines()
    assert len(failed) == 2 + len(HOSTILE_NAMES) and all(line.count(" | ") == 3 for line in failed[2:])
    assert "<b>" not in body and "tick\\`\\|\\<b\\>x" in body and not any(ch in body for ch in "\x1b\x07\u009b\u202e")


def test_clean_output_escapes_controls_in_text_and_json(tmp_path: Path, capsys) -> None:
    page = tmp_path / "page.txt"
    page.write_text("同志们：\n今天召开会议\u009b31m，研究部署\u202e工作。\n", encoding="utf-8")
    for form in ("text", "json"):
        assert main(["clean", str(page), "--format", form]) == 0
        out = capsys.readouterr().out
        assert "\u009b" not in out and "\u202e" not in out
        assert "\\u202e" in out


# ---------------------------------------------------------------------------
# One build of a version at a time, decided by the kernel's lock, not by process IDs.

HOLD_LOCK = """
import sys, time
from pathlib import Path
from cadrespeech.build.release import build_lock
with build_lock(Path(sys.argv[1]), "0.1.0"):
    (Path(sys.argv[1]) / ".tmp-v0.1.0-live").mkdir()
    print("locked", flush=True)
    time.sleep(60)
"""


def hold_lock(out: Path, *prefix: str) -> subprocess.Popen[str]:
    holder = subprocess.Popen(
        [*prefix, sys.executable, "-c", HOLD_LOCK, str(out)], stdout=subprocess.PIPE, text=True, start_new_session=True
    )
    assert holder.stdout is not None and holder.stdout.readline().strip() == "locked"
    return holder


def kill(holder: subprocess.Popen[str], out: Path) -> None:
    """Kill the holder and everything it started, and wait until the kernel has freed the lock."""
    os.killpg(holder.pid, signal.SIGKILL)
    holder.wait()
    with open(out / ".v0.1.0.lock", "a+b") as handle:
        for _ in range(500):
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                time.sleep(0.01)
                continue
            fcntl.flock(handle, fcntl.LOCK_UN)
            return
    raise AssertionError("the lock outlived its holder")


@pytest.mark.slow
@pytest.mark.parametrize("namespace", [(), ("unshare", "--pid", "--fork", "--kill-child")], ids=["process", "pid-namespace"])
def test_a_live_build_is_never_disturbed_and_a_dead_ones_leftovers_go(tmp_path: Path, namespace: tuple[str, ...]) -> None:
    if namespace and subprocess.run([*namespace, "true"], capture_output=True).returncode != 0:
        pytest.skip("no PID namespaces here")
    raw, out = tmp_path / "raw", tmp_path / "releases"
    raw.mkdir()
    out.mkdir()
    (raw / "seed.txt").write_bytes(SEED.read_bytes())
    holder = hold_lock(out, *namespace)
    try:
        with pytest.raises(ReleaseError, match=r"another build of v0\.1\.0"):
            build("0.1.0", raw, out)
        assert (out / ".tmp-v0.1.0-live").is_dir()  # the live build's folder was left alone
    finally:
        kill(holder, out)
    # A leftover named after a live process (PID 1 is always alive) means nothing now.
    (out / ".tmp-v0.1.0-1").mkdir()
    assert build("0.1.0", raw, out).status == "created"
    assert sorted(p.name for p in out.iterdir()) == [".v0.1.0.lock", "v0.1.0"]


def test_builds_of_other_versions_do_not_wait_for_each_other(tmp_path: Path) -> None:
    raw, out = tmp_path / "raw", tmp_path / "releases"
    raw.mkdir()
    out.mkdir()
    (raw / "seed.txt").write_bytes(SEED.read_bytes())
    holder = hold_lock(out)
    try:
        assert build("0.2.0", raw, out).status == "created"
    finally:
        kill(holder, out)


# ---------------------------------------------------------------------------
# The page cache: keyed by everything that changes rows, checked on read, never fatal.


def cached_build(raw: Path, out: Path, cache: Path, version: str = "0.1.0", skip: tuple[str, ...] = ()):
    options = BuildOptions(skip_rules=skip, cache=str(cache))
    return build(version, raw, out, options=options)


def test_identical_failing_pages_rebuild_from_the_cache(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "seed.txt").write_bytes(SEED.read_bytes())
    for name in ("a.txt", "b.txt", "c.html"):
        (raw / name).write_bytes(b"   \n")  # the same failing bytes under three names
    first = cached_build(raw, tmp_path / "one", tmp_path / "cache")
    again = cached_build(raw, tmp_path / "two", tmp_path / "cache")
    assert [r.source for r in again.problems] == ["a.txt", "b.txt", "c.html"]
    assert tree_bytes(first.path) == tree_bytes(again.path)


def test_the_cache_key_covers_nested_data_files_and_every_option(segmenter) -> None:
    names = [name for name, _ in package_files()]
    assert "data/domain_dict.txt" in names and "cli.py" in names and not any(n.endswith(".pyc") for n in names)
    plain = pipeline_fingerprint(BuildOptions(), segmenter)
    assert pipeline_fingerprint(BuildOptions(skip_rules=("breadcrumb",)), segmenter) != plain
    assert pipeline_fingerprint(BuildOptions(cache="/elsewhere"), segmenter) == plain  # where the cache is changes no row


def test_a_cache_entry_is_used_only_for_its_own_pipeline_and_page(tmp_path: Path, segmenter) -> None:
    result = process_path(str(SEED), str(SEED.parent), BuildOptions(cache=str(tmp_path), fingerprint="a" * 64))
    page_sha = result.report.sha256
    assert PageCache(tmp_path, "a" * 64).get(page_sha, "x.txt").report.source == "x.txt"  # renamed, same rows
    entry = PageCache(tmp_path, "a" * 64)._path(page_sha)
    other = PageCache(tmp_path, "a" * 24 + "b" * 40)  # same folder (the key's first 24 characters), other pipeline
    assert other._path(page_sha) == entry and other.get(page_sha, "x.txt") is None
    assert PageCache(tmp_path, "a" * 64).get("0" * 64, "x.txt") is None


def test_a_skip_rule_build_and_a_default_build_do_not_share_entries(tmp_path: Path) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "seed.txt").write_bytes(SEED.read_bytes())
    skipped = cached_build(raw, tmp_path / "a", tmp_path / "cache", skip=("breadcrumb",))
    default = cached_build(raw, tmp_path / "b", tmp_path / "cache")
    fresh = build("0.1.0", raw, tmp_path / "c")
    assert tree_bytes(default.path) == tree_bytes(fresh.path) != tree_bytes(skipped.path)


def test_a_cache_that_cannot_be_written_is_a_warning_not_a_failure(tmp_path: Path, capsys) -> None:
    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "seed.txt").write_bytes(SEED.read_bytes())
    (tmp_path / "blocker").write_text("a file where the cache folder should be")
    args = ["build", "--version", "0.1.0", "--raw", str(raw), "--out", str(tmp_path / "out"), "--jobs", "1", "--quiet"]
    assert main([*args, "--cache", str(tmp_path / "blocker" / "cache")]) == 0
    err = capsys.readouterr().err
    assert "warning: page cache" in err and "building without it" in err


def test_a_cache_write_that_fails_midway_leaves_no_temporary_file(tmp_path: Path, monkeypatch) -> None:
    import errno

    from cadrespeech.build import cache as pages

    def full(*args):
        raise OSError(errno.ENOSPC, "No space left on device")

    cache = PageCache(tmp_path, "f" * 64)
    result = process_path(str(SEED), str(SEED.parent), BuildOptions())
    monkeypatch.setattr(pages.os, "replace", full)
    assert cache.put(result.report.sha256, result) == "No space left on device"
    monkeypatch.undo()
    assert not [p for p in tmp_path.rglob("*") if p.is_file()]
    assert os.listdir(tmp_path)  # the folders were made; only the entry is missing


def test_show_never_reads_a_raw_page_from_outside_the_raw_folder(sealed_release: Path, tmp_path: Path) -> None:
    from cadrespeech.read.show import find_document, read_raw_text

    release = copy_of(sealed_release, tmp_path)
    secret = tmp_path / "secret.txt"
    secret.write_text("同志们：这不是语料的一部分。", encoding="utf-8")
    raw = tmp_path / "raw"
    raw.mkdir()
    doc_id = pq.read_table(release / data_file("documents"))["doc_id"][0].as_py()
    rewrite_documents(release, "source_file", "../secret.txt")  # a forged release pointing out of the raw folder
    with pytest.raises(CadrespeechError) as refused:
        read_raw_text(find_document(release, doc_id), raw)
    assert "lies outside the raw folder" in str(refused.value)


def test_the_report_shows_page_text_as_text() -> None:
    from cadrespeech.build.report import _table  # every page string of the report goes through its tables

    cell = _table(("title",), [("<script>alert(1)</script>\u202e讲话\x1b[2J",)])
    assert "<script>" not in cell and "&lt;script&gt;alert(1)&lt;/script&gt;\\u202e讲话\\x1b[2J" in cell


# Inputs the fuzz script (scripts/fuzz_pages.py) found to crash a page or to fail it
# with an internal error; each must now be processed, or fail with a reason of ours.
FUZZ_FINDS = {
    "a declared charset that is no text encoding": b"<metacharset=uu\x80",
    "a declared charset Python cannot decode with": b"<metacharset=undefined\x80",
    "a declared charset that makes lone surrogates": b"<metacharset=unicode_escape\\ud800"
    + b"\\u540c\\u5fd7\\u4eec\\u4eca\\u5929\\u5f00\\u4f1a\\u3002\x80",
    "a control byte beside a script, which lxml refuses": "<p>同志们：今天开会。<p><script></script>\x02".encode(),
    "a malformed marked section, which html.parser asserts on": "<p>同志们：今天开会。<p><![]".encode(),
}


@pytest.mark.parametrize("data", FUZZ_FINDS.values(), ids=FUZZ_FINDS.keys())
def test_fuzz_finds_are_processed_or_fail_with_our_own_reason(segmenter, data: bytes) -> None:
    from cadrespeech.build.rows import page_rows, page_tables

    try:
        page_tables(page_rows(process_page(page("fuzz.html", data), segmenter)))
    except PageError as error:
        assert not re.match(r"[A-Z]\w*(Error|Exception)\b", error.reason), error.reason  # not an internal error in disguise


def test_a_day_that_does_not_exist_is_no_date(segmenter) -> None:
    text = "在全县工作会议上的讲话\n（2021年2月31日）\n同志们：\n今天召开会议，研究部署全年工作。\n"
    speech = process_page(page("date.txt", text.encode()), segmenter).speeches[0]
    assert speech.date is None


def test_a_release_folder_is_readable_by_others_as_the_umask_allows(sealed_release: Path) -> None:
    import stat

    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(sealed_release.stat().st_mode) == 0o777 & ~umask
