"""collect: web archives and dumps into raw pages with provenance; then build, with the URLs in the release."""

from __future__ import annotations

import json
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from cadrespeech.cli import main
from cadrespeech.collect.archives import SKIP_REASONS
from cadrespeech.collect.gather import CollectConfig, collect
from cadrespeech.collect.speechfilter import SPEECH_CUES, is_speech_page, page_cue
from cadrespeech.provenance import read_provenance, validation_problems
from cadrespeech.records import RawPage
from cadrespeech.stages.ingest import decode_page, sha256_hex

from .archives import Response, write_jsonl, write_warc
from .conftest import FIXTURE_PAGES

SPEECH = (FIXTURE_PAGES / "html_gov_portal_speech.html").read_bytes()
SPEECH_2 = (FIXTURE_PAGES / "php_county_portal_speech.php").read_bytes()
GBK_SPEECH = (FIXTURE_PAGES / "html_gov_gbk_meta.html").read_bytes()
NOTICE = (FIXTURE_PAGES / "html_notice_not_speech.html").read_bytes()
PLAIN_SPEECH = (FIXTURE_PAGES / "tpl_plain_nosections.txt").read_text(encoding="utf-8")
ANNOTATIONS = json.loads((FIXTURE_PAGES / "annotations.json").read_text(encoding="utf-8"))
SITE = "http://www.example.gov.cn"


@pytest.fixture(scope="module")
def archives(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A crawl as a folder: two WARCs (one cut short) and two JSONL dumps, with every kind of record a crawl holds."""
    folder = tmp_path_factory.mktemp("crawl")
    write_warc(
        folder / "site-00000.warc.gz",
        [
            Response(f"{SITE}/ldjh/202403/t20240305_1.html", SPEECH),
            Response("http://mirror.example.com/copy.html", SPEECH, date="2024-04-01T00:00:00Z"),  # the same bytes again
            Response(f"{SITE}/wlzx/gbk.html", GBK_SPEECH, "text/html; charset=gbk"),
            Response(f"{SITE}/tzgg/notice.html", NOTICE),
            Response(f"{SITE}/images/logo.png", b"\x89PNG\r\n\x1a\n....", "image/png"),
            Response(f"{SITE}/gone.html", b"<html>404</html>", status="404 Not Found"),
            f"{SITE}/ldjh/202403/t20240305_1.html",  # a revisit
        ],
    )
    cut = write_warc(
        folder / "site-00001.warc",
        [Response(f"{SITE}/xxgk/county.php", SPEECH_2), Response(f"{SITE}/cut.html", SPEECH_2 + b"<p>tail</p>")],
        compress=False,
    )
    cut.write_bytes(cut.read_bytes()[:-200])  # the archive ends inside its last record
    write_jsonl(
        folder / "dump.jsonl.zst",
        [
            {"url": "https://news.example.com/a/1", "title": "致辞", "text": PLAIN_SPEECH, "date": "2023-05-01"},
            "{not json",
            {"url": "https://news.example.com/a/2"},
        ],
    )
    write_jsonl(folder / "dump2.jsonl.gz", [{"URL": "https://other.example.org/x", "raw_content": PLAIN_SPEECH}])  # the same text again
    return folder


@pytest.fixture(scope="module")
def collected(archives: Path, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    corpus = tmp_path_factory.mktemp("corpus")
    code, out = _run(["collect", str(archives), "--out", str(corpus / "raw"), "--quiet"])
    assert code == 0
    return corpus, out


def _run(args: list[str]) -> tuple[int, str]:
    import contextlib
    import io

    stdout = io.StringIO()
    with contextlib.redirect_stdout(stdout):
        code = main(args)
    return code, stdout.getvalue()


def test_every_record_is_kept_or_counted_by_reason(collected: tuple[Path, str]) -> None:
    _, out = collected
    # 2 warcinfo and 8 request records; 8 responses and a revisit; the dumps' 4 lines.
    assert "read 23 records from 4 archives" in out
    assert "kept 7: 5 new pages, 2 duplicates of pages already kept" in out
    assert "skipped 16: bad-json 1, http-status 1, no-text 1, not-a-page 1, not-a-response 10, revisit 1, truncated 1" in out


def test_raw_pages_are_the_archived_bytes_named_by_their_sha256(collected: tuple[Path, str]) -> None:
    corpus, _ = collected
    pages = {path.name: path.read_bytes() for path in (corpus / "raw").iterdir()}
    expected = {SPEECH: ".html", SPEECH_2: ".html", GBK_SPEECH: ".html", NOTICE: ".html", PLAIN_SPEECH.encode(): ".txt"}
    assert pages == {sha256_hex(data) + suffix: data for data, suffix in expected.items()}  # GBK bytes untouched


def test_provenance_records_every_capture_and_follows_the_schema(collected: tuple[Path, str]) -> None:
    corpus, _ = collected
    records = json.loads((corpus / "provenance.json").read_text(encoding="utf-8"))
    assert validation_problems(records) == []
    speech = records[sha256_hex(SPEECH) + ".html"]
    assert speech["url"] == f"{SITE}/ldjh/202403/t20240305_1.html" and speech["retrieved"] == "2024-03-05T08:00:00Z"
    first, mirror = speech["captures"]
    assert first["archive"].endswith("/site-00000.warc.gz") and not first["archive"].startswith("/")  # relative to the folder given
    assert first["status"] == 200 and first["record_id"].startswith("<urn:uuid:") and isinstance(first["offset"], int)
    assert mirror["url"] == "http://mirror.example.com/copy.html" and mirror["offset"] > first["offset"]
    gbk = records[sha256_hex(GBK_SPEECH) + ".html"]["captures"][0]
    assert gbk["charset"] == "gbk" and gbk["content_type"] == "text/html; charset=gbk"
    plain = records[sha256_hex(PLAIN_SPEECH.encode()) + ".txt"]
    assert [c["url"] for c in plain["captures"]] == ["https://news.example.com/a/1", "https://other.example.org/x"]
    assert plain["captures"][0]["line"] == 1 and plain["captures"][0]["title"] == "致辞" and plain["retrieved"] == "2023-05-01"
    assert not any(str(corpus) in json.dumps(record) for record in records.values()), "no local path is published"


def test_collecting_again_adds_nothing(archives: Path, collected: tuple[Path, str]) -> None:
    corpus, _ = collected
    before = (corpus / "provenance.json").read_bytes()
    code, out = _run(["collect", str(archives), "--out", str(corpus / "raw"), "--quiet"])
    assert code == 0 and "0 new pages, 7 duplicates" in out
    assert (corpus / "provenance.json").read_bytes() == before


def test_build_reads_the_provenance_into_url_and_retrieved_and_the_card(collected: tuple[Path, str], tmp_path: Path) -> None:
    corpus, _ = collected
    raw = tmp_path / "raw"
    raw.mkdir()
    for page in (corpus / "raw").iterdir():
        (raw / page.name).write_bytes(page.read_bytes())
    (raw / "by-hand.txt").write_bytes(PLAIN_SPEECH.encode() + "\n附件：无".encode())  # a page with no record
    (tmp_path / "provenance.json").write_bytes((corpus / "provenance.json").read_bytes())
    code, _ = _run(
        ["build", "--version", "0.1.0", "--raw", str(raw), "--out", str(tmp_path / "releases"), "--no-cache", "--quiet", "--jobs", "1"]
    )
    assert code == 0
    release = tmp_path / "releases" / "v0.1.0"
    documents = pq.read_table(
        release / "documents" / "train-00000-of-00001.parquet", columns=["source_file", "url", "retrieved"]
    ).to_pylist()
    records = read_provenance(tmp_path / "provenance.json")
    for row in documents:
        record = records.get(row["source_file"])
        assert row["url"] == (record["url"] if record else None) and row["retrieved"] == (record["retrieved"] if record else None)
    assert {row["url"] for row in documents} >= {f"{SITE}/ldjh/202403/t20240305_1.html", "https://news.example.com/a/1", None}
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["provenance"]["pages_without_record"] == ["by-hand.txt"] and manifest["provenance"]["pages_with_record"] == 5
    assert manifest["provenance"]["summary"]["sites"] == {"www.example.gov.cn": 4, "news.example.com": 1}
    card = (release / "README.md").read_text(encoding="utf-8")
    assert "| www.example.gov.cn | 4 |" in card and "`by-hand.txt`" in card


def test_a_record_naming_other_bytes_is_listed_and_gives_no_url(collected: tuple[Path, str], tmp_path: Path) -> None:
    corpus, _ = collected
    raw = tmp_path / "raw"
    raw.mkdir()
    name = sha256_hex(SPEECH) + ".html"
    (raw / name).write_bytes(SPEECH.replace("稳住".encode(), "稳定".encode(), 1))  # edited after it was collected
    records = read_provenance(corpus / "provenance.json")
    (tmp_path / "provenance.json").write_text(json.dumps({name: records[name]}), encoding="utf-8")
    assert (
        _run(["build", "--version", "0.1.0", "--raw", str(raw), "--out", str(tmp_path / "out"), "--no-cache", "--quiet", "--jobs", "1"])[0]
        == 0
    )
    manifest = json.loads((tmp_path / "out" / "v0.1.0" / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["provenance"]["pages_whose_record_names_other_bytes"] == [name]
    assert pq.read_table(tmp_path / "out" / "v0.1.0" / "documents" / "train-00000-of-00001.parquet")["url"].to_pylist() == [None]


@pytest.mark.parametrize(
    "damage",
    [
        lambda r: r.pop("sha256"),
        lambda r: r.update(sha256="XYZ"),
        lambda r: r.update(captures=[{"url": 5}]),
        lambda r: r.update(site=["a list"]),
    ],
)
def test_a_malformed_provenance_file_is_refused_in_one_line(collected: tuple[Path, str], tmp_path: Path, damage, capsys) -> None:
    corpus, _ = collected
    records = read_provenance(corpus / "provenance.json")
    damage(next(iter(records.values())))
    (tmp_path / "provenance.json").write_text(json.dumps(records), encoding="utf-8")
    (tmp_path / "raw").mkdir()
    (tmp_path / "raw" / "a.txt").write_bytes(PLAIN_SPEECH.encode())
    code = main(["build", "--version", "0.1.0", "--raw", str(tmp_path / "raw"), "--out", str(tmp_path / "out"), "--quiet", "--no-cache"])
    err = capsys.readouterr().err
    assert code == 2 and len(err.splitlines()) == 1 and "provenance.json: does not follow the provenance schema" in err
    assert not (tmp_path / "out").exists() or not any((tmp_path / "out").glob("v*"))


def test_a_source_collect_cannot_read_is_refused_before_anything_is_written(tmp_path: Path, capsys) -> None:
    (tmp_path / "notes.pdf").write_bytes(b"%PDF")
    assert main(["collect", str(tmp_path / "notes.pdf"), "--out", str(tmp_path / "raw")]) == 2
    assert "notes.pdf: not an archive collect reads" in capsys.readouterr().err and not (tmp_path / "raw").exists()
    assert main(["collect", str(tmp_path / "missing.warc"), "--out", str(tmp_path / "raw")]) == 2


def test_speeches_only_keeps_the_speeches_and_counts_the_rest(archives: Path, tmp_path: Path) -> None:
    summary = collect(CollectConfig((archives,), tmp_path / "raw", tmp_path / "provenance.json", speeches_only=True))
    kept = {path.read_bytes() for path in (tmp_path / "raw").iterdir()}
    assert kept == {SPEECH, SPEECH_2, GBK_SPEECH, PLAIN_SPEECH.encode()}
    assert summary.skipped["no-speech-cue"] + summary.skipped.get("not-a-speech", 0) == 1  # the notice
    assert set(summary.skipped) <= SKIP_REASONS.keys()


def test_the_pre_filter_never_drops_a_page_the_classifier_keeps() -> None:
    """Every fixture page (and, when ../shared is there, every devset page) the classifier calls a speech shows a cue."""
    folders = [FIXTURE_PAGES, *sorted(FIXTURE_PAGES.parent.glob("check*"))]
    devset = FIXTURE_PAGES.parents[2].parent / "shared" / "devset" / "raw"
    folders += [devset] if devset.is_dir() else []
    checked = 0
    for folder in folders:
        for path in sorted(folder.iterdir()):
            if path.suffix in (".json",) or path.name == "README.md" or not path.is_file():
                continue
            page = RawPage(path.name, path.read_bytes(), "")
            if is_speech_page(page):
                checked += 1
                assert page_cue(decode_page(page).text) is not None, f"{path.name}: a speech the pre-filter would drop"
    assert checked >= 50


@pytest.mark.parametrize("cue", SPEECH_CUES, ids=lambda cue: cue.name)
def test_each_cue_finds_its_examples_and_not_its_counter_examples(cue) -> None:
    assert all(cue.pattern.search(example) for example in cue.examples)
    assert not any(cue.pattern.search(example) for example in cue.counter_examples)


def test_the_readme_worked_example_runs_as_written(tmp_path: Path) -> None:
    """Each command of the README's worked example, run in an empty folder, prints what the README shows."""
    import os
    import re
    import shlex
    import subprocess
    import sys

    root = FIXTURE_PAGES.parents[2]
    readme = (root / "README.md").read_text(encoding="utf-8")
    block = re.search(r"### A worked example.*?```console\n(.*?)```", readme, re.S).group(1)
    steps: list[tuple[str, list[str]]] = []
    for line in block.splitlines():
        if line.startswith("$ "):
            steps.append((line[2:], []))
        else:
            steps[-1][1].append(line)
    assert len(steps) == 4
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}", "NO_COLOR": "1"}
    for command, shown in steps:
        words = shlex.split(command)
        if words[0] == "python":
            words[0] = sys.executable
        if len(words) > 1 and words[1].startswith("scripts/"):
            words[1] = str(root / words[1])
        if words[0] == "cadrespeech":
            words[:1] = [sys.executable, "-m", "cadrespeech"]
        done = subprocess.run(words, cwd=tmp_path, capture_output=True, text=True, env=env, timeout=300)
        assert done.returncode == 0, (command, done.stderr[-2000:])
        # Offsets into the gzipped WARC move by a byte or two: its record IDs are random.
        printed = [re.sub(r"@\d+", "@N", line) for line in (done.stdout + done.stderr).splitlines()]
        for line in shown:
            assert re.sub(r"@\d+", "@N", line) in printed, (command, line, printed)


def test_an_arc_file_and_renamed_jsonl_fields_are_read_too(tmp_path: Path) -> None:
    from .archives import write_arc

    write_arc(tmp_path / "old-crawl.arc", [Response(f"{SITE}/2009/speech.html", SPEECH, date="2009-06-01T10:00:00Z")])
    write_jsonl(tmp_path / "custom.jsonl", [{"link_to_page": "https://x.example.cn/1", "body_text": PLAIN_SPEECH}])
    args = ["collect", str(tmp_path / "old-crawl.arc"), str(tmp_path / "custom.jsonl"), "--out", str(tmp_path / "raw"), "--quiet"]
    code, out = _run([*args, "--url-field", "link_to_page", "--text-field", "body_text"])
    assert code == 0 and "kept 2: 2 new pages" in out
    records = read_provenance(tmp_path / "provenance.json")
    arc = records[sha256_hex(SPEECH) + ".html"]
    assert arc["url"] == f"{SITE}/2009/speech.html" and arc["retrieved"].startswith("2009-06-01") and arc["captures"][0]["status"] == 200
    assert records[sha256_hex(PLAIN_SPEECH.encode()) + ".txt"]["url"] == "https://x.example.cn/1"
