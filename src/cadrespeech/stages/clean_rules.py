"""The cleaning rules: a declarative table, each row named, explained and exemplified.

A rule finds spans of the current text and says what each becomes. Its name is its
stable ID in the edit ledger, the release statistics and ``CleanConfig.skip``.
Every row carries examples it must change (input, output after this rule alone) and
counter-examples it must leave alone; ``tests/test_clean_rules.py`` walks the table.
Adding a site's boilerplate means adding a pattern here, not a branch in code.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from .edits import Change, span
from .textclass import HAN, HAN_CHAR, SENTENCE_END, URL, is_chinese, looks_like_body
from .vocabulary import NEWS_AGENCIES, SPOKEN_WORDS, alt

Finder = Callable[[str], Iterator[Change]]


@dataclass(frozen=True, slots=True)
class CleanRule:
    name: str
    description: str
    find: Finder
    examples: tuple[tuple[str, str], ...]
    keeps: tuple[str, ...]
    # Literals one of which every match contains: where none occurs in the text, the
    # finder would find nothing and is not run. Most pages have no paywall, no 版权所有,
    # no photo credit; a regex scan for them is most of what cleaning costs. Empty: always run.
    needs: tuple[str, ...] = ()

    def may_change(self, text: str) -> bool:
        return not self.needs or any(literal in text for literal in self.needs)

    def changes(self, text: str) -> list[Change]:
        """The finder's changes to ``text``, stamped with this rule's name: a rule's name is written once, here."""
        if not self.may_change(text):
            return []
        return [Change(self.name, change.start, change.end, change.after) for change in self.find(text)]


def _drop_lines(pattern: str, max_chars: int = 200, spare_sentences: bool = True) -> Finder:
    """Empty every line that matches ``pattern`` in full (the newline stays for ``blank_line``).

    With ``spare_sentences``, a line that ends a sentence and stands between two
    paragraphs of running text is never dropped: a banner or footer rule must not delete
    a short speech sentence such as 请各单位及时转发。 from the middle of a speech.
    """
    regex = re.compile(pattern)

    def find(text: str) -> Iterator[Change]:
        lines, prose = _lines_of(text)
        first, last = prose if spare_sentences else (0, -1)
        start = 0
        for index, line in enumerate(lines):
            end = start + len(line)
            spared = first < index < last and line.rstrip()[-1:] in _SENTENCE_CLOSE
            if line and len(line) <= max_chars and not spared and regex.fullmatch(line):
                yield span(start, end, "")
            start = end + 1

    return find


_SENTENCE_CLOSE = frozenset(SENTENCE_END + "”」』")
# A line of running text: long enough and ending a sentence.
_PROSE_CHARS = 30


@lru_cache(maxsize=1)
def _lines_of(text: str) -> tuple[tuple[str, ...], tuple[int, int]]:
    """The text's lines and its span of running text, kept for the next rule: the
    line-by-line rules, a score of them, run on each text in turn, and splitting it
    was a third of the cost of the ones that drop lines."""
    lines = text.split("\n")
    return tuple(lines), _prose_span(lines)


def _prose_span(lines: list[str]) -> tuple[int, int]:
    """Indices of the first and last lines of running text (0, -1 when there are none)."""
    prose = [i for i, line in enumerate(lines) if len(line) >= _PROSE_CHARS and line.rstrip()[-1:] in _SENTENCE_CLOSE]
    return (prose[0], prose[-1]) if prose else (0, -1)


def _replace(pattern: str, after: str = "", flags: int = 0) -> Finder:
    regex = re.compile(pattern, flags)

    def find(text: str) -> Iterator[Change]:
        for match in regex.finditer(text):
            if match.end() > match.start():
                yield span(match.start(), match.end(), after)

    return find


# --- character-level normalisation -----------------------------------------------------

_ZERO_WIDTH = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
# C0 and C1 controls except tab and newline.
_CONTROL = "\x00-\x08\x0b-\x1f\x7f-\x9f"
_ODD_SPACES = "\u00a0\u2000-\u200a\u202f\u205f"
_LINE_SPACE = " \t\u3000" + _ODD_SPACES

# --- boilerplate vocabularies -----------------------------------------------------------

_SEPARATOR = r"(?:>>|>|＞|»|›|→|》|-|/|\\|—)"
# A trail of short names joined by arrows: 某某网 > 决议决定.
_ARROW = r"(?:>>|>|＞|»|›|→)"
_CRUMB = r"[^\s>＞»›→。，！？：:]{1,15}(?:[ \u3000]{1,2}[^\s>＞»›→。，！？：:]{1,15})?"
_PAGE_TOOLS = alt(
    *("打印本页", "打印此页", "关闭本页", "返回列表", "返回首页", "打印本文", "打印此文", "打印", "关闭窗口", "关闭"),
    *("收藏本文", "收藏", "加入收藏", "分享到", "分享", "返回顶部", "字号", "字体", "复制链接", "复制本文", "纠错"),
    *("推荐给朋友", "推荐", "我要评论", "评论", "大", "中", "小", "默认", "列印", "回上一頁", "回上一页", "回首頁"),
    *("回上頁", "回上页", "回頂端", "回顶端", "回到顶部", "返回頂端"),
    *("Facebook", "Line", "LINE", "Twitter", "微博", "微信", "QQ"),
)
# A bracketed button whose label starts with a tool verb: 【打印正文】, [关闭窗口].
_TOOL_VERBS = "打印|关闭|收藏|分享|返回|字号|字体|纠错|复制|推荐|评论|发表评论"
_PAGE_TOOL_WORD = rf"(?:[【\[](?:{_TOOL_VERBS})[{HAN}]{{0,4}}[】\]]|[【\[]?(?:{_PAGE_TOOLS})[】\]]?)[：:]?"
_ARTICLE_INFO = (
    r"(?:本文标签|标签|关键词|关键字|Tags|TAG|责任编辑|責任編輯|编辑|责编|文章录入|录入|审核|校对|來源|来源|稿件来源|文章来源|信息来源|作者|"
    r"索引号|主题分类|发布机构|发文机关|发文字号|成文日期|公开方式|公开范围|生效日期|有效性|"
    r"发布时间|發佈時間|發佈日期|发布日期|發布日期|发表时间|更新时间|浏览次数|瀏覽次數|浏览|点击数|点击|阅读次数|阅读|字数|"
    r"发布者|发布人|發佈者|时间|時間|日期|人气|人氣|热度|阅读量|访问量|点击量|"
    r"联络人|聯絡人|新闻联络人|新聞聯絡人|业务联络人|業務聯絡人|浏览人次|瀏覽人次|点阅|點閱|发布单位|發布單位|更新日期|"
    r"上传者|上傳者|上传时间|上傳時間|页数|頁數|下载积分|下載積分|下载次数|下載次數|监制|監製|出品|统筹|統籌|策划|策劃|栏目|欄目)"
)
PARAGRAPH_MIN = 20
# Running text around a short sentence, for the line rules' counter-examples.
BODY_BEFORE = "今年全县上下克服困难，各项工作都取得了新的进展，成绩来之不易。\n"
BODY_AFTER = "\n下面，我就做好明年的工作，再讲几点具体意见，请大家抓好落实。"
# A publication time that may open an article-info line.
_TIMESTAMP = r"(?:\d{4}[-/年.]\d{1,2}[-/月.]\d{1,2}日?(?:\s*\d{1,2}:\d{2}(?::\d{2})?)?\s*)?"
_LICENCE_MARKS = (
    r"公有领域|公有領域|Public domain|public domain|本作品(?:来自|是|在|由|属于|屬於)|本模板|维基文库|维基百科|知识共享|CC BY|GNU自由文档"
    r"|不受(?:该|該|著作权|著作權)法保护|不受(?:该|該|著作权|著作權)法保護"
)
# Every _LICENCE_MARKS match contains one of these.
_LICENCE_LITERALS = (
    *("公有领域", "公有領域", "Public domain", "public domain", "本作品", "本模板", "维基文库", "维基百科", "知识共享"),
    *("CC BY", "GNU自由文档", "不受"),
)
# A licence template and what follows it are dropped only this close to the page's end.
LICENCE_TAIL_CHARS = 600
# Readers' comments are dropped only this close to the page's end.
COMMENTS_TAIL_CHARS = 3000
_COMMENTS = "精选留言|網友留言|网友留言|网友评论|網友評論|读者留言|讀者留言|热门评论|最新评论|留言区|评论区|發表評論|发表评论|写留言|寫留言"
_RELATED = (
    r"(?:相关文章|相关推荐|相关阅读|推荐阅读|延伸阅读|延伸閱讀|相關閱讀|相關文章|热门文章|热门推荐|猜你喜欢|最新文章|精彩推荐|相关范文|"
    rf"相关链接|相關連結|相关新闻|相關新聞|相关报道|相關報道|热门[{HAN}]{{0,4}}推荐|熱門[{HAN}]{{0,4}}推薦|"
    r"(?:相关|相關|更多)(?:文档|文檔|范文|範文)(?:推荐|推薦)?|往期推荐|往期推薦|往期回顾|往期回顧|往期精彩|推荐内容|推薦內容|相关照片|相關照片|相关图片|相關圖片)"
)
# Every _RELATED match contains one of these.
_RELATED_LITERALS = (
    *("相关", "相關", "推荐阅读", "延伸阅读", "延伸閱讀", "热门", "熱門", "猜你喜欢", "最新文章", "精彩推荐", "更多", "往期"),
    *("推荐内容", "推薦內容"),
)

# A site's name: a short run of word characters standing after punctuation or a line start.
_SITE = rf"(?<![\w{HAN}])[\w{HAN}.]{{2,15}}"


_COPYRIGHT = re.compile(
    rf"(?:{_SITE}\s*)?版权所有(?![人者权])"
    r"(?:\s*[，,、]?\s*(?:转载请注明(?:出处|来源)|未经(?:许可|授权)[^。\n]{0,20}?(?:转载|复制|使用)))*"
    r"[。.！!]?(?=\s*(?:\n|$))",
)


def _watermark_copyright(text: str) -> Iterator[Change]:
    """``<site>版权所有`` with what commonly trails it, at a line end or before another note."""
    for match in _COPYRIGHT.finditer(text):
        yield span(match.start(), match.end(), "")


def _repeated_title(text: str) -> Iterator[Change]:
    """Empty head lines (before the first body paragraph) equal to an earlier head line."""
    seen: set[str] = set()
    start = 0
    for line in _lines_of(text)[0]:
        end = start + len(line)
        stripped = line.strip()
        if looks_like_body(stripped):
            return
        if stripped:
            if stripped in seen:
                yield span(start, end, "")
            seen.add(stripped)
        start = end + 1


_HALF_TO_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}
_HALF_WIDTH_RUN = re.compile(r"[,;:?!]+")
_PAIRED_PARENS = re.compile(r"\(([^()\n]{0,80})\)")


def _punctuation_width(text: str) -> Iterator[Change]:
    """ASCII ``,;:?!()`` inside Chinese text become full-width; numbers, Latin and URLs stay."""
    protected: list[tuple[int, int]] | None = None

    def in_url(index: int) -> bool:
        # Found only once a mark is to change: most texts have none, and the address
        # pattern is tried at every character.
        nonlocal protected
        if protected is None:
            protected = [(m.start(), m.end()) for m in URL.finditer(text)]
        return any(start <= index < end for start, end in protected)

    changes: list[Change] = []
    # A run such as ?! or ,, is judged as a whole by what stands around it.
    for run in _HALF_WIDTH_RUN.finditer(text):
        before = text[run.start() - 1] if run.start() else ""
        after = text[run.end()] if run.end() < len(text) else ""
        if not (is_chinese(before) or is_chinese(after)):
            continue
        if before.isdigit() and after.isdigit():
            continue
        for index in range(run.start(), run.end()):
            if not in_url(index):
                changes.append(span(index, index + 1, _HALF_TO_FULL[text[index]]))
    for match in _PAIRED_PARENS.finditer(text):
        open_at, close_at = match.start(), match.end() - 1
        before = text[open_at - 1] if open_at else ""
        after = text[close_at + 1] if close_at + 1 < len(text) else ""
        inner = match.group(1)
        if (any(is_chinese(c) for c in inner) or is_chinese(before) or is_chinese(after)) and not in_url(open_at):
            changes.append(span(open_at, open_at + 1, "（"))
            changes.append(span(close_at, close_at + 1, "）"))
    yield from sorted(changes, key=lambda c: c.start)


_NEWLINES = re.compile(r"\n+")


def _blank_lines(text: str) -> Iterator[Change]:
    """Newlines that open the text, close it, or follow another newline."""
    # Each run of newlines as one match, judged by where it stands: a search for a bare
    # newline skips the text between, where a pattern opening with \A or a look-behind
    # would be tried at every character.
    for match in _NEWLINES.finditer(text):
        start, end = match.span()
        if start == 0 or end == len(text):
            yield span(start, end, "")
        elif end - start > 1:
            yield span(start + 1, end, "")


_GLUED_HEAD = re.compile(
    rf"^(?P<title>[^\n。！？（(]{{4,80}}?(?:讲话|講話|致辞|致辭|报告|報告|发言|發言|演讲|講稿|讲稿))[ \u3000]*"
    rf"(?P<date>[（(]\s*\d{{4}}\s*年\s*\d{{1,2}}\s*月\s*\d{{1,2}}\s*日\s*[）)])[ \u3000]*"
    rf"(?P<name>[{HAN}·]{{2,4}}?)??[ \u3000]*(?=同志们|同志們|各位|尊敬的|女士们|朋友们|亲爱的|親愛的)",
    re.M,
)


_SPACE_RUN = re.compile(f"[{_LINE_SPACE}]+")


def _edge_space(text: str) -> Iterator[Change]:
    """Runs of spaces that open or close a line (``^[ ]+|[ ]+$`` in multi-line mode, searched for as runs)."""
    for match in _SPACE_RUN.finditer(text):
        start, end = match.span()
        if start == 0 or text[start - 1] == "\n" or end == len(text) or text[end] == "\n":
            yield span(start, end, "")


def _glued_head(text: str) -> Iterator[Change]:
    for match in _GLUED_HEAD.finditer(text):
        name = match.group("name")
        start = match.end("title")
        after = f"\n{match.group('date')}\n" + (f"{name}\n" if name else "")
        yield span(start, match.end(), after)


# A space between two Chinese characters (or their punctuation), and how many make a
# flattened page: a real paragraph may hold one or two (a name spaced out).
_CJK_SPACE = re.compile(
    rf"(?<=[{HAN}。！？：；，、”’）》】」])(?<!记者)(?<!摄影)[ \u00a0](?![{HAN}]{{2,4}}\s?[/／]?[摄攝])(?=[{HAN}“‘（《【「])"
)
FLATTENED_MIN_SPACES = 5


def _flattened_breaks(text: str) -> Iterator[Change]:
    start = 0
    for line in _lines_of(text)[0]:
        if len(line) > LONG_LINE:
            spaces = list(_CJK_SPACE.finditer(line))
            if len(spaces) >= FLATTENED_MIN_SPACES:
                for match in spaces:
                    yield span(start + match.start(), start + match.end(), "\n")
        start += len(line) + 1


_FULLWIDTH_ALNUM = re.compile("[０-９Ａ-Ｚａ-ｚ]+")
_AGENCIES = NEWS_AGENCIES
_SPEECH_NOUNS = alt(*SPOKEN_WORDS, "演辞", "演辭", "说明", "說明", "报告", "報告")

# A photo credit: …记者 某某/摄, 某某攝, （摄影：某某）, （新华社发）, 资料图片.
_CREDIT_LINE = (
    rf".{{0,160}}?(?:(?:记者|記者|摄影|攝影|图|圖)\s*[：:]?\s*[{HAN}·]{{2,8}}(?:\s*[/／]\s*|\s+)?[摄攝][）)]?"
    rf"|[。\s][{HAN}]{{2,4}}\s?[摄攝]|[（(](?:摄影|攝影|图|圖)\s*[：:]\s*[{HAN}·]{{2,8}}[）)]"
    rf"|[（(](?:{_AGENCIES}|[{HAN}]{{2,6}}社)发[）)]|[。\s](?:资料图片|資料圖片|资料图|資料圖|供图|供圖|网上截图|網上截圖|截图|截圖))"
)
_CREDIT = re.compile(_CREDIT_LINE)
# Every credit line contains one of these (摄 or 图 in each branch but the agency's 社发）).
_CREDIT_LITERALS = ("摄", "攝", "图", "圖", "发）", "发)")
# A caption is short and makes no sentence of its own.
_CAPTION_CHARS = 60
# 图为…: a caption says what the picture shows, credit or not.
_PICTURED = re.compile(r"(?:图为|圖為|上图|上圖|下图|下圖|[▲△])[：:]?\S")
# A caption may end with a full stop (会场一角。) when it is this short.
_SHORT_CAPTION = 25


def _is_credit(line: str) -> bool:
    return any(literal in line for literal in _CREDIT_LITERALS) and _CREDIT.fullmatch(line) is not None


def _photo_captions(text: str) -> Iterator[Change]:
    """Short lines with no sentence of their own right above a photo credit line (blank lines between count for nothing)."""
    lines = _lines_of(text)[0]
    credit = [bool(line) and len(line) <= 200 and _is_credit(line) for line in lines]
    if not any(credit) and not _PICTURED.search(text):
        return
    start = 0
    for index, line in enumerate(lines):
        end = start + len(line)
        below = next((i for i in range(index + 1, len(lines)) if lines[i].strip()), None)
        caption = 0 < len(line) <= _CAPTION_CHARS and not re.search(f"[{SENTENCE_END}：:]", line[:-1])
        # A caption may be one short sentence (会场一角。); prose has clauses (…，…。).
        short_sentence = (len(line) <= _SHORT_CAPTION and not re.search("[，,；]", line)) or not re.search(f"[{SENTENCE_END}]$", line)
        pictured = _PICTURED.match(line) and len(line) <= _CAPTION_CHARS * 2
        if (below is not None and credit[below] and not credit[index] and caption and short_sentence) or pictured:
            yield span(start, end, "")
        start = end + 1


_TIME_OF_DAY = re.compile(rf"(?:[{HAN}]{{0,4}}(?:时间|時間)\s*)?\d{{1,2}}\s*(?:[时時]\s*\d{{1,2}}\s*分|[:：]\d{{2}})")
_WEEKDAY_DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*[（(]?(?:星期|周|週|礼拜)[一二三四五六日天][）)]?")
# A dated line closes a release only among the text's last few lines.
_TAIL_LINES = 3


def _is_release_tail(line: str, ending: bool) -> bool:
    """A time of day alone is never speech; （完） and a weekday date close a text only at its end."""
    if _TIME_OF_DAY.fullmatch(line):
        return True
    return ending and bool(_END_MARK.fullmatch(line) or _WEEKDAY_DATE.fullmatch(line))


# A running header is short, makes no sentence, and stands at least this many times.
RUNNING_HEADER_REPEATS = 3
_RUNNING_HEADER_CHARS = 40


def _running_headers(text: str) -> Iterator[Change]:
    """Short lines repeated on every page, with other text between the copies (a title
    shown three times in a row is a repeated title, kept once by its own rule)."""
    lines = _lines_of(text)[0]
    seen: dict[str, list[int]] = {}
    filled = [i for i, line in enumerate(lines) if line.strip()]
    for order, index in enumerate(filled):
        stripped = lines[index].strip()
        if 4 <= len(stripped) <= _RUNNING_HEADER_CHARS and stripped[-1] not in _SENTENCE_CLOSE | {"：", ":"} and HAN_CHAR.search(stripped):
            seen.setdefault(stripped, []).append(order)
    headers = {
        line for line, orders in seen.items() if len(orders) >= RUNNING_HEADER_REPEATS and all(b - a > 1 for a, b in pairwise(orders))
    }
    start = 0
    for line in lines:
        end = start + len(line)
        if line.strip() in headers:
            yield span(start, end, "")
        start = end + 1


_END_MARK = re.compile(r"[（(]\s*(?:完|本章完|全文完|全书完|全書完)\s*[）)]|[-—－]*\s*完\s*[-—－]*")


def _release_tail(text: str) -> Iterator[Change]:
    lines = _lines_of(text)[0]
    tail_from = len([line for line in lines if line.strip()]) - _TAIL_LINES
    start, seen = 0, 0
    for line in lines:
        end = start + len(line)
        stripped = line.strip()
        if stripped:
            seen += 1
            if _is_release_tail(stripped, ending=seen > tail_from and seen > 1):
                yield span(start, end, "")
        start = end + 1


# A line this long holds more than one paragraph.
LONG_LINE = 400
_INLINE_HEADING = re.compile(
    rf"(?<=[{SENTENCE_END}])[ \u3000]*(?=(?:[一二三四五六七八九十]{{1,3}}、|（[一二三四五六七八九十]{{1,3}}）)[{HAN}])"
)


def _heading_breaks(text: str) -> Iterator[Change]:
    start = 0
    for line in _lines_of(text)[0]:
        if len(line) > LONG_LINE:
            for match in _INLINE_HEADING.finditer(line):
                at = start + match.start()
                # The terminator before the heading is rewritten to carry the line break.
                yield span(at - 1, match.end() + start, text[at - 1] + "\n")
        start += len(line) + 1


def _fold_fullwidth(text: str) -> Iterator[Change]:
    for match in _FULLWIDTH_ALNUM.finditer(text):
        folded = "".join(chr(ord(c) - 0xFEE0) for c in match.group())
        yield span(match.start(), match.end(), folded)


def _replace_groups(pattern: str, old: str, new: str) -> Finder:
    """Within each match of ``pattern``, replace ``old`` by ``new``."""
    regex = re.compile(pattern)

    def find(text: str) -> Iterator[Change]:
        for match in regex.finditer(text):
            yield span(match.start(), match.end(), match.group().replace(old, new))

    return find


# --- the table --------------------------------------------------------------------------

RULES: tuple[CleanRule, ...] = (
    CleanRule(
        "zero_width",
        "Zero-width spaces and joiners, soft hyphens and stray byte-order marks are invisible noise.",
        _replace(f"[{_ZERO_WIDTH}]+"),
        examples=(("干部\u200b队伍", "干部队伍"), ("\ufeff同志们", "同志们")),
        keeps=("干部队伍",),
    ),
    CleanRule(
        "control_char",
        "Control characters other than tab and newline never belong in text.",
        _replace(f"[{_CONTROL}]+"),
        examples=(("讲话\x0c稿", "讲话稿"),),
        keeps=("讲话\t稿",),
    ),
    CleanRule(
        "glued_head",
        "A one-line dump whose title, bracketed date and speaker run into the opening address: each gets its own line.",
        _glued_head,
        examples=(
            (
                "在全县大会上的讲话（2020年11月13日）司马某某同志们：今天开会。",
                "在全县大会上的讲话\n（2020年11月13日）\n司马某某\n同志们：今天开会。",
            ),
            ("在全县大会上的讲话（2020年11月13日）同志们：今天开会。", "在全县大会上的讲话\n（2020年11月13日）\n同志们：今天开会。"),
        ),
        keeps=("在全县大会上的讲话\n（2020年11月13日）\n同志们：", "他在全县大会上的讲话（2020年11月13日）很重要。"),
    ),
    CleanRule(
        "paragraph_break",
        "Two or more U+3000 in mid-line start a new paragraph (pages that lost their newlines) after a sentence end, "
        "or when a paragraph-length text follows.",
        _replace(f"(?<=[{SENTENCE_END}”」』）…])[ \u3000]*\u3000\u3000[ \u3000]*(?=\\S)"
            f"|(?<=\\S)[ \u3000]*\u3000\u3000[ \u3000]*(?=[^\\s\u3000]{{{PARAGRAPH_MIN}}})",
            "\n",
        ),
        examples=(
            ("会议结束。\u3000\u3000下面讲三点。", "会议结束。\n下面讲三点。"),
            (
                "讲话（2020年2月3日）王某\u3000\u3000疫情发生后，我们第一时间召开会议研究部署防控工作，各地迅速行动。",
                "讲话（2020年2月3日）王某\n疫情发生后，我们第一时间召开会议研究部署防控工作，各地迅速行动。",
            ),
        ),
        keeps=("会议结束。下面讲三点。", "县长\u3000\u3000王建国"),
        needs=("\u3000\u3000",),
    ),
    CleanRule(
        "flattened_page_break",
        "A page flattened onto one long line keeps its blocks apart by single spaces between Chinese characters, "
        "which Chinese prose never holds: each becomes a line break.",
        _flattened_breaks,
        examples=(
            (
                "某某范文网 首页 讲话稿 当前位置：首页 > 正文 在全县大会上的讲话 " + "同志们：今天开会。" * 50 + " 一、要抓落实。",
                "某某范文网\n首页\n讲话稿\n当前位置：首页 > 正文\n在全县大会上的讲话\n" + "同志们：今天开会。" * 50 + "\n一、要抓落实。",
            ),
        ),
        keeps=("GDP 增长 3.5%，" + "要抓落实。" * 100, "走 向 远 方"),
    ),
    CleanRule(
        "heading_break",
        "In a page dumped as one long line, a top-level heading (一、, （一）) right after a sentence end starts a new line.",
        _heading_breaks,
        examples=(("要实干。" * 120 + "二、讲纪律。", "要实干。" * 120 + "\n二、讲纪律。"),),
        keeps=("要实干。二、讲纪律。", "要实干。" * 120 + "一是讲纪律。"),
    ),
    CleanRule(
        "invisible_line",
        "A line holding only invisible characters inside a sentence is a markup artefact: the sentence is rejoined.",
        _replace(f"(?<![{SENTENCE_END}\\n])\\n[{_ZERO_WIDTH}]+\\n(?!\\n)"),
        examples=(("要加\n\u200b\n强学习。", "要加强学习。"),),
        keeps=("第一段。\n\u200b\n第二段。",),
        needs=tuple(_ZERO_WIDTH),
    ),
    CleanRule(
        "broken_line",
        "A line break before punctuation that cannot start a line, or after 的, splits a sentence: it is rejoined.",
        # The newline first and the look-behinds after it: a pattern that opens with a
        # literal is searched for as one, where an opening look-behind is tried at every character.
        _replace(f"\\n(?:(?<=[^\\s{SENTENCE_END}：；]\\n)(?=[，。、；：？！）》”])|(?<=[{HAN}]的\\n)(?=[{HAN}]))"),
        examples=(("李某所作的\n政府工作报告\n。会议", "李某所作的政府工作报告。会议"),),
        keeps=("第一段。\n第二段。", "标题\n（一）正文"),
    ),
    CleanRule(
        "line_space",
        "Indentation (U+3000, spaces, tabs) and trailing space carry no meaning once lines are paragraphs.",
        _edge_space,
        examples=(("\u3000\u3000同志们：", "同志们："), ("讲话  \n", "讲话\n")),
        keeps=("同志们：", "干部 队伍"),
    ),
    CleanRule(
        "odd_space",
        "No-break and other typographic spaces inside a line become ordinary spaces.",
        _replace(f"[{_ODD_SPACES}]", " "),
        examples=(("GDP\u00a0增长", "GDP 增长"),),
        keeps=("GDP 增长", "县长\u3000王建国"),
    ),
    CleanRule(
        "fullwidth_alnum",
        "Full-width digits and Latin letters (２０２２, ＧＤＰ) become ASCII, so numbers and acronyms read alike everywhere.",
        _fold_fullwidth,
        examples=(("２０２２年ＧＤＰ增长", "2022年GDP增长"),),
        keeps=("2022年GDP增长", "（一）"),
    ),
    CleanRule(
        "spaced_digits",
        "Digits spaced out one by one (2 0 2 2 年) are joined.",
        # The digit first, then the look-behind (no digit or point before it), for the same reason as broken_line's.
        _replace_groups(r"(\d(?<![\d.]\d)(?: \d){2,})(?=\s?[年月日%万亿元个件项名人]|[" + HAN + "])", " ", ""),
        examples=(("2 0 2 2 年", "2022 年"), ("增长 1 2 3 亿元", "增长 123 亿元")),
        keeps=("2022年", "第 1 2 页"),
    ),
    CleanRule(
        "markdown_marker",
        "Markdown heading marks (## ) left by converted dumps.",
        _replace(r"^#{1,6}[ \t]+", flags=re.M),
        examples=(("## 做人民满意的公务员", "做人民满意的公务员"),),
        keeps=("#1 号文件",),
    ),
    CleanRule(
        "breadcrumb",
        "Site navigation trails such as 首页 > 文章中心 > 正文 or 当前位置：… .",
        _drop_lines(rf"(?:[{HAN}]{{0,6}}(?:位置|位置)\s*[：:].*"
            rf"|(?:网站首页|首页|首頁|主页|返回首页)\s*{_SEPARATOR}.*{_SEPARATOR}?.*"
            rf"|{_CRUMB}(?:\s*{_ARROW}\s*{_CRUMB}){{1,5}})",
            max_chars=120,
        ),
        examples=(
            ("首页 > 文章中心 > 正文\n讲话", "\n讲话"),
            ("当前位置：首页 > 范文大全 > 领导讲话", ""),
            ("您所在的位置：首页>通知公告", ""),
            ("您的位置：首页 >> 讲话稿", ""),
            ("网站首页 → 讲话致辞 → 教育", ""),
            ("某某人大网 > 决议决定", ""),
        ),
        keeps=("首页要放上最新的工作动态。", "我们的位置在全省前列。"),
    ),
    CleanRule(
        "page_nav",
        "Links to the previous and next article.",
        _drop_lines(r"(?:上一篇|下一篇|上一页|下一页|上篇|下篇|上一章|下一章)\s*[：:].*"
            r"|[【\[]?(?:上一章|下一章|上一篇|下一篇|返回目录|目录|返回列表|书页)[】\]]?"
            r"(?:[\s|｜]*[【\[]?(?:上一章|下一章|上一篇|下一篇|返回目录|目录|返回列表|书页)[】\]]?)*",
            max_chars=120,
        ),
        examples=(
            ("上一篇：在全县农业工作会议上的讲话", ""),
            ("下一篇: 无", ""),
            ("上一章\u3000\u3000目录\u3000\u3000下一章", ""),
            ("返回目录", ""),
        ),
        keeps=("上一篇文章讲的是经济工作。",),
    ),
    CleanRule(
        "page_tools",
        "Print, close, font-size and share buttons rendered as text.",
        _drop_lines(rf"(?=.*(?:打印|列印|关闭|收藏|分享|返回|回上|回頂|回顶|回到|字号|字体|纠错|复制))(?:{_PAGE_TOOL_WORD}[\s|｜/、]*)+",
            max_chars=60,
        ),
        examples=(
            ("打印本文 关闭窗口", ""),
            ("【打印】【关闭】", ""),
            ("字号 大 中 小", ""),
            ("分享到：", ""),
            ("【打印正文】【关闭窗口】", ""),
            ("列印FacebookLine", ""),
            ("回上一頁", ""),
        ),
        keeps=("关闭小煤窑的工作要抓紧。", "大 中 小"),
    ),
    CleanRule(
        "share_links",
        "分享到： lines followed by the names of social sites.",
        _drop_lines(r"[【\[]?分享到[】\]]?\s*[：:].{0,50}", max_chars=60),
        examples=(("分享到：QQ空间\u3000新浪微博\u3000微信", ""),),
        keeps=("分享到群众中去的经验很多。",),
    ),
    CleanRule(
        "site_disclaimer",
        "A site's notes on submissions, reposting and takedown requests.",
        _drop_lines(r".*(?:(?:本站|本网|本平台|本网站)[^。\n]{0,30}(?:投稿|转载|侵权|删除|仅供参考|不代表|观点|联系)"
            r"|(?:网|站)[^。\n]{0,40}(?:所有内容|全部内容|文章)仅供(?:学习)?参考"
            r"|^(?:温馨提示|免责声明|特别声明|版权声明)[：:]|网友上传|版权归原作者"
            r"|(?:授权转载|授權轉載)[^\n]{0,30}(?:请勿|請勿|禁止|不得)"
            r"|本文档由|本文檔由|仅供学习交流|僅供學習交流).*",
            max_chars=120,
        ),
        examples=(
            ("本站文章均由网友投稿,若涉及侵权请联系站长删除。", ""),
            ("某某网（www.example.com）所有内容仅供学习参考", ""),
            ("温馨提示：本文内容由网友上传整理，仅供参考，版权归原作者所有。", ""),
            ("本文由某某觀點報授權轉載，未經同意請勿轉貼。", ""),
        ),
        keeps=("我们要把本网格的事情办好。",),
    ),
    CleanRule(
        "article_info",
        "Publication lines: editor, source, date published, view counts (not the speech's own date).",
        _drop_lines(# A lone 时间：/日期： line is the speech's own date, for the head to read.
            rf"(?!(?:时间|時間|日期)\s*[：:](?![^\n]*[{HAN}]{{2,}}\s*[：:]))(?:[【\[](?:{_TOOL_VERBS})[{HAN}]{{0,4}}[】\]]\s*)*"
            rf"(?:(?:https?://)?www\.[\w.-]+\s+)?{_TIMESTAMP}[（(]?(?:[【\[]?{_ARTICLE_INFO}[】\]]?(?:\s+[A-Za-z]+)?\s*[：:]\s*[^。！？\n]{{0,40}}?\s*)+[）)]?",
            max_chars=120,
        ),
        examples=(
            ("责任编辑：张三", ""),
            ("发布时间：2021-03-01 来源：某某网 浏览次数：123", ""),
            ("（来源：某某人大网）", ""),
            ("2023-06-21 06:58:12来源：某某日报作者：某某", ""),
            ("發佈日期：2023-07-10\u3000\u3000來源：某某總會", ""),
        ),
        keeps=("来源于群众，服务于群众。", "作者要深入基层。"),
    ),
    CleanRule(
        "field_label",
        "A form's field label standing alone, its value on the next line (標題, 內容, 發布日期, 发布单位).",
        _drop_lines(rf"[【\[]?(?:{_ARTICLE_INFO}|标题|標題|内容|內容|正文|文号|文號|名称|名稱)[】\]]?[：:]?", max_chars=12),
        examples=(("標題", ""), ("發布日期", ""), ("内容：", "")),
        keeps=("内容要充实。", "标题党要不得"),
    ),
    CleanRule(
        "issue_note",
        "A government document's distribution and issue lines at its foot: 抄送：…, 2023年7月17日印发.",
        _drop_lines(rf"[{HAN}]{{0,20}}[\s\u3000]*\d{{4}}年\d{{1,2}}月\d{{1,2}}日\s*(?:印发|印發)|(?:抄送|主送)\s*[：:][^\n]{{1,100}}",
            max_chars=120,
        ),
        examples=(("县政府办公室　　2023年7月17日印发", ""), ("抄送：县委办公室，县人大常委会办公室。", "")),
        keeps=("2023年7月17日印发的文件要认真学习。",),
    ),
    CleanRule(
        "related_list",
        "A 相关文章 / 猜你喜欢 block: its header line and the short link lines under it.",
        _replace(rf"^(?:[^\n。！？]{{0,40}})?[【\[]?{_RELATED}[】\]]?[：:]?[ \t]*$(?:\n+(?![^\n]*[{SENTENCE_END}]$)[^\n]{{1,60}}(?=\n|$))*"
            rf"|^[【\[]?{_RELATED}[】\]]?[：:][^\n。！？]{{1,60}}$",
            flags=re.M,
        ),
        examples=(("正文。\n相关文章\n在全县会议上的讲话\n在全市会议上的讲话", "正文。\n"),),
        keeps=("相关文章要认真学习。",),
        needs=_RELATED_LITERALS,
    ),
    CleanRule(
        "site_footer",
        "Copyright, ICP licence and technical-support footers.",
        _drop_lines(r".*(?:Copyright|COPYRIGHT|copyright|©|\(c\)|All Rights Reserved|ICP备|ICP证|公网安备|技术支持\s*[：:]).*"
            r"|(?:主办|承办|协办|主办单位|承办单位|地址|联系电话|电话|邮编|网站标识码|维护单位|E-?mail|邮箱)\s*[：:].{1,60}",
            max_chars=160,
        ),
        examples=(("Copyright © 2015-2022 某某网 All Rights Reserved 京ICP备12345678号", ""), ("主办：某某县人大常委会办公室", "")),
        keeps=("要加强知识产权和版权保护工作。", BODY_BEFORE + "联系电话：要保持畅通。" + BODY_AFTER),
    ),
    CleanRule(
        "wire_dateline",
        "A news agency's dateline in brackets (（新华社北京3月6日电）): the wire's, not the speech's.",
        _replace(rf"[（(]\s*(?:{_AGENCIES})[^（）()\n]{{0,24}}(?:电|讯|消息)\s*[）)]"),
        examples=(("大业！（新华社北京3月6日电）", "大业！"),),
        keeps=("新华社电讯稿要认真学习。",),
    ),
    CleanRule(
        "edition_footer",
        "A newspaper edition line: 《 人民日报 》（ 2020年03月07日 02 版）.",
        _replace(r"《\s*[^》\n]{1,16}\s*》\s*[（(][^（）()\n]{0,30}版\s*[）)]"),
        examples=(("《 人民日报 》（ 2020年03月07日 02 版）", ""),),
        keeps=("要认真学习《人民日报》的评论文章。",),
    ),
    CleanRule(
        "media_placeholder",
        "A placeholder an aggregator leaves where a picture or video was: [图片], [视频].",
        _replace(r"[\[【]\s*(?:图片|圖片|视频|視頻|音频|音頻|图|圖)\s*[\]】]|\[[A-Z]{1,3}\d{1,3}\]"),
        examples=(("[图片]", ""), ("会议现场【视频】", "会议现场"), ("要落实[Z1]。", "要落实。")),
        keeps=("【一】", "[1]"),
        needs=("[", "【"),
    ),
    CleanRule(
        "photo_caption",
        "A photo's caption: a short line with no sentence of its own right above a photo credit line.",
        _photo_captions,
        examples=(
            (
                "正文很长的一段话，讲的是工作。\n县长在社区察看防汛物资储备\n新华社记者 王某/摄",
                "正文很长的一段话，讲的是工作。\n\n新华社记者 王某/摄",
            ),
        ),
        keeps=("县长在社区察看防汛物资储备\n要把工作做实。",),
        needs=(*_CREDIT_LITERALS, "▲", "△"),
    ),
    CleanRule(
        "photo_credit",
        "Photo captions ending with their credit: …新华社记者 某某/摄, （摄影：某某）.",
        _drop_lines(rf"{_CREDIT_LINE}",
            max_chars=200,
            spare_sentences=False,
        ),
        examples=(
            ("新华社记者 鞠鹏/摄", ""),
            ("新华社记者 公磊 摄", ""),
            ("这是县长在社区了解情况。 新华社记者 王某/摄", ""),
            ("大会主席在台上致辞。何某某攝", ""),
            ("（摄影：林某）", ""),
            ("县长察看防汛物资。（新华社发）", ""),
            ("会场一角。资料图片", ""),
        ),
        keeps=("记者要深入基层采访。", "要把拍摄工作做好。", "我们要把摄影协会办好。"),
        needs=_CREDIT_LITERALS,
    ),
    CleanRule(
        "editor_note",
        "Notes an editor or site puts before the speech: 【导读】, 【核心提示】, 【编者按】, 导读：.",
        _drop_lines(r"(?:[【\[]\s*(?:导\s*读|导\s*语|核心提示|编者按|编者的话|内容提要|摘\s*要)\s*[】\]]|(?:导读|导语|编者按|編者按|编按|編按)\s*[：:]"
            r"|[【\[][^】\]\n]{0,12}按[】\]]).*",
            max_chars=1000,
            spare_sentences=False,
        ),
        examples=(
            ("【导  读】本文讲了三个问题。\n同志们：", "\n同志们："),
            ("导读：本文是范文网为大家整理的。", ""),
            ("【记者按】这是一篇讲话。", ""),
            ("編按：本文是發言稿。", ""),
        ),
        keeps=("要把学习导读用好。", "按照县委部署，抓好落实。"),
    ),
    CleanRule(
        "edit_note",
        "Notes that the text was abridged or edited: （文章有删改）.",
        _replace(r"[（(](?:文章|本文|原文)?有(?:删改|删节|改动)[）)]|[（(](?:本文)?(?:内容)?有删节[）)]"
            r"|[（(](?:本文|本稿|此文)?根据[^（）()\n]{1,24}整理[^（）()\n]{0,12}[）)]"
            r"|[（(](?:本报|本网|本台)?(?:记者|記者)[^（）()\n]{1,30}(?:整理|采写|採寫)[）)]"
            rf"|[（(][{HAN}]{{0,8}}(?:记者|記者)\s*[{HAN}]{{2,4}}(?:[\s\u3000、]+[{HAN}]{{2,4}})*[）)](?=\s*(?:\n|$))"
            r"|[（(][^（）()\n]{0,8}(?:照片|圖片|图片)[^（）()\n]{0,8}(?:附件|见|見)[^（）()\n]{0,6}[）)]"
            r"|(?m:^[*_]?(?:本文|本稿)据[^。\n]{1,20}整理[^。\n]{0,20}[。.]?[*_]?$)"
            r"|(?m:^[*_]?(?:本文|本稿)[^。\n]{0,10}(?:略有|有)(?:删节|刪節|删改|刪改)[^。\n]{0,30}[。.]?[*_]?$)",
        ),
        examples=(
            ("要落实。（文章有删改）", "要落实。"),
            ("（本文根据现场同声传译整理，略有删节）", ""),
            ("（本报记者　汪某　席某　整理）", ""),
            ("（新聞照片請參閱附件）", ""),
            ("本文据现场录音整理，未经讲话人审阅。", ""),
            ("（某某日报记者 温某某 柏某）", ""),
            ("本文轉載時略有刪節，內容以致辭者現場發言為準。", ""),
        ),
        keeps=("文章有删改的地方要说明。",),
        needs=("有删", "有改", "根据", "记者", "記者", "照片", "圖片", "图片", "本文", "本稿"),
    ),
    CleanRule(
        "site_source",
        "A site's note on where it took the text from: 本文来源：…, （本文来源于…）.",
        _replace(r"[（(]?本文(?:来源|来自|转自|出处)(?:于)?\s*[：:]?\s*[^。\n（）()]{1,80}?"
            r"[，,。]?(?:转载请注明出处|略?有删节|有删改)?[。.]?[）)]?(?=\s*(?:\n|$))",
        ),
        examples=(
            ("本文来源：https://www.example.net", ""),
            ("（本文来源于某某范文网，转载请注明出处。）", ""),
            ("本文来源：某某县人民政府网站，有删节。", ""),
        ),
        keeps=("本文来源于基层调研，我们要重视。下面讲三点。",),
        needs=("本文",),
    ),
    CleanRule(
        "pagination",
        "Page-turn links inside a speech split over pages: 第1页 共2页, 上一页 1 2 下一页.",
        _drop_lines(r"(?:第\s*\d+\s*页\s*[，,/]?\s*共\s*\d+\s*页.*|(?=.*(?:上一页|下一页))(?:首页|上一页|下一页|尾页|末页|\d+|[\[\]【】<>«»…|\s])+)",
            max_chars=60,
        ),
        examples=(("第1页 共2页", ""), ("上一页 1 2 下一页", ""), ("首页 上一页 1 2 3 下一页 尾页", "")),
        keeps=("第一页的内容很重要。", "2022"),
    ),
    CleanRule(
        "full_text_lead",
        "A reporter's lead that introduces the text: …讲话全文如下：, 以下为发言全文：, 說明全文如下：.",
        _drop_lines(rf".{{0,120}}(?:全文[^。，\n]{{0,4}}如下|以下[为為是][^。\n]{{0,30}}(?:全文|原文|(?:{_SPEECH_NOUNS})稿?)(?:[，,][^。\n]{{0,30}})?"
            rf"|(?:{_SPEECH_NOUNS})[稿辭辞詞词]?的?(?:全文|原文)(?:如下)?)[：:。]?[）)]?",
            max_chars=160,
        ),
        examples=(
            ("市长今天向市民发表讲话，全文如下：", ""),
            ("以下為新聞發布會發言全文。", ""),
            ("（以下为县长在会上的讲话）", ""),
            ("现将讲话全文播发如下。", ""),
            ("以下为演讲全文，小标题为原文所有，注释为编者所加。", ""),
            ("市长今日向市民發表講話的全文：", ""),
            ("以下為某某在會上的發言稿）", ""),
            ("公會主席某某於2018年1月8日開啟典禮的演講辭全文：", ""),
        ),
        keeps=("下面，我讲三点意见：", "现将有关事项通知如下："),
        needs=("全文", "原文", "以下"),
    ),
    CleanRule(
        "wire_dateline_lead",
        "A news agency's dateline opening a paragraph (新华社北京3月5日电 …): the wire's, not the speaker's words.",
        _replace(rf"(?m)^(?:{_AGENCIES}|[{HAN}]{{2,8}}(?:社|网|網|报|報|台))[{HAN}]{{0,6}}\d{{1,2}}月\d{{1,2}}日(?:电|電|讯|訊)"
            rf"(?:[（(](?:记者|記者)[^）)\n]{{1,30}}[）)])?[ \u3000]*",
        ),
        examples=(("新华社北京3月5日电 今天上午，大会开幕。", "今天上午，大会开幕。"),),
        keeps=("3月5日电视台播出了节目。",),
    ),
    CleanRule(
        "release_tail",
        "What closes a press release: （完）, a time of day standing alone, a dated weekday line at the end.",
        _release_tail,
        examples=(
            ("谢谢大家。\n（完）", "谢谢大家。\n"),
            ("谢谢。\n香港时间17时58分", "谢谢。\n"),
            ("谢谢。\n2022年6月8日（星期三）", "谢谢。\n"),
        ),
        keeps=("2022年6月8日（星期三）\n同志们：\n今天开会。\n要落实。\n再讲一点。", "完成任务。"),
    ),
    CleanRule(
        "subscription_appeal",
        "A publication's appeal to subscribe or support it, with its link line.",
        _drop_lines(rf".{{0,40}}(?:订户|訂戶|订阅|訂閱|赞助|贊助|打赏|打賞|月费|月費|成为会员|成為會員|成为[{HAN}]{{1,6}}会员|成為[{HAN}]{{1,6}}會員).{{0,40}}"
            r"|(?:网址|網址)\s*[：:]\s*\S+"
            r"|(?:支持|訂閱|订阅)[^：:\n]{1,12}[：:]\s*[\w.-]+\.[a-z]{2,}/\S*",
            max_chars=100,
            spare_sentences=False,  # an appeal is never speech, wherever it stands
        ),
        examples=(("请加入成为本刊的月费订户，长期支持我们的工作。", ""), ("網址：news.example.com/subscribe", "")),
        keeps=("支持群众创业的政策要落实到位，这件事要抓紧。" + "正文。" * 12,),
    ),
    CleanRule(
        "site_banner",
        "Greetings and sales pitches of the hosting site: 欢迎访问…网！, 开通VIP…下载.",
        _drop_lines(r"(?:欢迎(?:访问|来到|光临)[^。\n]{1,30}[！!。]?"
            r"|.{0,20}(?:开通VIP|VIP会员|会员免费|免费下载|下载全文|立即下载|下载本文|下载Word|下载文档|Word版下载).{0,20}"
            r"|.{0,20}(?:二维码|扫一扫|扫码|关注我们|点击上方|点击蓝字|阅读原文|在看|点赞|转发).{0,20}"
            r"|.{0,30}(?:点击关注|公众号|请点击|请大家收藏|更新速度最快|记住本站|本站地址|预览时标签不可点).{0,60}"
            r"|(?:进入|进入专题|點擊進入)[^。！？\n]{0,12}(?:专题|專題|频道|頻道)"
            r"|[^|｜。！？\n]{2,20}\s[|｜]\s[^|｜。！？\n]{2,30}"
            r"|[^|｜。！？\n]{2,8}(?:\s*[|｜]\s*[^|｜。！？\n]{2,8}){2,}"
            rf"|[{HAN}]{{2,4}}(?:[ \u3000]+[{HAN}]{{2,4}}){{3,}}"
            r"|.{0,20}(?:点击展开全文|展開全文|收录于|收錄於|已收录至|已收錄至).{0,40})",
            max_chars=100,
        ),
        examples=(
            ("欢迎访问公文汇范文网！", ""),
            ("开通VIP 全站文档免费下载", ""),
            ("长按二维码关注", ""),
            ("阅读原文", ""),
            ("某某发布 | 传递某某好声音", ""),
            ("关注“某某融媒”微信公众号，获取更多本地资讯。", ""),
            ("进入两会专题", ""),
            ("关于我们 | 联系方式 | 免责声明 | 网站地图", ""),
            ("首页\u3000推荐\u3000要闻\u3000思想\u3000学习文库", ""),
            ("本文已收录至专题：青年干部成长", ""),

            ("点击展开全文", ""),
        ),
        keeps=(
            "欢迎各位代表来到我县指导工作，大家辛苦了。",
            "要扫码登记、转发通知，让群众第一时间知晓，这项工作要抓紧抓实抓好。",
            # Short speech sentences between paragraphs are never banners.
            BODY_BEFORE + "我们要为身边的好干部点赞！" + BODY_AFTER,
            BODY_BEFORE + "请各乡镇及时转发。" + BODY_AFTER,
        ),
    ),
    CleanRule(
        "comments_tail",
        "Readers' comments that close a page, from their header (精选留言, 网友评论 …) to the end.",
        _replace(rf"^[【\[]?(?:{_COMMENTS})[】\]]?[：:]?[ \t]*$[\s\S]{{0,{COMMENTS_TAIL_CHARS}}}\Z",
            flags=re.M,
        ),
        examples=(("谢谢大家！\n精选留言\n书记讲得实在！\n点赞", "谢谢大家！\n"),),
        keeps=("要认真听取网友留言中的意见。\n谢谢。",),
    ),
    CleanRule(
        "separator_line",
        "A line of nothing but dashes, stars or symbols, with at most a word between them (------分隔线------).",
        _drop_lines(r"(?!.*…)(?=.*[^\w\s])[^\w]{2,40}|[-=_~*—－·]{4,}[^\n]{0,8}?[-=_~*—－·]{2,}", max_chars=60),
        examples=((":::", ""), ("------分隔线----------------------------", ""), ("* * *", "")),
        keeps=("……", "一、", "——某某"),
    ),
    CleanRule(
        "pull_quote",
        "A pull quote set apart by a news site: a sentence signed by its speaker (…。——某某).",
        _drop_lines(rf"[“「]?[^\n]{{6,80}}[。！？”」][\s\u3000]*[—－]{{1,2}}\s*[{HAN}·]{{2,6}}", max_chars=100),
        examples=(("老城更新不是推倒重来。——某某某", ""),),
        keeps=("——某某某", "要推进老城更新——这是群众的期盼。"),
    ),
    CleanRule(
        "paywall",
        "A template site's paywall: the teaser's cut-off mark and its offer to members, "
        "glued to the last sentence shown or on a line of its own.",
        _replace(r"(?:……|…)?[（(]?[^（）()\n。！？]{0,30}(?:开通会员|開通會員|VIP专享|VIP專享|会员专享|會員專享|开通VIP)[^（）()\n。！？]{0,40}[）)]?"
            r"|(?m:^[^\n。！？]{0,10}(?:下载Word文档|下載Word文檔|下载完整文档)[^\n。！？]{0,10}$)",
        ),
        examples=(
            ("要组织一次演练……（全文共5200字，开通会员阅读全文）", "要组织一次演练"),
            ("本文为VIP专享内容，开通会员即可阅读全文并下载Word文档", ""),
            ("下载Word文档", ""),
        ),
        keeps=("要组织一次演练。", "会员单位要开好会。"),
        needs=(
            *("开通会员", "開通會員", "VIP专享", "VIP專享", "会员专享", "會員專享", "开通VIP"),
            *("下载Word文档", "下載Word文檔", "下载完整文档"),
        ),
    ),
    CleanRule(
        "licence_tail",
        "A licence template that closes a wiki copy, with the fragments its markup left, to the end of the page.",
        _replace(rf"^.*(?:{_LICENCE_MARKS})[\s\S]{{0,{LICENCE_TAIL_CHARS}}}\Z", flags=re.M),
        examples=(("奋斗！\n本作品是法律文件，在\n中国大陆\n，也可能属于\n公有领域\n。", "奋斗！\n"),),
        keeps=("本作品的作者是我县的一位老干部，他写了很多年。\n" + "正文。" * 400,),
        needs=_LICENCE_LITERALS,
    ),
    CleanRule(
        "licence_template",
        "Licence and public-domain templates that wiki copies append (本作品…属于公有领域, Public domain).",
        _drop_lines(rf".*(?:{_LICENCE_MARKS}).*",
            max_chars=400,
        ),
        examples=(("本作品在全世界都属于公有领域。", ""), ("Public domain", "")),
        keeps=("要保护好公共领域的秩序。",),
        needs=_LICENCE_LITERALS,
    ),
    CleanRule(
        "reference_appendix",
        "Reference material a site appends after the speech, from its 【参考资料】 header to the end.",
        _replace(r"^[【\[]\s*(?:参考资料|相关资料|延伸阅读|相关链接|拓展阅读|背景资料|资料链接|附录)\s*[】\]][\s\S]*\Z",
            flags=re.M,
        ),
        examples=(("谢谢大家！\n【参考资料】\n某某书", "谢谢大家！\n"),),
        keeps=("要阅读参考资料。",),
    ),
    CleanRule(
        "running_header",
        "A printed document's running header: a short line with no sentence end repeated on every page, three times or more.",
        _running_headers,
        examples=(
            (
                "某某会议材料之一\n正文一。\n某某会议材料之一\n正文二。\n某某会议材料之一\n正文三。",
                "\n正文一。\n\n正文二。\n\n正文三。",
            ),
        ),
        keeps=(
            "要实干。\n要实干。\n要实干。",
            "一、抓落实\n正文。",
            "在全县大会上的讲话\n\n在全县大会上的讲话\n\n在全县大会上的讲话\n正文。",
        ),
    ),
    CleanRule(
        "number_line",
        "A line of nothing but digits and separators (an index number, a stray counter) is never speech.",
        _drop_lines(r"(?!\s*\d{4}[./-]\d{1,2}[./-]\d{1,2}\s*$)[\d\s/\-.:：_|]{6,}|(?=.*[\[\]])[\d\s\[\]]{2,8}"
            r"|(?:.{0,30}[\s\u3000])?[·•—－\-]\s*\d{1,4}\s*[·•—－\-]",
            max_chars=60,
        ),
        examples=(("000000000/2023-00213", ""), ("29 ]", ""), ("·125·", ""), ("- 12 -", ""), ("某某文集　第二卷　　·126·", "")),
        # A date alone on a line is a byline's date, read by the head.
        keeps=("2023年", "100", "2020.07.13"),
    ),
    CleanRule(
        "watermark_copyright",
        "A site's 版权所有 notice, on its own line or glued to a paragraph end.",
        _watermark_copyright,
        examples=(
            ("用实实在在的利益引导农民。公务员之家版权所有", "用实实在在的利益引导农民。"),
            ("工作。公文易版权所有，转载请注明出处", "工作。"),
            ("范文网版权所有\n正文", "\n正文"),
        ),
        keeps=("要加强知识产权和版权保护工作。", "保护著作权人和版权所有人的权益。", "本单位版权所有，归集体。下面讲。"),
        needs=("版权所有",),
    ),
    CleanRule(
        "watermark_compiled",
        "本文由…整理 notes a site adds to reposted text.",
        _replace(rf"本(?:文|书|書|站)(?:电子版|電子版)?由(?!于)[\w{HAN}.]{{1,20}}?(?:整理|收集|编辑|提供|发布|原创)"
            rf"(?:[，,]?\s*(?:转载请注明(?:出处|来源)|仅供(?:学习研究使用|学习参考|参考)|版权归原作者所有))*[。.！!]?",
        ),
        examples=(
            ("本文由第一范文网整理", ""),
            ("工作。本文由范文网整理，仅供参考。", "工作。"),
            ("本书电子版由某某书库整理，仅供学习研究使用。", ""),
        ),
        keeps=("本文由于篇幅所限，只讲三点。",),
    ),
    CleanRule(
        "watermark_reprint",
        "转载请注明出处 notes.",
        _replace(r"[（(]?(?:如需)?转载请(?:注明|保留)(?:出处|来源|链接|原文链接)(?:[：:]\s*[^。\n]{0,40}?)?[）)]?[。.！!]?(?=\s*(?:\n|$))",
        ),
        examples=(("工作。转载请注明出处", "工作。"), ("工作。（转载请注明来源：某某网）", "工作。")),
        keeps=("转载请注明出处是网站的规定，我们要遵守。",),
        needs=("转载请",),
    ),
    CleanRule(
        "watermark_visit",
        "更多…请访问… advertisements for the hosting site.",
        _replace(rf"(?:更多|查看更多)[\w{HAN}]{{0,16}}?请(?:访问|登录|关注|浏览)\s*[：:]?\s*[\w{HAN}.:/?=&%-]{{1,60}}[。.！!]?",
        ),
        examples=(("工作。更多精彩范文请访问好范文网", "工作。"),),
        keeps=("更多的干部要深入基层。",),
    ),
    CleanRule(
        "watermark_first_published",
        "…网首发 notes.",
        _replace(rf"(?:本文)?{_SITE}(?:网|站|平台)(?:独家)?首发[。.]?(?=\s*(?:\n|$))"),
        examples=(("致辞网首发", ""), ("谢谢大家！\n讲稿之家网首发", "谢谢大家！\n")),
        keeps=("这项改革在我县首发。",),
        needs=("首发",),
    ),
    CleanRule(
        "repeated_title",
        "Title lines the page repeats before the speech begins (the first copy stays).",
        _repeated_title,
        examples=(("干部会议讲话\n干部会议讲话\n干部工作会议讲话\n正文很长。", "干部会议讲话\n\n干部工作会议讲话\n正文很长。"),),
        keeps=("干部会议讲话\n干部工作会议讲话\n正文。\n正文。",),
    ),
    CleanRule(
        "punctuation_width",
        "ASCII , ; : ? ! ( ) inside Chinese text become full-width; numbers, Latin words and URLs keep theirs.",
        _punctuation_width,
        examples=(
            ("今天召开会议,主要目的是", "今天召开会议，主要目的是"),
            ("(一)树立意识", "（一）树立意识"),
            ("搞上去。(略)", "搞上去。（略）"),
            ("时间:上午", "时间：上午"),
            ("怎么办?", "怎么办？"),
        ),
        keeps=("增长3.5个百分点", "2019-01-02", "见http://a.b/c?d=1", "10:30开会", "共1,200人", "f(x) = 1"),
    ),
    CleanRule(
        "blank_line",
        "Blank lines: paragraphs are one per line, so empty lines carry nothing.",
        _blank_lines,
        examples=(("讲话\n\n正文\n", "讲话\n正文"), ("\n\n讲话", "讲话")),
        keeps=("讲话\n正文",),
    ),
)

RULE_NAMES: tuple[str, ...] = tuple(rule.name for rule in RULES)
