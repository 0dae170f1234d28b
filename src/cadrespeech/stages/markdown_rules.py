"""Markdown markup as cleaning rules: a table in the format of ``clean_rules.RULES``.

A markdown page (a Hugo or Jekyll post, a converted dump) carries its markup in the
text itself: front matter, shortcodes, image and link syntax, emphasis markers, raw
HTML for photos. Each of these is removed by a named row here, so that every change
lands in the same edit ledger as the text rules' and can be switched off by name.
``clean.clean_text`` runs this table before the text rules when a page is markdown.

Chinese body text that merely uses ``*``, ``>`` or ``[1]`` is not markup: every row
carries such counter-examples, walked by ``tests/test_markdown_rules.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from .clean_rules import CleanRule
from .clean_rules import _replace as replace_pattern  # the text table's regex finder, shared so both tables build rows alike
from .edits import Change, span
from .html_rules import BLOCK_TAGS
from .ingest import front_matter
from .textclass import HAN_CHAR, URL


def _front_matter(text: str) -> Iterator[Change]:
    block = front_matter(text)
    if block is not None:
        yield span(0, block.end(), "")


# Inside a shortcode no other one opens or closes, so paired shortcodes keep their text.
_SHORTCODE_INSIDE = r"(?:[^{}]|\{(?!\{)|\}(?!\})){0,1000}?"
_SHORTCODE = rf"\{{\{{<{_SHORTCODE_INSIDE}>\}}\}}|\{{\{{%{_SHORTCODE_INSIDE}%\}}\}}"
# A link or image target: a URL or path, with at most one level of parentheses
# (wiki addresses such as .../X_(Y)) and an optional quoted title.
_TARGET = r"<?(?P<url>(?:[^()\s<>]|\([^()\s<>]*\))+)>?(?:[ \t]+(?:\"[^\"\n]*\"|'[^'\n]*'))?"
_FIGURE = r"<figure\b[^>]*>[\s\S]{0,5000}?</figure\s*>"
# Alt and link texts are bounded so that a long line of unmatched brackets costs little.
_IMAGE = re.compile(rf"!\[[^\]\n]{{0,500}}\]\({_TARGET}\)")
# The link text may hold one level of brackets: [网志【潮池】], [[1]].
_LINK = re.compile(rf"\[(?P<text>(?:[^\[\]\n]|\[[^\[\]\n]*\]){{0,500}})\]\({_TARGET}\)")
# What tells a link target from a bracketed aside such as 第[3](1)项: a URL or path has one of these.
_TARGET_SIGNS = "/.#:"
_TAG = re.compile(
    r"<!--[\s\S]{0,20000}?-->"
    r"|<(?P<code>script|style)\b[^>]*>[\s\S]{0,20000}?</(?P=code)\s*>"  # code, not text: dropped with its content
    r"|</?(?P<tag>[A-Za-z][A-Za-z0-9-]*)(?:\s[^<>]*)?/?>",
    re.I,
)
# ``**`` may sit inside a word (Chinese has no spaces); ``__`` may not, so that the blanks
# of a form (____年__月__日) stay. A run of three is bold italic.
# A single ``*`` counts only around a whole line (an italic note: *本文据录音整理*), so that
# 5*3 and a form's 带*号 stay.
_EMPHASIS = re.compile(
    r"(?<![*])(?P<stars>\*{2,3})(?=[^\s*])[^\n]*?[^\s*](?P=stars)(?![*])"
    r"|(?<![\w*_])(?P<lines>_{2,3})(?=[^\s_])[^\n]*?[^\s_](?P=lines)(?![\w_])"
    r"|(?m:^(?P<italic>\*)(?=[^\s*])[^\n*]*[^\s*]\*$)"
)
_ATX_OPEN = re.compile(r"[ \t]{0,3}#{1,6}(?:[ \t]+|$)")
_ATX_CLOSE = re.compile(r"[ \t]+#+[ \t]*$")
_SETEXT = re.compile(r"[ \t]{0,3}=+[ \t]*")


def _links(text: str) -> Iterator[Change]:
    """``[text](url)`` keeps its text; a line that is only a link with no Chinese text goes."""
    for match in _LINK.finditer(text):
        if not any(sign in match.group("url") for sign in _TARGET_SIGNS):
            continue
        line_start = text.rfind("\n", 0, match.start()) + 1
        line_end = text.find("\n", match.end())
        line_end = len(text) if line_end < 0 else line_end
        alone = not text[line_start : match.start()].strip() and not text[match.end() : line_end].strip()
        label = match.group("text")
        if (alone and not HAN_CHAR.search(label)) or not label:
            yield span(line_start if alone else match.start(), line_end if alone else match.end(), "")
        else:
            # Two cuts, so the text between them is untouched for the rules that follow.
            yield span(match.start(), match.start() + 1, "")
            yield span(match.start("text") + len(label), match.end(), "")


def _html_tags(text: str) -> Iterator[Change]:
    """Raw HTML tags go and their text stays; a block tag leaves a line break."""
    for match in _TAG.finditer(text):
        tag = (match.group("tag") or "").lower()
        yield span(match.start(), match.end(), "\n" if tag in BLOCK_TAGS else "")


def _emphasis(text: str) -> Iterator[Change]:
    """The markers of ``**strong**`` and ``__strong__`` go; an address keeps its underscores."""
    urls: list[tuple[int, int]] | None = None
    for match in _EMPHASIS.finditer(text):
        if urls is None:  # found once there is something to protect: the address pattern is costly
            urls = [(m.start(), m.end()) for m in URL.finditer(text)]
        if any(start < match.end() and match.start() < end for start, end in urls):
            continue
        width = len(match.group("stars") or match.group("lines") or match.group("italic"))
        yield span(match.start(), match.start() + width, "")
        yield span(match.end() - width, match.end(), "")


def _headings(text: str) -> Iterator[Change]:
    """ATX marks (``## 标题 ##``) and setext underlines (``===`` under a line)."""
    start = 0
    previous = ""
    for line in text.split("\n"):
        opening = _ATX_OPEN.match(line)
        if opening:
            closing = _ATX_CLOSE.search(line, opening.end())
            yield span(start, start + opening.end(), "")
            if closing:
                yield span(start + closing.start(), start + len(line), "")
        elif previous.strip() and _SETEXT.fullmatch(line):
            yield span(start, start + len(line), "")
        previous = line
        start += len(line) + 1


# --- the table --------------------------------------------------------------------------

MARKDOWN_RULES: tuple[CleanRule, ...] = (
    CleanRule(
        "md_front_matter",
        "The YAML front matter at the very start of a page: metadata for the site generator, read by pagemeta, not text.",
        _front_matter,
        examples=(
            ("---\ntitle: 在全縣大會上的講話\ndate: 2021-03-05\n---\n同志們：", "同志們："),
            ("---\n---\n正文", "正文"),
        ),
        keeps=("---\n正文第一段。\n---\n正文第二段。", "同志们：\n---\ntitle: 讲话\n---\n", "---\n一、提高认识：\n---\n要抓落实。"),
    ),
    CleanRule(
        "md_shortcode",
        "Hugo shortcodes ({{< … >}}, {{% … %}}): embedded videos, figures and references, whole lines or inline.",
        replace_pattern(rf"^[ \t]*(?:{_SHORTCODE})[ \t]*$|{_SHORTCODE}", flags=re.M),
        examples=(
            ('{{< video src="https://example.org/v.mp4" >}}\n正文', "\n正文"),
            ('见{{< ref "speech.md" >}}一文', "见一文"),
            ("{{% notice %}}注意安全{{% /notice %}}", "注意安全"),
        ),
        keeps=("{{讲话}}", "模板里写{{ .Title }}即可", "{{<未闭合的"),
        needs=("{{<", "{{%"),
    ),
    CleanRule(
        "md_html_figure",
        "A <figure> block with its <img> and <figcaption>: a photo and its caption, dropped whole.",
        replace_pattern(rf"^[ \t]*{_FIGURE}[ \t]*$|{_FIGURE}", flags=re.M | re.I),
        examples=(
            ('<figure>\n<img src="a.jpg" alt="">\n<figcaption>县长在会上讲话</figcaption>\n</figure>\n正文', "\n正文"),
            ('第一段。<figure><img src="b.jpg"></figure>第二段。', "第一段。第二段。"),
        ),
        keeps=("图为县长在会上讲话。", "要把figure这个词讲清楚", "<figure>没有结束"),
        # The regex ignores case, so the one character every <figure, <FIGURE… holds.
        needs=("<",),
    ),
    CleanRule(
        "md_html_tag",
        "Other raw HTML in markdown: tags and comments go, their text stays; a block tag (<br>, </p>) leaves a line break.",
        _html_tags,
        examples=(
            ("要<strong>坚持</strong>发展", "要坚持发展"),
            ("第一段<br>第二段", "第一段\n第二段"),
            ("<!--more-->\n正文", "\n正文"),
            ('<iframe src="https://example.org/v"></iframe>', ""),
        ),
        keeps=("当x<y时，结果为真。", "《讲话》", "<讲话>", "<https://example.org>"),
    ),
    CleanRule(
        "md_image",
        "Image syntax ![alt](url): a photo, not text; its alt text goes with it.",
        replace_pattern(_IMAGE.pattern),
        examples=(
            ("![县长讲话](https://example.org/a.jpg)\n正文", "\n正文"),
            ('会议现场![](/img/b.png "现场")', "会议现场"),
        ),
        keeps=("大家好![1]", "！[图]（见附件）"),
    ),
    CleanRule(
        "md_link",
        "Link syntax [text](url) keeps its text; a line that is only a link with no Chinese text (a bare address, a foreign title) goes.",
        _links,
        examples=(
            ("据[新华社报道](https://example.org/a)，会议召开。", "据新华社报道，会议召开。"),
            ("[特首选举系列文章](https://example.org/event/16)", "特首选举系列文章"),
            ("[https://example.org/x](https://example.org/x)\n正文", "\n正文"),
            (" [Speech video (2019)](https://example.org/v) \n正文", "\n正文"),
            ("见[维基](https://zh.wikipedia.org/wiki/X_(Y))。", "见维基。"),
        ),
        keeps=("见第[1]条。", "条例第[3](1)项", "[注](一)", "要坚持**[1]**。"),
    ),
    CleanRule(
        "md_blockquote",
        "Blockquote markers (> ) at a line start; the quoted text stays.",
        replace_pattern(r"^[ \t]{0,3}>(?:[ \t]*>)*(?:[ \t]+|$)", flags=re.M),
        examples=(("> 要坚持人民至上。", "要坚持人民至上。"), ("> > 引文", "引文"), ("第一段\n>\n第二段", "第一段\n\n第二段")),
        keeps=("收入>5万元的家庭", ">50岁的干部占三成", "首页 > 正文"),
    ),
    CleanRule(
        "md_heading",
        "Markdown heading marks on markdown pages: ## 标题 ##, and === under a setext heading "
        "(clean_rules' markdown_marker strips leading marks on plain-text dumps).",
        _headings,
        examples=(
            ("## 做人民满意的公务员", "做人民满意的公务员"),
            ("# 标题 #", "标题"),
            ("讲话稿\n===", "讲话稿\n"),
            ("#\n正文", "\n正文"),
        ),
        keeps=("#1 号文件", "#话题#讨论", "学习C#语言", "===\n正文"),
    ),
    CleanRule(
        "md_emphasis",
        "The ** and __ markers around strong text, and the * around a line set in italics; the text stays.",
        _emphasis,
        examples=(
            ("要**坚持**人民至上", "要坚持人民至上"),
            ("__重要__：要落实", "重要：要落实"),
            ("做到“__三个必须__”", "做到“三个必须”"),
            ("***三个必须***", "三个必须"),
            ("**【编者按：本文有删节】**", "【编者按：本文有删节】"),
            ("*本文来源：某某网站，有删节。*", "本文来源：某某网站，有删节。"),
        ),
        keeps=("带*号的为必填项", "姓名：________", "____年__月__日", "__年__月__日", "见http://a.example/?__tn__=C-R", "5*3=15"),
        needs=("*", "_"),
    ),
    CleanRule(
        "md_rule",
        "Horizontal rules (---, ***, ___, * * *) on their own line; the front matter's fences are md_front_matter's.",
        replace_pattern(r"^[ \t]{0,3}(?:(?:-[ \t]*){3,}|(?:\*[ \t]*){3,}|(?:_[ \t]*){3,})$", flags=re.M),
        examples=(("第一段\n---\n第二段", "第一段\n\n第二段"), ("* * *", ""), (" _______________", "")),
        keeps=("——", "--", "---结束---", "姓名：________"),
    ),
    CleanRule(
        "md_hard_break",
        "A hard line break: two or more trailing spaces, or a trailing backslash, at a line end.",
        replace_pattern(r"(?<=\S) {2,}$|(?<!\\)\\$", flags=re.M),
        examples=(("第一行  \n第二行", "第一行\n第二行"), ("第一行\\\n第二行", "第一行\n第二行")),
        keeps=("讲话 \n", "路径a\\b", "   \n"),
        needs=("  ", "\\"),
    ),
)

MARKDOWN_RULE_NAMES: tuple[str, ...] = tuple(rule.name for rule in MARKDOWN_RULES)
