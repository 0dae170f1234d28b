"""Which archived pages are speeches: a cheap pre-filter, then the build's own genre classifier.

Among millions of crawled pages few are speeches. Running the whole pipeline on each
would cost seconds a hundred pages; instead a page first has to show one *cue* that
the genre classifier's speech rules need (a speech word, an address, the speaker's
first person, or a speech word in its URL). A page with none cannot be called a
speech by the classifier, so dropping it loses nothing the classifier would keep;
only pages with a cue go through the pipeline up to the classifier.

The cue words are those of the classifier's speech rules (``genre.GENRE_RULES`` with
``is_speech``), written down here as literals, since a literal search is what makes
the filter cheap; a test checks every page the classifier keeps passes the filter.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from ..records import DecodedPage, RawPage
from ..stages.vocabulary import SPOKEN_WORDS


@dataclass(frozen=True, slots=True)
class SpeechCue:
    """A sign a page may be a speech; ``examples`` it finds, ``counter_examples`` it does not."""

    name: str
    pattern: re.Pattern[str]
    why: str
    examples: tuple[str, ...]
    counter_examples: tuple[str, ...]


def _words(*words: str) -> re.Pattern[str]:
    return re.compile("|".join(re.escape(word) for word in words))


# A speech title ends with one of these (the classifier's speech_title rule).
TITLE_WORDS = (
    *SPOKEN_WORDS,
    *("讲话稿", "致詞", "贺词", "賀詞", "演辞", "演辭", "主持词", "主持詞", "报告", "報告", "纪要", "紀要", "党课", "黨課", "讲稿", "講稿"),
)
# The words an address line needs (the classifier's opening address: 同志们：, 尊敬的…：, 各位乡亲，大家好！).
ADDRESS_WORDS = (
    *("们", "們", "各位", "尊敬", "亲爱", "親愛", "来宾", "來賓", "代表", "同志", "朋友", "老师", "老師"),
    *("同学", "同學", "先生", "女士", "领导", "領導", "市民", "乡亲", "鄉親", "同胞"),
)

SPEECH_CUES: tuple[SpeechCue, ...] = (
    SpeechCue(
        "speech_word",
        _words(*TITLE_WORDS),
        "a speech's title ends with a speech word; spoken formulas use them too",
        ("在全县工作会议上的讲话", "政府工作报告", "2024年新年賀詞"),
        ("关于印发实施方案的通知", "全县召开安全生产会议"),
    ),
    SpeechCue(
        "address",
        re.compile(rf"(?:{'|'.join(ADDRESS_WORDS)})[^。？！\n]{{0,80}}?(?:[：:]|(?:早安|好)[！!])"),
        "a line that turns to the listeners: 同志们：, 尊敬的各位来宾：, 各位乡亲，大家好！",
        ("同志们：", "尊敬的各位来宾、女士们、先生们：", "各位鄉親，大家早安！"),
        ("据了解，该县今年投入资金三千万元。", "全县召开会议，部署工作。"),
    ),
    SpeechCue(
        "spoken_formula",
        _words("谢谢大家", "謝謝大家", "多謝各位", "我讲", "讲几点", "我代表", "大家好"),
        "what a speaker says to the room",
        ("下面，我讲三点意见。", "谢谢大家！"),
        ("会议由县长主持。",),
    ),
    SpeechCue(
        "first_person",
        _words("我认为", "我想", "我希望", "我觉得", "我们要", "大家要", "你们要", "希望大家", "我说"),
        "the speaker talking to listeners (the classifier needs three)",
        ("我们要抓好落实。", "我希望大家重视。"),
        ("该县今年投入资金三千万元。",),
    ),
)

# URL path words of speech columns on Chinese government and school sites: 讲话 (jianghua,
# jh), 领导讲话 (ldjh), 重要讲话 (zyjh), 致辞 (zhici), 发言 (fayan).
URL_CUE = re.compile(r"(?:^|[/_.\-])(?:jianghua|jh|ldjh|zyjh|zhici|fayan|speech(?:es)?|yanjiang)(?:$|[/_.\-\d])", re.I)


def url_cue(url: str) -> bool:
    """The URL's path names a speech column.

    >>> url_cue("http://www.example.gov.cn/ldjh/202401/t20240105_1.html"), url_cue("http://example.gov.cn/news/1.html")
    (True, False)
    """
    return bool(URL_CUE.search(unquote(urlsplit(url).path)))


def page_cue(text: str, url: str = "") -> str | None:
    """The name of the first cue the page shows, or None: a page with none is not a speech.

    ``text`` is the decoded page (HTML or not); entities are undone first, so
    ``&#35762;&#35805;`` counts as 讲话.

    >>> page_cue("<h1>在全县工作会议上的讲话</h1>"), page_cue("<p>本站公告：今日维护。</p>")
    ('speech_word', None)
    """
    if url and url_cue(url):
        return "url"
    plain = html.unescape(text) if "&" in text else text
    for cue in SPEECH_CUES:
        if cue.pattern.search(plain):
            return cue.name
    return None


def is_speech_page(page: RawPage, decoded: DecodedPage | None = None) -> bool:
    """What the build would say: does any document of this page come out as a speech?

    The whole per-page pipeline up to the genre classifier (no sentences or tokens),
    from ``decoded`` when the page is decoded already; a page the pipeline cannot read
    is not a speech.
    """
    from ..errors import PageError
    from ..stages.pipeline import classify_page

    try:
        return classify_page(page, decoded=decoded)
    except PageError:
        return False
