"""jieba's precise cut (``HMM=True``) of a run of Han characters, done again on jieba's own tables.

jieba cuts a run in three steps: every dictionary word found at each character (its
DAG), the most probable path through them (``calc``), and its character HMM
(``finalseg``) over each stretch of single characters that makes no dictionary word.
In a build those steps were over a quarter of all the time, most of it bookkeeping
around a few dictionary look-ups and additions: a path copied at every character,
dictionaries of four states, a logarithm taken again for every candidate word. Here
each step does the same arithmetic in the same order on the same numbers, so every
token is the one jieba gives, and far less is done around it (tested against jieba
itself on generated runs and on real text).

Only for runs that jieba's own ``re_han_default`` would hand whole to its DAG and
whose characters its ``finalseg`` treats as Han: ``\u4e00``–``\u9fd5``, nothing else.
"""

from __future__ import annotations

from math import log
from typing import Any

Scores = dict[str, float]

# jieba's finalseg states, in its own letters: Begin, Middle, End of a word, Single.
STATES = "BMES"
_INFINITY = float("inf")
_UNSEEN = object()


class JiebaCut:
    """Cut Han runs exactly as ``tokenizer.lcut(run, HMM=True)`` does, for a loaded tokenizer whose words no longer change.

    ``tokenizer`` is a ``jieba.Tokenizer`` after every ``add_word``: the total of the
    frequencies is read once, here (jieba's own ``calc`` reads it on each call).
    """

    def __init__(self, tokenizer: Any) -> None:
        from jieba import finalseg

        tokenizer.check_initialized()
        self.frequencies: dict[str, int] = tokenizer.FREQ
        self.log_total = log(tokenizer.total)
        # Each word's score, log(frequency or 1) - log(total): the first two terms of
        # jieba's sum, so adding the route's score to it gives jieba's float exactly.
        self.scores: dict[str, float | None] = {}
        self.force_split: set[str] = finalseg.Force_Split_Words
        self.hmm = _CharHMM(finalseg.start_P, finalseg.trans_P, finalseg.emit_P, finalseg.MIN_FLOAT)

    def __call__(self, run: str) -> list[str]:
        """``run`` (Han characters only) cut into words."""
        route = self._route(run)
        words: list[str] = []
        single_start = -1  # where the current stretch of single characters began
        position, end = 0, len(run)
        while position < end:
            after = route[position]
            if after - position == 1:
                if single_start < 0:
                    single_start = position
            else:
                if single_start >= 0:
                    self._singles(run[single_start:position], words)
                    single_start = -1
                words.append(run[position:after])
            position = after
        if single_start >= 0:
            self._singles(run[single_start:], words)
        return words

    def _route(self, run: str) -> list[int]:
        """Where the best path's word starting at each character ends (jieba's ``route[i][1] + 1``)."""
        frequencies, scores, log_total = self.frequencies, self.scores, self.log_total
        end = len(run)
        best = [0.0] * (end + 1)
        ends = [0] * (end + 1)
        for start in range(end - 1, -1, -1):
            top_score, top_end = -_INFINITY, 0
            stop = start + 1
            word = run[start]
            # jieba's DAG: every word in the dictionary that starts here, shortest first,
            # until a string is not even a prefix of one.
            while True:
                score = scores.get(word, _UNSEEN)
                if score is _UNSEEN:
                    frequency = frequencies.get(word)
                    if frequency is None:
                        break
                    # Kept only for the dictionary's own entries, so the table cannot outgrow it.
                    score = scores[word] = log(frequency) - log_total if frequency else None
                if score is not None:  # a prefix with no frequency of its own is no word
                    score += best[stop]
                    if score >= top_score:  # max() over (score, end) pairs: on a tie the later end wins
                        top_score, top_end = score, stop
                if stop == end:
                    break
                stop += 1
                word = run[start:stop]
            if not top_end:  # no word: the character alone, with frequency 1
                top_score, top_end = (log(frequencies.get(run[start]) or 1) - log_total) + best[start + 1], start + 1
            best[start], ends[start] = top_score, top_end
        return ends

    def _singles(self, stretch: str, words: list[str]) -> None:
        """A stretch of single characters: jieba's HMM finds words in it unless it is itself a dictionary word."""
        if len(stretch) == 1:
            words.append(stretch)
        elif self.frequencies.get(stretch):
            words.extend(stretch)
        else:
            for word in self.hmm.cut(stretch):
                if word in self.force_split:
                    words.extend(word)
                else:
                    words.append(word)


class _CharHMM:
    """jieba's ``finalseg`` Viterbi over the states B, M, E, S with its own tables, unrolled.

    Each candidate's score is jieba's ``V[t-1][y0] + trans_p[y0][y] + emit``, added in
    that order; where two tie, jieba's ``max`` over (score, state) takes the later letter.
    """

    def __init__(self, start: Scores, transitions: dict[str, Scores], emissions: dict[str, Scores], floor: float) -> None:
        self.start = start
        self.t = transitions
        self.emissions = emissions
        self.floor = floor  # the score of a character a state never emits
        # Each character's four emission scores in one tuple: bounded by the Han range.
        self.rows: dict[str, tuple[float, float, float, float]] = {}

    def emission(self, char: str) -> tuple[float, float, float, float]:
        row = self.rows.get(char)
        if row is None:
            b, m, e, s = (self.emissions[state].get(char, self.floor) for state in STATES)
            row = self.rows[char] = (b, m, e, s)
        return row

    def states(self, chars: str) -> str:
        """The most probable state of each character, as jieba's viterbi gives them."""
        t, emission = self.t, self.emission
        tBE, tBM = t["B"]["E"], t["B"]["M"]
        tEB, tES = t["E"]["B"], t["E"]["S"]
        tME, tMM = t["M"]["E"], t["M"]["M"]
        tSB, tSS = t["S"]["B"], t["S"]["S"]
        eb, em, ee, es = emission(chars[0])
        vb, vm, ve, vs = self.start["B"] + eb, self.start["M"] + em, self.start["E"] + ee, self.start["S"] + es
        back: list[tuple[str, str, str, str]] = []  # per character after the first: the best previous state of B, M, E, S
        for char in chars[1:]:
            eb, em, ee, es = emission(char)
            from_e, from_s = ve + tEB + eb, vs + tSB + eb
            b, pb = (from_s, "S") if from_s >= from_e else (from_e, "E")
            from_m, from_b = vm + tMM + em, vb + tBM + em
            m, pm = (from_m, "M") if from_m >= from_b else (from_b, "B")
            from_b, from_m = vb + tBE + ee, vm + tME + ee
            e, pe = (from_m, "M") if from_m >= from_b else (from_b, "B")
            from_s, from_e = vs + tSS + es, ve + tES + es
            s, ps = (from_s, "S") if from_s >= from_e else (from_e, "E")
            back.append((pb, pm, pe, ps))
            vb, vm, ve, vs = b, m, e, s
        state = "S" if vs >= ve else "E"
        path = [state]
        for previous in reversed(back):
            state = previous[STATES.index(state)]
            path.append(state)
        return "".join(reversed(path))

    def cut(self, chars: str) -> list[str]:
        """jieba's ``finalseg.__cut``: a word ends at each E or S; what is left after the last one is a word too."""
        words: list[str] = []
        begin = following = 0
        for index, state in enumerate(self.states(chars)):
            if state == "B":
                begin = index
            elif state == "E":
                words.append(chars[begin : index + 1])
                following = index + 1
            elif state == "S":
                words.append(chars[index])
                following = index + 1
        if following < len(chars):
            words.append(chars[following:])
        return words
