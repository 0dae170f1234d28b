from __future__ import annotations

import itertools

import pytest
from hypothesis import given
from hypothesis import strategies as st

from cadrespeech.stages.sentences import MAX_QUOTE, _quoted_regions, sentence_spans
from cadrespeech.stages.textclass import CLOSERS, OPENERS


def split(text: str) -> list[str]:
    return [text[a:b] for a, b in sentence_spans(text)]


@pytest.mark.parametrize(
    ("text", "sentences"),
    [
        # A quoted saying ending in 。” stays whole, and the quote stays with it.
        (
            "“金杯银杯不如老百姓的口碑，金奖银奖不如老百姓的夸奖。”党风问题的核心是党和人民群众的关系问题。",
            ["“金杯银杯不如老百姓的口碑，金奖银奖不如老百姓的夸奖。”", "党风问题的核心是党和人民群众的关系问题。"],
        ),
        # Terminators inside a quotation that goes on do not end the sentence.
        ("他说：“第一句。第二句。”然后散会。", ["他说：“第一句。第二句。”", "然后散会。"]),
        # Runs of terminators and ellipses.
        ("怎么办？！我们要干。", ["怎么办？！", "我们要干。"]),
        ("一手抓……一手抓……", ["一手抓……", "一手抓……"]),
        # Closing brackets stay with their sentence.
        ("会议结束（略。）下面。", ["会议结束（略。）", "下面。"]),
        # The audience's reaction stays with the sentence it answers.
        ("要抓落实。（热烈掌声）下面讲第二点。", ["要抓落实。（热烈掌声）", "下面讲第二点。"]),
        # An unclosed quote protects nothing.
        ("“未闭合。后面。", ["“未闭合。", "后面。"]),
        # No terminator: one sentence.
        ("同志们", ["同志们"]),
    ],
)
def test_sentence_golden_cases(text: str, sentences: list[str]) -> None:
    assert split(text) == sentences


def test_seed_sentences_have_exact_offsets_and_join_back_into_paragraphs(seed_page) -> None:
    speech = seed_page.speeches[0]
    paragraphs = speech.text.split("\n")
    by_paragraph: dict[int, list[str]] = {}
    for sentence in speech.sentences:
        assert sentence.text
        assert speech.text[sentence.start : sentence.end] == sentence.text
        by_paragraph.setdefault(sentence.paragraph, []).append(sentence.text)
    assert ["".join(by_paragraph[i]) for i in range(len(paragraphs))] == paragraphs
    quote = "“金杯银杯不如老百姓的口碑，金奖银奖不如老百姓的夸奖。”"
    assert quote in [s.text for s in speech.sentences]
    headings = [s.text for s in speech.sentences if s.is_heading]
    assert len(headings) == 9 and headings[0] == "一、大力强化发展意识，集中精力把经济建设搞上去。"


ALPHABET = st.sampled_from(list("甲乙丙，。！？…“”‘’（）《》 \u3000ab1"))


@given(st.lists(ALPHABET, max_size=80).map("".join))
def test_sentence_spans_cover_the_text_exactly(text: str) -> None:
    spans = sentence_spans(text)
    assert "".join(text[a:b] for a, b in spans) == text
    assert all(b > a for a, b in spans)
    assert all(prev[1] == nxt[0] for prev, nxt in itertools.pairwise(spans))


def _quoted_regions_by_definition(text: str, start: int, end: int) -> dict[int, int]:
    """The quoted regions from their definition: a closer closes the nearest open mark of its kind (the
    marks opened after it stay unclosed), and a position belongs to the shortest pair around it that
    is no longer than MAX_QUOTE."""
    unclosed: list[int] = []
    pairs: list[tuple[int, int]] = []
    for index in range(start, end):
        if text[index] in OPENERS:
            unclosed.append(index)
        elif text[index] in CLOSERS:
            kind = OPENERS[CLOSERS.index(text[index])]
            same_kind = [place for place, opened in enumerate(unclosed) if text[opened] == kind]
            if same_kind:
                pairs.append((unclosed[same_kind[-1]], index))
                unclosed = unclosed[: same_kind[-1]]
    regions = {}
    for position in range(start, end):
        around = [(opened, closed) for opened, closed in pairs if opened < position < closed and closed - opened <= MAX_QUOTE]
        if around:
            regions[position] = min(around, key=lambda pair: pair[1] - pair[0])[1]
    return regions


@given(st.lists(ALPHABET | st.sampled_from(list("「」『』【】〔〕")), max_size=80).map("".join), st.data())
def test_quoted_regions_are_those_their_definition_gives(text: str, data) -> None:
    start = data.draw(st.integers(0, len(text)))
    end = data.draw(st.integers(start, len(text)))
    assert _quoted_regions(text, start, end) == _quoted_regions_by_definition(text, start, end)


def test_quoted_regions_know_every_kind_of_mark() -> None:
    text = "他说“甲”‘乙’「丙」『丁』（戊）《己》【庚】〔辛〕，“外（内）外”。"
    regions = _quoted_regions(text, 0, len(text))
    assert regions == _quoted_regions_by_definition(text, 0, len(text))
    assert [text[position] for position in sorted(regions)][:8] == list("甲乙丙丁戊己庚辛")
    inner = text.index("内")
    assert regions[inner] == text.index("）", inner)  # the innermost pair
    assert regions[inner - 2] == text.index("”", inner)  # 外, inside the quote only
