"""Character classes shared by the cleaning, structure and sentence stages."""

from __future__ import annotations

import re

# CJK ideographs (with extension A and compatibility ideographs).
HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
# Punctuation that only occurs in Chinese text: CJK symbols, full-width forms,
# curly quotes, ellipsis and dashes.
CJK_PUNCT = "\u3000-\u303f\uff00-\uffef\u2018-\u201f\u2026\u2014\u2015\u00b7"
CHINESE_CHAR = re.compile(f"[{HAN}{CJK_PUNCT}]")
HAN_CHAR = re.compile(f"[{HAN}]")

# Ends a sentence; also what a heading sentence ends with.
SENTENCE_END = "。！？"
# Characters that close a quotation or bracket and stay with the sentence before them.
CLOSERS = "”’」』）》】〕"
OPENERS = "“‘「『（《【〔"

URL = re.compile(
    r"(?:https?|ftp)://[^\s\u3000-\u303f\uff00-\uffef“”‘’" + HAN + r"]+"
    r"|www\.[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+[^\s\u3000-\u303f\uff00-\uffef“”‘’" + HAN + r"]*"
    r"|[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+"
)


def is_chinese(char: str) -> bool:
    return bool(char) and CHINESE_CHAR.match(char) is not None
