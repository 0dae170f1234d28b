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

import array
import hashlib
import importlib.util
import logging
import marshal
import os
import re
import struct
import sys
from collections.abc import Callable, Sequence
from functools import cached_property, lru_cache
from pathlib import Path
from types import SimpleNamespace
from typing import NamedTuple, TypeVar

import numpy as np

from ..errors import CadrespeechError
from ..records import Tokens
from .domain import domain_dictionary
from .jiebacut import JiebaCut

ENGINES = ("jieba", "rjieba")
Kept = TypeVar("Kept")
# jieba's own idea of a Han character (its re_han_default), not textclass.HAN: the runs
# we hand jieba must be cut where jieba cuts them, or tokens would differ from its own.
JIEBA_HAN = r"\u4e00-\u9fd5"
_HAN_RUN = re.compile(rf"[{JIEBA_HAN}]+")
# Outside Chinese runs: a Latin word, a number with its decimal or thousands marks and
# percent sign, a run of spaces, or any other single character.
_OTHER_TOKEN = re.compile(r"[A-Za-z]+(?:['’][A-Za-z]+)*|\d+(?:[.,:/-]\d+)*%?|\s+|.", re.S)
_NUMBER = re.compile(r"[0-9.,%％]+")
_LATIN = re.compile(r"[A-Za-z0-9]+")


def _marshalled(kind: type[Kept]) -> Callable[[bytes], Kept]:
    """A decoder of marshal bytes that must hold a ``kind``."""

    def decode(data: bytes) -> Kept:
        value = marshal.loads(data)
        if not isinstance(value, kind):
            raise TypeError(f"expected a {kind.__name__}")
        return value

    return decode


def cache_dir() -> Path:
    """Where cadrespeech keeps derived files: $CADRESPEECH_CACHE, else the user cache folder."""
    configured = os.environ.get("CADRESPEECH_CACHE")
    if configured:
        return Path(configured)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "cadrespeech"


# Our files of words (jieba's prefix dictionary, the tag table): a header, the words
# joined by newlines (no word holds one: the dictionary is one word a line), any names
# the values index, and one little-endian int64 per word. Half a million words read in
# about 0.15 s, where marshal took 0.6 to 1.0 s for the same dictionary, and nothing in
# the file can run code when read, as a pickle could.
_WORDS_MAGIC = b"cadrespeech words 1\n"
_WORDS_HEADER = struct.Struct("<qqqqq")  # total, words, bytes of words, names, bytes of names


class WordTable(NamedTuple):
    words: list[str]
    values: array.array
    total: int
    names: list[str]


def encode_words(words: Sequence[str], values: Sequence[int], total: int = 0, names: Sequence[str] = ()) -> bytes:
    """``words`` with one integer each (and ``total``, ``names``) as bytes for ``decode_words``.

    >>> decode_words(encode_words(["干部", "干"], [5, 0], total=5))
    WordTable(words=['干部', '干'], values=array('q', [5, 0]), total=5, names=[])
    """
    if any("\n" in text for text in (*words, *names)) or len(words) != len(values):
        raise ValueError("a word table holds one value per word, and no word or name with a newline")
    joined, joined_names = "\n".join(words).encode("utf-8"), "\n".join(names).encode("utf-8")
    numbers = array.array("q", values)
    if sys.byteorder == "big":
        numbers.byteswap()
    header = _WORDS_HEADER.pack(total, len(words), len(joined), len(names), len(joined_names))
    return _WORDS_MAGIC + header + joined + joined_names + numbers.tobytes()


def decode_words(data: bytes) -> WordTable:
    """The table ``encode_words`` wrote; ValueError for bytes that are not one whole table."""
    if not data.startswith(_WORDS_MAGIC):
        raise ValueError("not a word table")
    start = len(_WORDS_MAGIC) + _WORDS_HEADER.size
    if len(data) < start:
        raise ValueError("a damaged word table")
    total, count, words_size, names_count, names_size = _WORDS_HEADER.unpack_from(data, len(_WORDS_MAGIC))
    names_start, values_start = start + words_size, start + words_size + names_size
    if min(count, words_size, names_count, names_size) < 0 or len(data) != values_start + 8 * count:
        raise ValueError("a damaged word table")
    words = data[start:names_start].decode("utf-8").split("\n") if count else []
    names = data[names_start:values_start].decode("utf-8").split("\n") if names_count else []
    values = array.array("q")
    values.frombytes(data[values_start:])
    if sys.byteorder == "big":
        values.byteswap()
    if len(words) != count or len(names) != names_count:
        raise ValueError("a damaged word table")
    return WordTable(words, values, total, names)


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
        self.folder = folder or cache_dir() / "jieba"
        self.folder.mkdir(parents=True, exist_ok=True)
        self._cut = self._rjieba_cut if engine == "rjieba" else self._jieba_cut

    @cached_property
    def _tokenizer(self):
        """jieba's tokenizer, made on first use. The dictionary itself loads on the first text
        (``_initialize``), and jieba is not even imported before: a build whose pages are all
        cached needs only the dictionary's sha256 and jieba's version, both read without it."""
        import jieba

        tokenizer = jieba.Tokenizer()
        # Should anything make jieba load the dictionary its own way, its cache stays in our folder.
        tokenizer.tmp_dir = str(self.folder)
        tokenizer.cache_file = f"jieba-{self.dictionary_sha256[:16]}.cache"
        return tokenizer

    def load(self) -> Segmenter:
        """Load the dictionaries and the unknown words' tagger now rather than on the first text (e.g. before forking workers)."""
        self._tags  # noqa: B018
        if self.engine == "rjieba":
            self._rust  # noqa: B018
        else:
            self._exact_cut  # noqa: B018
        _pos_hmm()
        return self

    @cached_property
    def _tags(self) -> dict[str, str]:
        """Every word's tag: the dictionary's and the domain terms'. The jieba engine gets the terms added here.

        rjieba needs nothing of jieba's own tokenizer: its dictionary (0.6 s to load)
        stays unloaded, since the tag table and the terms' frequencies come from our cache.
        """
        tags = self._dictionary_tags()
        terms = self._domain_words
        if self.engine == "jieba":
            self._initialize()
            for term, frequency, tag in terms:
                self._tokenizer.add_word(term, frequency, tag)
        tags.update((term, tag) for term, _, tag in terms)
        return tags

    def _dictionary_tags(self) -> dict[str, str]:
        """Each dictionary word's tag, parsed once per dictionary and kept as a word table in our cache folder.

        jieba.posseg parses the whole dictionary file for its tags each time a tagger is
        made (a quarter of a second); the table is a pure function of the file's bytes.
        """

        def parse() -> dict[str, str]:
            tags = {}
            with self._tokenizer.get_dict_file() as handle:
                for line in handle:  # read as posseg reads it: byte lines, stripped, then decoded
                    parts = line.strip().decode("utf-8").split(" ")
                    if len(parts) == 3:  # word, frequency, tag (posseg refuses any other line)
                        tags[parts[0]] = parts[2]
            return tags

        def encode(tags: dict[str, str]) -> bytes:
            names = sorted(set(tags.values()))
            number = {name: index for index, name in enumerate(names)}
            return encode_words(list(tags), [number[tag] for tag in tags.values()], names=names)

        def decode(data: bytes) -> dict[str, str]:
            table = decode_words(data)
            if table.values and not 0 <= min(table.values) <= max(table.values) < len(table.names):
                raise ValueError("a tag table whose values name no tag")
            return dict(zip(table.words, map(table.names.__getitem__, table.values), strict=True))

        return self._kept(f"tags-{self.dictionary_sha256[:16]}.words", parse, encode, decode)

    @cached_property
    def _domain_words(self) -> tuple[tuple[str, int, str], ...]:
        """The domain terms with the frequency each needs to stay whole, as jieba suggests it.

        Reckoned on the bundled dictionary alone, before any term is added, and given to
        both engines, so they weigh every term alike. Kept in our cache under the
        dictionary, the terms and jieba's version, so that only the first build loads
        jieba's dictionary to reckon them.
        """
        if self.domain is None:
            return ()
        terms = self.domain.terms

        def reckon() -> tuple[tuple[str, int, str], ...]:
            self._initialize()
            return tuple((t.term, self._tokenizer.suggest_freq(t.term, False), t.pos) for t in terms)

        facts = f"{self.dictionary_sha256}\0{self.domain_sha256}\0{self.jieba_version}".encode()
        name = f"domain-{hashlib.sha256(facts).hexdigest()[:16]}"
        return self._kept(f"{name}.marshal", reckon, marshal.dumps, _marshalled(tuple))

    def _kept(self, file_name: str, compute: Callable[[], Kept], encode: Callable[[Kept], bytes], decode: Callable[[bytes], Kept]) -> Kept:
        """``compute()``, kept in ``file_name`` in our cache folder; a missing or damaged file is computed again.

        ``decode`` raises ValueError (or EOFError, TypeError) on bytes it cannot read.
        """
        cache = self.folder / file_name
        try:
            return decode(cache.read_bytes())
        except (OSError, ValueError, EOFError, TypeError):
            pass  # missing or damaged: compute again
        value = compute()
        temporary = cache.with_name(f"{file_name}.{os.getpid()}.tmp")
        try:
            temporary.write_bytes(encode(value))
            os.replace(temporary, cache)
        except OSError:
            temporary.unlink(missing_ok=True)  # a read-only cache folder costs a recomputation, nothing else
        return value

    def _initialize(self) -> None:
        """Give jieba's tokenizer its prefix dictionary (every word and word prefix, with its frequency) from our cache.

        jieba keeps it as one marshal file, which takes 0.6 to 1.0 s to read; as a word
        table (``encode_words``) it reads in about 0.15 s, and every process that cuts text
        reads it once. Built by jieba itself (``gen_pfdict``) the first time.
        """
        tokenizer = self._tokenizer
        if tokenizer.initialized:
            return

        def build() -> tuple[dict[str, int], int]:
            return tokenizer.gen_pfdict(tokenizer.get_dict_file())

        def decode(data: bytes) -> tuple[dict[str, int], int]:
            table = decode_words(data)
            return dict(zip(table.words, table.values, strict=True)), table.total

        frequencies, total = self._kept(
            f"prefix-{self.dictionary_sha256[:16]}-{self.jieba_version}.words",
            build,
            lambda kept: encode_words(list(kept[0]), list(kept[0].values()), total=kept[1]),
            decode,
        )
        tokenizer.FREQ, tokenizer.total, tokenizer.initialized = frequencies, total, True

    @cached_property
    def _rust(self):
        import rjieba

        engine = rjieba.Jieba()
        for term, frequency, tag in self._domain_words:
            engine.add_word(term, frequency, tag)
        return engine

    @cached_property
    def _exact_cut(self) -> JiebaCut:
        self._tags  # noqa: B018  (the domain terms are in jieba's dictionary first)
        return JiebaCut(self._tokenizer)

    def _jieba_cut(self, run: str) -> list[str]:
        # jieba's lcut(run, HMM=True), token for token, at well under half its cost (jiebacut).
        return self._exact_cut(run)

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
        return hashlib.sha256(_jieba_dictionary().read_bytes()).hexdigest()

    @property
    def domain_sha256(self) -> str | None:
        return self.domain.sha256 if self.domain else None

    # Which tagger made the tags, for the manifest. Both engines tag alike: rjieba's own
    # tagger agrees on only 88.3% of unknown-word occurrences in 20 MB of real pages
    # (443,471 of them), and a release's tags must not depend on the engine.
    tagger = "jieba dictionary; unknown words: jieba.posseg HMM, state of the last character"

    @property
    def jieba_version(self) -> str:
        from importlib.metadata import version

        return version("jieba")

    def tokenize(self, text: str) -> Tokens:
        """Tokens of ``text`` with offsets and tags, as columns; whitespace between tokens is dropped."""
        return self.tokenize_many([text])[0]

    def tokenize_many(self, texts: Sequence[str]) -> list[Tokens]:
        """``tokenize`` for each of ``texts``, with the words no dictionary knows tagged together in one pass."""
        cut: list[tuple[list[str], list[int]]] = []
        for text in texts:
            words: list[str] = []
            starts: list[int] = []
            position = 0
            for word in self.words(text):
                if not word.isspace():
                    words.append(word)
                    starts.append(position)
                position += len(word)
            if position != len(text):  # precise mode covers every character
                raise RuntimeError(f"{self.engine} lost characters of {text[:40]!r}")
            cut.append((words, starts))
        known = self._tags
        heard: set[str] = set()
        for words, _ in cut:
            heard.update(words)
        unknown = _unknown_word_tags(heard.difference(known))
        # The dictionary's tag, else the unknown word's: map() walks both in C, where a
        # comprehension ran a line of Python for each of a build's millions of tokens.
        return [Tokens(tuple(words), tuple(starts), tuple(map(known.get, words, map(unknown.get, words)))) for words, starts in cut]

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
        return _unknown_word_tags({word})[word]


def _jieba_dictionary() -> Path:
    """The dictionary file jieba's default tokenizer opens (``get_dict_file``), found without importing jieba.

    Importing jieba costs a tenth of a second (it imports pkg_resources), a tenth of a
    rebuild in which no page changed.
    """
    spec = importlib.util.find_spec("jieba")
    if spec is None or not spec.submodule_search_locations:
        raise CadrespeechError("jieba is not installed")
    return Path(next(iter(spec.submodule_search_locations))) / "dict.txt"


# One segmenter per process and engine: building one loads a dictionary (about a second).
_SEGMENTERS: dict[str, Segmenter] = {}


def segmenter_for(engine: str) -> Segmenter:
    """The process's segmenter for ``engine``, made on first use (its dictionary loads when it first cuts)."""
    if engine not in _SEGMENTERS:
        _SEGMENTERS[engine] = Segmenter(engine)
    return _SEGMENTERS[engine]


# Tags of words the dictionary lacks, kept across pages: names and places recur. Emptied
# when full, which costs only recomputation, since a word's tag depends on nothing else.
_UNKNOWN_TAGS: dict[str, str] = {}
_UNKNOWN_TAGS_KEPT = 200_000


def _unknown_word_tags(words: set[str]) -> dict[str, str]:
    """Tags for words the dictionary lacks: numbers, Latin words and symbols by their shape, Chinese words by the HMM."""
    found = {word: _UNKNOWN_TAGS[word] for word in words if word in _UNKNOWN_TAGS}
    chinese = []
    # Sorted: neighbours share their first characters, and so their states, which keeps a batch's array work small.
    for word in sorted(words - found.keys()):
        if _HAN_RUN.fullmatch(word):
            chinese.append(word)
        elif _NUMBER.fullmatch(word) and any(c.isdigit() for c in word):
            found[word] = "m"
        elif _LATIN.fullmatch(word):
            found[word] = "eng"
        else:
            found[word] = "x"
    if chinese:
        found.update(zip(chinese, _pos_hmm().last_tags(chinese), strict=True))
    if len(_UNKNOWN_TAGS) + len(found) > _UNKNOWN_TAGS_KEPT:
        _UNKNOWN_TAGS.clear()
    _UNKNOWN_TAGS.update(found)
    return found


# posseg's table modules and what we take from each: (its name, ours).
_POSSEG_TABLES = {
    "prob_start": (("P", "start_P"),),
    "prob_trans": (("P", "trans_P"),),
    "prob_emit": (("P", "emit_P"),),
    "char_state_tab": (("P", "char_state_tab_P"),),
    "viterbi": (("MIN_FLOAT", "MIN_FLOAT"), ("MIN_INF", "MIN_INF")),
}


def _posseg_tables() -> SimpleNamespace:
    """jieba.posseg's HMM tables (``start_P``, ``trans_P``, ``emit_P``, ``char_state_tab_P``) and its two floors.

    Read from posseg's own table modules without importing the package: its
    ``__init__`` makes a tagger that parses the whole dictionary for its word tags
    (0.26 s in every process that tags), which we never use. A test compares the
    tables with the package's.
    """
    jieba = importlib.util.find_spec("jieba")
    if jieba is None or jieba.origin is None:
        raise CadrespeechError("jieba is not installed")
    tables = SimpleNamespace()
    for module, names in _POSSEG_TABLES.items():
        path = Path(jieba.origin).parent / "posseg" / f"{module}.py"
        spec = importlib.util.spec_from_file_location(f"_cadrespeech_posseg_{module}", path)
        if spec is None or spec.loader is None:
            raise CadrespeechError(f"jieba's posseg has no {module}.py")
        loaded = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(loaded)
        for theirs, ours in names:
            setattr(tables, ours, getattr(loaded, theirs))
    return tables


class PosHMM:
    """jieba.posseg's part-of-speech HMM, giving the state of a word's last character as its viterbi does.

    A Chinese word's tag is that of its last character, the head of a compound. Only
    the last state is wanted, and it is the best-scoring state of the last column:
    the forward pass alone decides it, with no path to keep. The pass runs on numpy
    arrays over jieba's own tables, adding in jieba's order, so the scores, and the
    tag, are exactly jieba's (tests compare them); jieba's loop over its 256 states in
    Python was 95% of a build's time on real text.

    Many words go through together, a column per character position: each step is a
    handful of array operations over every word at once, where one word at a time
    cost ten small ones per character. Scores are kept for all 256 states, minus
    infinity for a state jieba does not consider. Transitions are the 5,218 that
    jieba's table allows (it has minus infinity elsewhere, so "reachable" is
    "finite"). A character's own states are scored if any is reachable; otherwise,
    as in jieba, every reachable state is.
    """

    # Words per pass. A pass costs a dozen array calls whatever its size, and larger
    # batches reach more states between them, so each word costs more array work. In a
    # build, where a page brings ~45 new unknown words, 128 was the fastest of 16-128.
    BATCH = 128

    def __init__(self) -> None:
        posseg = _posseg_tables()
        self.min_float, min_inf = posseg.MIN_FLOAT, posseg.MIN_INF
        self.states = list(posseg.trans_P)  # jieba's all_states
        index = {state: i for i, state in enumerate(self.states)}
        self.size = len(self.states)
        self.trans = np.full((self.size, self.size), min_inf)  # minus infinity: jieba allows no such transition
        for source, targets in posseg.trans_P.items():
            for target, probability in targets.items():
                self.trans[index[source], index[target]] = probability
        # The same transitions as a list sorted by target, for np.maximum.reduceat over a subset of them.
        self.edge_source, self.edge_target = (array.astype(np.intp) for array in np.nonzero(min_inf < self.trans.T)[::-1])
        self.edge_score = self.trans[self.edge_source, self.edge_target]
        self.start = np.array([posseg.start_P[state] for state in self.states])
        self.emit = posseg.emit_P
        self.char_states = posseg.char_state_tab_P
        self.index = index
        # jieba breaks a tie by the greater state tuple: each state's rank in that order.
        self.rank = np.argsort(np.argsort(np.array([f"{a}\t{b}" for a, b in self.states])))
        self._rows: dict[str, tuple[np.ndarray, np.ndarray, bool]] = {}
        self._after_first: dict[str, np.ndarray] = {}

    def _char(self, char: str) -> tuple[np.ndarray, np.ndarray, bool]:
        """A character's emission scores (jieba's MIN_FLOAT where it has none), its own states, and whether jieba lists any."""
        row = self._rows.get(char)
        if row is None:
            emission = np.array([self.emit[state].get(char, self.min_float) for state in self.states])
            own = np.zeros(self.size, dtype=bool)
            listed = char in self.char_states
            if listed:
                own[[self.index[state] for state in self.char_states[char]]] = True
            else:
                own[:] = True
            row = self._rows[char] = (emission, own, listed)
        return row

    def last_tag(self, word: str) -> str:
        return self.last_tags([word])[0]

    def last_tags(self, words: Sequence[str]) -> list[str]:
        """The tag of each word's last character, in order; a batch's result does not depend on its company."""
        tags: list[str] = []
        for first in range(0, len(words), self.BATCH):
            tags += self._batch(words[first : first + self.BATCH])
        return tags

    def _batch(self, words: Sequence[str]) -> list[str]:
        count = len(words)
        lengths = np.array([len(word) for word in words])
        final = np.empty((count, self.size))
        emission, own, _ = self._columns([word[0] for word in words])
        scores = np.where(own, self.start + emission, -np.inf)
        active = np.arange(count)
        for position in range(1, int(lengths.max())):
            ending = lengths[active] == position
            final[active[ending]] = scores[ending]
            active, scores = active[~ending], scores[~ending]
            emission, own, listed = self._columns([words[i][position] for i in active])
            if position == 1:
                # After one character, what follows depends on that character alone: looked up.
                following = self._following([words[i][0] for i in active])
                owned = np.where(own, following, -np.inf)
                use_own = listed & (owned > -np.inf).any(axis=1)
                best = np.where(use_own[:, None], owned, following)
            else:
                reached_any = (scores > -np.inf).any(axis=0)
                # Each word's own states first, from the states some word has reached: a few
                # hundred transitions, where all of them are thousands.
                best = self._best(scores, reached_any, own[listed].any(axis=0))
                owned = np.where(own, best, -np.inf)
                use_own = listed & (owned > -np.inf).any(axis=1)
                best = owned
                if not use_own.all():  # as in jieba, every state reachable at all
                    others = ~use_own
                    best[others] = self._best(scores[others], reached_any, np.ones(self.size, dtype=bool))
            reached = best > -np.inf
            if not reached.any(axis=1).all():  # where jieba's viterbi fails too
                stuck = active[~reached.any(axis=1)][0]
                raise ValueError(f"no state can follow in {words[stuck]!r}")
            scores = np.where(reached, best + emission, -np.inf)
        final[active] = scores
        top = final == final.max(axis=1, keepdims=True)
        chosen = np.argmax(np.where(top, self.rank, -1), axis=1)
        return [str(self.states[state][1]) for state in chosen]

    def _following(self, chars: list[str]) -> np.ndarray:
        """Every state's best score + transition after a word's first character, a row per character, kept per character.

        Most unknown words have two characters, and their first transition, the bulk
        of the pass, repeats for every word that starts alike. The values are those
        the batched pass gives (the same additions, and a maximum over the same
        finite terms), so the tags stay jieba's.
        """
        new = sorted(set(chars) - self._after_first.keys())
        if new:
            emission, own, _ = self._columns(new)
            first = np.where(own, self.start + emission, -np.inf)
            every = np.ones(self.size, dtype=bool)
            self._after_first.update(zip(new, self._best(first, (first > -np.inf).any(axis=0), every), strict=True))
        return np.array([self._after_first[char] for char in chars])

    def _best(self, scores: np.ndarray, sources: np.ndarray, targets: np.ndarray) -> np.ndarray:
        """For each row, each target's best of score + transition over ``sources``; minus infinity elsewhere."""
        edges = np.flatnonzero(sources[self.edge_source] & targets[self.edge_target])
        best = np.full((len(scores), self.size), -np.inf)
        if len(edges):
            reached, firsts = np.unique(self.edge_target[edges], return_index=True)
            best[:, reached] = np.maximum.reduceat(scores[:, self.edge_source[edges]] + self.edge_score[edges], firsts, axis=1)
        return best

    def _columns(self, chars: list[str]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        rows = [self._char(char) for char in chars]
        return np.array([r[0] for r in rows]), np.array([r[1] for r in rows]), np.array([r[2] for r in rows], dtype=bool)


@lru_cache(maxsize=1)
def _pos_hmm() -> PosHMM:
    return PosHMM()
