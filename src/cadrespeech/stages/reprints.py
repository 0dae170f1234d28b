"""Reprints and template paragraphs: what a corpus of recycled speeches needs flagged.

The same speech is reprinted on many sites with a new title line, a news lead or a
few sentences cut; template sites stitch speeches from shared paragraphs. Both are
flagged, never removed:

- each paragraph gets a hash of its normalised text, so every speech sharing a
  paragraph is one group-by away;
- each speech gets a MinHash signature over character 5-grams of its normalised text
  (datasketch's affine32 scheme, fixed seed, CRC-32 of each 5-gram); speeches that agree on a whole
  band of their signatures (locality-sensitive hashing, datasketch's band layout)
  are compared, and those whose estimated Jaccard similarity reaches
  ``REPRINT_SIMILARITY`` join one reprint cluster.
"""

from __future__ import annotations

import hashlib
import io
import re
import unicodedata
import zlib
from array import array
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from typing import Any, BinaryIO

import numpy as np

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
# Shingles hashed against every permutation at once: 8,192 x 128 x 4 bytes is 4 MB.
SHINGLE_CHUNK = 8192
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


# datasketch's 32-bit scheme ("affine32"), named so stored signatures keep their
# meaning: each 32-bit shingle hash is mixed once with MurmurHash3's finaliser, then
# permuted NUM_PERM times by h -> a*h + b mod 2**32 (a odd), and the minimum of each
# permutation kept. We compute it ourselves with numpy over a whole document, so a
# build never imports datasketch (and scipy under it); a test checks the signatures
# against datasketch's own.
SCHEME = "affine32"
# MurmurHash3's 32-bit finaliser: shift, multiply, shift, multiply, shift.
FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)


@cache
def _permutations() -> tuple[np.ndarray, np.ndarray]:
    """The NUM_PERM (a, b) pairs for SEED, drawn in the order datasketch draws them."""
    draw = np.random.RandomState(SEED)
    a = draw.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = draw.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def _fmix32(hashes: np.ndarray) -> np.ndarray:
    first, m1, second, m2, third = FMIX32
    hashes = hashes ^ (hashes >> np.uint32(first))
    hashes = hashes * np.uint32(m1)
    hashes = hashes ^ (hashes >> np.uint32(second))
    hashes = hashes * np.uint32(m2)
    return hashes ^ (hashes >> np.uint32(third))


def signature(text: str) -> bytes:
    """The speech's MinHash signature as NUM_PERM little-endian uint32 values.

    Shingles are cut from the UTF-32 encoding (four bytes a character), so each is a
    slice rather than an encoding of its own; a minimum does not depend on order, so
    the set needs no sorting.
    """
    data = normalise(text).encode("utf-32-le")
    width, last = 4 * SHINGLE_CHARS, max(0, len(data) - 4 * SHINGLE_CHARS)
    shingles = {data[i : i + width] for i in range(0, last + 1, 4)}
    # CRC-32 in C instead of datasketch's default SHA-1 in a Python loop: a third of
    # the cost. The random affine permutations on top do the MinHash's work; the
    # hash need only tell shingles apart, which 32 bits do for a speech's few thousand.
    hashes = _fmix32(np.fromiter(map(zlib.crc32, shingles), dtype=np.uint32, count=len(shingles)))
    a, b = _permutations()
    # uint32 arithmetic wraps, which is the mod 2**32 the scheme asks for. Chunks of
    # shingles bound the (shingles x NUM_PERM) matrix for very long texts.
    lowest = np.full(NUM_PERM, np.iinfo(np.uint32).max, dtype=np.uint32)
    for start in range(0, len(hashes), SHINGLE_CHUNK):
        chunk = hashes[start : start + SHINGLE_CHUNK, None]
        np.minimum(lowest, (chunk * a + b).min(axis=0), out=lowest)
    return lowest.astype("<u4").tobytes()


def similarity(left: bytes, right: bytes) -> float:
    """Estimated Jaccard similarity: the share of equal signature values."""
    return float(np.mean(np.frombuffer(left, "<u4") == np.frombuffer(right, "<u4")))


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


# The band layout (bands x rows per band): the one datasketch's LSH picks for our
# threshold and signature length, written down because datasketch keeps it in private
# attributes (a test compares the two and fails loudly if datasketch's choice moves).
BANDS, BAND_ROWS = 25, 5
# Speeches sharing one band beyond this many are compared with the group's first only,
# so a template shared by thousands of speeches cannot make the pairs quadratic.
MAX_PAIRWISE_GROUP = 64


class ReprintIndex:
    """Signatures gathered speech by speech, clustered once at the end, with little kept in memory.

    datasketch's in-memory LSH index keeps a Python set per band key, about 13 kB a
    speech (1.3 GB at 100k speeches). We use its band layout but look bands up with a
    numpy sort, a band at a time. The 512-byte signatures go to ``spill`` (a binary
    file; memory when none is given) and come back in chunks: what stays in memory is
    the doc_id's bytes and the length, about 30 bytes a speech.
    """

    def __init__(self, spill: BinaryIO | None = None) -> None:
        self._signatures = _Records(np.dtype((np.dtype("<u4"), (NUM_PERM,))), spill)
        self._ids = bytearray()  # every doc_id's UTF-8, one after another
        self._id_ends = array("q")
        self._n_chars = array("q")

    def __len__(self) -> int:
        return len(self._n_chars)

    def add(self, speech: SpeechSignature) -> None:
        self._ids += speech.doc_id.encode("utf-8")
        self._id_ends.append(len(self._ids))
        self._n_chars.append(speech.n_chars)
        self._signatures.append(speech.signature)

    def doc_ids(self) -> Any:
        """The doc_ids in the order added, as an Arrow string array made from the kept bytes."""
        import pyarrow as pa

        offsets = np.zeros(len(self) + 1, np.int64)
        offsets[1:] = np.frombuffer(self._id_ends, np.int64) if len(self) else ()
        return pa.LargeStringArray.from_buffers(len(self), pa.py_buffer(offsets), pa.py_buffer(bytes(self._ids))).cast(pa.string())

    def columns(self) -> dict[str, Any]:
        """The ``duplicates`` columns: one row per speech, in the order added, clusters of one included.

        Built as arrays, not row objects, so a release of 100k speeches adds little at the end.
        """
        import pyarrow.compute as pc

        count = len(self)
        doc_ids = self.doc_ids()
        pairs = _candidate_pairs(self._signatures)
        # Only speeches in a candidate pair can join a cluster: their signatures are all the end reads back.
        involved = np.unique(np.array(list(pairs), np.int64).reshape(-1))
        matrix = self._signatures.take(involved)
        roots = _roots(count, pairs, involved, matrix)
        # The fullest text stands for its cluster; ties go to the first in doc_id order.
        doc_rank = np.empty(count, np.int64)
        doc_rank[pc.sort_indices(doc_ids).to_numpy()] = np.arange(count)
        order = np.lexsort((doc_rank, -np.frombuffer(self._n_chars, np.int64) if count else np.zeros(0, np.int64), roots))
        leads = np.ones(count, bool)
        leads[1:] = roots[order][1:] != roots[order][:-1]
        canonical_of_root = np.zeros(count, np.int64)
        canonical_of_root[roots[order][leads]] = order[leads]
        canonical = canonical_of_root[roots]
        canonical_ids = doc_ids.take(canonical)
        similarity = np.ones(count)
        others = np.flatnonzero(canonical != np.arange(count))
        row, canon = np.searchsorted(involved, others), np.searchsorted(involved, canonical[others])
        similarity[others] = np.round((matrix[row] == matrix[canon]).mean(axis=1), 4)
        return {
            "doc_id": doc_ids,
            "cluster_id": pc.binary_join_element_wise("r-", canonical_ids, ""),
            "canonical_doc_id": canonical_ids,
            "cluster_size": np.bincount(roots, minlength=count)[roots],
            "similarity": similarity,
            "is_canonical": canonical == np.arange(count),
        }

    def rows(self) -> list[ReprintRow]:
        """The same as records, for a person or a test."""
        c = self.columns()
        strings = (c["doc_id"].to_pylist(), c["cluster_id"].to_pylist(), c["canonical_doc_id"].to_pylist())
        numbers = (c["cluster_size"].tolist(), c["similarity"].tolist(), c["is_canonical"].tolist())
        return [ReprintRow(*fields) for fields in zip(*strings, *numbers, strict=True)]


def _roots(count: int, pairs: set[tuple[int, int]], involved: np.ndarray, matrix: np.ndarray) -> np.ndarray:
    """Each speech's cluster, named by its smallest member: pairs joined where the signatures agree.

    ``matrix`` holds the signatures of the ``involved`` speeches (sorted row numbers), in that order.
    """
    parent = list(range(count))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    row = {speech: k for k, speech in enumerate(involved.tolist())}
    for first, other in sorted(pairs):
        # A shared band proposes the pair; the whole signatures decide.
        if float(np.mean(matrix[row[first]] == matrix[row[other]])) >= REPRINT_SIMILARITY:
            a, b = sorted((root(first), root(other)))
            parent[b] = a
    return np.array([root(i) for i in range(count)], dtype=np.int64)


def _candidate_pairs(signatures: _Records) -> set[tuple[int, int]]:
    """Pairs of speeches (row numbers) whose signatures agree on at least one whole band."""
    pairs: set[tuple[int, int]] = set()
    for band in range(BANDS):
        columns = slice(band * BAND_ROWS, (band + 1) * BAND_ROWS)
        parts = [np.ascontiguousarray(chunk[:, columns]).view(f"V{4 * BAND_ROWS}").ravel() for chunk in signatures.chunks()]
        keys = np.concatenate(parts) if parts else np.zeros(0, f"V{4 * BAND_ROWS}")
        _, group, sizes = np.unique(keys, return_inverse=True, return_counts=True)
        shared = np.flatnonzero(sizes[group] > 1)
        by_group: dict[int, list[int]] = {}
        for i in shared.tolist():
            by_group.setdefault(int(group[i]), []).append(i)
        for rows in by_group.values():
            if len(rows) > MAX_PAIRWISE_GROUP:
                pairs.update((rows[0], other) for other in rows[1:])
            else:
                pairs.update((a, b) for k, a in enumerate(rows) for b in rows[k + 1 :])
    return pairs


class _Records:
    """Fixed-size records appended to a binary file and read back in chunks, or the rows asked for.

    What grows with the corpus is kept here, off the heap, when the file is a real one;
    without a file the records are kept in memory.
    """

    CHUNK_BYTES = 1 << 22

    def __init__(self, dtype: np.dtype, file: BinaryIO | None = None) -> None:
        self.dtype = dtype
        self.file: BinaryIO = file if file is not None else io.BytesIO()
        self.count = 0

    def append(self, data: bytes) -> None:
        if len(data) != self.dtype.itemsize:
            raise ValueError(f"a record is {self.dtype.itemsize} bytes, not {len(data)}")
        self.file.write(data)
        self.count += 1

    def extend(self, records: np.ndarray) -> None:
        self.file.write(np.ascontiguousarray(records, self.dtype).tobytes())
        self.count += len(records)

    def chunks(self) -> Iterator[np.ndarray]:
        """Every record in order, a few megabytes at a time."""
        rows = max(1, self.CHUNK_BYTES // self.dtype.itemsize)
        self.file.flush()
        self.file.seek(0)
        try:
            for start in range(0, self.count, rows):
                wanted = min(rows, self.count - start)
                yield np.frombuffer(self.file.read(wanted * self.dtype.itemsize), self.dtype, count=wanted)
        finally:
            self.file.seek(0, io.SEEK_END)  # where the next record goes

    def take(self, rows: np.ndarray) -> np.ndarray:
        """The records at ``rows`` (sorted, distinct row numbers), in that order."""
        taken = [np.zeros((0, *self.dtype.shape), self.dtype.base)]
        start = 0
        for chunk in self.chunks():
            end = start + len(chunk)
            inside = rows[np.searchsorted(rows, start) : np.searchsorted(rows, end)]
            if len(inside):
                taken.append(chunk[inside - start].copy())
            start = end
        return np.concatenate(taken)


class ParagraphTally:
    """Every hashed paragraph of a release as a 12-byte record (hash, speech ordinal), counted at the end.

    Speeches arrive in release order, so a speech's ordinal is its place in the stream.
    The records go to ``spill`` when one is given, and are counted a slice of the hash
    range at a time: the end needs memory for a slice of them, not for all.
    """

    RECORD = np.dtype([("hash", "<u8"), ("speech", "<u4")])
    SLICE_RECORDS = 1 << 20

    def __init__(self, spill: BinaryIO | None = None) -> None:
        self._records = _Records(self.RECORD, spill)
        self.speech_count = 0
        self._last_doc: str | None = None

    def add(self, doc_ids: list[str], hashes: list[str | None]) -> None:
        kept: list[tuple[int, int]] = []
        for doc, key in zip(doc_ids, hashes, strict=True):
            if doc != self._last_doc:
                self.speech_count += 1
                self._last_doc = doc
            if key is not None:
                kept.append((int(key, 16), self.speech_count))
        if kept:
            self._records.extend(np.array(kept, self.RECORD))

    def figures(self) -> dict[str, int]:
        """Hashed paragraphs, texts recurring in two or more speeches, their paragraphs and speeches."""
        count = self._records.count
        bits = (count - 1).bit_length() - self.SLICE_RECORDS.bit_length() + 1 if count > self.SLICE_RECORDS else 0
        shared_texts = paragraphs_recurring = 0
        with_recurring = np.zeros(self.speech_count + 1, bool)
        for part in range(1 << bits):
            hashes, speeches = self._slice(part, bits)
            order = np.lexsort((speeches, hashes))
            by_hash, by_speech = hashes[order], speeches[order]
            # One entry per (text, speech), then the texts found in two or more speeches.
            first = np.ones(len(by_hash), bool)
            first[1:] = (by_hash[1:] != by_hash[:-1]) | (by_speech[1:] != by_speech[:-1])
            texts, counts = np.unique(by_hash[first], return_counts=True)
            shared = texts[counts >= 2]
            recurring = np.isin(hashes, shared)
            shared_texts += len(shared)
            paragraphs_recurring += int(recurring.sum())
            with_recurring[speeches[recurring]] = True
        return {
            "hashed_paragraphs": count,
            "recurring_texts": shared_texts,
            "paragraphs_recurring": paragraphs_recurring,
            "speeches_with_recurring": int(with_recurring.sum()),
        }

    def _slice(self, part: int, bits: int) -> tuple[np.ndarray, np.ndarray]:
        """The hashes and speech ordinals of the records whose hash starts with the ``bits`` of ``part``."""
        chunks = [
            chunk if not bits else chunk[(chunk["hash"] >> np.uint64(64 - bits)) == part] for chunk in self._records.chunks()
        ]
        records = np.concatenate(chunks) if chunks else np.zeros(0, self.RECORD)
        return records["hash"].copy(), records["speech"].copy()


def cluster_figures(columns: dict[str, Any]) -> dict[str, int]:
    """Reprint clusters of two or more speeches, and the speeches in them."""
    in_cluster = columns["cluster_size"] > 1
    return {"clusters": int((in_cluster & columns["is_canonical"]).sum()), "documents_in_clusters": int(in_cluster.sum())}
