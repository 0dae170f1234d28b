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


# Common characters written differently in the two scripts: (simplified, traditional).
SCRIPT_PAIRS = (
    "们們 这這 个個 说說 会會 对對 为為 国國 学學 发發 经經 关關 时時 来來 过過 还還 与與 动動 实實 现現 "
    "区區 当當 们們 问問 题題 进進 长長 开開 员員 华華 业業 导導 组組 织織 务務 体體 设設 议議 论論 "
    "认認 识識 进進 应應 该該 决決 农農 济濟 让讓 从從 两兩 没沒 么麼 样樣 门門 广廣 东東 书書 见見"
).split()
SIMPLIFIED_ONLY = frozenset(pair[0] for pair in SCRIPT_PAIRS)
TRADITIONAL_ONLY = frozenset(pair[1] for pair in SCRIPT_PAIRS)
# The same sets as character classes: the regex engine counts them in C, a tenth of the
# cost of testing each character of a speech in Python.
_SIMPLIFIED_ONLY_CHAR = re.compile(f"[{''.join(sorted(SIMPLIFIED_ONLY))}]")
_TRADITIONAL_ONLY_CHAR = re.compile(f"[{''.join(sorted(TRADITIONAL_ONLY))}]")


def detect_script(text: str) -> str:
    """Which Chinese script a text is written in: simplified, traditional, mixed or none.

    >>> detect_script("我们要加强学习"), detect_script("我們要加強學習"), detect_script("abc")
    ('simplified', 'traditional', 'none')
    """
    simplified = len(_SIMPLIFIED_ONLY_CHAR.findall(text))
    traditional = len(_TRADITIONAL_ONLY_CHAR.findall(text))
    if not simplified and not traditional:
        return "none" if not HAN_CHAR.search(text) else "simplified"
    share = traditional / (simplified + traditional)
    return "traditional" if share > 0.9 else "simplified" if share < 0.1 else "mixed"


def looks_like_body(line: str) -> bool:
    """A line that is running text, not a title: long, or ending a sentence.

    >>> looks_like_body("在全县工作会议上的讲话"), looks_like_body("今天召开会议。")
    (False, True)
    """
    return len(line) > 60 or (len(line) > 0 and line[-1] in SENTENCE_END + "：:”")
