"""Our versioned dictionary of political and administrative vocabulary, and its measured effect.

jieba's bundled dictionary splits many of the field's terms (党风廉政建设 becomes
党风廉政 + 建设), which scatters them across word counts and topic models. The
dictionary in ``data/domain_dict.txt`` is written by us; the segmenter adds its terms
so they stay whole. Its version and sha256 go into every release's manifest.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

from .textclass import HAN

DICTIONARY_FILE = "data/domain_dict.txt"
_VERSION_LINE = re.compile(r"^# version: (\S+)$", re.M)
# Up to 16 characters: the longest fixed formulations are whole names of a doctrine
# (习近平新时代中国特色社会主义思想), which researchers count as one unit.
_TERM = re.compile(rf"[{HAN}]{{2,16}}")


@dataclass(frozen=True, slots=True)
class DomainTerm:
    term: str
    pos: str
    group: str  # the heading comment it stands under, e.g. 党的建设


@dataclass(frozen=True, slots=True)
class DomainDictionary:
    version: str
    sha256: str
    terms: tuple[DomainTerm, ...]


@lru_cache(maxsize=1)
def domain_dictionary() -> DomainDictionary:
    data = resources.files("cadrespeech").joinpath(DICTIONARY_FILE).read_bytes()
    return parse_dictionary(data)


def parse_dictionary(data: bytes) -> DomainDictionary:
    """Read ``TERM<TAB>POS`` lines under ``# group`` comments; anything else is an error.

    >>> d = parse_dictionary("# version: 9.9.9\\n# 党的建设\\n群众路线\\tn\\n".encode())
    >>> d.version, d.terms[0]
    ('9.9.9', DomainTerm(term='群众路线', pos='n', group='党的建设'))
    """
    text = data.decode("utf-8")
    version = _VERSION_LINE.search(text)
    if version is None:
        raise ValueError(f"{DICTIONARY_FILE}: no '# version: X.Y.Z' line")
    terms: list[DomainTerm] = []
    seen: set[str] = set()
    group = ""
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        if line.startswith("#"):
            group = line.lstrip("# ").strip()
            continue
        term, _, pos = line.partition("\t")
        if not _TERM.fullmatch(term) or not pos.isalpha() or term in seen:
            raise ValueError(f"{DICTIONARY_FILE}:{number}: expected a new 2-16 character Han term, a tab and a tag, got {line!r}")
        seen.add(term)
        terms.append(DomainTerm(term, pos, group))
    return DomainDictionary(version.group(1), hashlib.sha256(data).hexdigest(), tuple(terms))


@dataclass(frozen=True, slots=True)
class DictionaryEffect:
    """How the dictionary's terms fare in some texts, with and without it."""

    occurrences: int  # term occurrences found in the texts (longest term wins where they overlap)
    distinct_terms: int
    split_without: int  # occurrences jieba alone splits into several tokens
    whole_with: int  # occurrences the pipeline's segmenter keeps as one token


def dictionary_effect(texts: Iterable[str], plain, domain) -> DictionaryEffect:
    """Count term occurrences in ``texts`` and whether each segmenter keeps them whole.

    ``plain`` and ``domain`` are segmenters (``tokenize(text)`` giving tokens with
    ``text`` and ``start``) without and with the dictionary.
    """
    terms = sorted((t.term for t in domain_dictionary().terms), key=len, reverse=True)
    pattern = re.compile("|".join(map(re.escape, terms)))
    occurrences, split_without, whole_with = 0, 0, 0
    found: set[str] = set()
    for text in texts:
        matches = [(m.start(), m.end()) for m in pattern.finditer(text)]
        if not matches:
            continue
        plain_spans = {(t.start, t.start + len(t.text)) for t in plain.tokenize(text)}
        domain_spans = {(t.start, t.start + len(t.text)) for t in domain.tokenize(text)}
        for span in matches:
            occurrences += 1
            found.add(text[span[0] : span[1]])
            split_without += span not in plain_spans
            whole_with += span in domain_spans
    return DictionaryEffect(occurrences, len(found), split_without, whole_with)
