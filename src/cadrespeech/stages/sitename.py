"""The hosting site's own name, read from the page, and the watermarks made of it.

Template sites glue their name into the text they copy (…笔杆子范文网首发，禁止复制,
本文地址:http://…, 来源：某某网). No list of site names can keep up with them, but the
page itself says its name: in its 版权所有 or Copyright line, its breadcrumb root, the
suffix of its ``<title>``, ``og:site_name``, or the host of its 本文地址 line. The
names found here make one more cleaning rule for that page (``site_watermark``).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .edits import Change
from .textclass import HAN, URL

# A name that reads as a website's (…网, …文库, …之家), as opposed to an organisation's:
# only these are removed where they stand bare inside a sentence.
SITE_WATERMARK = "site_watermark"
SITE_SUFFIX = r"(?:网|網|站|网站|網站|文库|文庫|之家|在线|在線|论坛|論壇|频道|頻道|平台|平臺)"
_NAME = rf"[{HAN}A-Za-z0-9]{{2,16}}"
_HOST = r"(?:https?://)?(?:www\.)?[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+(?:/[^\s，。）)]*)?"


@dataclass(frozen=True, slots=True)
class NameSign:
    """Where a page states its own name; group ``name`` holds it."""

    name: str
    pattern: re.Pattern[str]
    examples: tuple[tuple[str, str], ...]  # (page text, name)
    keeps: tuple[str, ...]
    # Lower-case literals one of which every match contains: a page with none of them is
    # not scanned. Nine pages in ten have no copyright line, and the scan for a name
    # before 版权所有 tries every Chinese character of the page. Empty: always scanned.
    needs: tuple[str, ...] = ()


NAME_SIGNS: tuple[NameSign, ...] = (
    NameSign(
        "copyright_line",
        re.compile(rf"(?:Copyright|©|\(c\)|版权所有|版權所有)[\s©:：\d\-–—]*(?P<name>{_NAME}?{SITE_SUFFIX})"
                   rf"|(?P<name2>{_NAME}?{SITE_SUFFIX})\s*(?:[（(][^（）()\n]{{1,60}}[）)])?\s*(?:版权所有|版權所有)", re.I),
        examples=(
            ("Copyright © 2009-2024 笔墨文稿网 All Rights Reserved", "笔墨文稿网"),
            ("青简范文网 版权所有", "青简范文网"),
            ("某某文稿网（www.wengao.example.com）版权所有", "某某文稿网"),
        ),
        keeps=("要加强版权保护工作。",),
        needs=("copyright", "©", "(c)", "版权所有", "版權所有"),
    ),
    NameSign(
        "title_suffix",
        re.compile(rf"<title>[^<]{{2,120}}?[_|｜\-—–·]\s*(?P<name>{_NAME}?{SITE_SUFFIX})\s*</title>", re.I),
        examples=(("<title>在全县大会上的讲话_领导讲话_知远文稿网</title>", "知远文稿网"),),
        keeps=("<title>在全县大会上的讲话</title>",),
    ),
    NameSign(
        "site_name_meta",
        re.compile(r"""<meta[^>]+(?:og:site_name|SiteName|application-name)["'][^>]*content=["']\s*(?P<name>[^"'<>]{2,30})""", re.I),
        examples=(('<meta property="og:site_name" content="雁岭新闻网">', "雁岭新闻网"),),
        keeps=('<meta name="keywords" content="讲话">',),
    ),
    NameSign(
        "breadcrumb_root",
        # From the page's start, a line's or 位置： (当前位置, 您的位置). Nothing before 位置 is
        # matched: the name is what follows it, and a class before it was tried at every character.
        re.compile(rf"(?:^|\n|位置\s*[：:])\s*(?P<name>{_NAME}?{SITE_SUFFIX})\s*(?:>|＞|»|→)"),
        examples=(("当前位置：案头文稿网 > 讲话 > 正文", "案头文稿网"), ("某某文稿网 > 工作报告 > 正文", "某某文稿网")),
        keeps=("当前位置：首页 > 讲话",),
    ),
    NameSign(
        "masthead",
        re.compile(rf"^\s*(?P<name>{_NAME}?{SITE_SUFFIX})(?:[ \u3000]+\S|\s*\n)"),
        examples=(("某某机关党建网 2021年度民主生活会对照检查材料", "某某机关党建网"), ("某某机关党建网\n首页 > 正文", "某某机关党建网")),
        keeps=("在全县大会上的讲话",),
    ),
    NameSign(
        "address_host",
        re.compile(r"(?:本文地址|本文链接|本文网址|本文網址|原文地址|原文链接)\s*[：:]\s*(?P<name>(?:https?://)?[A-Za-z0-9.-]+\.[A-Za-z]{2,})"),
        examples=(("本文地址：http://www.wengao.example/a/1.html", "http://www.wengao.example"),),
        keeps=("地址：县府路1号",),
    ),
)

# What a site glues after its name: 首发，禁止复制 / 独家原创 / 整理.
_SLOGAN = (
    r"(?:[，,、\s]*(?:首发|首發|独家|獨家|原创|原創|整理|提供|发布|發布|禁止复制|禁止複製|禁止转载|禁止轉載"
    r"|版权所有|版權所有|转载请注明出处|轉載請註明出處|仅供参考|僅供參考))+"
)


def infer_site_names(raw: str, site_name: str | None = None) -> tuple[str, ...]:
    """The names a page gives its own site, longest first, addresses last.

    >>> infer_site_names("<title>讲话_某某文稿网</title>…某某文稿网 版权所有")
    ('某某文稿网',)
    """
    found = {site_name.strip()} if site_name and 2 <= len(site_name.strip()) <= 30 else set()
    head_and_tail = raw[:20_000] + raw[-20_000:] if len(raw) > 40_000 else raw
    lowered = head_and_tail.lower()
    for sign in NAME_SIGNS:
        if sign.needs and not any(literal in lowered for literal in sign.needs):
            continue
        for match in sign.pattern.finditer(head_and_tail):
            name = next((g for g in match.groups() if g), None)
            if name:
                found.add(name.strip())
    return tuple(sorted(found, key=lambda n: ("." in n, -len(n), n)))


def site_watermark_finder(names: tuple[str, ...]):
    """A finder for one page's own watermarks: its name with a slogan, its address lines,
    a 来源 note naming it, and, for names that read as a website's, the bare name."""
    words = [re.escape(n) for n in names if "." not in n and len(n) >= 3]
    pieces = []
    if words:
        alternation = "|".join(words)
        pieces += [
            rf"[（(]?(?:来源|來源|出处|出處)\s*[：:]\s*(?:{alternation})[）)]?",
            rf"(?:本文由)?(?:{alternation})(?:\s*[（(]?{_HOST}[）)]?)?{_SLOGAN}[。.！!]?",
        ]
        site_like = [re.escape(n) for n in names if "." not in n and re.search(rf"{SITE_SUFFIX}$", n)]
        if site_like:
            # The bare name, but not where the page speaks as itself: 某某网北京3月5日消息, 据某某网报道.
            pieces.append(
                rf"[_|｜-]?(?<!据)(?:{'|'.join(site_like)})(?:\s*[（(]?{_HOST}[）)]?)?"
                rf"(?![{HAN}]{{0,6}}\d{{1,2}}月\d{{1,2}}日|报道|報道|讯|訊|消息|记者|記者)"
            )
    address = r"[（(]?(?:本文地址|本文链接|本文网址|本文網址|原文地址|原文链接)\s*[：:]\s*" + f"(?:{URL.pattern})" + r"[）)]?"
    pieces.append(address)
    regex = re.compile("|".join(f"(?:{p})" for p in pieces))

    def find(text: str) -> Iterator[Change]:
        for match in regex.finditer(text):
            if match.end() > match.start():
                yield Change(SITE_WATERMARK, match.start(), match.end(), "")

    return find
