"""Reading a release's data files: hashing them in chunks."""

from __future__ import annotations

import hashlib
import tempfile
from pathlib import Path

from hypothesis import given
from hypothesis import strategies as st

from cadrespeech import datafiles


@given(st.binary(max_size=64), st.integers(1, 9))
def test_a_file_hashed_in_chunks_has_the_digest_and_size_of_its_whole_bytes(data: bytes, chunk: int) -> None:
    original = datafiles.HASH_CHUNK_BYTES
    datafiles.HASH_CHUNK_BYTES = chunk  # chunks smaller than the file, and ones that do not divide it
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "part.parquet"
            path.write_bytes(data)
            assert datafiles.file_digest(path) == (hashlib.sha256(data).hexdigest(), len(data))
    finally:
        datafiles.HASH_CHUNK_BYTES = original
