"""Make text from pages and file names safe where it meets a terminal, Markdown or a card.

A page or a file name is written by strangers: an ESC or CSI in it can drive a
terminal (move the cursor, rewrite earlier lines, set the window title), a bidi
override can make a line read differently from its bytes, and a backtick, ``|`` or
new line in a file name can rewrite the Markdown table around it. Every message,
``show``, the card and the report pass such text through here (HTML through
``html.escape``).
"""

from __future__ import annotations

import re

# What must never reach a terminal raw: C0 controls, DEL, C1 controls (U+009B is a
# one-character CSI), bidi embeddings and overrides (U+202A-U+202E) and isolates
# (U+2066-U+2069), and lone surrogates (undecodable bytes of a file name, which
# ``os`` hands over as U+DC80-U+DCFF and which cannot even be encoded for output).
_BEYOND_C0 = r"\x7f-\x9f\u202a-\u202e\u2066-\u2069\ud800-\udfff"
_UNSAFE = re.compile(rf"[\x00-\x1f{_BEYOND_C0}]")
_UNSAFE_KEEPING_LINES = re.compile(rf"[\x00-\x08\x0b-\x1f{_BEYOND_C0}]")
_UNSAFE_IN_JSON = re.compile(rf"[{_BEYOND_C0}]")  # JSON escapes C0 itself
# The ASCII marks that start an inline construct (emphasis, code, link, HTML, entity,
# strike-through, math) or end a table cell; CommonMark lets a backslash escape each.
# Marks that act only at a line's start (#, -, +, 1.) are safe: the text has no new
# lines left by then.
_MARKDOWN_SPECIAL = re.compile(r"[\\`*_\[\]<>|&~$]")


def _visible(match: re.Match[str]) -> str:
    code = ord(match.group())
    if 0xDC80 <= code <= 0xDCFF:  # an undecodable byte of a file name: show the byte
        return f"\\x{code - 0xDC00:02x}"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def for_terminal(text: str, keep_lines: bool = False) -> str:
    """``text`` with every control, bidi override and lone surrogate written as an escape.

    One-line messages (the default) also escape new lines and tabs, so a file name
    cannot start a line of its own; page text shown whole keeps them.

    >>> for_terminal("a\\x1b[2Jb\\u202ec\\x9b")
    'a\\\\x1b[2Jb\\\\u202ec\\\\x9b'
    >>> for_terminal("第一行\\n第二行", keep_lines=True)
    '第一行\\n第二行'
    >>> for_terminal("讲话\\n.txt")
    '讲话\\\\x0a.txt'
    """
    return (_UNSAFE_KEEPING_LINES if keep_lines else _UNSAFE).sub(_visible, text)


def for_json(dumped: str) -> str:
    """JSON text (``json.dumps(..., ensure_ascii=False)``) with what JSON leaves raw written as ``\\uXXXX``.

    >>> for_json('{"t": "a\u009bb\u202e"}')
    '{"t": "a\\\\u009bb\\\\u202e"}'
    """
    return _UNSAFE_IN_JSON.sub(lambda m: f"\\u{ord(m.group()):04x}", dumped)


def for_markdown(text: str) -> str:
    """``text`` as literal Markdown on one line: no markup, no table cell break, no HTML.

    >>> print(for_markdown("a|b`c`<img src=x>\\n# d_e.txt"))
    a\\|b\\`c\\`\\<img src=x\\>\\\\x0a# d\\_e.txt
    """
    return _MARKDOWN_SPECIAL.sub(lambda m: "\\" + m.group(), for_terminal(text))
