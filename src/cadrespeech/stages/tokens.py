"""Word tokens and part-of-speech tags from a private jieba tokenizer (or the Rust port).

jieba's module-level tokenizer is global state shared with every other library in
the process, and it caches its dictionary in the system temp folder; we keep our own
``jieba.Tokenizer`` with its cache in our own folder. Tokens come from precise-mode
segmentation (with HMM for unknown words). ``jieba.posseg`` would re-segment the text
differently and about six times slower, so each token's tag is looked up in the same
dictionary instead, and unknown words are tagged by posseg's own HMM on that token
alone: the tags always belong to the very tokens we publish. Our domain dictionary
(``domain.py``) is added to both engines, so the field's terms stay whole.

Only runs of Chinese characters reach the engine; digits, Latin words, punctuation
and spaces are split by one rule of ours. The engines differ only outside Chinese
runs (URLs, file names), so this makes jieba and rjieba give the same tokens.
"""

from __future__ import annotations

import hashlib
import importlib.util
import logging
import os
import re
from functools import cached_property, lru_cache
from pathlib import Path

import jieba
import numpy as np

from ..errors import CadrespeechError
from ..records import Tokens
from .domain import domain_dictionary

ENGINES = ("jieba", "rjieba")
# jieba's own idea of a Han character (its re_han_default), not textclass.HAN: the runs
# we hand jieba must be cut where jieba cuts them, or tokens would differ from its own.
JIEBA_HAN = r"\u4e00-\u9fd5"
_HAN_RUN = re.compile(rf"[{JIEBA_HAN}]+")
# Outside Chinese runs: a Latin word, a number with its decimal or thousands marks and
# percent sign, a run of spaces, or any other single character.
_OTHER_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,:/-]\d+)*%?|\s+|.", re.S)
_NUMBER = re.compile(r"[0-9.,%％]+")
_LATIN = re.compile(r"[A-Za-z0-9]+")


def cache_dir() -> Path:
    """Where cadrespeech keeps derived files: $CADRESPEECH_CACHE, else the user cache folder."""
    configured = os.environ.get("CADRESPEECH_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cadrespeech"


class Segmenter:
    """A private segmenter on jieba's bundled dictionary, pinned by its sha256.

    ``engine`` is "jieba" (the reference) or "rjieba" (the Rust port, many times
    faster, same tokens); tags always come from jieba's dictionary.

    >>> [t.text for t in Segmenter().tokenize("加强干部队伍建设，GDP增长3.5%")]
    ['加强', '干部队伍', '建设', '，', 'GDP', '增长', '3.5%']
    """

    def __init__(self, engine: str = "jieba", folder: Path | None = None, domain_terms: bool = True) -> None:
        if engine not in ENGINES:
            raise ValueError(f"unknown segmenter {engine!r}; choose one of {', '.join(ENGINES)}")
        if engine == "rjieba" and importlib.util.find_spec("rjieba") is None:
            raise CadrespeechError("the rjieba segmenter needs rjieba: pip install 'cadrespeech[fast]'")
        self.engine = engine
        self.domain = domain_dictionary() if domain_terms else None
        logging.getLogger("jieba").setLevel(logging.WARNING)
        folder = folder or cache_dir() / "jieba"
        folder.mkdir(parents=True, exist_ok=True)
        # The dictionary itself is loaded on first use (about a second): a build whose
        # pages are all cached needs only its sha256.
        self._tokenizer = jieba.Tokenizer()
        self._tokenizer.tmp_dir = str(folder)
        self._tokenizer.cache_file = f"jieba-{self.dictionary_sha256[:16]}.cache"
        self._cut = self._rjieba_cut if engine == "rjieba" else self._jieba_cut

    def load(self) -> Segmenter:
        """Load the dictionaries now rather than on the first text (e.g. before forking workers)."""
        self._tags  # noqa: B018
        if self.engine == "rjieba":
            self._rust  # noqa: B018
        return self

    @cached_property
    def _tags(self) -> dict[str, str]:
        self._tokenizer.initialize()
        tags = self._dictionary_tags()
        for term, frequency, tag in self._domain_words:
            self._tokenizer.add_word(term, frequency, tag)
            tags[term] = tag
        return tags

    def _dictionary_tags(self) -> dict[str, str]:
        """Each dictionary word's tag, parsed once per dictionary and kept beside jieba's own cache.

        jieba.posseg parses the whole dictionary file for its tags each time a tagger is
        made (a quarter of a second); the table is a pure function of the file's bytes.
        """
        import marshal

        cache = Path(self._tokenizer.tmp_dir) / f"tags-{self.dictionary_sha256[:16]}.marshal"
        try:
            tags = marshal.loads(cache.read_bytes())
            if isinstance(tags, dict):
                return tags
        except (OSError, ValueError, EOFError, TypeError):
            pass  # missing or damaged: parse again
        tags = {}
        with self._tokenizer.get_dict_file() as handle:
            for line in handle:  # read as posseg reads it: byte lines, stripped, then decoded
                parts = line.strip().decode("utf-8").split(" ")
                if len(parts) == 3:  # word, frequency, tag (posseg refuses any other line)
                    tags[parts[0]] = parts[2]
        temporary = cache.with_suffix(f".{os.getpid()}.tmp")
        try:
            temporary.write_bytes(marshal.dumps(tags))
            os.replace(temporary, cache)
        except OSError:
            temporary.unlink(missing_ok=True)  # a read-only cache folder costs a parse, nothing else
        return tags

    @cached_property
    def _domain_words(self) -> tuple[tuple[str, int, str], ...]:
        """The domain terms with the frequency each needs to stay whole, as jieba suggests it.

        Reckoned once on the bundled dictionary alone, before any term is added, and
        given to both engines, so they weigh every term alike.
        """
        if self.domain is None:
            return ()
        self._tokenizer.initialize()
        return tuple((t.term, self._tokenizer.suggest_freq(t.term, False), t.pos) for t in self.domain.terms)

    @cached_property
    def _rust(self):
        import rjieba

        engine = rjieba.Jieba()
        for term, frequency, tag in self._domain_words:
            engine.add_word(term, frequency, tag)
        return engine

    def _jieba_cut(self, run: str) -> list[str]:
        # tokenize() has loaded the dictionary and the domain terms (self._tags) first.
        return self._tokenizer.lcut(run, cut_all=False, HMM=True)

    def _rjieba_cut(self, run: str) -> list[str]:
        return self._rust.cut(run, True)

    @property
    def engine_version(self) -> str:
        if self.engine == "rjieba":
            from importlib.metadata import version

            return version("rjieba")
        return self.jieba_version

    @cached_property
    def dictionary_sha256(self) -> str:
        with self._tokenizer.get_dict_file() as handle:
            return hashlib.sha256(handle.read()).hexdigest()

    @property
    def domain_sha256(self) -> str | None:
        return self.domain.sha256 if self.domain else None

    # Which tagger made the tags, for the manifest. Both engines tag alike: rjieba's own
    # tagger agrees on only 88.3% of unknown-word occurrences in 20 MB of real pages
    # (443,471 of them), and a release's tags must not depend on the engine.
    tagger = "jieba dictionary; unknown words: jieba.posseg HMM, state of the last character"

    @property
    def jieba_version(self) -> str:
        return str(jieba.__version__)

    def tokenize(self, text: str) -> Tokens:
        """Tokens of ``text`` with offsets and tags, as columns; whitespace between tokens is dropped."""
        words = self.words(text)
        texts: list[str] = []
        starts: list[int] = []
        position = 0
        for word in words:
            if not word.isspace():
                texts.append(word)
                starts.append(position)
            position += len(word)
        if position != len(text):  # precise mode covers every character
            raise RuntimeError(f"{self.engine} lost characters of {text[:40]!r}")
        known = self._tags.get
        tags = [known(word) or _unknown_word_tag(word) for word in texts]
        return Tokens(tuple(texts), tuple(starts), tuple(tags))

    def words(self, text: str) -> list[str]:
        """``text`` cut into words, spaces included: they join back into ``text``."""
        self._tags  # noqa: B018  (the engines cut with the domain terms added)
        words: list[str] = []
        position = 0
        for run in _HAN_RUN.finditer(text):
            words += _OTHER_TOKEN.findall(text, position, run.start())
            words += self._cut(run.group())
            position = run.end()
        words += _OTHER_TOKEN.findall(text, position)
        return words

    def tag(self, word: str) -> str:
        known = self._tags.get(word)
        if known is not None:
            return known
        return _unknown_word_tag(word)


# One segmenter per process and engine: building one loads a dictionary (about a second).
_SEGMENTERS: dict[str, Segmenter] = {}


def segmenter_for(engine: str) -> Segmenter:
    """The process's segmenter for ``engine``, made on first use (its dictionary loads when it first cuts)."""
    if engine not in _SEGMENTERS:
        _SEGMENTERS[engine] = Segmenter(engine)
    return _SEGMENTERS[engine]


@lru_cache(maxsize=200_000)
def _unknown_word_tag(word: str) -> str:
    """A tag for a word the dictionary lacks; cached, since names and places recur."""
    if _NUMBER.fullmatch(word) and any(c.isdigit() for c in word):
        return "m"
    if _LATIN.fullmatch(word):
        return "eng"
    if not _HAN_RUN.fullmatch(word):
        return "x"
    # The HMM tags each character; a word's tag is that of its last character, the
    # head of a Chinese compound.
    return _pos_hmm().last_tag(word)


class PosHMM:
    """jieba.posseg's part-of-speech HMM, giving the state of a word's last character as its viterbi does.

    Only the last state is wanted, and it is the best-scoring state of the last
    column: the forward pass alone decides it, with no path to keep. The pass runs on
    numpy arrays over jieba's own tables, adding in jieba's order, so the scores, and
    the tag, are exactly jieba's (tests compare them); jieba's loop over its 256
    states in Python was 95% of a build's time on real text.

    Scores are kept for all 256 states, minus infinity for a state jieba does not
    consider; jieba's transition table is minus infinity where it allows no
    transition, so "reachable" is "finite", and a state nothing may follow adds
    nothing. A character's own states are scored first; only when none is reachable
    (jieba then takes every reachable state) is the whole row scored.
    """

    def __init__(self) -> None:
        import importlib

        import jieba.posseg as posseg

        viterbi = importlib.import_module("jieba.posseg.viterbi")
        self.min_float, min_inf = viterbi.MIN_FLOAT, viterbi.MIN_INF
        self.states = list(posseg.trans_P)  # jieba's all_states
        index = {state: i for i, state in enumerate(self.states)}
        self.size = len(self.states)
        self.trans = np.full((self.size, self.size), min_inf)  # minus infinity: jieba allows no such transition
        for source, targets in posseg.trans_P.items():
            for target, probability in targets.items():
                self.trans[index[source], index[target]] = probability
        self.start = np.array([posseg.start_P[state] for state in self.states])
        self.emit = posseg.emit_P
        # Each character's own states (jieba's char_state_tab), as a mask and as indexes.
        self.char_mask: dict[str, np.ndarray] = {}
        self.char_indexes: dict[str, np.ndarray] = {}
        for char, states in posseg.char_state_tab_P.items():
            mask = np.zeros(self.size, dtype=bool)
            mask[[index[state] for state in states]] = True
            self.char_mask[char], self.char_indexes[char] = mask, np.flatnonzero(mask)
        self.anything = np.ones(self.size, dtype=bool)
        # jieba breaks a tie by the greater state tuple: each state's rank in that order.
        self.rank = np.argsort(np.argsort(np.array([f"{a}\t{b}" for a, b in self.states])))
        self._emissions: dict[str, np.ndarray] = {}

    def _emission(self, char: str) -> np.ndarray:
        """Each state's emission score for ``char`` (jieba's MIN_FLOAT where it has none), made once per character."""
        row = self._emissions.get(char)
        if row is None:
            row = self._emissions[char] = np.array([self.emit[state].get(char, self.min_float) for state in self.states])
        return row

    def last_tag(self, word: str) -> str:
        first = word[0]
        scores = np.where(self.char_mask.get(first, self.anything), self.start + self._emission(first), -np.inf)
        for char in word[1:]:
            live = np.flatnonzero(scores > -np.inf)
            from_live, live_scores = self.trans[live], scores[live][:, None]
            own = self.char_indexes.get(char)
            if own is not None:
                best = (live_scores + from_live[:, own]).max(axis=0)  # max(score + trans), then + emission: jieba's sums
                reached = best > -np.inf
                if reached.any():
                    scores = np.full(self.size, -np.inf)
                    kept = own[reached]
                    scores[kept] = best[reached] + self._emission(char)[kept]
                    continue
            best = (live_scores + from_live).max(axis=0)
            reached = best > -np.inf
            if not reached.any():  # where jieba's viterbi fails too
                raise ValueError(f"no state can follow in {word!r}")
            scores = np.where(reached, best + self._emission(char), -np.inf)
        top = np.flatnonzero(scores == scores.max())
        return str(self.states[top[np.argmax(self.rank[top])]][1])


@lru_cache(maxsize=1)
def _pos_hmm() -> PosHMM:
    return PosHMM()
