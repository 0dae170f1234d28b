"""The ``cadrespeech`` command and ``python -m cadrespeech``."""

import os
import sys

# Arrow's allocator for the command's process, where pyarrow's wheels have it (Linux).
# Arrow's default there, mimalloc, kept what its reading and writing threads freed: a
# build of synthetic pages (rjieba, one job) peaked at 675 MB for 10k pages and 790 MB
# for 100k with it; 612 MB and 654 MB with jemalloc; 616 MB and 706 MB with the system
# allocator, which was also the slowest of the three at 100k.
ARROW_MEMORY_POOL = "jemalloc" if sys.platform.startswith("linux") else None


def choose_arrow_memory_pool() -> None:
    """Name the allocator for Arrow to use, unless the user named one.

    Arrow reads ``ARROW_DEFAULT_MEMORY_POOL`` once, when pyarrow loads, and its Parquet
    writer allocates from that pool whatever ``pyarrow.set_memory_pool`` says later; so
    this runs before anything imports pyarrow, which the CLI's own imports do. A pyarrow
    built without jemalloc says so in one line and keeps its default.
    """
    if ARROW_MEMORY_POOL:
        os.environ.setdefault("ARROW_DEFAULT_MEMORY_POOL", ARROW_MEMORY_POOL)


def run() -> int:
    choose_arrow_memory_pool()
    from .cli import main

    return main()


if __name__ == "__main__":
    sys.exit(run())
