"""Word tokens and part-of-speech tags from a private jieba tokenizer.

jieba's module-level tokenizer is global state shared with every other library in
the process, and it caches its dictionary in the system temp folder; we keep our own
``jieba.Tokenizer`` with its cache in our own folder. Tokens come from precise-mode
``lcut`` (with HMM for unknown words). ``jieba.posseg`` would re-segment the text
differently and about six times slower, so each token's tag is looked up in the same
dictionary instead, and unknown words are tagged by posseg's own HMM on that token
alone: the tags always belong to the very tokens we publish.
"""

from __future__ import annotations

import hashlib
import logging
import os
import re
from functools import cached_property, lru_cache
from pathlib import Path

import jieba
import jieba.posseg

from .records import Token

_NUMBER = re.compile(r"[0-9.,%％]+")
_LATIN = re.compile(r"[A-Za-z0-9]+")
_HAN = re.compile(r"[\u4e00-\u9fd5]+")


def cache_dir() -> Path:
    """Where cadrespeech keeps derived files: $CADRESPEECH_CACHE, else the user cache folder."""
    configured = os.environ.get("CADRESPEECH_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cadrespeech"


class Segmenter:
    """A private jieba tokenizer on jieba's bundled dictionary, pinned by its sha256.

    >>> [t.text for t in Segmenter().tokenize("加强干部队伍建设")]
    ['加强', '干部队伍', '建设']
    """

    def __init__(self, folder: Path | None = None) -> None:
        logging.getLogger("jieba").setLevel(logging.WARNING)
        folder = folder or cache_dir() / "jieba"
        folder.mkdir(parents=True, exist_ok=True)
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.tmp_dir = str(folder)
        self._tokenizer.cache_file = f"jieba-{self.dictionary_sha256[:16]}.cache"
        self._tokenizer.initialize()
        self._tags = jieba.posseg.POSTokenizer(self._tokenizer).word_tag_tab

    @cached_property
    def dictionary_sha256(self) -> str:
        with self._tokenizer.get_dict_file() as handle:
            return hashlib.sha256(handle.read()).hexdigest()

    @property
    def jieba_version(self) -> str:
        return str(jieba.__version__)

    def tokenize(self, text: str) -> tuple[Token, ...]:
        """Tokens of ``text`` with offsets and tags; whitespace between tokens is dropped."""
        tokens: list[Token] = []
        position = 0
        for word in self._tokenizer.lcut(text, cut_all=False, HMM=True):
            if not word.isspace():
                tokens.append(Token(word, position, self.tag(word)))
            position += len(word)
        if position != len(text):  # jieba's precise mode covers every character
            raise RuntimeError(f"jieba lost characters of {text[:40]!r}")
        return tuple(tokens)

    def tag(self, word: str) -> str:
        known = self._tags.get(word)
        if known is not None:
            return known
        return _unknown_word_tag(word)


@lru_cache(maxsize=200_000)
def _unknown_word_tag(word: str) -> str:
    """A tag for a word the dictionary lacks; cached, since names and places recur."""
    if _NUMBER.fullmatch(word) and any(c.isdigit() for c in word):
        return "m"
    if _LATIN.fullmatch(word):
        return "eng"
    if not _HAN.fullmatch(word):
        return "x"
    _, states = jieba.posseg.viterbi(word, jieba.posseg.char_state_tab_P, jieba.posseg.start_P, jieba.posseg.trans_P, jieba.posseg.emit_P)
    # The HMM tags each character; a word's tag is that of its last character,
    # the head of a Chinese compound.
    return str(states[-1][1])
