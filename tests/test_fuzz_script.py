"""The fuzz script runs, and its counts account for every page it tried."""

from __future__ import annotations

import importlib.util
import random
import sys
from itertools import islice
from pathlib import Path
from types import ModuleType

SCRIPT = Path(__file__).resolve().parents[1] / "scripts" / "fuzz_pages.py"


def load_script() -> ModuleType:
    # scripts/ is not a package; registered in sys.modules so its dataclasses can find their module.
    spec = importlib.util.spec_from_file_location("fuzz_pages", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def test_a_short_fuzz_run_accounts_for_every_page(segmenter, tmp_path: Path) -> None:
    fuzz_pages = load_script()
    argv = ["--seconds", "2", "--seed", "7", "--out", str(tmp_path), "--minimize-seconds", "0"]
    result = fuzz_pages.main(argv, segmenter=segmenter)
    assert result.tried > 0
    assert result.tried == result.ok + result.page_errors + result.crashes + result.hangs
    assert sum(result.reasons.values()) == result.page_errors
    assert not list(tmp_path.glob("in_flight.*"))  # removed after a run that ended normally


def test_the_page_stream_is_reproducible_from_its_seed() -> None:
    fuzz_pages = load_script()
    seeds = fuzz_pages.load_seeds(None, random.Random(0))

    def mutated(seed: int) -> list[tuple[str, bytes]]:
        # Past the unmutated seeds, into the mutated and random pages.
        return list(islice(fuzz_pages.page_stream(random.Random(seed), seeds), len(seeds), len(seeds) + 300))

    first = mutated(5)
    assert first == mutated(5) and first != mutated(6)
    assert all(len(data) <= fuzz_pages.MAX_FUZZ_BYTES for _, data in first)
