"""The shared word lists: composed once, refused when a word is empty or repeated, read by every rule that needs them."""

from __future__ import annotations

import pytest

from cadrespeech.stages.clean import clean_text
from cadrespeech.stages.genre import classify
from cadrespeech.stages.vocabulary import NEWS_AGENCIES, SPOKEN_WORDS, alt


@pytest.mark.parametrize("words", [("讲话", ""), ("讲话", "致辞", "讲话")])
def test_an_empty_or_repeated_alternative_is_refused(words: tuple[str, ...]) -> None:
    with pytest.raises(ValueError):
        alt(*words)


def test_every_shared_list_is_whole_words() -> None:
    for words in (NEWS_AGENCIES.split("|"), SPOKEN_WORDS):
        assert len(set(words)) == len(words) and all(words)


@pytest.mark.parametrize("agency", NEWS_AGENCIES.split("|"))
def test_each_agency_is_read_alike_by_the_cleaner_and_the_genre_rules(agency: str) -> None:
    # The same list decides both: a credit line naming the agency is dropped, and a dateline makes a news report.
    body = "今年全县上下克服困难，各项工作都取得了新的进展，成绩来之不易。"
    assert clean_text(f"{body}\n会场一角。（{agency}发）\n{body}").text == f"{body}\n{body}"
    assert classify(None, f"（{agency}北京3月5日电）全市召开会议。")[:2] == (False, "新闻")
