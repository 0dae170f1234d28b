"""The domain dictionary: its file, its effect on tokens, and the figures the card states."""

from __future__ import annotations

import json
import re
from pathlib import Path
from types import SimpleNamespace

import pytest

from cadrespeech.stages.domain import DictionaryEffect, dictionary_effect, domain_dictionary, parse_dictionary
from cadrespeech.stages.pipeline import sentence_texts
from cadrespeech.stages.tokens import Segmenter

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "pages"
ISSUE_TERMS = ("干部队伍", "党风廉政建设", "群众路线", "形式主义", "官僚主义", "营商环境", "乡村振兴")


@pytest.fixture(scope="module")
def plain() -> Segmenter:
    return Segmenter(domain_terms=False)


def test_the_dictionary_is_versioned_grouped_and_holds_the_fields_core_terms() -> None:
    dictionary = domain_dictionary()
    assert re.fullmatch(r"\d+\.\d+\.\d+", dictionary.version)
    assert len(dictionary.terms) >= 500
    assert len({t.group for t in dictionary.terms}) >= 10 and all(t.group for t in dictionary.terms)
    assert set(ISSUE_TERMS) <= {t.term for t in dictionary.terms}


@pytest.mark.parametrize(
    ("lines", "bad_line"),
    [("群众 路线\tn", 3), ("群众路线", 3), ("群众路线\tn\n群众路线\tn", 4), ("群众路线\t", 3)],
)
def test_a_malformed_or_repeated_line_is_refused_with_its_line_number(lines: str, bad_line: int) -> None:
    with pytest.raises(ValueError, match=rf"domain_dict.txt:{bad_line}: expected a new 2-16 character Han term"):
        parse_dictionary(f"# version: 1.0.0\n# 组\n{lines}\n".encode())


def test_a_dictionary_without_a_version_is_refused() -> None:
    with pytest.raises(ValueError, match="version"):
        parse_dictionary("# 组\n群众路线\tn\n".encode())


def test_domain_terms_stay_whole_and_take_the_dictionarys_tag(segmenter: Segmenter, plain: Segmenter) -> None:
    text = "切实加强党风廉政建设，坚决反对形式主义、官僚主义，持续优化营商环境。"
    with_terms = {t.text: t.pos for t in segmenter.tokenize(text)}
    without = [t.text for t in plain.tokenize(text)]
    assert with_terms["党风廉政建设"] == "n" and "营商环境" in with_terms
    assert "党风廉政建设" not in without and "营商环境" not in without


def test_verbs_before_a_term_stay_separate_tokens(segmenter: Segmenter) -> None:
    # A term glued to its verb (优化营商环境) would hide the term from word counts.
    words = [t.text for t in segmenter.tokenize("持续优化营商环境，全面推进乡村振兴，加强干部队伍建设。")]
    assert words[:3] == ["持续", "优化", "营商环境"] and "乡村振兴" in words and "干部队伍" in words


def test_the_dictionary_enters_the_fingerprint_of_tokens(segmenter: Segmenter, plain: Segmenter) -> None:
    assert segmenter.domain_sha256 == domain_dictionary().sha256
    assert plain.domain_sha256 is None


def test_the_cards_dictionary_figures_are_the_measured_ones(segmenter: Segmenter, plain: Segmenter) -> None:
    effect = dictionary_effect(sentence_texts(FIXTURES, segmenter), plain, segmenter)
    assert effect.split_without > effect.occurrences / 2  # the dictionary matters on our pages
    assert effect.whole_with > effect.split_without
    card = (ROOT / "DATASET_CARD.md").read_text(encoding="utf-8")
    stated = re.search(r"<!-- dictionary-effect: (\{.*?\}) -->", card)
    assert stated, "DATASET_CARD.md states no dictionary effect; run scripts/dictionary_effect.py"
    assert DictionaryEffect(**json.loads(stated.group(1))) == effect, "the card's figures are stale; run scripts/dictionary_effect.py"


class _Stub:
    """A segmenter that keeps only the listed words whole and cuts everything else into characters."""

    def __init__(self, *whole: str) -> None:
        self.whole = whole

    def tokenize(self, text: str):
        tokens, at = [], 0
        while at < len(text):
            word = next((w for w in self.whole if text.startswith(w, at)), text[at])
            tokens.append(SimpleNamespace(text=word, start=at))
            at += len(word)
        return tokens


def test_dictionary_effect_counts_a_hand_counted_case() -> None:
    texts = ["要落实全面从严治党。", "基层党组织和党员干部要落实全面从严治党。", "没有术语。"]
    # By hand: 全面从严治党 twice, 基层党组织 and 党员干部 once each: 4 occurrences of 3 terms.
    # Without the dictionary all 4 are cut; with it, 全面从严治党 (2) and 党员干部 (1) stay whole.
    effect = dictionary_effect(texts, _Stub(), _Stub("全面从严治党", "党员干部"))
    assert effect == DictionaryEffect(occurrences=4, distinct_terms=3, split_without=4, whole_with=3)
