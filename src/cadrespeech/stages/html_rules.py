"""What the HTML stage drops, as named tables: tags, attributes and class/id words.

Each name is the rule recorded in the removals ledger for what it drops.
"""

from __future__ import annotations

import re

# Elements that never hold speech text.
DROP_TAGS: dict[str, str] = {
    "script": "html_script",
    "noscript": "html_script",
    "template": "html_script",
    "style": "html_style",
    "head": "html_head",
    "nav": "html_chrome",
    "aside": "html_chrome",
    "footer": "html_chrome",
    "select": "html_chrome",
    "button": "html_chrome",
    "iframe": "html_chrome",
    "svg": "html_chrome",
    "canvas": "html_chrome",
    "object": "html_chrome",
    "map": "html_chrome",
}

# Elements dropped only when they do not hold the speech: an ASP.NET page wraps its
# whole body in one <form>, where elsewhere a form is a search box or a login.
SOFT_DROP_TAGS: dict[str, str] = {"form": "html_chrome"}

# class or id words (split at -, _ and spaces) that mark page chrome.
CHROME_WORDS = frozenset(
    """nav navbar menu menus footer foot bottom sidebar side aside breadcrumb breadcrumbs crumb crumbs
    position location share sharebar bdsharebuttonbox comment comments related relate recommend recommends
    toolbar tools copyright ad ads advert banner login search pagination pager hot hotnews rank
    friendlink links link qrcode ewm print subscribe meta tool read like reward profile qr""".split()
)
CHROME_ID_CLASS = re.compile(r"[\s_\-]+")

HIDDEN_STYLE = re.compile(r"display\s*:\s*none|visibility\s*:\s*hidden", re.I)

# Elements that end a line of text; the rest (span, strong, a, font, ...) are inline.
BLOCK_TAGS = frozenset(
    """address article aside blockquote body br caption center dd details dir div dl dt fieldset figcaption figure
    footer form h1 h2 h3 h4 h5 h6 header hr html li main menu ol p pre section summary table tbody td tfoot th
    thead title tr ul""".split()
)
HEADING_TAGS = frozenset({"h1", "h2", "h3"})
VOID_TAGS = frozenset("area base br col embed hr img input link meta param source track wbr".split())

# Start tags that close an open <p>, and tags that close an open one of their own kind.
CLOSES_P = frozenset(
    "address article aside blockquote div dl fieldset footer form h1 h2 h3 h4 h5 h6 header hr main nav ol p pre section table ul".split()
)
CLOSES_SAME = {
    "li": {"li"},
    "dt": {"dt", "dd"},
    "dd": {"dt", "dd"},
    "tr": {"tr"},
    "td": {"td", "th"},
    "th": {"td", "th"},
    "option": {"option"},
}
# A list or table cell's implicit close stops at these.
SCOPE_TAGS = frozenset({"ul", "ol", "dl", "table", "tbody", "thead", "tfoot", "select"})

# A block whose visible text is mostly link text is a list of links, not prose.
LINK_DENSITY = 0.5
# The content root is the deepest element holding at least this share of the text.
CONTENT_SHARE = 0.6
# An element holding this share of the content's text is never dropped as chrome.
SPEECH_SHARE = 0.5
# ... widened to its parent while that adds at most this share of text.
CONTENT_WIDEN_SHARE = 0.15
# A block classed "title" longer than this is not a title.
TITLE_MAX_CHARS = 80
