"""Feed random and mutated pages through the per-page pipeline; report every exception that is not a PageError.

    python scripts/fuzz_pages.py --minutes 10 --seed 1
    python scripts/fuzz_pages.py --seconds 30 --seed 2 --extra /tmp/perfcorpus --out /tmp/crashes
    python scripts/fuzz_pages.py --replay /tmp/crashes/crash-01-TypeError.bin   # rerun and shrink one input

A build turns a bad page into a ``PageError`` in its report and goes on; any other
exception out of ``process_page`` or the rows step aborts the build (or kills a
worker), so each one is a bug. The pages are the fixture pages and the shared seed,
unmutated first, then mutated by bytes, by text (unicode, HTML, markdown, speech
cues), re-encoded, spliced, under random file names; and some purely random pages.
A run is reproducible from ``--seed`` (given the same seed files), up to where the
time budget cuts it.

Reported besides the crashes: page errors that wrap an internal exception (the
pipeline's catch-all turns a bug into a ``PageError``, so the build survives but the
page is lost), pages slower than ``--slow`` seconds, and pages stuck past ``--hang``
seconds (interrupted by SIGALRM on POSIX). One reproducing input per distinct
exception (type and innermost frame) is saved in the out folder, with a JSON sidecar
holding its source name and traceback. Exit status 1 when any crash or hang
happened, else 0: a hang stalls a build worker as surely as a crash stops it.
"""

from __future__ import annotations

import argparse
import codecs
import encodings.aliases
import faulthandler
import json
import random
import re
import signal
import sys
import tarfile
import tempfile
import threading
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

from cadrespeech.build.rows import page_rows, page_signatures, page_tables, page_tally
from cadrespeech.errors import PageError
from cadrespeech.records import RawPage
from cadrespeech.stages.clean import CleanConfig
from cadrespeech.stages.ingest import sha256_hex
from cadrespeech.stages.pipeline import process_page
from cadrespeech.stages.tokens import Segmenter

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures"
SHARED_SEEDS = ROOT.parent / "shared" / "seeds"

# Mutated pages stay under this size: larger pages cost throughput and find nothing a
# 256 KB page does not (the 20 MB ingest limit is tested in test_hostile).
MAX_FUZZ_BYTES = 256 * 1024
# An --extra archive can hold ten thousand pages; a sample keeps memory and start-up small.
EXTRA_SAMPLE = 400
EXTRA_MAX_BYTES = 2 * 1024 * 1024
SAVED_SLOW_PAGES = 10  # slow pages are saved up to this many, not one per distinct cause
PROGRESS_SECONDS = 15.0


# ---------------------------------------------------------------- seeds


@dataclass(frozen=True, slots=True)
class Seed:
    name: str  # used as the page's source, so the suffix hint stays with the bytes
    data: bytes


def load_seeds(extra: Path | None, rng: random.Random) -> list[Seed]:
    """The fixture pages (not their annotation JSON), the shared seed page, and a sample of ``extra``."""
    seeds = list(_folder_seeds(FIXTURES))
    if SHARED_SEEDS.is_dir():
        seeds += _folder_seeds(SHARED_SEEDS)
    if extra is not None:
        seeds += _extra_seeds(extra, rng)
    if not seeds:
        raise SystemExit(f"no seed pages found under {FIXTURES} or {SHARED_SEEDS}")
    return seeds


def _folder_seeds(folder: Path) -> Iterator[Seed]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.suffix.lower() != ".json" and path.stat().st_size <= EXTRA_MAX_BYTES:
            yield Seed(path.relative_to(folder).as_posix(), path.read_bytes())


def _extra_seeds(extra: Path, rng: random.Random) -> list[Seed]:
    """Pages from a folder, reading any ``.tar.gz`` / ``.tgz`` in it in memory, never unpacked to disk."""
    if not extra.is_dir():
        raise SystemExit(f"--extra is not a folder: {extra}")
    found: list[Seed] = []
    for path in sorted(extra.rglob("*")):
        if path.name.endswith((".tar.gz", ".tgz")):
            found += _archive_seeds(path, rng)
        elif path.is_file() and path.suffix.lower() not in (".json", ".tsv") and path.stat().st_size <= EXTRA_MAX_BYTES:
            found.append(Seed(path.relative_to(extra).as_posix(), path.read_bytes()))
    return _sample(found, EXTRA_SAMPLE, rng)


def _archive_seeds(archive: Path, rng: random.Random) -> list[Seed]:
    # Reservoir sampling: one pass over a 10,000-page archive, at most EXTRA_SAMPLE held.
    sample: list[Seed] = []
    with tarfile.open(archive, "r:*") as tar:
        for seen, member in enumerate(m for m in tar if m.isfile() and m.size <= EXTRA_MAX_BYTES):
            slot = seen if seen < EXTRA_SAMPLE else rng.randrange(seen + 1)
            if slot >= EXTRA_SAMPLE:
                continue
            handle = tar.extractfile(member)
            seed = Seed(member.name, handle.read() if handle else b"")
            if slot == len(sample):
                sample.append(seed)
            else:
                sample[slot] = seed
    return sample


def _sample(seeds: list[Seed], size: int, rng: random.Random) -> list[Seed]:
    return seeds if len(seeds) <= size else rng.sample(seeds, size)


# ---------------------------------------------------------------- fragments to insert

C0 = [chr(code) for code in range(0x20)]
C1 = [chr(code) for code in range(0x80, 0xA0)]
BIDI = [chr(code) for code in (*range(0x202A, 0x202F), *range(0x2066, 0x206A), 0x200E, 0x200F, 0x061C)]
INVISIBLE = ["\u200b", "\u200c", "\u200d", "\u2060", "\ufeff", "\u00ad", "\u180e", "\u3164", "\u115f", "\u00a0", "\u3000"]
# What str.splitlines() breaks on beside \n and \r: a classic source of offset drift.
LINE_BREAKS = ["\u2028", "\u2029", "\u0085", "\x0b", "\x0c", "\x1c", "\x1d", "\x1e", "\r", "\r\n"]
ASTRAL = ["\U0001f600", "\U00020000", "\U0002a6d6", "\U0001d400", "\U000e0001", "\U000e0041", "\U0010fffd", "\U0001f1e8\U0001f1f3"]
# Characters whose case mapping or NFKC form has another length, and numbering look-alikes.
SHAPESHIFTERS = ["İ", "ß", "ﬁ", "ﷺ", "㍿", "Ⅻ", "㈠", "⑴", "⒈", "①", "⓪", "〇", "廿", "\u0301", "\u20dd", "\u3099", "\ufffd", "\uffff"]
FULLWIDTH = "，。、；：？！“”‘’（）【】《》〈〉「」『』〔〕…—～·　０１２３４５６７８９ＡＢＣ％＃＆＊＋－／＜＝＞＠［］＾＿｛｜｝"
CJK_RANGES = ((0x4E00, 0x9FFF), (0x3400, 0x4DBF), (0xF900, 0xFAFF), (0x2E80, 0x2EF3), (0x2F00, 0x2FD5), (0x3100, 0x312F))

HTML_FRAGMENTS = [
    "<p>",
    "</p>",
    '<div class="',
    "<a href='",
    "<!--",
    "-->",
    "<!-- 注释 -->",
    "<![CDATA[同志们]]>",
    "<script>var s = '</p>同志们：';</script>",
    "<script>",
    "<style>p{display:none}</style>",
    "<style>",
    "<title>在全县工作会议上的讲话_政府网</title>",
    "<title>",
    '<meta charset="big5">',
    '<meta http-equiv="Content-Type" content="text/html; charset=utf-16">',
    '<meta name="keywords" content="讲话,,, ,工作">',
    '<meta property="og:title" content="">',
    '<meta name="author" content="<b>">',
    '<meta name="PubDate" content="9999-99-99">',
    '<meta property="article:published_time" content="0000-00-00T00:00:00">',
    '<time datetime="2021-02-30">2021年2月30日</time>',
    '<script type="application/ld+json">{"datePublished": "2021-13-45", "author": [null, 1]}</script>',
    '<script type="application/ld+json">{"@graph": [{',
    '<link rel="canonical" href="http://x/2021/02/30/a.html">',
    "<table><tr><td>",
    "</td></tr></table>",
    "<br/>" * 30,
    "<h1>",
    "<h1>讲话</h1>",
    "<pre>  一、\n  二、</pre>",
    "<textarea>",
    "<noscript>",
    "<template><p>隐藏</p></template>",
    "<svg><foreignObject><p>同志们</p></foreignObject></svg>",
    '<?xml version="1.0" encoding="gbk"?>',
    "<!DOCTYPE html>",
    "<html><head></head><body>",
    "</body></html>",
    "</p></div></td></li></body>",
    '<p title="a>b">',
    "<p hidden>",
    '<div style="display:none">',
    "<sup>[1]</sup>",
    '<a href="#_ftn1" name="_ftnref1">[1]</a>',
    '<img alt="同志们：" src=x>',
    "<iframe src=x>",
    "<p\n",
    "<",
    ">",
    "&",
]
ENTITIES = [
    "&#xFFFFFFFF;",
    "&#0;",
    "&#x110000;",
    "&#xD800;",
    "&#99999999999999999999;",
    "&amp",
    "&nbsp",
    "&#;",
    "&#x;",
    "&#65",
    "&#x1F600;",
]
ENTITIES += ["&#12288;", "&#8203;", "&#x202E;", "&lt;script&gt;", "&unknown;", "&#x0d;", "&#133;", "&#x2028;", "&ensp;", "&;"]
NESTED_TAGS = ("div", "p", "span", "table", "li", "font", "b", "a")

FRONT_MATTERS = [
    "---\ntitle: 在全县工作会议上的讲话\ndate: 2021-03-01\n---\n",
    "---\ntitle: 123\ndate: 2021-02-30\n---\n",
    "---\ntitle: [unclosed\n---\n",
    "---\ntitle: null\nauthor: {a: 1}\ntags: 5\n---\n",
    "---\ntitle: ~\ntags: [[1, 2], {x: y}, null]\ncategories: true\n---\n",
    "---\ndate: 2021-03-01 10:00:00 +08:00\nlastmod: 99999-01-01\n---\n",
    "---\ndate: !!python/object/apply:os.system [echo]\n---\n",
    "---\na: &a [x, x, x]\nb: &b [*a, *a, *a]\nc: &c [*b, *b, *b]\ntitle: *c\n---\n",
    "---\n: \n---\n",
    "---\ntitle: '\n---\n",
    "---\nurl: 12\nkeywords: 讲话，工作\ndescription: [1]\n---\n",
    "---\r\ntitle: 讲话\r\n---\r\n",
    "---\n---\n",
    "+++\ntitle = '讲话'\n+++\n",
    "---\ntitle: 讲话\n",
]
MARKDOWN_FRAGMENTS = [
    "# ",
    "# 在全县工作会议上的讲话\n",
    "###### 六级\n",
    "####### 七级\n",
    "讲话\n===\n",
    "副标题\n---\n",
    "[县政府网](https://www.example.gov.cn/a.html)",
    "![图](a.png)",
    "[链接]( )",
    "[1]: http://x/\n",
    '{{< figure src="a.jpg" >}}',
    "{{% notice %}}",
    "{{<",
    "```\n一、代码\n",
    "```",
    "> 引用：同志们\n",
    "- 一、列表\n",
    "1. 第一\n",
    "|一、|二、|\n|-|-|\n",
    "[^1]",
    "[^1]: 注释内容\n",
    "<!-- more -->",
    "\\",
    "*",
    "**加粗",
]
SPEECH_FRAGMENTS = [
    "同志们：\n",
    "同志们、朋友们：",
    "一、",
    "（一）",
    "(一)",
    "1．",
    "1.",
    "第一，",
    "第一部分",
    "（2021年3月1日）",
    "2021年2月30日",
    "2021年13月",
    "二〇二一年三月一日",
    "——在全县工作会议上的讲话",
    "在全县工作会议上的讲话\n",
    "县委书记 张三\n",
    "张三",
    "〔1〕",
    "①",
    "注1：",
    "注释：\n",
    "[1]",
    "来源：",
    "来源：人民网\n",
    "责任编辑：",
    "版权所有",
    "打印本文 关闭窗口",
    "（根据录音整理）",
    "（有删节）",
    "……",
    "……\n",
    "谢谢大家！\n",
    "原标题：",
    "（此件公开发布）",
    "首页 > 新闻中心 > 正文\n",
    "发布时间：2021-03-01 10:00",
    "编者按：",
    "（略）",
    "【字体：大 中 小】",
]


# ---------------------------------------------------------------- text helpers

_BOM_CODECS = (
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)


def as_text(data: bytes) -> tuple[str, str]:
    """The page as text and an encoding to write it back in, for mutations that work on characters."""
    for bom, encoding in _BOM_CODECS:
        if data.startswith(bom):
            return data.decode(encoding, "replace"), encoding
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding), encoding
        except UnicodeDecodeError:
            continue
    return data.decode("utf-8", "replace"), "utf-8"


def on_text(change: Callable[[random.Random, str], str]) -> Callable[[random.Random, bytes, Sequence[bytes]], bytes]:
    """A byte mutator from a text mutator: decode, change, encode back (unencodable characters as '?')."""

    def mutate(rng: random.Random, data: bytes, pool: Sequence[bytes]) -> bytes:
        text, encoding = as_text(data)
        return change(rng, text).encode(encoding, "replace")

    mutate.__name__ = change.__name__
    return mutate


def cjk(rng: random.Random, count: int) -> str:
    ranges = [rng.choice(CJK_RANGES) for _ in range(count)]
    return "".join(chr(rng.randint(low, high)) for low, high in ranges)


def insert_at(rng: random.Random, text: str, piece: str) -> str:
    """Insert at a random index, a line start, the start or the end: structure lives at line starts."""
    where = rng.random()
    if where < 0.4 or not text:
        at = rng.randint(0, len(text))
    elif where < 0.8:
        starts = [0] + [m.end() for m in re.finditer("\n", text)]
        at = rng.choice(starts)
    else:
        at = 0 if where < 0.9 else len(text)
    return text[:at] + piece + text[at:]


def random_unicode(rng: random.Random) -> str:
    pools: list[Callable[[], str]] = [
        lambda: rng.choice(C0),
        lambda: rng.choice(C1),
        lambda: rng.choice(BIDI),
        lambda: rng.choice(INVISIBLE),
        lambda: rng.choice(LINE_BREAKS),
        lambda: rng.choice(ASTRAL),
        lambda: rng.choice(SHAPESHIFTERS),
        lambda: rng.choice(FULLWIDTH),
        lambda: cjk(rng, rng.randint(1, 20)),
        lambda: chr(rng.choice([rng.randint(0x80, 0xD7FF), rng.randint(0xE000, 0x10FFFF)])),  # any code point but surrogates
    ]
    return "".join(rng.choice(pools)() for _ in range(rng.randint(1, 6)))


def html_fragment(rng: random.Random) -> str:
    kind = rng.random()
    if kind < 0.15:
        tag = rng.choice(NESTED_TAGS)
        depth = rng.choice((10, 100, 1000, 5000))
        closing = f"</{tag}>" * depth if rng.random() < 0.5 else ""
        return f"<{tag}>" * depth + "同志们：今天召开会议。" + closing
    if kind < 0.35:
        return rng.choice(ENTITIES)
    return rng.choice(HTML_FRAGMENTS)


# ---------------------------------------------------------------- text mutations


def insert_unicode(rng: random.Random, text: str) -> str:
    return insert_at(rng, text, random_unicode(rng))


def insert_html(rng: random.Random, text: str) -> str:
    return insert_at(rng, text, "".join(html_fragment(rng) for _ in range(rng.randint(1, 4))))


def insert_markdown(rng: random.Random, text: str) -> str:
    if rng.random() < 0.3:  # front matter counts only where it opens the page
        return rng.choice(FRONT_MATTERS) + (text if rng.random() < 0.7 else "")
    return insert_at(rng, text, rng.choice(MARKDOWN_FRAGMENTS))


def insert_speech_cue(rng: random.Random, text: str) -> str:
    cue = rng.choice(SPEECH_FRAGMENTS)
    return insert_at(rng, text, cue * rng.choice((1, 1, 1, 2, 50)))


def mangle_newlines(rng: random.Random, text: str) -> str:
    return text.replace("\n", rng.choice(["\r\n", "\r", "\u2028", "\n\n\n", "", " ", "\n\r"]))


def mangle_spaces(rng: random.Random, text: str) -> str:
    return re.sub(r"[ \t]", lambda _: rng.choice(["\u3000", "\u00a0", "\t", "", "  "]), text)


def shuffle_lines(rng: random.Random, text: str) -> str:
    lines = text.split("\n")
    if len(lines) > 1:
        i, j = rng.randrange(len(lines)), rng.randrange(len(lines))
        lines[i], lines[j] = lines[j], lines[i]
        if rng.random() < 0.3:
            lines.insert(rng.randrange(len(lines)), lines[rng.randrange(len(lines))])
    return "\n".join(lines)


def strip_markup(rng: random.Random, text: str) -> str:
    """Drop every tag, or only closing tags: text that keeps entities and half the structure."""
    pattern = r"<[^>]*>" if rng.random() < 0.5 else r"</[^>]*>"
    return re.sub(pattern, "", text)


# ---------------------------------------------------------------- byte mutations

INTERESTING_BYTES = b"\x00\xff\x80\x7f\xc0\xe3\xef\xbb\xbf\xfe<>&;#\n\r\t \x1b\x08\xa1\xa3\x81"
ENCODINGS = (
    "gbk",
    "gb18030",
    "big5",
    "utf-16",
    "utf-16-le",
    "utf-16-be",
    "utf-32",
    "utf-8-sig",
    "shift_jis",
    "euc-kr",
    "cp1252",
    "latin-1",
)
BOMS = (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE, codecs.BOM_UTF32_LE, codecs.BOM_UTF32_BE)


def _span(rng: random.Random, data: bytes) -> tuple[int, int]:
    start = rng.randint(0, len(data))
    length = min(len(data) - start, int(rng.expovariate(1 / 64)) + 1)
    return start, start + length


def flip_bits(rng: random.Random, data: bytes, pool: Sequence[bytes]) -> bytes:
    if not data:
        return data
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        buffer[rng.randrange(len(buffer))] ^= 1 << rng.randrange(8)
    return bytes(buffer)


def overwrite_bytes(rng: random.Random, data: bytes, pool: Sequence[bytes]) -> bytes:
    if not data:
        return data
    buffer = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        buffer[rng.randrange(len(buffer))] = rng.choice(INTERESTING_BYTES) if rng.random() < 0.7 else rng.randrange(256)
    return bytes(buffer)


def insert_bytes(rng: random.Random, data: bytes, pool: Sequence[bytes]) -> bytes:
    at = rng.randint(0, len(data))
    piece = rng.randbytes(rng.randint(1, 16)) if rng.random() < 0.5 else bytes([rng.choice(INTERESTING_BYTES)])
    return data[:at] + piece + data[at:]


def delete_range(rng: random.Random, data: bytes, pool: Sequence[bytes]) -> bytes:
    start, end = _span(rng, data)
    return data[:start] + data[end:]


def duplicate_range(rng: random.Random, data: bytes, pool: Sequence[bytes]) -> bytes:
    start, end = _span(rng, data)
    at = rng.randint(0, len(data))
    return data[:at] + data[start:end] * rng.choice((1, 2, 10, 200)) + data[at:]


def truncate(rng: random.Random, data: bytes, pool: Sequence[bytes]) -> bytes:
    """Cut the head or the tail, often mid-character or mid-tag."""
    at = rng.randint(0, len(data))
    return data[:at] if rng.random() < 0.7 else data[at:]


def splice(rng: random.Random, data: bytes, pool: Sequence[bytes]) -> bytes:
    other = rng.choice(pool)
    return data[: rng.randint(0, len(data))] + other[rng.randint(0, len(other)) :]


def reencode(rng: random.Random, data: bytes, pool: Sequence[bytes]) -> bytes:
    """The text in another encoding, with or without a BOM, sometimes declaring a charset it is not in."""
    text, _ = as_text(data)
    if rng.random() < 0.2:
        text = f'<meta charset="{rng.choice(ENCODINGS)}">' + text
    encoded = text.encode(rng.choice(ENCODINGS), rng.choice(("replace", "ignore", "xmlcharrefreplace")))
    return rng.choice(BOMS) + encoded if rng.random() < 0.2 else encoded


# Every codec name Python knows, text codecs or not, and some it has no alias for or
# does not know: a page's declared charset is looked up by name, so the name is input.
CHARSET_NAMES = sorted(
    {*encodings.aliases.aliases, *encodings.aliases.aliases.values()}
    | {"undefined", "unicode_escape", "raw_unicode_escape", "utf_7", "idna", "punycode", "charmap", "mbcs", "x-user-defined", "none"}
)
META_CHARSETS = ('<meta charset="{}">', "<meta charset={}>", '<meta http-equiv="Content-Type" content="text/html; charset={}">')
# Escape sequences that escape codecs (unicode_escape, raw_unicode_escape, utf-7) decode
# into characters no real encoding yields: lone surrogates, NUL, code points past the range.
ESCAPES = ("\\ud800", "\\udc00\\ud800", "\\x00", "\\u0000", "\\U0010ffff", "\\U00110000", "\\u2028", "\\N{NULL}", "\\", "+2AA-")
UTF8_BREAKERS = b"\xff\x80\xfe\xc0"


def declare_charset(rng: random.Random, data: bytes, pool: Sequence[bytes]) -> bytes:
    """A page that declares a charset, any codec name, and is written in it (or GBK) and is not UTF-8.

    The declaration is read only after UTF-8 fails and only in the first 4 KB, hence the
    stray byte and the position.
    """
    name = rng.choice(CHARSET_NAMES)
    body = _encode_as(rng, as_text(data)[0], name)
    if rng.random() < 0.4:
        at = rng.randint(0, len(body))
        body = body[:at] + rng.choice(ESCAPES).encode("ascii") + body[at:]
    # At the start half the time: the first declaration wins, and an HTML seed has its own.
    at = 0 if rng.random() < 0.5 else rng.randint(0, min(len(body), 4000))
    meta = rng.choice(META_CHARSETS).format(name).encode("ascii")
    stray = bytes([rng.choice(UTF8_BREAKERS)]) if rng.random() < 0.8 else b""
    return body[:at] + meta + body[at:] + stray


def _encode_as(rng: random.Random, text: str, name: str) -> bytes:
    try:
        return text.encode(name, rng.choice(("replace", "backslashreplace", "xmlcharrefreplace")))
    except (LookupError, UnicodeError, TypeError, ValueError):  # not a text codec, or not one Python has
        return text.encode("gbk", "replace")


MUTATIONS: tuple[Callable[[random.Random, bytes, Sequence[bytes]], bytes], ...] = (
    flip_bits,
    overwrite_bytes,
    insert_bytes,
    delete_range,
    duplicate_range,
    truncate,
    splice,
    reencode,
    declare_charset,
    declare_charset,
    on_text(insert_unicode),
    on_text(insert_unicode),
    on_text(insert_html),
    on_text(insert_html),
    on_text(insert_markdown),
    on_text(insert_speech_cue),
    on_text(insert_speech_cue),
    on_text(mangle_newlines),
    on_text(mangle_spaces),
    on_text(shuffle_lines),
    on_text(strip_markup),
)


# ---------------------------------------------------------------- pages

SUFFIXES = (".html", ".htm", ".shtml", ".php", ".asp", ".aspx", ".jsp", ".md", ".markdown", ".MD", ".txt", ".TXT", "", ".", ".md.txt")
SUFFIXES += (".html.bak", ".json", ".xml")
STEMS = ("page", "讲话", "a b", "..", ".hidden", "x" * 200, "sub/dir/page", "s_Xq7bK2mPzA", "中文/目录/讲话稿", "ｆｕｌｌ", "name\u202egnp")
STEMS += ("tab\tname", "new\nline", "", "CON", "a/../b")


def random_source(rng: random.Random, name: str) -> str:
    """The seed's own name half the time, else a random stem and suffix: the suffix is a markup hint."""
    if rng.random() < 0.5:
        return name
    return rng.choice(STEMS) + rng.choice(SUFFIXES)


def random_page(rng: random.Random) -> bytes:
    """Purely random bytes, or a page assembled from random fragments."""
    if rng.random() < 0.4:
        return rng.randbytes(int(rng.expovariate(1 / 1024)))
    pieces: list[Callable[[], str]] = [
        lambda: cjk(rng, rng.randint(1, 80)),
        lambda: random_unicode(rng),
        lambda: html_fragment(rng),
        lambda: rng.choice(MARKDOWN_FRAGMENTS),
        lambda: rng.choice(SPEECH_FRAGMENTS),
        lambda: rng.choice(FULLWIDTH),
        lambda: "\n",
    ]
    opening = rng.choice(FRONT_MATTERS) if rng.random() < 0.2 else ""
    return (opening + "".join(rng.choice(pieces)() for _ in range(rng.randint(1, 120)))).encode("utf-8", "replace")


def mutated_page(rng: random.Random, seed: Seed, pool: Sequence[bytes]) -> bytes:
    data = seed.data
    for _ in range(rng.choice((1, 1, 1, 2, 2, 3, 5))):
        data = rng.choice(MUTATIONS)(rng, data, pool)[:MAX_FUZZ_BYTES]
    return data


def page_stream(rng: random.Random, seeds: Sequence[Seed]) -> Iterator[tuple[str, bytes]]:
    """Every seed as it is, then mutated and random pages without end."""
    yield from ((seed.name, seed.data) for seed in seeds)
    pool = [seed.data for seed in seeds]
    while True:
        seed = rng.choice(seeds)
        data = random_page(rng) if rng.random() < 0.08 else mutated_page(rng, seed, pool)
        yield random_source(rng, seed.name), data


# ---------------------------------------------------------------- running one page


class PageHang(BaseException):
    """Raised by the alarm in a page stuck past the hang limit.

    A BaseException, so the pipeline's own ``except Exception`` cannot turn it into a PageError.
    """


def run_page(raw: RawPage, segmenter: Segmenter, config: CleanConfig) -> None:
    """What a build does with one page's bytes (``pages.process_path`` without the file and the cache)."""
    page = process_page(raw, segmenter, config)
    rows = page_rows(page)
    page_tables(rows)
    page_tally(rows)
    page_signatures(rows)


def alarm_available() -> bool:
    return hasattr(signal, "setitimer") and threading.current_thread() is threading.main_thread()


def _raise_hang(signum: int, frame: object) -> None:
    raise PageHang


def alarm_armed() -> bool:
    """Whether our handler is in place: arming the timer without it would let SIGALRM kill the process."""
    return alarm_available() and signal.getsignal(signal.SIGALRM) is _raise_hang


@contextmanager
def hang_alarm() -> Iterator[None]:
    """Install the SIGALRM handler for a run and restore the previous one after it."""
    if not alarm_available():
        yield
        return
    previous = signal.signal(signal.SIGALRM, _raise_hang)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


@dataclass(frozen=True, slots=True)
class Outcome:
    kind: str  # "ok", "page_error", "crash" or "hang"
    seconds: float
    error: BaseException | None = None


def try_page(raw: RawPage, segmenter: Segmenter, config: CleanConfig, hang_seconds: float) -> Outcome:
    """Run one page and say how it ended; a hang is caught only inside ``hang_alarm``."""
    start = time.perf_counter()
    kind, caught = "ok", None
    armed = alarm_armed()
    try:
        if armed:
            signal.setitimer(signal.ITIMER_REAL, hang_seconds)
        try:
            run_page(raw, segmenter, config)
        finally:
            if armed:
                signal.setitimer(signal.ITIMER_REAL, 0)
    except PageHang as error:
        kind, caught = "hang", error
    except PageError as error:
        kind, caught = "page_error", error
    except Exception as error:
        kind, caught = "crash", error
    return Outcome(kind, time.perf_counter() - start, caught)


def wrapped_cause(error: BaseException | None) -> BaseException | None:
    """The internal exception a PageError stands for, when the pipeline's catch-all made it.

    Ingest errors also chain a cause (a UnicodeDecodeError): that is a verdict on the
    page, not a bug, so only the catch-all's "Type: message" reasons count.
    """
    cause = getattr(error, "__cause__", None)
    if isinstance(error, PageError) and isinstance(cause, Exception) and not isinstance(cause, PageError):
        return cause if error.reason.startswith(f"{type(cause).__name__}: ") else None
    return None


def short_path(filename: str) -> str:
    """A frame's file relative to site-packages, src/ or the standard library."""
    return re.split(r"/site-packages/|/src/|/lib/python3\.\d+/", filename, maxsplit=1)[-1]


def innermost_frame(error: BaseException) -> str:
    frames = traceback.extract_tb(error.__traceback__)
    return f"{short_path(frames[-1].filename)}:{frames[-1].lineno} in {frames[-1].name}" if frames else "?"


def project_frame(error: BaseException) -> str:
    """The innermost frame in cadrespeech: where to look when the innermost is in a library."""
    frames = [f for f in traceback.extract_tb(error.__traceback__) if "cadrespeech" in f.filename]
    return f"{short_path(frames[-1].filename)}:{frames[-1].lineno} in {frames[-1].name}" if frames else "?"


def signature(error: BaseException) -> str:
    return f"{type(error).__name__} at {innermost_frame(error)}"


def reason_prefix(error: PageError) -> str:
    """A PageError's stage and the opening words of its reason, numbers masked, for counting."""
    opening = re.split(r"[:(;,]", error.reason, maxsplit=1)[0]
    return f"{error.stage}: {re.sub(r'[0-9]+', 'N', opening)[:60].strip()}"


# ---------------------------------------------------------------- results


@dataclass(slots=True)
class Finding:
    kind: str  # "crash", "wrapped", "hang" or "slow"
    signature: str
    source: str
    saved: Path
    traceback_tail: str
    project_frame: str
    seconds: float
    count: int = 1
    minimized: Path | None = None


@dataclass(slots=True)
class FuzzResult:
    """What a run found; ``tried == ok + page_errors + crashes + hangs`` always."""

    out: Path
    tried: int = 0
    ok: int = 0
    page_errors: int = 0
    crashes: int = 0
    hangs: int = 0
    slow: int = 0  # pages over the slow limit, whatever their outcome: not part of the sum
    wrapped: int = 0  # page errors that stand for an internal exception: part of page_errors
    seconds: float = 0.0
    reasons: Counter[str] = field(default_factory=Counter)
    findings: dict[str, Finding] = field(default_factory=dict)

    @property
    def failed(self) -> bool:
        return bool(self.crashes or self.hangs)


def save_input(out: Path, name: str, raw: RawPage, details: dict[str, object]) -> Path:
    path = out / f"{name}.bin"
    path.write_bytes(raw.data)
    path.with_suffix(".json").write_text(json.dumps({"source": raw.source, **details}, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def tail_of(error: BaseException, lines: int = 8) -> str:
    return "".join(traceback.format_exception(type(error), error, error.__traceback__)[-lines:]).rstrip()


def note_finding(result: FuzzResult, kind: str, key: str, raw: RawPage, outcome: Outcome, error: BaseException | None) -> None:
    """Count a finding; the first input for each distinct key is saved to reproduce it."""
    if key in result.findings:
        result.findings[key].count += 1
        return
    name = f"{kind}-{len(result.findings) + 1:03d}-{type(error).__name__ if error else 'page'}"
    tail = tail_of(error) if error else ""
    details = {"kind": kind, "signature": key, "seconds": round(outcome.seconds, 3), "traceback": tail}
    saved = save_input(result.out, name, raw, details)
    frame = project_frame(error) if error else "?"
    result.findings[key] = Finding(kind, key, raw.source, saved, tail, frame, outcome.seconds)


def record(result: FuzzResult, raw: RawPage, outcome: Outcome, slow_seconds: float) -> None:
    result.tried += 1
    if outcome.kind == "ok":
        result.ok += 1
    elif outcome.kind == "page_error" and isinstance(outcome.error, PageError):
        result.page_errors += 1
        result.reasons[reason_prefix(outcome.error)] += 1
        cause = wrapped_cause(outcome.error)
        if cause is not None:
            result.wrapped += 1
            note_finding(result, "wrapped", "wrapped " + signature(cause), raw, outcome, cause)
    elif outcome.kind == "crash" and outcome.error is not None:
        result.crashes += 1
        note_finding(result, "crash", "crash " + signature(outcome.error), raw, outcome, outcome.error)
    else:
        result.hangs += 1
        note_finding(result, "hang", f"hang #{result.hangs}", raw, outcome, outcome.error)
    if outcome.seconds > slow_seconds:
        result.slow += 1
        if result.slow <= SAVED_SLOW_PAGES:
            note_finding(result, "slow", f"slow #{result.slow}", raw, outcome, None)


# ---------------------------------------------------------------- shrinking

Unit = TypeVar("Unit", str, bytes)


def same_failure(target: str, hang_seconds: float, segmenter: Segmenter, config: CleanConfig, source: str) -> Callable[[bytes], bool]:
    """A test for the shrinker: does this input still fail with the ``target`` signature?"""

    def fails(data: bytes) -> bool:
        outcome = try_page(RawPage(source, data, sha256_hex(data)), segmenter, config, hang_seconds)
        return failure_key(outcome) == target

    return fails


def failure_key(outcome: Outcome) -> str | None:
    if outcome.kind == "crash" and outcome.error is not None:
        return "crash " + signature(outcome.error)
    cause = wrapped_cause(outcome.error)
    return "wrapped " + signature(cause) if cause is not None else None


def shrink(data: bytes, fails: Callable[[bytes], bool], deadline: float) -> bytes:
    """Delta debugging by removal: whole lines first, then characters (so UTF-8 stays whole), else bytes."""
    data = _drop_units(data.split(b"\n"), b"\n".join, fails, deadline)
    try:
        chars = list(data.decode("utf-8"))
    except UnicodeDecodeError:
        return _drop_units([bytes([byte]) for byte in data], b"".join, fails, deadline)
    return _drop_units(chars, lambda units: "".join(units).encode("utf-8"), fails, deadline)


def _drop_units(units: list[Unit], join: Callable[[list[Unit]], bytes], fails: Callable[[bytes], bool], deadline: float) -> bytes:
    """Remove runs of ``chunk`` units while the input still fails, halving ``chunk`` when none can go."""
    chunk = max(1, len(units) // 2)
    while time.monotonic() < deadline:
        index, changed = 0, False
        while index < len(units) and time.monotonic() < deadline:
            candidate = units[:index] + units[index + chunk :]
            if candidate and fails(join(candidate)):
                units, changed = candidate, True
            else:
                index += chunk
        if not changed and chunk == 1:
            break
        chunk = chunk if changed else chunk // 2
    return join(units)


def minimize_findings(result: FuzzResult, segmenter: Segmenter, config: CleanConfig, budget: float) -> None:
    """Shrink each crash, then each wrapped error, sharing ``budget`` seconds evenly between them."""
    targets = sorted((f for f in result.findings.values() if f.kind in ("crash", "wrapped")), key=lambda f: f.kind != "crash")
    for done, finding in enumerate(targets):
        share = budget / (len(targets) - done)
        started = time.monotonic()
        fails = same_failure(finding.signature, 10.0, segmenter, config, finding.source)
        small = shrink(finding.saved.read_bytes(), fails, started + share)
        finding.minimized = finding.saved.with_suffix(".min.bin")
        finding.minimized.write_bytes(small)
        budget -= time.monotonic() - started


# ---------------------------------------------------------------- report


def progress_line(result: FuzzResult, elapsed: float) -> str:
    rate = result.tried / elapsed if elapsed else 0.0
    return (
        f"[fuzz] {elapsed:6.0f} s: {result.tried:,} pages ({rate:.1f}/s), ok {result.ok:,}, PageError {result.page_errors:,} "
        f"(wrapped {result.wrapped:,}), crashes {result.crashes}, hangs {result.hangs}, slow {result.slow}"
    )


def literal(data: bytes, limit: int = 600) -> str:
    return repr(data) if len(data) <= limit else f"<{len(data):,} bytes; too long to print>"


def print_summary(result: FuzzResult) -> None:
    out = sys.stdout
    print(progress_line(result, result.seconds).replace("[fuzz]", "[fuzz] done in"), file=out)
    print(f"reproducers in {result.out}", file=out)
    print("PageError by reason:", file=out)
    for reason, count in result.reasons.most_common():
        print(f"  {count:7,}  {reason}", file=out)
    for finding in sorted(result.findings.values(), key=lambda f: ("crash", "hang", "wrapped", "slow").index(f.kind)):
        print(f"\n== {finding.kind}: {finding.signature}  ({finding.count}x; project frame {finding.project_frame})", file=out)
        print(f"   source {finding.source!r}, {finding.seconds:.2f} s, saved {finding.saved}", file=out)
        if finding.minimized is not None:
            print(f"   minimized {finding.minimized}: {literal(finding.minimized.read_bytes())}", file=out)
        if finding.traceback_tail:
            print("   " + finding.traceback_tail.replace("\n", "\n   "), file=out)


# ---------------------------------------------------------------- command line


def parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    budget = parser.add_mutually_exclusive_group()
    budget.add_argument("--minutes", type=float, help="how long to fuzz (default 10)")
    budget.add_argument("--seconds", type=float, help="how long to fuzz, for short runs")
    parser.add_argument("--seed", type=int, default=0, help="random seed; the same seed gives the same pages")
    parser.add_argument("--extra", type=Path, help="a folder of more seed pages; .tar.gz archives in it are read in memory")
    parser.add_argument("--out", type=Path, help="folder for reproducing inputs (default: a new temporary folder)")
    parser.add_argument("--slow", type=float, default=10.0, help="a page slower than this many seconds is reported as slow")
    parser.add_argument("--hang", type=float, default=60.0, help="a page is interrupted as a hang after this many seconds")
    parser.add_argument("--minimize-seconds", type=float, default=120.0, help="time to shrink the crash inputs after the run")
    parser.add_argument("--replay", type=Path, help="run one saved input (its .json sidecar gives the source) and shrink it")
    parser.add_argument("--source", help="the source name for --replay when there is no sidecar")
    return parser.parse_args(argv)


def prepare_out(out: Path | None) -> Path:
    folder = out or Path(tempfile.mkdtemp(prefix="fuzz_pages-"))
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def fuzz(result: FuzzResult, seeds: Sequence[Seed], segmenter: Segmenter, args: argparse.Namespace) -> None:
    """Try pages until the time budget is spent; Ctrl-C ends the run early with its summary."""
    config, rng = CleanConfig(), random.Random(args.seed)
    budget = args.seconds if args.seconds is not None else 60 * (args.minutes if args.minutes is not None else 10)
    started = time.monotonic()
    next_report = started + PROGRESS_SECONDS
    try:
        for source, data in page_stream(rng, seeds):
            if time.monotonic() >= started + budget:
                break
            raw = RawPage(source, data, sha256_hex(data))
            keep_in_flight(result.out, raw)
            record(result, raw, try_page(raw, segmenter, config, args.hang), args.slow)
            if time.monotonic() >= next_report:
                print(progress_line(result, time.monotonic() - started), file=sys.stderr, flush=True)
                next_report += PROGRESS_SECONDS
    except KeyboardInterrupt:
        print("[fuzz] interrupted", file=sys.stderr)
    result.seconds = time.monotonic() - started
    for leftover in result.out.glob("in_flight.*"):
        leftover.unlink()


def keep_in_flight(out: Path, raw: RawPage) -> None:
    """The page being tried, on disk: if the process dies (a segfault, the OOM killer) its input survives."""
    save_input(out, "in_flight", raw, {"kind": "in flight"})


def replay(args: argparse.Namespace, segmenter: Segmenter, out: Path) -> FuzzResult:
    """Rerun one saved input and, when it still fails, shrink it."""
    sidecar = args.replay.with_suffix(".json")
    source = args.source or (json.loads(sidecar.read_text(encoding="utf-8"))["source"] if sidecar.is_file() else args.replay.name)
    data = args.replay.read_bytes()
    result = FuzzResult(out)
    raw = RawPage(source, data, sha256_hex(data))
    started = time.monotonic()
    record(result, raw, try_page(raw, segmenter, CleanConfig(), args.hang), args.slow)
    minimize_findings(result, segmenter, CleanConfig(), args.minimize_seconds)
    result.seconds = time.monotonic() - started
    return result


def main(argv: Sequence[str] | None = None, segmenter: Segmenter | None = None) -> FuzzResult:
    """Fuzz (or replay one input), print the summary, and return the counts."""
    args = parse_args(argv)
    faulthandler.enable()  # a segfault in a C extension still shows where it happened
    out = prepare_out(args.out)
    # Loading the dictionary before the clock starts keeps it out of the first page's time.
    segmenter = (segmenter or Segmenter()).load()
    with hang_alarm():
        if args.replay is not None:
            result = replay(args, segmenter, out)
        else:
            result = FuzzResult(out)
            seeds = load_seeds(args.extra, random.Random(args.seed))
            print(f"[fuzz] {len(seeds)} seed pages; reproducers go to {out}", file=sys.stderr)
            fuzz(result, seeds, segmenter, args)
            minimize_findings(result, segmenter, CleanConfig(), args.minimize_seconds)
    print_summary(result)
    return result


if __name__ == "__main__":
    sys.exit(1 if main().failed else 0)
