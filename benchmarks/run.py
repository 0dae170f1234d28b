"""Measure builds against baselines taken in the same run; write benchmarks/results/.

    python benchmarks/run.py                 # every target of #13, with a table of each against its bound
    python benchmarks/run.py --only real     # only the builds of real pages (20 MB raw), about 15 minutes
    python benchmarks/run.py --only memory   # only peak memory at 10k and 100k synthetic pages, about 20 minutes
    python benchmarks/run.py --only all --sizes 1000    # the older synthetic measures, a quick look
    python benchmarks/run.py --only collect  # peak memory of collect over a 100 MB and a 1 GB WARC

The targets run measures speed on real pages from ../shared/perfcorpus when it is
there (unpacked into the scratch folder, never the repository), and on 2,000
synthetic pages made from our fixtures when it is not; memory always on the
synthetic corpus, which is the only one with 100k pages. Every figure is a ratio
against a baseline measured in the same run on the same machine, never an absolute
time to compare across machines.
"""

from __future__ import annotations

import argparse
import functools
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from synthetic import write_corpus

ROOT = Path(__file__).resolve().parents[1]
RESULTS = ROOT / "benchmarks" / "results"


def build_command(raw: Path, out: Path, *flags: str) -> list[str]:
    return [sys.executable, "-m", "cadrespeech", "build", "--version", "0.0.1", "--raw", str(raw), "--out", str(out), "--quiet", *flags]


def build(raw: Path, out: Path, *flags: str) -> tuple[float, int]:
    """Seconds and peak RSS (bytes, the largest single process) of one build, in a fresh process."""
    shutil.rmtree(out, ignore_errors=True)
    command = build_command(raw, out, *flags)
    before = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    start = time.perf_counter()
    subprocess.run(command, check=True, cwd=ROOT, stdout=subprocess.DEVNULL)
    seconds = time.perf_counter() - start
    peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    return seconds, max(peak, before) * 1024


def bare_segmenter_seconds(release: Path, engine: str) -> tuple[float, int]:
    """Seconds for the bare engine to segment every speech text of a release, and its characters.

    The engine's own whole-text cut: jieba's ``lcut`` (not our exact re-implementation
    of it, which the build uses), or rjieba's ``cut``, each with the build's dictionary
    and domain terms.
    """
    import pyarrow.parquet as pq

    from cadrespeech.stages.tokens import Segmenter

    texts = pq.read_table(release / "documents/train-00000-of-00001.parquet", columns=["text"]).column("text").to_pylist()
    segmenter = Segmenter(engine).load()
    cut = segmenter._rjieba_cut if engine == "rjieba" else functools.partial(segmenter._tokenizer.lcut, cut_all=False, HMM=True)
    start = time.perf_counter()
    for text in texts:
        cut(text)
    return time.perf_counter() - start, sum(map(len, texts))


SENTENCES_FILE = "/sentences/train-00000-of-00001.parquet"
LOADERS = {  # name -> (import, the call that is timed)
    "cadrespeech": ("import cadrespeech.read.loader", "cadrespeech.load('sentences', version=path)"),
    "datasets": ("import datasets", f"datasets.load_dataset('parquet', data_files=path + {SENTENCES_FILE!r}, split='train')"),
}


def load_seconds(release: Path) -> dict[str, float]:
    """First and cached load of the sentences, by our loader and by plain datasets, each in its own cache."""
    figures = {}
    for name, (setup, call) in LOADERS.items():
        with tempfile.TemporaryDirectory() as hf_cache:
            env = {**os.environ, "HF_DATASETS_CACHE": hf_cache}
            for label in ("first", "cached"):
                timed = f"start = time.perf_counter()\n{call}\nprint(time.perf_counter() - start)"
                script = f"import time\n{setup}\npath = {str(release)!r}\n{timed}"
                result = subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True, env=env)
                figures[f"load_{name}_{label}_seconds"] = float(result.stdout.strip().splitlines()[-1])
    return figures


def touch_one_percent(raw: Path) -> None:
    pages = sorted(p for p in raw.rglob("page_*"))
    for path in pages[::100]:
        path.write_text(path.read_text(encoding="utf-8") + "\n谢谢大家！\n", encoding="utf-8")


def incremental_ratios(pages: int, work: Path) -> dict[str, float]:
    """A cached rebuild after changing 1% of the pages, over the full build that filled the cache.

    Measured with each engine: the fixed costs of a rebuild (reading every page and
    its cached tables, writing the Parquet files) weigh more against the faster one.
    """
    figures = {}
    for engine in ("jieba", "rjieba"):
        raw = write_corpus(work / f"raw-{pages}", pages)
        out, cache = work / f"out-{pages}", work / f"cache-{pages}-{engine}"
        shutil.rmtree(cache, ignore_errors=True)
        full, _ = build(raw, out / "cached-full", "--segmenter", engine, "--cache", str(cache))
        touch_one_percent(raw)
        incremental, _ = build(raw, out / "cached-incremental", "--segmenter", engine, "--cache", str(cache))
        shutil.rmtree(raw)  # it was changed; the next measure writes it afresh
        suffix = "" if engine == "rjieba" else "_default_engine"
        figures[f"incremental_over_full{suffix}"] = round(incremental / full, 3)
    return figures


PERFCORPUS = ROOT.parent / "shared" / "perfcorpus" / "pages.tar.gz"


def real_corpus(tarball: Path, work: Path, megabytes: float) -> Path:
    """A raw folder of real pages, unpacked from the perfcorpus into ``work`` (never the repository).

    Pages are taken in a fixed shuffled order until their bytes reach ``megabytes``,
    so every run measures the same pages.
    """
    import random
    import tarfile

    everything, raw = work / "real-all", work / f"real-{megabytes:g}MB"
    if not everything.is_dir():
        with tarfile.open(tarball) as archive:
            archive.extractall(everything, filter="data")
    shutil.rmtree(raw, ignore_errors=True)
    pages = sorted(p for p in everything.rglob("*") if p.is_file())
    random.Random(0).shuffle(pages)
    total = 0
    for page in pages:
        if total >= megabytes * 1e6:
            break
        target = raw / page.relative_to(everything)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(page, target)
        total += page.stat().st_size
    return raw


def unknown_word_share(release: Path) -> float:
    """The share of Chinese tokens that jieba's dictionary (with our domain terms) lacks."""
    import pyarrow.parquet as pq

    from cadrespeech.stages.tokens import _HAN_RUN, Segmenter

    tags = Segmenter().load()._tags
    tokens = pq.read_table(release / SENTENCES_FILE.lstrip("/"), columns=["tokens"]).column("tokens").to_pylist()
    han = [word for sentence in tokens for word in sentence if _HAN_RUN.fullmatch(word)]
    return sum(word not in tags for word in han) / max(1, len(han))


REBUILD_RUNS = 3  # each rebuild's figure is the best of this many runs


def real_rebuild_ratios(raw: Path, out: Path, *layout: str) -> dict[str, object]:
    """Cached rebuilds of real pages (jieba, 1 job): after changing 1% of them, and with nothing changed, over the full build.

    A page is changed by one more byte (a newline) at its end: new bytes, so a new
    sha256 and a page to process again, in whatever encoding it is written. The raw
    folder is copied first, so the caller's pages stay as they were. Each rebuild is
    the best of REBUILD_RUNS runs (a single run moved by a fifth from one minute to the
    next); the changed one starts each run from the cache as the full build left it.
    The full build that fills the cache is one run.
    """
    cache, pages_dir = out / "cache", out / "raw"
    shutil.rmtree(cache, ignore_errors=True)
    shutil.rmtree(pages_dir, ignore_errors=True)
    shutil.copytree(raw, pages_dir)
    full, _ = build(pages_dir, out / "cached-full", "--jobs", "1", "--cache", str(cache), *layout)
    unchanged = [build(pages_dir, out / "cached-unchanged", "--jobs", "1", "--cache", str(cache), *layout)[0] for _ in range(REBUILD_RUNS)]
    pages = sorted(p for p in pages_dir.rglob("*") if p.is_file())
    for path in pages[::100]:
        path.write_bytes(path.read_bytes() + b"\n")
    as_full_left_it = out / "cache-after-full"
    shutil.rmtree(as_full_left_it, ignore_errors=True)
    shutil.copytree(cache, as_full_left_it)
    changed = []
    for _ in range(REBUILD_RUNS):
        shutil.rmtree(cache)
        shutil.copytree(as_full_left_it, cache)
        changed.append(build(pages_dir, out / "cached-changed", "--jobs", "1", "--cache", str(cache), *layout)[0])
    return {
        "rebuild_1_percent_changed_over_full": round(min(changed) / full, 3),
        "rebuild_nothing_changed_over_full": round(min(unchanged) / full, 3),
        "rebuild_seconds": {"full": round(full, 2), "changed": _rounded(changed), "unchanged": _rounded(unchanged)},
    }


def _rounded(seconds: list[float]) -> list[float]:
    return [round(value, 2) for value in seconds]


def import_seconds() -> float:
    """``import cadrespeech`` in a fresh interpreter, the best of five (the first run warms the file cache)."""
    script = "import time\nstart = time.perf_counter()\nimport cadrespeech\nprint(time.perf_counter() - start)"
    runs = [float(subprocess.run([sys.executable, "-c", script], check=True, capture_output=True, text=True).stdout) for _ in range(5)]
    return min(runs)


def best_of(repeat: int, builds: dict[str, tuple[Path, Path, tuple[str, ...]]]) -> tuple[dict[str, float], dict[str, list[float]], int]:
    """Each build's best time over ``repeat`` rounds, taken in turn; every time; and the first build's peak RSS.

    On this shared machine one build of the same pages took 43 to 56 s from one minute
    to the next; builds taken in turn see the same spells, and the best of each is the
    figure least disturbed by them.
    """
    times: dict[str, list[float]] = {name: [] for name in builds}
    first_peak = 0
    for _ in range(repeat):
        for name, (raw, out, flags) in builds.items():
            seconds, peak = build(raw, out, *flags)
            first_peak = first_peak or peak  # later peaks are the largest of every build so far
            times[name].append(round(seconds, 2))
    return {name: min(runs) for name, runs in times.items()}, times, first_peak


def speed_figures(raw: Path, out: Path, repeat: int = 2) -> dict[str, object]:
    """Builds of ``raw``, one job and two, jieba and rjieba, one shard and 8, against bare segmentation of the same text."""
    builds = {
        "default_1": (raw, out / "default1", ("--jobs", "1", "--no-cache")),
        "fast_1": (raw, out / "fast1", ("--segmenter", "rjieba", "--jobs", "1", "--no-cache")),
        "default_2": (raw, out / "default2", ("--jobs", "2", "--no-cache")),
        # The same pages in 8 shards: each worker builds and writes whole shards.
        "sharded_1": (raw, out / "sharded1", ("--jobs", "1", "--no-cache", "--pages-per-shard", "250")),
        "sharded_2": (raw, out / "sharded2", ("--jobs", "2", "--no-cache", "--pages-per-shard", "250")),
    }
    best, times, rss = best_of(repeat, builds)  # the first is the jieba build on one job
    default_1, fast_1, default_2, sharded_1, sharded_2 = (best[name] for name in builds)
    release = out / "default1" / "v0.0.1"
    bare, chars = min(bare_segmenter_seconds(release, "jieba") for _ in range(repeat))
    bare_fast, _ = min(bare_segmenter_seconds(release, "rjieba") for _ in range(repeat))
    raw_mb = sum(p.stat().st_size for p in raw.rglob("*") if p.is_file()) / 1e6
    import pyarrow.parquet as pq

    texts = pq.read_table(release / "documents/train-00000-of-00001.parquet", columns=["text"])["text"].to_pylist()
    clean_mb = sum(len(text.encode()) for text in texts) / 1e6
    return {
        "pages": sum(1 for p in raw.rglob("*") if p.is_file()),
        "raw_mb": round(raw_mb, 2),
        "clean_mb": round(clean_mb, 2),
        "raw_mb_per_s_jieba_1_job": round(raw_mb / default_1, 3),
        "clean_mb_per_s_jieba_1_job": round(clean_mb / default_1, 3),
        "unknown_word_share": round(unknown_word_share(release), 3),
        "pipeline_over_bare_jieba": round(bare / default_1, 3),
        "pipeline_over_bare_rjieba": round(bare_fast / fast_1, 3),
        "fast_engine_speedup": round(default_1 / fast_1, 2),
        "two_jobs_speedup": round(default_1 / default_2, 2),
        "two_jobs_speedup_8_shards": round(sharded_1 / sharded_2, 2),
        "characters": chars,
        "build_seconds_each_round": times,
        "peak_rss_bytes_jieba_1_job": rss,
        "import_cadrespeech_seconds": round(import_seconds(), 3),
        **rebuild_figures(raw, out),
    }


def rebuild_figures(raw: Path, out: Path) -> dict[str, object]:
    """The rebuild ratios in the default layout (5,000 pages a shard: one for the targets' 1,833 pages) and in shards of 64 pages."""
    whole = real_rebuild_ratios(raw, out / "rebuild")
    sharded = real_rebuild_ratios(raw, out / "rebuild-sharded", "--pages-per-shard", "64")
    return {**whole, **{f"{key}_64_pages_per_shard": value for key, value in sharded.items()}}


def peak_rss_of(command: list[str]) -> tuple[float, int]:
    """Seconds and peak RSS (bytes) of one command, measured in a fresh process of its own."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "subprocess.run(sys.argv[1:], check=True, stdout=subprocess.DEVNULL)\n"
        "print(time.perf_counter() - start, resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
    )
    run = subprocess.run([sys.executable, "-c", probe, *command], check=True, capture_output=True, text=True, cwd=ROOT)
    seconds, kilobytes = run.stdout.split()
    return float(seconds), int(kilobytes) * 1024


def write_big_warc(path: Path, pages: list[Path], size: int) -> int:
    """An uncompressed WARC of ``size`` bytes or a little more, of distinct responses made from ``pages``; return the records.

    Each payload is a page with its ordinal appended as an HTML comment, so every record
    is a new page: the provenance file, the part of collect's memory that grows, is at
    its largest.
    """
    import io

    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    written = 0
    with path.open("wb") as out:
        writer = WARCWriter(out, gzip=False)
        while out.tell() < size:
            page = pages[written % len(pages)].read_bytes() + f"\n<!-- {written} -->\n".encode()
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")], protocol="HTTP/1.1")
            url = f"http://bench.example.gov.cn/{written}.html"
            writer.write_record(writer.create_warc_record(url, "response", payload=io.BytesIO(page), http_headers=headers))
            written += 1
    return written


def collect_figures(work: Path, pages: list[Path]) -> dict[str, float]:
    """Peak RSS of collect over a 100 MB and a 1 GB WARC; the bound is 300 MB, and memory should not grow with the archive."""
    figures: dict[str, float] = {}
    for label, size in (("100MB", 100 * 10**6), ("1GB", 10**9)):
        folder = work / f"collect-{label}"
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        records = write_big_warc(folder / "crawl.warc", pages, size)
        command = [sys.executable, "-m", "cadrespeech", "collect", str(folder / "crawl.warc"), "--out", str(folder / "raw"), "--quiet"]
        seconds, rss = peak_rss_of(command)
        figures[f"records_{label}"] = records
        figures[f"peak_rss_mb_{label}"] = round(rss / 2**20, 1)
        figures[f"mb_per_second_{label}"] = round((folder / "crawl.warc").stat().st_size / 1e6 / seconds, 1)
        shutil.rmtree(folder, ignore_errors=True)
    figures["peak_rss_1gb_over_100mb"] = round(figures["peak_rss_mb_1GB"] / figures["peak_rss_mb_100MB"], 3)
    return figures


def memory_figures(work: Path, sizes: list[int]) -> dict[str, object]:
    """Peak RSS of an rjieba build, one job, no cache, at each size of the synthetic corpus, and the largest over the smallest."""
    peaks = {}
    for pages in sizes:
        raw, out = write_corpus(work / f"raw-{pages}", pages), work / f"out-{pages}" / "fast1"
        shutil.rmtree(out, ignore_errors=True)
        # In a probe process of its own: this process's children's peak is the largest of every build it has run.
        _, peaks[pages] = peak_rss_of(build_command(raw, out, "--segmenter", "rjieba", "--jobs", "1", "--no-cache"))
    return {
        "peak_rss_bytes_rjieba_1_job": {str(pages): peak for pages, peak in peaks.items()},
        "peak_rss_largest_over_smallest": round(peaks[max(sizes)] / peaks[min(sizes)], 3),
    }


def target_figures(args: argparse.Namespace) -> dict[str, object]:
    """Every figure #13 sets a bound on: speed on real pages where there are some (else synthetic ones), memory on synthetic ones."""
    if args.perfcorpus.is_file():
        corpus, raw = "real", real_corpus(args.perfcorpus, args.work, args.megabytes)
    else:
        corpus, raw = "synthetic", write_corpus(args.work / f"raw-{args.synthetic_pages}", args.synthetic_pages)
    print(f"speed: {corpus} pages in {raw}", flush=True)
    speed = speed_figures(raw, args.work / f"out-{corpus}", args.repeat)
    print(json.dumps(speed), flush=True)
    memory = memory_figures(args.work, [int(size) for size in args.memory_sizes.split(",")])
    print(json.dumps(memory), flush=True)
    return {"corpus": corpus, "speed": speed, "memory": memory}


# #13's bounds: (what, the figure's key in the speed or memory results, "≥" or "≤", the bound).
TARGETS = (
    ("jieba build ÷ bare jieba", ("speed", "pipeline_over_bare_jieba"), "≥", 0.5),
    ("rjieba build ÷ jieba build (speed-up)", ("speed", "fast_engine_speedup"), "≥", 2.0),
    ("2 jobs ÷ 1 job, one shard", ("speed", "two_jobs_speedup"), "≥", 1.8),
    ("2 jobs ÷ 1 job, 8 shards", ("speed", "two_jobs_speedup_8_shards"), "≥", 1.8),
    ("rebuild, 1% changed ÷ full, one shard", ("speed", "rebuild_1_percent_changed_over_full"), "≤", 0.05),
    ("rebuild, 1% changed ÷ full, 32 shards", ("speed", "rebuild_1_percent_changed_over_full_64_pages_per_shard"), "≤", 0.05),
    ("rebuild, nothing changed ÷ full, one shard", ("speed", "rebuild_nothing_changed_over_full"), "≤", 0.03),
    ("rebuild, nothing changed ÷ full, 32 shards", ("speed", "rebuild_nothing_changed_over_full_64_pages_per_shard"), "≤", 0.03),
    ("import cadrespeech, seconds", ("speed", "import_cadrespeech_seconds"), "≤", 0.3),
    ("peak RSS, largest ÷ smallest size (100k ÷ 10k pages)", ("memory", "peak_rss_largest_over_smallest"), "≤", 1.2),
)


def targets_table(results: dict[str, object]) -> str:
    """Each target, its bound, the figure measured and whether it is met, as a Markdown table."""
    lines = [f"#13's targets, speed on {results['corpus']} pages", "", "| figure | bound | measured | met |", "|---|---|---:|---|"]
    for label, (part, key), sense, bound in TARGETS:
        value = results[part][key]
        met = value >= bound if sense == "≥" else value <= bound
        lines.append(f"| {label} | {sense} {bound:g} | {value:g} | {'yes' if met else 'no'} |")
    largest = max(results["memory"]["peak_rss_bytes_rjieba_1_job"].values())
    lines.append(f"| peak RSS at the largest size, MB | < 1000 | {largest / 1e6:.0f} | {'yes' if largest < 1e9 else 'no'} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1000,10000,100000", help="comma-separated corpus sizes in pages (for --only all)")
    parser.add_argument(
        "--only",
        choices=("targets", "all", "incremental", "memory", "real", "real-rebuilds", "collect"),
        default="targets",
        help="every target (the default); the older synthetic measures; or only rebuilds, peak memory, real pages, "
        "rebuilds of --megabytes of real pages, collect",
    )
    parser.add_argument("--perfcorpus", type=Path, default=PERFCORPUS, help="the real pages' tarball (for --only real)")
    parser.add_argument("--megabytes", type=float, default=20.0, help="raw megabytes of real pages to build (for --only real)")
    parser.add_argument("--repeat", type=int, default=2, help="rounds of the real builds; each figure takes the best (for --only real)")
    parser.add_argument("--memory-sizes", default="10000,100000", help="synthetic corpus sizes for peak memory (for the targets)")
    parser.add_argument(
        "--synthetic-pages", type=int, default=2000, help="synthetic pages to measure speed on without the real ones (for the targets)"
    )
    parser.add_argument("--work", type=Path, default=Path(tempfile.gettempdir()) / "cadrespeech-bench", help="scratch folder")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    results: dict[str, object] = {
        "machine": {"cpus": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform()},
        "sizes": {},
    }
    if args.only == "collect":
        if args.perfcorpus.is_file():
            pages = sorted(p for p in real_corpus(args.perfcorpus, args.work, 20).rglob("*") if p.is_file())
        else:  # without ../shared: the fixture pages
            pages = sorted(p for p in (ROOT / "tests" / "fixtures" / "pages").iterdir() if p.suffix in (".html", ".txt"))
        results["collect"] = collect_figures(args.work, pages)
        print(json.dumps(results["collect"]), flush=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / "results-collect-1GB.json").write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS / 'results-collect-1GB.json'}")
        return
    if args.only == "targets":
        results.update(target_figures(args))
        RESULTS.mkdir(parents=True, exist_ok=True)
        name = f"results-targets-{results['corpus']}.json"
        (RESULTS / name).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(targets_table(results))
        print(f"wrote {RESULTS / name}")
        return
    if args.only in ("real", "real-rebuilds"):
        if not args.perfcorpus.is_file():
            raise SystemExit(f"{args.perfcorpus}: not found; pass --perfcorpus PATH to the real pages' tarball")
        raw = real_corpus(args.perfcorpus, args.work, args.megabytes)
        if args.only == "real":
            part, name = "real", f"results-real-{args.megabytes:g}MB.json"
            results["real"] = speed_figures(raw, args.work / "out-real", args.repeat)
        else:  # the rebuilds on more real pages than the targets run takes (--megabytes 120: all of them)
            part, name = "real_rebuilds", f"results-real-rebuilds-{args.megabytes:g}MB.json"
            pages = sum(1 for p in raw.rglob("*") if p.is_file())
            results[part] = {"pages": pages, **rebuild_figures(raw, args.work / "rebuild-real")}
        print(json.dumps(results[part]), flush=True)
        RESULTS.mkdir(parents=True, exist_ok=True)
        (RESULTS / name).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {RESULTS / name}")
        return
    for pages in sizes:
        raw = write_corpus(args.work / f"raw-{pages}", pages)
        out = args.work / f"out-{pages}"
        figures: dict[str, float] = {}
        if args.only == "incremental":
            figures.update(incremental_ratios(pages, args.work))
            results["sizes"][str(pages)] = figures
            print(pages, json.dumps(figures), flush=True)
            continue
        fast_1, rss = build(raw, out / "fast1", "--segmenter", "rjieba", "--jobs", "1", "--no-cache")
        figures["peak_rss_bytes_fast_1_job"] = rss
        if pages <= 10_000 and args.only == "all":
            default_1, _ = build(raw, out / "default1", "--jobs", "1", "--no-cache")
            default_2, _ = build(raw, out / "default2", "--jobs", "2", "--no-cache")
            bare, chars = bare_segmenter_seconds(out / "default1" / "v0.0.1", "jieba")
            bare_fast, _ = bare_segmenter_seconds(out / "default1" / "v0.0.1", "rjieba")
            figures["pipeline_over_bare_jieba"] = round(bare / default_1, 3)
            figures["pipeline_over_bare_rjieba"] = round(bare_fast / fast_1, 3)
            figures["fast_engine_speedup"] = round(default_1 / fast_1, 2)
            figures["two_jobs_speedup"] = round(default_1 / default_2, 2)
            figures["characters"] = chars
            figures.update(incremental_ratios(pages, args.work))
            figures.update({k: round(v, 3) for k, v in load_seconds(out / "default1" / "v0.0.1").items()})
        results["sizes"][str(pages)] = figures
        print(pages, json.dumps(figures), flush=True)
    if "10000" in results["sizes"] and "100000" in results["sizes"]:
        big = results["sizes"]["100000"]["peak_rss_bytes_fast_1_job"]
        small = results["sizes"]["10000"]["peak_rss_bytes_fast_1_job"]
        results["peak_rss_100k_over_10k"] = round(big / small, 3)
    RESULTS.mkdir(parents=True, exist_ok=True)
    name = f"results-{args.only}-" + "-".join(str(s) for s in sizes) + ".json"
    (RESULTS / name).write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {RESULTS / name}")


if __name__ == "__main__":
    main()
