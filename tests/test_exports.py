"""The exports of a release: CoNLL-U, the vertical format, SQLite, and Datasette serving it to a browser."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import time
import urllib.error
import urllib.request
from pathlib import Path
from urllib.parse import quote
from xml.etree import ElementTree

import conllu
import pyarrow.parquet as pq
import pytest

from cadrespeech.errors import CadrespeechError
from cadrespeech.read import exports, serve
from cadrespeech.read.exports import (
    JIEBA_TAGS,
    UPOS_OF_JIEBA_TAG,
    export_conllu,
    export_sqlite,
    export_vert,
    metadata_path,
    registry_path,
    upos_table_markdown,
    vertical,
)

from .conftest import FIXTURE_PAGES, build

# A page whose title holds every character an XML attribute must escape.
HOSTILE_TITLE = '关于"<&>"优化营商环境的讲话 & 部署'
HOSTILE_PAGE = f"""{HOSTILE_TITLE}

——在全县"双招双引"<工作>会议上的讲话

县委书记　沈砚舟

（2022年6月8日）

同志们：

今天召开全县优化营商环境工作推进会议，主要是盘点今年以来各项改革任务的进展情况。

一、充分肯定成绩

今年以来，全县营商环境持续改善，企业满意度明显提升。
"""


@pytest.fixture(scope="module")
def release(tmp_path_factory: pytest.TempPathFactory, private_cache: Path) -> Path:
    """A dozen fixture pages of every kind (HTML, markdown, GB18030, two speeches, a notice, footnotes) and the hostile one."""
    root = tmp_path_factory.mktemp("exports")
    raw = root / "raw"
    raw.mkdir()
    for name in EXPORTED_PAGES:
        (raw / name).write_bytes((FIXTURE_PAGES / name).read_bytes())
    (raw / "hostile_title.txt").write_text(HOSTILE_PAGE, encoding="utf-8")
    return build("0.1.0", raw, root / "releases").path


EXPORTED_PAGES = (
    "html_meta_lies_utf8.html",
    "php_county_portal_speech.php",
    "reprint_a_template.txt",
    "html_two_speeches.html",
    "html_notice_not_speech.html",
    "md_hk_outlet_commencement_address.md",
    "tpl_gb18030_xiangcun.txt",
    "txt_editor_note_reference.txt",
    "html_party_paper_editor_note.html",
    "tpl_deep_levels.txt",
    "txt_fullwidth_digits.txt",
    "txt_minutes_dialogue.txt",
)


def parquet(release: Path, config: str) -> list[dict]:
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    (name,) = manifest["configs"][config]["files"]  # the fixture release is one shard
    return pq.read_table(release / name).to_pylist()


@pytest.fixture(scope="module")
def sentences(release: Path) -> list[dict]:
    return parquet(release, "sentences")


@pytest.fixture(scope="module")
def documents(release: Path) -> dict[str, dict]:
    return {row["doc_id"]: row for row in parquet(release, "documents")}


def unwritable(token: str) -> bool:
    """A token neither format can hold: nothing left but whitespace once control characters go."""
    return not re.sub(r"[\x00-\x1f\x7f-\x9f]", "", token).strip()


@pytest.fixture(scope="module")
def out(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("exported")


@pytest.fixture(scope="module")
def conllu_export(release: Path, out: Path) -> exports.ExportSummary:
    return export_conllu(release, out / "cadrespeech.conllu")


@pytest.fixture(scope="module")
def vert_export(release: Path, out: Path) -> exports.ExportSummary:
    return export_vert(release, out / "cadrespeech.vert")


@pytest.fixture(scope="module")
def sqlite_export(release: Path, out: Path) -> exports.ExportSummary:
    return export_sqlite(release, out / "cadrespeech.db")


def test_conllu_parses_back_with_every_sentence_and_token(conllu_export: exports.ExportSummary, sentences: list[dict]) -> None:
    with conllu_export.path.open(encoding="utf-8") as handle:
        parsed = list(conllu.parse_incr(handle))
    skipped = sum(unwritable(token) for row in sentences for token in row["tokens"])
    expected_tokens = sum(len(row["tokens"]) for row in sentences) - skipped
    assert len(parsed) == len(sentences) == conllu_export.sentences
    assert sum(len(sentence) for sentence in parsed) == expected_tokens == conllu_export.tokens
    assert conllu_export.skipped_tokens == skipped
    ids = [sentence.metadata["sent_id"] for sentence in parsed]
    assert ids == [row["sentence_id"] for row in sentences] and len(set(ids)) == len(ids)
    newdocs = [sentence.metadata["newdoc id"] for sentence in parsed if "newdoc id" in sentence.metadata]
    assert newdocs == list(dict.fromkeys(row["doc_id"] for row in sentences)), "one # newdoc id per document, in order"
    assert all(len(token["form"]) and " " not in token["form"] for sentence in parsed for token in sentence)


def test_conllu_columns_tie_back_to_the_release(
    conllu_export: exports.ExportSummary, sentences: list[dict], documents: dict[str, dict]
) -> None:
    with conllu_export.path.open(encoding="utf-8") as handle:
        parsed = list(conllu.parse_incr(handle))
    by_id = {row["sentence_id"]: row for row in sentences}
    for sentence in parsed:
        row = by_id[sentence.metadata["sent_id"]]
        text = documents[row["doc_id"]]["text"]
        rebuilt = ""
        for token, tag in zip(sentence, row["pos"], strict=True):
            start, end = map(int, token["misc"]["TokenRange"].split(":"))
            assert text[start:end] == token["form"], "TokenRange is the token's span of the document's text"
            assert token["xpos"] == tag and token["upos"] == exports.upos(tag, token["form"])
            rebuilt += token["form"] + ("" if token["misc"].get("SpaceAfter") == "No" else " ")
        # UD's rule: the forms, spaced as SpaceAfter says, give the sentence's text.
        assert rebuilt.strip() == sentence.metadata["text"] == " ".join(row["text"].split())
    # No lemma, features or parse: LEMMA, FEATS, HEAD, DEPREL and DEPS are "_" on every word line.
    words = [line.split("\t") for line in conllu_export.path.read_text(encoding="utf-8").splitlines() if line[:1].isdigit()]
    assert {(w[2], *w[5:9]) for w in words} == {("_",) * 5} and all(len(w) == 10 for w in words)


def test_conllu_carries_each_documents_head_on_its_first_sentence(conllu_export: exports.ExportSummary, documents: dict) -> None:
    with conllu_export.path.open(encoding="utf-8") as handle:
        firsts = [sentence.metadata for sentence in conllu.parse_incr(handle) if "newdoc id" in sentence.metadata]
    for metadata in firsts:
        document = documents[metadata["newdoc id"]]
        for name in ("title", "date", "speaker", "genre", "url"):
            assert metadata.get(name) == (" ".join(document[name].split()) if document[name] else None), name
    hostile = next(metadata for metadata in firsts if metadata.get("title") == HOSTILE_TITLE)
    assert hostile["speaker"] == "沈砚舟" and hostile["date"] == "2022-06-08"


def test_every_tag_jieba_can_give_has_a_upos(sentences: list[dict]) -> None:
    import jieba
    from jieba.posseg.prob_start import P as hmm_states

    tokenizer = jieba.Tokenizer()
    with tokenizer.get_dict_file() as handle:
        dictionary_tags = {line.split()[2].decode() for line in handle if len(line.split()) == 3}
    hmm_tags = {tag for _, tag in hmm_states}
    used = {tag for row in sentences for tag in row["pos"]}
    assert not (dictionary_tags | hmm_tags | used) - UPOS_OF_JIEBA_TAG.keys()
    assert {"w", "xc", "nw", "PER", "LOC", "ORG", "TIME", "eng"} <= UPOS_OF_JIEBA_TAG.keys()  # paddle mode and ours
    universal = "ADJ ADP ADV AUX CCONJ DET INTJ NOUN NUM PART PRON PROPN PUNCT SCONJ SYM VERB X".split()
    assert set(UPOS_OF_JIEBA_TAG.values()) <= set(universal)
    table = upos_table_markdown()
    assert len(table.splitlines()) == len(JIEBA_TAGS) + 3 and "| `uj` | structural particle 的 | PART |" in table


def structure_lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if re.match(r"</?[a-z]+[ >]", line)]


def test_vertical_file_nests_doc_p_s_with_one_s_per_sentence(vert_export: exports.ExportSummary, sentences: list[dict]) -> None:
    lines = vert_export.path.read_text(encoding="utf-8").splitlines()
    stack: list[str] = []
    opened = {"doc": 0, "p": 0, "s": 0}
    tokens = 0
    for line in lines:
        tag = re.fullmatch(r"<(/?)(doc|p|s)( [^>]*)?>", line)
        if tag is None:
            assert stack[-1:] == ["s"], f"a token outside a sentence: {line!r}"
            word, pos, lemma = line.split("\t")
            assert word == lemma and word.strip() and pos
            tokens += 1
        elif tag.group(1):
            assert stack.pop() == tag.group(2), f"{line} closes what it did not open"
        else:
            assert stack == ["doc", "p", "s"][: len(stack)] and len(stack) == ["doc", "p", "s"].index(tag.group(2)), line
            stack.append(tag.group(2))
            opened[tag.group(2)] += 1
    assert stack == []
    assert opened["s"] == len(sentences) == vert_export.sentences == sum(line.startswith("<s ") for line in lines)
    assert opened["doc"] == len({row["doc_id"] for row in sentences}) == vert_export.documents
    assert opened["p"] == len({(row["doc_id"], row["paragraph"]) for row in sentences})
    assert tokens == vert_export.tokens == sum(not unwritable(t) for row in sentences for t in row["tokens"])


def test_vertical_attributes_are_escaped_and_read_back_as_the_text(vert_export: exports.ExportSummary, documents: dict) -> None:
    titles = {}
    for line in structure_lines(vert_export.path):
        if line.startswith("<doc "):
            element = ElementTree.fromstring(line + "</doc>")  # each structure line is well-formed XML
            assert list(element.attrib) == list(vertical.DOC_ATTRIBUTES)
            titles[element.get("id")] = element.get("title")
    assert titles == {doc_id: " ".join((row["title"] or "").split()) for doc_id, row in documents.items() if doc_id in titles}
    assert HOSTILE_TITLE in titles.values()
    assert 'title="关于&quot;&lt;&amp;&gt;&quot;优化营商环境的讲话 &amp; 部署"' in vert_export.path.read_text(encoding="utf-8")


def test_vertical_registry_declares_the_file_and_its_structures(vert_export: exports.ExportSummary) -> None:
    registry = registry_path(vert_export.path)
    assert vert_export.extra_files == (registry,)
    text = registry.read_text(encoding="utf-8")
    assert f'VERTICAL "{vert_export.path.resolve()}"' in text and 'ENCODING "UTF-8"' in text and 'LANGUAGE "Chinese"' in text
    assert re.search(r"^PATH \"/.+/\"$", text, re.M)
    assert [line for line in text.splitlines() if line.startswith("ATTRIBUTE")] == ["ATTRIBUTE word", "ATTRIBUTE tag", "ATTRIBUTE lemma"]
    structures = re.findall(r"^STRUCTURE (\w+) \{\n((?:    ATTRIBUTE \w+\n)*)\}", text, re.M)
    assert [(name, body.split()[1::2]) for name, body in structures] == [
        ("doc", list(vertical.DOC_ATTRIBUTES)),
        ("p", ["n"]),
        ("s", ["id"]),
    ]


def test_sqlite_holds_every_config_and_finds_whole_tokens(sqlite_export: exports.ExportSummary, release: Path) -> None:
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    with sqlite3.connect(sqlite_export.path) as connection:
        for config, info in manifest["configs"].items():
            assert connection.execute(f"SELECT count(*) FROM {config}").fetchone()[0] == info["rows"], config
        assert connection.execute("SELECT count(*) FROM sentences_fts").fetchone()[0] == manifest["configs"]["sentences"]["rows"]

        def found(term: str) -> dict[str, list[str]]:
            rows = connection.execute(
                "SELECT sentence_id, sentences.tokens FROM sentences_fts JOIN sentences USING (sentence_id) WHERE sentences_fts MATCH ?",
                (term,),
            )
            return {sentence_id: json.loads(tokens) for sentence_id, tokens in rows}

        whole, part = found("营商环境"), found("营商")
        assert whole and all("营商环境" in tokens for tokens in whole.values())
        # A sub-token finds only the sentences where jieba cut it as a token of its own.
        assert all("营商" in tokens for tokens in part.values()) and set(whole) - set(part)
        assert connection.execute("SELECT count(*) FROM sentences_fts WHERE sentences_fts MATCH '营商*'").fetchone()[0] >= len(whole)
        indexes = {name for (name,) in connection.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert {"sections_doc_id", "sentences_doc_id", "paragraphs_doc_id", "notes_doc_id", "removals_page_id"} <= indexes
        document = connection.execute("SELECT page_tags, is_speech FROM documents LIMIT 1").fetchone()
        assert isinstance(json.loads(document[0]), list) and document[1] in (0, 1)
    assert sqlite_export.sentences == manifest["configs"]["sentences"]["rows"]


def test_sqlite_metadata_describes_the_tables_and_a_search(sqlite_export: exports.ExportSummary) -> None:
    metadata = json.loads(metadata_path(sqlite_export.path).read_text(encoding="utf-8"))
    assert sqlite_export.extra_files == (metadata_path(sqlite_export.path),)
    assert metadata["title"] == "cadrespeech 0.1.0" and "MIT" in metadata["license"]
    database = metadata["databases"][sqlite_export.path.stem]
    assert {"documents", "sentences", "removals", "sentences_fts"} <= database["tables"].keys()
    assert database["tables"]["sentences"]["fts_table"] == "sentences_fts"
    query = database["queries"]["search_sentences"]["sql"]
    with sqlite3.connect(sqlite_export.path) as connection:
        phrase = connection.execute(query, {"tokens": "优化 营商环境"}).fetchall()
        # A stray quote is text, not FTS5 syntax: it is dropped like any punctuation.
        assert phrase and connection.execute(query, {"tokens": '优化 营商环境"'}).fetchall() == phrase
        assert len(connection.execute(query, {"tokens": "营商环境"}).fetchall()) > len(phrase)
    assert all("优化营商环境" in text for *_, text in phrase)


def test_an_export_never_replaces_a_file_unless_told(release: Path, tmp_path: Path) -> None:
    target = tmp_path / "old.vert"
    target.write_text("keep me", encoding="utf-8")
    with pytest.raises(CadrespeechError, match="already there"):
        export_vert(release, target)
    assert target.read_text(encoding="utf-8") == "keep me" and not registry_path(target).exists()
    summary = export_vert(release, target, overwrite=True)
    assert target.read_text(encoding="utf-8").startswith("<doc ") and summary.extra_files[0].is_file()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["old.vert", "old.vert.registry"], "no temporary file is left"


def test_serve_builds_the_database_once_into_the_cache_and_binds_locally(
    release: Path, private_cache: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    commands: list[list[str]] = []

    def run(command: list[str], check: bool) -> subprocess.CompletedProcess[str]:
        commands.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(serve.subprocess, "run", run)
    assert serve.serve(release, port=8765) == 0
    database = Path(commands[0][commands[0].index("--immutable") + 1])
    assert database.is_relative_to(private_cache / "sqlite") and database.is_file()
    built = database.stat().st_mtime_ns
    assert serve.serve(str(release), port=8765) == 0 and database.stat().st_mtime_ns == built, "a release's database is made once"
    command = commands[0]
    assert command[command.index("--host") + 1] == "127.0.0.1" and command[command.index("--port") + 1] == "8765"
    assert command[command.index("--metadata") + 1] == str(metadata_path(database))
    assert "--cors" not in command and "0.0.0.0" not in command


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--no-first-run",
    "--no-proxy-server",  # the server is on this machine; nothing goes through a proxy
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_for(url: str, server: subprocess.Popen, log: Path, seconds: float = 30) -> None:
    local = urllib.request.build_opener(urllib.request.ProxyHandler({}))  # never a proxy for 127.0.0.1
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"Datasette exited with {server.returncode}: {log.read_text(errors='replace')[-2000:]}")
        try:
            with local.open(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.2)
    pytest.fail(f"Datasette did not answer {url} within {seconds} s: {log.read_text(errors='replace')[-2000:]}")


@pytest.mark.slow
@pytest.mark.skipif(chromium() is None and not os.environ.get("CI"), reason="Chromium is not installed (CI installs it)")
def test_datasette_shows_a_token_search_in_headless_chromium(sqlite_export: exports.ExportSummary, tmp_path: Path) -> None:
    pytest.importorskip("datasette")
    browser = chromium()
    assert browser, "CI must install Chromium (apt-get install chromium)"
    database = sqlite_export.path
    with sqlite3.connect(database) as connection:
        hits = [text for (text,) in connection.execute("SELECT text FROM sentences_fts WHERE sentences_fts MATCH '营商环境'")]
    port = free_port()
    log = tmp_path / "datasette.log"
    with log.open("w") as output:
        server = subprocess.Popen(serve.serve_command(database, metadata_path(database), port), stdout=output, stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        wait_for(f"{base}/-/versions.json", server, log)
        page = f"{base}/{database.stem}/sentences_fts?_search={quote('营商环境')}"
        flags = (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}")
        dom = subprocess.run([browser, *flags, "--dump-dom", page], capture_output=True, text=True, timeout=60, check=True).stdout
    finally:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    shown = html.unescape(dom)
    assert "营商环境" in shown and any(text in shown for text in hits), "the search's hits should be on the page"
    assert f"{len(hits)} rows" in shown


def test_the_cards_upos_table_is_the_mapping_the_export_uses() -> None:
    card = (Path(__file__).resolve().parents[1] / "DATASET_CARD.md").read_text(encoding="utf-8")
    stated = card.split("<!-- upos-table -->\n", 1)[1].split("<!-- /upos-table -->", 1)[0]
    assert stated.strip() == upos_table_markdown().strip(), "the card's UPOS table is stale; paste upos_table_markdown() into it"
