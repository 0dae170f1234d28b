from __future__ import annotations

import functools
import importlib.util
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st


def test_tokens_and_tags_belong_together(seed_page) -> None:
    for sentence in seed_page.speeches[0].sentences:
        assert sentence.tokens, sentence.text
        for token in sentence.tokens:
            assert sentence.text[token.start : token.start + len(token.text)] == token.text
            assert token.pos and not token.text.isspace()


def test_known_words_take_their_dictionary_tags(segmenter) -> None:
    tokens = segmenter.tokenize("今天召开工作会议。")
    assert [(t.text, t.pos) for t in tokens] == [("今天", "t"), ("召开", "v"), ("工作", "vn"), ("会议", "n"), ("。", "x")]


def test_unknown_words_and_non_chinese_runs_get_tags(segmenter) -> None:
    tokens = [(t.text, t.pos) for t in segmenter.tokenize("全心全益 GDP 3.5")]
    # 全益 is in no dictionary: the HMM makes it a word, and its tag is jieba's default for one.
    assert tokens == [("全心", "n"), ("全益", "n"), ("GDP", "eng"), ("3.5", "m")]


def test_the_private_tokenizer_leaves_jiebas_global_one_alone(segmenter, private_cache: Path) -> None:
    import jieba

    segmenter.tokenize("干部队伍")
    assert not jieba.dt.initialized
    kept = sorted(path.name for path in (private_cache / "jieba").iterdir())
    assert f"prefix-{segmenter.dictionary_sha256[:16]}-{segmenter.jieba_version}.words" in kept
    assert not any(name.endswith(".cache") for name in kept)  # jieba's own cache file is never written


def test_the_prefix_dictionary_is_jiebas_own_and_is_built_once(tmp_path: Path) -> None:
    import jieba

    from cadrespeech.stages.tokens import Segmenter

    reference = jieba.Tokenizer()
    frequencies, total = reference.gen_pfdict(reference.get_dict_file())
    first = Segmenter(folder=tmp_path, domain_terms=False)
    first._initialize()
    assert (first._tokenizer.FREQ, first._tokenizer.total) == (frequencies, total)
    (kept,) = tmp_path.glob("prefix-*.words")
    # The second segmenter reads the kept table: jieba's own build is out of reach.
    second = Segmenter(folder=tmp_path, domain_terms=False)
    second._tokenizer.gen_pfdict = None
    second._initialize()
    assert (second._tokenizer.FREQ, second._tokenizer.total) == (frequencies, total)
    # A damaged table is built again, not trusted.
    kept.write_bytes(kept.read_bytes()[:-8])
    third = Segmenter(folder=tmp_path, domain_terms=False)
    third._initialize()
    assert (third._tokenizer.FREQ, third._tokenizer.total) == (frequencies, total)


word_texts = st.text(alphabet=st.characters(blacklist_characters="\n", blacklist_categories=("Cs",)), max_size=8)


int64s = st.integers(-(2**63), 2**63 - 1)


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(word_texts, int64s, max_size=30), int64s, st.lists(word_texts, max_size=4))
def test_a_word_table_reads_back_as_written(table: dict[str, int], total: int, names: list[str]) -> None:
    from cadrespeech.stages.tokens import decode_words, encode_words

    data = encode_words(list(table), list(table.values()), total=total, names=names)
    read = decode_words(data)
    assert dict(zip(read.words, read.values, strict=True)) == table
    assert (read.total, read.names) == (total, names)
    for damaged in (data[:-1], data + b"\0", b"x" + data[1:], data[:30]):
        with pytest.raises(ValueError):
            decode_words(damaged)


SCRIPT = """
import json, sys
import pytest

from cadrespeech.stages.tokens import Segmenter
s = Segmenter()
texts = json.loads(sys.argv[1])
if sys.argv[2] == "reverse":
    texts = texts[::-1]
out = {t: [(k.text, k.pos) for k in s.tokenize(t)] for t in texts}
print(json.dumps(out, ensure_ascii=False, sort_keys=True))
"""


@pytest.mark.slow
def test_same_tokens_in_any_process_and_order(private_cache: Path) -> None:
    texts = ["各级领导干部要坚持以民为本。", "全心全益为人民服务，判党行为要严肃处理。", "早日实现小康目标是全市广大群众的迫切愿望。"]
    env = {**os.environ, "CADRESPEECH_CACHE": str(private_cache), "PYTHONHASHSEED": "random"}
    outputs = {
        subprocess.run([sys.executable, "-c", SCRIPT, json.dumps(texts), order], capture_output=True, text=True, check=True, env=env).stdout
        for order in ("forward", "reverse", "forward")
    }
    assert len(outputs) == 1


@settings(max_examples=100, deadline=None)
@given(st.text(alphabet=st.sampled_from(list("干部队伍建设会议，。 abc12.\u3000")), max_size=40))
def test_tokens_cover_all_non_space_text(segmenter, text: str) -> None:
    tokens = segmenter.tokenize(text)
    assert "".join(t.text for t in tokens) == "".join(ch for ch in text if not ch.isspace())
    assert all(text[t.start : t.start + len(t.text)] == t.text for t in tokens)


def jieba_last_tag(word: str) -> str:
    import jieba.posseg as posseg

    _, states = posseg.viterbi(word, posseg.char_state_tab_P, posseg.start_P, posseg.trans_P, posseg.emit_P)
    return str(states[-1][1])


# Every 61st character of jieba's Han range: common, rare and unseen ones alike.
HMM_CHARS = "".join(chr(code) for code in range(0x4E00, 0x9FD6, 61)) + "的一是了人在有我他这中大来上国讲话會說們"


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=HMM_CHARS, min_size=1, max_size=6))
def test_the_numpy_hmm_tags_a_word_exactly_as_jiebas_viterbi(word: str) -> None:
    from cadrespeech.stages.tokens import _pos_hmm

    assert _pos_hmm().last_tag(word) == jieba_last_tag(word)


@functools.cache
def _unfollowable_pairs(limit: int = 200) -> list[str]:
    """Two characters where none of the second's own states can follow any of the first's, from jieba's tables.

    For these jieba scores every state it can reach instead: the branch a tagger that
    keeps to each character's own states would get wrong.
    """
    import jieba.posseg as posseg

    listed = sorted(posseg.char_state_tab_P)[::7]
    pairs = []
    for first in listed:
        following = {state for own in posseg.char_state_tab_P[first] for state in posseg.trans_P[own]}
        pairs += [first + second for second in listed if not following & set(posseg.char_state_tab_P[second])][:3]
        if len(pairs) >= limit:
            break
    return pairs


@settings(max_examples=60, deadline=None)
@given(st.data())
def test_a_character_whose_own_states_cannot_follow_is_tagged_as_jieba_tags_it(data: st.DataObject) -> None:
    from cadrespeech.stages.tokens import _pos_hmm

    pairs = _unfollowable_pairs()
    assert pairs  # jieba's tables have such pairs; without them this test would test nothing
    word = data.draw(st.sampled_from(pairs)) + data.draw(st.text(alphabet=HMM_CHARS, max_size=3))
    assert _pos_hmm().last_tag(word) == jieba_last_tag(word)


@settings(max_examples=25, deadline=None)
@given(st.lists(st.text(alphabet=HMM_CHARS, min_size=1, max_size=6), min_size=1, max_size=40))
def test_words_tagged_together_get_the_tags_jieba_gives_each_alone(words: list[str]) -> None:
    # Words of every length in one pass, over more than one batch: a word's tag never depends on its company.
    from cadrespeech.stages.tokens import _pos_hmm

    theirs = {word: jieba_last_tag(word) for word in words}
    many = words * (1 + 2 * _pos_hmm().BATCH // len(words))  # over more than one batch
    assert _pos_hmm().last_tags(many) == [theirs[word] for word in many]


@settings(max_examples=30, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("干部队伍建設會議鄉鎮長，。 abc12.")), max_size=30), max_size=6))
def test_a_pages_sentences_tokenized_together_are_tokenized_as_each_alone(segmenter, texts: list[str]) -> None:
    assert segmenter.tokenize_many(texts) == [segmenter.tokenize(text) for text in texts]


def test_the_tag_table_is_posseg_s_own_and_is_parsed_once(tmp_path: Path) -> None:
    import jieba
    import jieba.posseg as posseg

    from cadrespeech.stages.tokens import Segmenter

    theirs = posseg.POSTokenizer(jieba.Tokenizer()).word_tag_tab
    first = Segmenter(folder=tmp_path, domain_terms=False)
    assert first._dictionary_tags() == theirs
    cached = list(tmp_path.glob("tags-*.words"))
    assert len(cached) == 1
    # The second segmenter reads the cached table, even with the dictionary file gone from reach.
    second = Segmenter(folder=tmp_path, domain_terms=False)
    second._tokenizer.get_dict_file = None  # any parse would now fail
    assert second._dictionary_tags() == theirs
    # A damaged cache is parsed again, not trusted.
    cached[0].write_bytes(b"\x00garbage")
    assert Segmenter(folder=tmp_path, domain_terms=False)._dictionary_tags() == theirs


@pytest.mark.skipif(importlib.util.find_spec("rjieba") is None, reason="needs rjieba (extra 'fast')")
def test_the_domain_terms_weights_are_kept_so_rjieba_never_loads_jiebas_dictionary(tmp_path: Path) -> None:
    from cadrespeech.stages.tokens import Segmenter

    first = Segmenter("jieba", folder=tmp_path).load()  # reckons the weights on jieba's dictionary, and keeps them
    assert first._tokenizer.initialized
    fast = Segmenter("rjieba", folder=tmp_path).load()
    assert not fast._tokenizer.initialized
    assert fast._domain_words == first._domain_words and fast._tags == first._tags
    assert fast.tokenize("全面从严治党，加强干部队伍建设") == first.tokenize("全面从严治党，加强干部队伍建设")
    # A damaged file is reckoned again, not trusted.
    (kept,) = tmp_path.glob("domain-*.marshal")
    kept.write_bytes(b"\x00garbage")
    again = Segmenter("rjieba", folder=tmp_path)
    assert again._domain_words == first._domain_words
    assert again._tokenizer.initialized


# --- jieba's cut done again (jiebacut) ------------------------------------------------

# Dictionary words that overlap in many ways, domain terms, and characters in and out of
# jieba's HMM tables (HMM_CHARS): runs whose DAG has several paths and whose single
# characters go through the HMM.
CUT_PIECES = ["中国", "中国特色社会主义", "社会", "主义", "全面从严治党", "从严", "干部", "队伍", "建设", "的", "是", "了", "會議", "鄉鎮"]
cut_pieces = st.one_of(st.sampled_from(CUT_PIECES), st.text(alphabet=HMM_CHARS, min_size=1, max_size=5))
cut_runs = st.lists(cut_pieces, min_size=1, max_size=12).map("".join)


@settings(max_examples=300, deadline=None)
@given(cut_runs)
def test_the_jieba_engine_cuts_a_han_run_exactly_as_jiebas_lcut(segmenter, run: str) -> None:
    assert segmenter._jieba_cut(run) == segmenter._tokenizer.lcut(run, cut_all=False, HMM=True)


def test_the_fixture_pages_han_runs_are_cut_as_jieba_cuts_them(segmenter) -> None:
    from cadrespeech.stages.tokens import _HAN_RUN

    pages = [path for path in (Path(__file__).parent / "fixtures").rglob("*") if path.is_file()]
    runs = sorted({run.group() for page in pages for run in _HAN_RUN.finditer(page.read_text("utf-8", errors="replace"))})
    assert len(runs) > 5_000  # real-looking text in quantity, not a handful of runs
    assert [segmenter._jieba_cut(run) for run in runs] == [segmenter._tokenizer.lcut(run, HMM=True) for run in runs]


@functools.cache
def _hmm_pools() -> tuple[str, str, str]:
    """Han characters that no state of jieba's character HMM emits, that only some states emit, and common ones.

    Where a state cannot emit a character its score is jieba's floor (-3.14e100), and
    sums at the floor tie: those runs decide the HMM's tie-breaking.
    """
    from jieba import finalseg

    def emitted_by(char: str) -> int:
        return sum(char in finalseg.emit_P[state] for state in "BMES")

    han = [chr(code) for code in range(0x4E00, 0x9FD6)]
    never = "".join(c for c in han if emitted_by(c) == 0)[::40]
    sometimes = "".join(c for c in han if 0 < emitted_by(c) < 4)[::40]
    return never, sometimes, "的一是了人在有我他这中大来上国讲话"


# Characters from the three pools, mixed (computed when first drawn, not on import).
hmm_runs = st.deferred(lambda: st.lists(st.sampled_from(_hmm_pools()).flatmap(st.sampled_from), min_size=2, max_size=8).map("".join))


@settings(max_examples=300, deadline=None)
@given(hmm_runs)
@example("国蜶藠是了嶊")  # found by a search: a B state whose two sources tie at the floor
@example("菎婃他溠莟恹")  # the same for an M state
def test_the_character_hmm_cuts_as_jiebas_finalseg(run: str) -> None:
    from jieba import finalseg

    assert _character_hmm().cut(run) == list(finalseg.__dict__["__cut"](run))


@functools.cache
def _character_hmm():
    from jieba import finalseg

    from cadrespeech.stages.jiebacut import _CharHMM

    return _CharHMM(finalseg.start_P, finalseg.trans_P, finalseg.emit_P, finalseg.MIN_FLOAT)


def _small_tokenizer(folder: Path, dictionary: str):
    import jieba

    (folder / "dict.txt").write_text(dictionary, encoding="utf-8")
    tokenizer = jieba.Tokenizer(str(folder / "dict.txt"))
    tokenizer.tmp_dir = str(folder)
    tokenizer.initialize()
    return tokenizer


def test_a_tie_between_two_paths_goes_as_jieba_breaks_it(tmp_path: Path) -> None:
    from cadrespeech.stages.jiebacut import JiebaCut

    # 甲乙甲 has two paths of exactly equal score: 甲乙|甲 and 甲|乙甲.
    theirs = _small_tokenizer(tmp_path, "甲乙 7 n\n乙甲 7 n\n甲 3 n\n乙 3 n\n")
    ours = JiebaCut(theirs)
    assert ours("甲乙甲") == theirs.lcut("甲乙甲") == ["甲乙", "甲"]  # on a tie, jieba's max() takes the later end
    assert ours("乙甲乙甲乙") == theirs.lcut("乙甲乙甲乙")


def test_a_character_no_word_starts_with_scores_as_a_word_of_frequency_one(tmp_path: Path) -> None:
    from cadrespeech.stages.jiebacut import JiebaCut

    # 丙 + 丁 against 丙丁: frequency 1 for the lone 丁 makes 丙丁 win; a larger one would not.
    theirs = _small_tokenizer(tmp_path, "丙 5 n\n丙丁 1 n\n")
    assert JiebaCut(theirs)("丙丁") == theirs.lcut("丙丁") == ["丙丁"]


def test_a_force_split_word_found_by_the_hmm_is_cut_into_characters(segmenter, monkeypatch: pytest.MonkeyPatch) -> None:
    from jieba import finalseg

    from cadrespeech.stages.jiebacut import JiebaCut

    run = "全益全益"  # no dictionary word: the HMM makes 全益 a word, twice
    segmenter.load()
    assert JiebaCut(segmenter._tokenizer)(run) == ["全益", "全益"]
    monkeypatch.setattr(finalseg, "Force_Split_Words", {"全益"})  # what jieba's add_word(word, 0) does
    assert JiebaCut(segmenter._tokenizer)(run) == segmenter._tokenizer.lcut(run, HMM=True) == list(run)


def test_the_unknown_words_tagger_reads_posseg_s_tables_without_importing_posseg() -> None:
    # posseg's package makes a tagger on import that parses the whole dictionary: a quarter second per process.
    script = (
        "import sys\n"
        "from cadrespeech.stages.tokens import _pos_hmm, _posseg_tables\n"
        "_pos_hmm().last_tag('全益')\n"
        "assert 'jieba.posseg' not in sys.modules, 'posseg was imported'\n"
        "import jieba.posseg as posseg\n"
        "ours = _posseg_tables()\n"
        "assert (ours.start_P, ours.trans_P, ours.emit_P, ours.char_state_tab_P) == "
        "(posseg.start_P, posseg.trans_P, posseg.emit_P, posseg.char_state_tab_P)\n"
        "import importlib\n"
        "viterbi = importlib.import_module('jieba.posseg.viterbi')  # the module, which posseg's viterbi function shadows\n"
        "assert (ours.MIN_FLOAT, ours.MIN_INF) == (viterbi.MIN_FLOAT, viterbi.MIN_INF)\n"
    )
    subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True)
