from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from .conftest import CITATION


def cffconvert() -> str:
    found = shutil.which("cffconvert") or str(Path(sys.executable).parent / "cffconvert")
    assert Path(found).exists(), "cffconvert is a test dependency: pip install -e '.[test]'"
    return found


def test_citation_cff_is_valid() -> None:
    result = subprocess.run([cffconvert(), "--validate", "-i", str(CITATION)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert "valid" in result.stdout


def test_an_invalid_citation_is_caught(tmp_path: Path) -> None:
    bad = tmp_path / "CITATION.cff"
    bad.write_text(CITATION.read_text(encoding="utf-8").replace("cff-version: 1.2.0", "cff-version: 9"), encoding="utf-8")
    result = subprocess.run([cffconvert(), "--validate", "-i", str(bad)], capture_output=True, text=True)
    # Refused for its content, not crashed: exit 1 and the reason names the key.
    assert result.returncode == 1 and 'value for key "cff-version"' in result.stderr + result.stdout


def cite(release: Path, *args: str, capsys: pytest.CaptureFixture[str]) -> str:
    from cadrespeech.cli import main

    assert main(["cite", "--version", str(release), *args]) == 0
    return capsys.readouterr().out


def test_cite_names_the_release_version(built_release: Path, capsys: pytest.CaptureFixture[str]) -> None:
    bib = cite(built_release, capsys=capsys)
    assert bib.startswith("@misc{cadrespeech_v0_1_0,")
    assert "version = {0.1.0}" in bib and "manifest sha256" in bib
    cff = yaml.safe_load(cite(built_release, "--format", "cff", capsys=capsys))
    assert cff["version"] == "0.1.0" and cff["cff-version"] == "1.2.0"
    # The release's copy is still a valid CITATION.cff.
    result = subprocess.run([cffconvert(), "--validate", "-i", str(built_release / "CITATION.cff")], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
