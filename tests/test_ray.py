"""The Ray engine writes the bytes the local engine writes."""

from __future__ import annotations

from pathlib import Path

import pytest

from .conftest import build, make_raw_folder

pytestmark = pytest.mark.slow

ray = pytest.importorskip("ray", reason="the ray extra: pip install -e '.[test,ray]' (CI installs it)")


@pytest.fixture(scope="module")
def local_ray():
    ray.init(num_cpus=2, include_dashboard=False, log_to_driver=False, configure_logging=False)
    yield
    ray.shutdown()


def test_ray_build_is_byte_identical_to_the_local_build(tmp_path: Path, local_ray: None) -> None:
    raw = make_raw_folder(tmp_path / "raw")
    local = build("0.1.0", raw, tmp_path / "local", jobs=2).path
    on_ray = build("0.1.0", raw, tmp_path / "ray", engine="ray").path
    files = sorted(p.relative_to(local) for p in local.rglob("*") if p.is_file())
    assert files == sorted(p.relative_to(on_ray) for p in on_ray.rglob("*") if p.is_file())
    assert all((local / f).read_bytes() == (on_ray / f).read_bytes() for f in files)
