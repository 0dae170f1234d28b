"""Heading styles and speech-part patterns: tables of named rules with examples.

Heading styles follow the numbering order of official documents (GB/T 9704-2012):
一、 > （一） > 1. > （1）, with 第一部分 above and ① below. A style's ``rank`` says
which may hold which; the tree's depth, not the rank, is a section's level, so a
document that skips a level (一、 then 1.) still nests correctly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from .head_rules import OFFICE, SPEECH_WORDS
from .textclass import HAN

_CN_NUMERAL = "[一二三四五六七八九十百零〇]+"


@dataclass(frozen=True, slots=True)
class HeadingStyle:
    name: str
    rank: int
    pattern: re.Pattern[str]  # matches the marker at a paragraph start; group "number"
    examples: tuple[str, ...]
    keeps: tuple[str, ...]


HEADING_STYLES: tuple[HeadingStyle, ...] = (
    HeadingStyle(
        "part",
        0,
        re.compile(rf"第(?P<number>{_CN_NUMERAL})(?:部分|个问题|章)[、，：:\s]?"),
        examples=("第一部分 总体要求", "第二个问题：关于作风建设"),
        keeps=("第一，要提高认识。", "第一次会议"),
    ),
    HeadingStyle(
        "cn_numeral_comma",
        1,
        re.compile(rf"(?P<number>{_CN_NUMERAL})[、．]"),
        examples=("一、大力强化发展意识", "十二、其他事项"),
        keeps=("一是要提高认识", "一方面，要抓好落实。"),
    ),
    HeadingStyle(
        "cn_numeral_bracket",
        1,
        re.compile(rf"[【〖](?P<number>{_CN_NUMERAL})[】〗]"),
        examples=("【一】眼里要有光", "〖二〗心中要有火"),
        keeps=("【略】", "【上】"),
    ),
    HeadingStyle(
        "cn_numeral_paren",
        2,
        re.compile(rf"[（(](?P<number>{_CN_NUMERAL})[）)]"),
        examples=("（一）树立强烈的公仆意识", "(三)要解决热点难点问题"),
        keeps=("（略）", "（上）"),
    ),
    HeadingStyle(
        "arabic_dot",
        3,
        re.compile(r"(?P<number>\d{1,2})(?:[.．](?!\d)|、)"),
        examples=("1.加强学习", "2、强化督查", "3．完善制度"),
        keeps=("1.5亿元的投入", "2021年是关键之年"),
    ),
    HeadingStyle(
        "arabic_paren",
        4,
        re.compile(r"[（(](?P<number>\d{1,2})[）)]"),
        examples=("（1）明确责任", "(2)落实措施"),
        keeps=("（2021）", "（100万元）"),
    ),
    HeadingStyle(
        "circled",
        5,
        re.compile(r"(?P<number>[①-⑳])"),
        examples=("①建立台账", "②定期检查"),
        keeps=("一①",),
    ),
)

# A paragraph that is an elision marker or ends with one: the source left text out.
ELISION = re.compile(r"[（(](?:略|此处略|内容略|以下略|下略|文略|正文略|全文略|具体内容略)[）)]|……略")

# The opening address on its own line, e.g. 同志们： or 尊敬的各位来宾、女士们、先生们：
# Also any short line that ends with a colon and names its listeners: 各位同学、各位老师、家长朋友们：
OPENING_ADDRESS = re.compile(
    r"(?:同志们|各位代表|各位委员|各位领导|同志们、朋友们|女士们、先生们|尊敬的[^。！？\n]{1,60})[：:！!，,]"
    r"|(?=[^\n]*(?:们|們|各位|尊敬|亲爱|親愛|来宾|來賓|代表|同志|朋友|老师|老師|同学|同學|先生|女士|领导|領導|市民|乡亲|鄉親|同胞))"
    r"[^。？！\n]{2,60}[：:]"
    # a greeting that ends the address: 各位村里长、各位乡亲，大家早安！
    r"|(?=[^\n]*(?:各位|们|們))[^。？！\n]{2,80}[，,]\s*(?:大家|各位)?(?:早安|早上好|上午好|中午好|下午好|晚上好|好)[！!]"
)

# An opening address with the first sentence on its line: 同志们：今天，我们召开…
ADDRESS_THEN_TEXT = re.compile(
    rf"(?:同志们|同志們|各位[{HAN}]{{0,8}}|女士们、先生们|尊敬的[^。！？\n]{{1,60}}?|亲爱的[^。！？\n]{{1,30}}?|親愛的[^。！？\n]{{1,30}}?)[：:]\S"
)

# A paragraph that starts the closing part once the numbered body is over.
CLOSING_START = re.compile(r"(?:同志们|各位代表|各位委员|同志们、朋友们|女士们、先生们)[，,！!]")
THANKS = re.compile(r"(?:谢谢大家|谢谢各位|谢谢)[！!。]?")

# Head lines: metadata that sits between the title and the speech.
DATE_LINE = re.compile(
    r"[（(]?\s*(?P<year>\d{4}|[〇零一二三四五六七八九]{4})\s*年\s*(?P<month>\d{1,2}|[一二三四五六七八九十]{1,2})\s*月"
    r"\s*(?P<day>\d{1,2}|[一二三四五六七八九十]{1,3})\s*日\s*[）)]?"
)
SUBTITLE = re.compile(r"(?:[—－―]{1,2}|--|──)\s*(?P<body>.+)")
OCCASION = re.compile(
    rf"(?:(?P<speaker>[{HAN}]{{2,4}})(?:同志)?)?在(?P<occasion>[^。！？]+?)上(?:的(?:讲话|致辞|报告|发言|总结讲话|主持词|讲话提纲))?\s*$"
)
# Words that make a short line a title, not a person's name.
TITLE_WORDS = re.compile(r"讲话|会议|报告|致辞|发言|工作|大会|意见|决定|通知|讲稿|范文|精选|稿|篇")


def chinese_number(text: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十 -> 20, 二〇二〇 -> 2020, ③ -> 3; None when it is not a numeral."""
    if text.isascii() and text.isdigit():
        return int(text)
    if len(text) == 1 and "①" <= text <= "⑳":
        return ord(text) - ord("①") + 1
    if "十" not in text and "百" not in text:  # digit by digit, as in years
        value = 0
        for char in text:
            if char not in _DIGIT_VALUE:
                return None
            value = value * 10 + _DIGIT_VALUE[char]
        return value if text else None
    value, current = 0, 0
    for char in text:
        if char in _DIGIT_VALUE:
            current = _DIGIT_VALUE[char]
        elif char in _UNIT_VALUE:
            value += (current or 1) * _UNIT_VALUE[char]
            current = 0
        else:
            return None
    return value + current


_DIGIT_VALUE = {char: index for index, char in enumerate("〇一二三四五六七八九")} | {"零": 0}
_UNIT_VALUE = {"十": 10, "百": 100}

# A line that starts the next speech of a page holding several: 篇一, 【篇二】, 第三篇.
SPEECH_MARKER = re.compile(rf"[【\[]?(?:篇(?P<a>{_CN_NUMERAL})|第(?P<b>{_CN_NUMERAL})篇)[】\]]?[：:、\s]*(?P<rest>.*)")

_NUMERIC_DATE = r"\d{4}\s*年\s*\d{1,2}\s*月\s*\d{1,2}\s*日"
# A title glued to its date and speaker on one line: …的讲话（2020年2月3日）某某.
GLUED_TITLE = re.compile(rf"(?P<title>.+?)[（(]\s*(?P<date>{_NUMERIC_DATE})\s*[）)]\s*(?P<name>[{HAN}]{{2,4}})?")
# A bracketed or dashed line that carries a date: （2023年1月15日…会议通过）, ——2021年3月5日在…上.
DATED_NOTE = re.compile(r"(?:[（(].*[）)]|(?:[—－―]{1,2}|--|──).+)")
# A line that names a speech: 在…上的讲话, or ending with 讲话, 致辞, 报告….
SPEECH_TITLE_LINE = re.compile(rf".{{2,60}}(?:{SPEECH_WORDS})[）)]?")
# The header of a table of contents: not a title.
TABLE_OF_CONTENTS = re.compile(r"目[\s　]*[录錄]|目[\s　]*次")
# A signature and its date on one line: 中华人民共和国主席某某　2020年5月17日.
SIGNED_LINE = re.compile(rf"(?:{OFFICE})?\s*(?P<name>[{HAN}]{{2,3}})[\s　]+(?P<date>{_NUMERIC_DATE})")


@dataclass(frozen=True, slots=True)
class LinePattern:
    """A named pattern the structure reads, with lines it must take and lines it must leave.

    ``how`` is the way the stage applies it: "fullmatch" a whole line, "match" a line's
    start, or "search" anywhere in it.
    """

    name: str
    pattern: re.Pattern[str]
    how: str
    examples: tuple[str, ...]
    keeps: tuple[str, ...]

    def takes(self, line: str) -> bool:
        return getattr(self.pattern, self.how)(line) is not None


# Every pattern above, as the table a test walks.
LINE_PATTERNS: tuple[LinePattern, ...] = (
    LinePattern("elision", ELISION, "search", ("（略）", "二、关于改革（此处略）", "……略"), ("要简略一些。", "（一）略有起色")),
    LinePattern(
        "opening_address",
        OPENING_ADDRESS,
        "fullmatch",
        ("同志们：", "尊敬的各位来宾、女士们、先生们：", "各位同学、各位老师、家长朋友们：", "各位村里长、各位乡亲，大家早安！"),
        ("同志们：今天召开会议。", "会议议程：", "一、提高认识："),
    ),
    LinePattern(
        "address_then_text",
        ADDRESS_THEN_TEXT,
        "match",
        ("同志们：今天，我们召开会议。", "各位代表：现在开会。", "尊敬的王校长：您好。"),
        ("同志们：", "今天召开会议：研究工作。"),
    ),
    LinePattern("closing_start", CLOSING_START, "match", ("同志们，让我们携起手来！", "女士们、先生们！"), ("同志们：", "各位领导好")),
    LinePattern("thanks", THANKS, "fullmatch", ("谢谢大家！", "谢谢各位。", "谢谢"), ("谢谢大家的支持，我们要继续努力。",)),
    LinePattern(
        "date_line",
        DATE_LINE,
        "fullmatch",
        ("（2021年3月5日）", "2020年11月13日", "（二〇二一年三月五日）"),
        ("2021年3月", "（2021年3月5日在全县大会上）"),
    ),
    LinePattern("subtitle", SUBTITLE, "fullmatch", ("——在全县工作会议上的讲话", "--在开学典礼上的致辞"), ("在全县工作会议上的讲话", "—")),
    LinePattern(
        "occasion",
        OCCASION,
        "fullmatch",
        ("在全县经济工作会议上的讲话", "王某某在开学典礼上的致辞", "在全市干部大会上"),
        ("在会上大家都发了言。", "全县经济工作会议"),
    ),
    LinePattern("title_words", TITLE_WORDS, "search", ("在全县大会上的讲话", "工作报告", "讲稿范文"), ("张三丰", "王某某")),
    LinePattern(
        "speech_marker", SPEECH_MARKER, "fullmatch", ("篇一", "【篇二】在全县大会上的讲话", "第三篇：致辞"), ("一篇文章", "第三章")
    ),
    LinePattern(
        "glued_title",
        GLUED_TITLE,
        "fullmatch",
        ("在全县大会上的讲话（2020年2月3日）王某", "在全县大会上的讲话（2020年2月3日）"),
        ("在全县大会上的讲话", "（2020年2月3日）王某同志说"),
    ),
    LinePattern(
        "dated_note",
        DATED_NOTE,
        "fullmatch",
        ("（2023年1月15日县人民代表大会通过）", "——2021年3月5日在全县大会上"),
        ("2021年3月5日在全县大会上", "今天开会（上午）要早到"),
    ),
    LinePattern(
        "speech_title_line",
        SPEECH_TITLE_LINE,
        "fullmatch",
        ("在全县经济工作会议上的讲话", "县长新年致辞"),
        ("讲话", "同志们要认真学习领会会议精神。"),
    ),
    LinePattern("table_of_contents", TABLE_OF_CONTENTS, "fullmatch", ("目录", "目 录", "目次"), ("目录学", "录音")),
    LinePattern(
        "signed_line",
        SIGNED_LINE,
        "fullmatch",
        ("中华人民共和国主席某某某\u30002020年5月17日", "王某某 2021年3月5日"),
        ("2021年3月5日", "全县工作会议 2021年3月5日召开"),
    ),
)
