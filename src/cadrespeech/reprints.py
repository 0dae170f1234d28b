"""Reprints and template paragraphs: what a corpus of recycled speeches needs flagged.

The same speech is reprinted on many sites with a new title line, a news lead or a
few sentences cut; template sites stitch speeches from shared paragraphs. Both are
flagged, never removed:

- each paragraph gets a hash of its normalised text, so every speech sharing a
  paragraph is one group-by away;
- each speech gets a MinHash signature over character 5-grams of its normalised text
  (datasketch, fixed seed, CRC-32 of each 5-gram), and a locality-sensitive index over the release's
  signatures groups speeches whose estimated Jaccard similarity reaches
  ``REPRINT_SIMILARITY`` into reprint clusters.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
import zlib
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from datasketch import LeanMinHash, MinHash, MinHashLSH

# Character n-grams: 5 Chinese characters are about two words, short enough that a
# light edit changes few of them, long enough that two speeches on one theme share few.
SHINGLE_CHARS = 5
NUM_PERM = 128
SEED = 1
# Estimated Jaccard similarity of 5-grams at or above which two speeches are one
# reprint cluster. Measured on our fixtures: a reprint with a news lead, a new title
# and six sentences changed scores about 0.87; speeches on one theme sharing two
# whole paragraphs score about 0.05.
REPRINT_SIMILARITY = 0.5
# Paragraphs shorter than this after normalisation (同志们：, 谢谢大家！) recur in every
# speech and say nothing of templates; they get no hash.
MIN_HASHED_PARAGRAPH_CHARS = 20

_NOT_TEXT = re.compile(r"[\W_]+")


def normalise(text: str) -> str:
    """Text with width, spacing and punctuation differences between sites taken out.

    >>> normalise("一、 坚持 “稳中求进”, 抓好落实!")
    '一坚持稳中求进抓好落实'
    """
    return _NOT_TEXT.sub("", unicodedata.normalize("NFKC", text)).lower()


def paragraph_hash(text: str) -> str | None:
    """16 hex digits of the sha256 of the normalised paragraph; None when it is too short."""
    key = normalise(text)
    if len(key) < MIN_HASHED_PARAGRAPH_CHARS:
        return None
    return hashlib.sha256(key.encode("utf-8")).hexdigest()[:16]


# datasketch's 32-bit scheme, named so stored signatures keep their meaning.
SCHEME = "affine32"
_PERMUTATIONS = MinHash(num_perm=NUM_PERM, seed=SEED, scheme=SCHEME).permutations


def _shingle_hash(shingle: bytes) -> int:
    # CRC-32 in C instead of datasketch's default SHA-1 in a Python loop: a third of
    # the cost. The random affine permutations on top do the MinHash's work; the
    # hash need only tell shingles apart, which 32 bits do for a speech's few thousand.
    return zlib.crc32(shingle)


def signature(text: str) -> bytes:
    """The speech's MinHash signature as NUM_PERM little-endian uint32 values."""
    key = normalise(text)
    shingles = {key[i : i + SHINGLE_CHARS] for i in range(max(1, len(key) - SHINGLE_CHARS + 1))}
    minhash = MinHash(num_perm=NUM_PERM, seed=SEED, hashfunc=_shingle_hash, permutations=_PERMUTATIONS, scheme=SCHEME)
    minhash.update_batch([s.encode("utf-8") for s in sorted(shingles)])
    return minhash.hashvalues.astype("<u4").tobytes()


def similarity(left: bytes, right: bytes) -> float:
    """Estimated Jaccard similarity: the share of equal signature values."""
    return float(np.mean(np.frombuffer(left, "<u4") == np.frombuffer(right, "<u4")))


def _lean(signature: bytes) -> LeanMinHash:
    return LeanMinHash(seed=SEED, hashvalues=np.frombuffer(signature, "<u4"), scheme=SCHEME)


@dataclass(frozen=True, slots=True)
class SpeechSignature:
    doc_id: str
    n_chars: int
    signature: bytes


@dataclass(frozen=True, slots=True)
class ReprintRow:
    doc_id: str
    cluster_id: str
    canonical_doc_id: str
    cluster_size: int
    similarity: float  # estimated Jaccard similarity to the canonical speech (1.0 for itself)
    is_canonical: bool


class ReprintIndex:
    """Signatures gathered speech by speech, then clustered once at the end of a build."""

    def __init__(self) -> None:
        self.lsh = MinHashLSH(threshold=REPRINT_SIMILARITY, num_perm=NUM_PERM)
        self.speeches: list[SpeechSignature] = []

    def add(self, speech: SpeechSignature) -> None:
        self.lsh.insert(speech.doc_id, _lean(speech.signature), check_duplication=False)
        self.speeches.append(speech)

    def rows(self) -> list[ReprintRow]:
        """One row per speech, in the order added; clusters of one included, so joins are total."""
        by_id = {s.doc_id: s for s in self.speeches}
        parent = {s.doc_id: s.doc_id for s in self.speeches}

        def root(doc: str) -> str:
            while parent[doc] != doc:
                parent[doc] = parent[parent[doc]]
                doc = parent[doc]
            return doc

        for speech in self.speeches:
            for other in sorted(self.lsh.query(_lean(speech.signature))):
                # The index proposes candidates; the signatures decide.
                if other != speech.doc_id and similarity(speech.signature, by_id[other].signature) >= REPRINT_SIMILARITY:
                    a, b = sorted((root(speech.doc_id), root(other)))
                    parent[b] = a
        members: dict[str, list[SpeechSignature]] = {}
        for speech in self.speeches:
            members.setdefault(root(speech.doc_id), []).append(speech)
        rows = []
        for speech in self.speeches:
            cluster = members[root(speech.doc_id)]
            # The fullest text stands for the cluster; ties go to the first in doc_id order.
            canonical = min(cluster, key=lambda s: (-s.n_chars, s.doc_id))
            rows.append(
                ReprintRow(
                    doc_id=speech.doc_id,
                    cluster_id=f"r-{canonical.doc_id}",
                    canonical_doc_id=canonical.doc_id,
                    cluster_size=len(cluster),
                    similarity=round(similarity(speech.signature, canonical.signature), 4),
                    is_canonical=speech is canonical,
                )
            )
        return rows


def clusters(rows: Iterable[ReprintRow]) -> dict[str, list[str]]:
    """cluster_id -> doc_ids, for clusters of two or more."""
    found: dict[str, list[str]] = {}
    for row in rows:
        if row.cluster_size > 1:
            found.setdefault(row.cluster_id, []).append(row.doc_id)
    return found
