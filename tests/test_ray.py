"""The Ray engine writes the bytes the local engine writes, on a cluster of two nodes.

The cluster is a head node and a second node joining it, both on this machine, one
CPU each: a release of one shard goes page by page through Ray Data; a release of
several shards is built shard by shard as tasks spread over both nodes.
"""

from __future__ import annotations

import logging
import os
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from .conftest import FIXTURE_PAGES, build, tree_bytes

pytestmark = pytest.mark.slow

ray = pytest.importorskip("ray", reason="the ray extra: pip install -e '.[test,ray]' (CI installs it)")


def small_raw_folder(folder: Path) -> Path:
    """Sixteen fixture pages (text, HTML, markdown, legacy encodings), a binary file and a byte-identical copy."""
    folder.mkdir(parents=True)
    pages = sorted(p for p in FIXTURE_PAGES.iterdir() if p.name not in ("README.md", "annotations.json"))[::4]
    for page in pages:
        (folder / page.name).write_bytes(page.read_bytes())
    (folder / "broken.bin").write_bytes(b"\x00\x01\x02 not text")
    (folder / "copy_of_first").write_bytes(pages[0].read_bytes())
    return folder


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def two_nodes():
    """The address of a head node and a second node joined to it; both stopped after the module."""
    ray_cli = shutil.which("ray") or str(Path(sys.executable).with_name("ray"))
    address = f"127.0.0.1:{_free_port()}"
    # Ray's sockets live under its temp folder, and a socket's path may not pass 107 bytes.
    temp = Path(tempfile.mkdtemp(prefix="ray-", dir="/tmp"))
    common = ["--node-ip-address", "127.0.0.1", "--num-cpus", "1", "--disable-usage-stats"]
    with pytest.MonkeyPatch.context() as patch:
        # Recent Ray turns token authentication on for a head when a token file exists
        # (any earlier ray.init writes one), and a joining node does not present it: a
        # cluster on this machine's loopback, for these tests only, goes without.
        patch.setenv("RAY_AUTH_MODE", "disabled")
        patch.setenv("RAY_USAGE_STATS_ENABLED", "0")
        if ray.is_initialized():
            ray.shutdown()
        try:
            head = [ray_cli, "start", "--head", "--port", address.rsplit(":", 1)[1], "--include-dashboard", "false"]
            subprocess.run([*head, "--temp-dir", str(temp), *common], check=True, capture_output=True, timeout=120)
            subprocess.run([ray_cli, "start", "--address", address, *common], check=True, capture_output=True, timeout=120)
            yield address
        finally:
            if ray.is_initialized():
                ray.shutdown()
            subprocess.run([ray_cli, "stop", "--force"], capture_output=True, timeout=120, env=os.environ)
            shutil.rmtree(temp, ignore_errors=True)


def ray_build_is_byte_identical_to_the_local_build(tmp_path: Path, two_nodes: str) -> None:
    # A few pages of each kind, and a failing and a duplicate one: Ray Data's page-by-page
    # path costs its start-up whatever the pages, so a small folder says as much.
    raw = small_raw_folder(tmp_path / "raw")
    local = build("0.1.0", raw, tmp_path / "local").path
    on_ray = build("0.1.0", raw, tmp_path / "ray", engine="ray", ray_address=two_nodes).path
    assert tree_bytes(on_ray) == tree_bytes(local)


def two_nodes_build_byte_identical_shards(tmp_path: Path, two_nodes: str, caplog: pytest.LogCaptureFixture) -> None:
    raw = small_raw_folder(tmp_path / "raw")
    local = build("0.1.0", raw, tmp_path / "local", pages_per_shard=3).path
    with caplog.at_level(logging.DEBUG, logger="cadrespeech.build.ray_engine"):
        on_cluster = build("0.1.0", raw, tmp_path / "cluster", engine="ray", ray_address=two_nodes, pages_per_shard=3).path
    nodes = {record.args[1] for record in caplog.records if record.msg.startswith("shard %d built on node")}
    assert len(nodes) == 2, "every shard was built on one node"
    assert len(list((on_cluster / "documents").iterdir())) == 8
    assert tree_bytes(on_cluster) == tree_bytes(local)


def collect_on_two_nodes_gives_what_collect_gives_locally(tmp_path: Path, two_nodes: str) -> None:
    from cadrespeech.collect.gather import CollectConfig, collect

    from .archives import Response, write_jsonl, write_warc
    from .conftest import FIXTURE_PAGES

    sources = tmp_path / "crawl"
    sources.mkdir()
    pages = sorted(p for p in FIXTURE_PAGES.iterdir() if p.suffix in (".html", ".txt"))
    for part in range(3):  # three archives, so the tasks can land on both nodes
        write_warc(sources / f"part-{part}.warc.gz", [Response(f"http://example.gov.cn/{p.name}", p.read_bytes()) for p in pages[part::3]])
    write_jsonl(sources / "dump.jsonl", [{"url": "http://example.org/1", "text": pages[-1].read_text(encoding="utf-8", errors="replace")}])
    local = collect(CollectConfig((sources,), tmp_path / "local" / "raw", tmp_path / "local" / "provenance.json"))
    on_ray = collect(
        CollectConfig((sources,), tmp_path / "ray" / "raw", tmp_path / "ray" / "provenance.json", engine="ray", ray_address=two_nodes)
    )
    assert on_ray == local and local.new_pages == len({p.read_bytes() for p in pages})  # the dump repeats the last page
    assert tree_bytes(tmp_path / "ray") == tree_bytes(tmp_path / "local")


def test_a_two_node_cluster_builds_and_collects_what_one_machine_does(
    tmp_path: Path, two_nodes: str, caplog: pytest.LogCaptureFixture
) -> None:
    """One test for the cluster, so that pytest-xdist never starts a second cluster in its other worker
    (two would fight over the cores, and one's ``ray stop`` would stop the other's)."""
    parts = [tmp_path / name for name in ("data", "shards", "collect")]
    for part in parts:
        part.mkdir()
    # One driver for the three: the engines find Ray connected and reuse its workers (each
    # new job would start and import afresh in every worker process).
    ray.init(address=two_nodes, log_to_driver=False, configure_logging=False)
    try:
        ray_build_is_byte_identical_to_the_local_build(parts[0], two_nodes)
        two_nodes_build_byte_identical_shards(parts[1], two_nodes, caplog)
        collect_on_two_nodes_gives_what_collect_gives_locally(parts[2], two_nodes)
    finally:
        ray.shutdown()
