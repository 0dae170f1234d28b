"""Notes: the rule table, pages with notes through the pipeline, and the ``notes`` config of a release.

Every page here is invented for these tests.
"""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import cadrespeech
from cadrespeech.build.rows import page_rows
from cadrespeech.errors import ReleaseError
from cadrespeech.records import RawPage
from cadrespeech.schema import arrow_schema, data_file
from cadrespeech.stages.clean import CleanConfig, apply_rules, clean_text
from cadrespeech.stages.clean_rules import CleanRule
from cadrespeech.stages.edits import replay
from cadrespeech.stages.ingest import sha256_hex
from cadrespeech.stages.notes import NOTE_RULE_NAMES, NOTE_RULES, extract_notes, sentence_at
from cadrespeech.stages.pipeline import process_page

from .conftest import ROOT, SEED, build

# Anchors in two paragraphs, a 注释： block closing the page, blank line and indentation as dumps have them.
PARTY = """在全县基层党建工作会议上的讲话
（2023年4月12日）
县委书记　林某某
同志们：
　　今天召开全县基层党建工作会议，主要任务是总结去年工作，部署今年任务。去年以来，各级党组织认真落实“三会一课”制度〔1〕，基层组织建设取得新进展。
一、提高认识，增强抓党建的责任感
　　抓好党建是最大的政绩。我们要把“书记抓、抓书记”的要求落到实处〔2〕。各乡镇党委书记要亲自研究、亲自部署。
二、突出重点，推动工作落地见效
　　要坚持问题导向，聚焦薄弱环节，按照某县委发〔2023〕3号文件逐项整改到位。
　　同志们，让我们团结一心，扎实工作，奋力开创基层党建工作新局面！

注释：
〔1〕“三会一课”指定期召开支部党员大会、支部委员会、党小组会,按时上好党课。
〔2〕见某某省委组织部2022年印发的有关文件。
"""

# A wiki copy: [n] in the text, ↑ back-links under 注释, a note cited twice, a licence line after.
WIKI = """某某市2021年政府工作报告
——2021年1月20日在某某市第十六届人民代表大会第六次会议上
市长　王某某
各位代表：
现在，我代表市人民政府，向大会报告工作，请予审议，并请市政协委员提出意见。
过去一年，全市地区生产总值增长百分之五[1]，城乡居民收入稳步提高。
今年要坚定不移推进改革开放，持续优化营商环境[2]，全力稳住经济基本盘。营商环境[2]是城市的核心竞争力。
各位代表，让我们携手奋进，为建设美好家园而努力奋斗！
注释
↑ 按可比价格计算。
↑ 1.0 1.1 参见某某市人民政府办公室相关通知。
本作品是中华人民共和国的官方文件，属于公有领域。
"""

# Anchors in <sup>, notes in paragraphs, a tag and an entity inside a note.
HTML = """<!DOCTYPE html>
<html><head><meta charset="utf-8"><title>讲话</title></head>
<body>
<div class="article">
<h1>在全市安全生产工作会议上的讲话</h1>
<p>同志们：</p>
<p>今天我们召开全市安全生产工作会议，主要任务是贯彻落实上级关于安全生产的决策部署<sup>[1]</sup>，分析当前形势，安排部署下一阶段工作。</p>
<p>各级各部门要严格落实“党政同责、一岗双责”<sup>[2]</sup>，确保责任到人、措施到位，坚决防范遏制重特大事故发生。</p>
<p>同志们，安全生产责任重于泰山，让我们共同努力，确保全市安全形势持续稳定！</p>
<p><strong>注释：</strong></p>
<p>[1] 指《某某省安全生产条例》及其实施办法。</p>
<p>[2] 见<em>某某市委办公室</em>2021年印发的规定&amp;细则。</p>
</div>
</body></html>
"""

# Two speeches on a page, one notes block after both; 〔3〕 has no anchor.
TWO_SPEECHES = """领导讲话两篇
篇一
在全镇春耕生产动员会上的讲话
同志们：
今年春耕生产任务很重，各村要把种子、化肥提前备足〔1〕，确保不误农时。
谢谢大家！
篇二
在全镇防汛工作会议上的讲话
同志们：
汛期即将到来，各村要落实巡查值守制度〔2〕，发现险情及时报告。
谢谢大家！
注释：
〔1〕镇农业服务中心负责统一调配。
〔2〕具体办法见镇防汛指挥部通知。
〔3〕本文根据会议录音整理。
"""


def raw_page(name: str, text: str) -> RawPage:
    data = text.encode("utf-8")
    return RawPage(name, data, hashlib.sha256(data).hexdigest())


# --- the rule table ---------------------------------------------------------------------

EXAMPLES = [(rule, given, expected) for rule in NOTE_RULES for given, expected in rule.examples]
KEEPS = [(rule, text) for rule in NOTE_RULES for text in rule.keeps]


def rule_id(value):
    return value.name if isinstance(value, CleanRule) else None


def test_every_note_rule_has_a_unique_name_examples_and_counter_examples() -> None:
    assert NOTE_RULE_NAMES == ("note_anchor", "note_block", "note_backlink")
    for rule in NOTE_RULES:
        assert rule.examples and rule.keeps and rule.description


@pytest.mark.parametrize(("rule", "given", "expected"), EXAMPLES, ids=rule_id)
def test_note_rule_changes_its_example(rule: CleanRule, given: str, expected: str) -> None:
    cleaned = apply_rules(given, (rule,))
    assert cleaned.text == expected
    assert {edit.rule for edit in cleaned.edits} == {rule.name}
    assert replay(given, cleaned.edits) == expected


@pytest.mark.parametrize(("rule", "text"), KEEPS, ids=rule_id)
def test_note_rule_keeps_its_counter_example(rule: CleanRule, text: str) -> None:
    cleaned = apply_rules(text, (rule,))
    assert cleaned.text == text
    assert cleaned.edits == ()


# --- cleaning and the ledger --------------------------------------------------------------


def test_anchors_and_the_notes_block_leave_the_text_into_the_ledger() -> None:
    cleaned = clean_text(PARTY)
    for gone in ("〔1〕", "〔2〕", "注释", "党小组会"):
        assert gone not in cleaned.text
    # A document number's year in brackets is not a note.
    assert "按照某县委发〔2023〕3号文件逐项整改到位。" in cleaned.text
    assert cleaned.text.endswith("奋力开创基层党建工作新局面！")
    anchors = [edit for edit in cleaned.edits if edit.rule == "note_anchor"]
    assert [(edit.before, edit.after) for edit in anchors] == [("〔1〕", ""), ("〔2〕", "")]
    block = "".join(edit.before for edit in cleaned.edits if edit.rule == "note_block")
    assert "注释：" in block and "〔2〕见某某省委组织部" in block
    assert replay(PARTY, cleaned.edits) == cleaned.text
    assert clean_text(cleaned.text).edits == ()


def test_notes_are_rebuilt_from_the_ledger() -> None:
    cleaned = clean_text(PARTY)
    first, second = extract_notes(PARTY, cleaned)
    assert (first.marker, second.marker) == ("〔1〕", "〔2〕")
    # The note's text is normalised like the speech's: the ASCII comma became full-width.
    assert first.text == "“三会一课”指定期召开支部党员大会、支部委员会、党小组会，按时上好党课。"
    assert second.text == "见某某省委组织部2022年印发的有关文件。"
    assert PARTY[first.raw_start : first.raw_end] == "〔1〕“三会一课”指定期召开支部党员大会、支部委员会、党小组会,按时上好党课。"
    assert PARTY[second.raw_start : second.raw_end] == "〔2〕见某某省委组织部2022年印发的有关文件。"
    # Anchors are offsets in the clean page text, where the marker stood.
    assert cleaned.text[: first.anchor].endswith("认真落实“三会一课”制度")
    assert cleaned.text[: second.anchor].endswith("要求落到实处")


def test_a_page_s_notes_sit_at_their_sentences(segmenter) -> None:
    page = process_page(raw_page("party.txt", PARTY), segmenter)
    (speech,) = page.speeches
    first, second = speech.notes
    assert speech.text[: first.anchor].endswith("制度") and speech.text[: second.anchor].endswith("落到实处")
    sentences = [speech.sentences[sentence_at(speech.sentences, note.anchor)].text for note in speech.notes]
    assert sentences == [
        "去年以来，各级党组织认真落实“三会一课”制度，基层组织建设取得新进展。",
        "我们要把“书记抓、抓书记”的要求落到实处。",
    ]
    rows = page_rows(page)
    assert rows["documents"][0]["n_notes"] == 2
    by_id = {row["sentence_id"]: row["text"] for row in rows["sentences"]}
    assert [by_id[row["sentence_id"]] for row in rows["notes"]] == sentences
    assert [row["note_id"][-5:] for row in rows["notes"]] == ["-n000", "-n001"]


def test_a_wiki_copy_s_back_links_become_notes(segmenter) -> None:
    page = process_page(raw_page("wiki.txt", WIKI), segmenter)
    (speech,) = page.speeches
    assert "[1]" not in speech.text and "[2]" not in speech.text and "↑" not in speech.text
    assert speech.text.endswith("为建设美好家园而努力奋斗！")
    assert [(note.marker, note.text) for note in speech.notes] == [
        ("↑", "按可比价格计算。"),
        ("↑ 1.0 1.1", "参见某某市人民政府办公室相关通知。"),
    ]
    # A note cited twice keeps its first anchor.
    assert speech.text[: speech.notes[0].anchor].endswith("增长百分之五")
    assert speech.text[: speech.notes[1].anchor].endswith("持续优化营商环境")
    rules = [edit.rule for edit in page.cleaned.edits]
    assert rules.count("note_anchor") == 3 and "note_backlink" in rules and "note_block" not in rules


def test_an_html_page_s_notes_lose_their_tags_and_entities(segmenter) -> None:
    page = process_page(raw_page("page.html", HTML), segmenter)
    (speech,) = page.speeches
    assert "[1]" not in speech.text and "注释" not in speech.text
    assert [(note.marker, note.text) for note in speech.notes] == [
        ("[1]", "指《某某省安全生产条例》及其实施办法。"),
        ("[2]", "见某某市委办公室2021年印发的规定&细则。"),
    ]
    assert HTML[speech.notes[1].raw_start : speech.notes[1].raw_end] == "[2] 见<em>某某市委办公室</em>2021年印发的规定&amp;细则。"
    assert speech.text[: speech.notes[0].anchor].endswith("决策部署")


def test_notes_go_to_the_speech_holding_their_anchor_or_the_one_their_block_followed(segmenter) -> None:
    page = process_page(raw_page("two.txt", TWO_SPEECHES), segmenter)
    first, second = page.speeches
    assert [note.marker for note in first.notes] == ["〔1〕"]
    assert first.text[: first.notes[0].anchor].endswith("提前备足")
    assert [(note.marker, note.anchor is None) for note in second.notes] == [("〔2〕", False), ("〔3〕", True)]
    assert second.text[: second.notes[0].anchor].endswith("巡查值守制度")


def test_several_short_notes_on_the_header_s_line_are_each_a_note() -> None:
    raw = "去年推行“四下基层”①，效果很好。要坚持“一线工作法”②，在一线解决问题。\n注：①指干部下基层。②指在一线工作。"
    cleaned = clean_text(raw)
    assert cleaned.text == "去年推行“四下基层”，效果很好。要坚持“一线工作法”，在一线解决问题。"
    notes = extract_notes(raw, cleaned)
    assert [(note.marker, note.text) for note in notes] == [("①", "指干部下基层。"), ("②", "指在一线工作。")]
    assert [cleaned.text[: note.anchor][-3:] for note in notes] == ["基层”", "作法”"]


def test_an_anchor_before_punctuation_takes_its_spaces_and_keeps_its_place() -> None:
    raw = "公会发表了一项声明 [註1] 。声明引起讨论。\n[註1] 见声明。"
    cleaned = clean_text(raw)
    assert cleaned.text == "公会发表了一项声明。声明引起讨论。"
    (note,) = extract_notes(raw, cleaned)
    assert cleaned.text[note.anchor] == "。" and (note.marker, note.text) == ("[註1]", "见声明。")


def test_a_headerless_block_must_close_the_text() -> None:
    raw = "要讲三点。\n[1] 这一点要记住。\n这是后面的正文，还有很多内容要讲，大家要认真听。"
    assert clean_text(raw).text == raw


def test_note_rules_can_be_skipped_by_name() -> None:
    kept_anchors = clean_text(PARTY, CleanConfig(skip=frozenset({"note_anchor"})))
    assert "〔1〕" in kept_anchors.text and "注释" not in kept_anchors.text
    kept_block = clean_text(PARTY, CleanConfig(skip=frozenset({"note_block"})))
    assert "注释：" in kept_block.text and "制度〔1〕" not in kept_block.text
    assert clean_text(kept_block.text, CleanConfig(skip=frozenset({"note_block"}))).edits == ()
    with pytest.raises(ValueError, match="unknown cleaning rule"):
        CleanConfig(skip=frozenset({"note_blocks"}))


# Fragments where the note rules fire and meet the text rules.
NOTE_FRAGMENTS = st.sampled_from(
    [
        *("\n", "〔1〕", "〔2〕", "[1]", "[註2]", "①", "②", "注释：", "注：", "↑ ", "1. ", "〔2021〕"),
        *("要学习", "。", "，", "第", "页", "\u200b", "\u3000", " ", ",", "(", "---"),
        "讲话很长的一段正文内容，需要认真学习领会贯彻落实。",
    ]
)


@settings(max_examples=300, deadline=None)
@given(st.lists(NOTE_FRAGMENTS, max_size=40).map("".join))
def test_clean_properties_hold_with_notes(text: str) -> None:
    cleaned = clean_text(text)
    assert replay(text, cleaned.edits) == cleaned.text
    assert clean_text(cleaned.text).edits == ()
    for note in extract_notes(text, cleaned):
        assert 0 <= note.raw_start < note.raw_end <= len(text)
        assert text[note.raw_start :].startswith(note.marker)
        assert note.anchor is None or 0 <= note.anchor <= len(cleaned.text)


# --- the release ----------------------------------------------------------------------------


@pytest.fixture(scope="module")
def notes_release(tmp_path_factory: pytest.TempPathFactory, private_cache: Path) -> Path:

    root = tmp_path_factory.mktemp("notes-release")
    raw = root / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw)
    for name, text in (("party.txt", PARTY), ("wiki.txt", WIKI), ("page.html", HTML), ("two.txt", TWO_SPEECHES)):
        (raw / name).write_text(text, encoding="utf-8")
    return build("0.1.0", raw, root / "releases").path


def test_the_notes_config_loads_with_our_loader_and_plain_datasets(notes_release: Path) -> None:
    import datasets

    manifest = json.loads((notes_release / "manifest.json").read_text(encoding="utf-8"))
    notes = cadrespeech.load("notes", version=str(notes_release))
    assert notes.num_rows == manifest["configs"]["notes"]["rows"] == manifest["statistics"]["notes"] == 9
    assert notes.features["anchor"].dtype == "int32" and notes.features["sentence_id"].dtype == "string"
    plain = datasets.load_dataset(str(notes_release), "notes", split="train")
    assert plain.to_list() == notes.to_list()
    documents = cadrespeech.load("documents", version=str(notes_release))
    assert sum(documents["n_notes"]) == 9
    assert {"published", "date_text", "title_reason"} <= set(documents.column_names)
    assert documents.features["n_notes"].dtype == "int32"
    unanchored = [row for row in notes if row["anchor"] is None]
    assert [(row["marker"], row["sentence_id"]) for row in unanchored] == [("〔3〕", None)]
    assert "| notes taken out of the text (`notes` config) | 9 |" in (notes_release / "README.md").read_text(encoding="utf-8")


def rewrite(release: Path, config: str, rows: list[dict]) -> None:
    """Write a config's rows back and make the manifest agree, so only the content checks can object."""
    path = release / data_file(config)
    pq.write_table(pa.Table.from_pylist(rows, schema=arrow_schema(config)), path)
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    data = path.read_bytes()
    manifest["files"][data_file(config)].update(sha256=sha256_hex(data), bytes=len(data))
    (release / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")


def test_verify_passes_and_catches_a_tampered_note(notes_release: Path, tmp_path: Path) -> None:
    from cadrespeech.read.verify import verify_release

    assert verify_release(notes_release) == []
    copy = shutil.copytree(notes_release, tmp_path / "v0.1.0")
    rows = pq.read_table(copy / data_file("notes")).to_pylist()
    rows[0]["anchor"] = 100_000
    rows[1]["raw_start"] -= 200  # now it reaches into text the ledger did not remove
    rows[2]["sentence_id"] = rows[2]["doc_id"] + "-00000"
    rewrite(copy, "notes", rows)
    problems = verify_release(copy)
    assert any(rows[0]["note_id"] in line and "lies outside its document" in line for line in problems)
    assert any(rows[1]["note_id"] in line and "removals ledger" in line for line in problems)
    assert any(rows[2]["note_id"] in line and "does not hold its anchor" in line for line in problems)


def test_verify_checks_note_counts_and_calendar_dates(notes_release: Path, tmp_path: Path) -> None:
    from cadrespeech.read.verify import verify_release

    copy = shutil.copytree(notes_release, tmp_path / "v0.1.0")
    rows = pq.read_table(copy / data_file("documents")).to_pylist()
    rows[0]["n_notes"] += 1
    rows[1]["date"] = "2021-02-30"
    rows[2]["published"] = "2021年3月"
    rewrite(copy, "documents", rows)
    problems = verify_release(copy)
    assert any("notes, found" in line for line in problems)
    assert any("'2021-02-30' is not a calendar date" in line for line in problems)
    assert any("published '2021年3月' is not a calendar date" in line for line in problems)


def test_a_release_from_before_notes_has_no_notes_config_and_says_so() -> None:
    with pytest.raises(ReleaseError, match="has no notes config"):
        cadrespeech.load("notes", version="0.4.0", releases_folder=ROOT / "corpus" / "releases")


def test_a_release_whose_pages_carry_no_notes_loads_an_empty_notes_config(tmp_path: Path, private_cache: Path) -> None:
    # datasets cannot read a split with no rows; our loader gives the empty table instead.

    raw = tmp_path / "raw"
    raw.mkdir()
    (raw / "a.txt").write_text("在全县大会上的讲话\n同志们：\n今天开会，研究部署工作。", encoding="utf-8")
    release = build("0.1.0", raw, tmp_path / "releases").path
    notes = cadrespeech.load("notes", version=release)
    assert notes.num_rows == 0 and "anchor" in notes.features
    assert list(cadrespeech.load("notes", version=release, streaming=True)) == []
