from __future__ import annotations

import json
from pathlib import Path

import pytest

from cadrespeech.__main__ import ARROW_MEMORY_POOL
from cadrespeech.cli import main

from .conftest import RAW, SEED


def run_cli(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """The command in this process: its exit code (argparse's too), stdout and stderr."""
    try:
        code = main(list(args))
    except SystemExit as exit_:  # argparse's --help and usage errors
        code = int(exit_.code or 0)
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_json_on_the_seed(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(SEED), "--format", "json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert set(out) >= {"source", "encoding", "page_title", "edits", "speeches"}
    assert (out["source"], out["encoding"], out["page_title"]) == ("000_a2664c36943adc35.txt", "utf-8", "干部工作会议讲话")
    assert set(out["edits"][0]) == {"rule", "start", "end", "before", "after"}
    (speech,) = out["speeches"]
    assert speech["title"] == "干部工作会议讲话"
    assert [s["marker"] for s in speech["sections"] if s["level"] == 1] == ["一、", "二、", "三、", "四、", "五、", "六、"]
    assert {"level", "marker", "heading", "elided", "start", "end", "parent"} <= set(speech["sections"][0])
    sentence = speech["sentences"][0]
    assert {"text", "start", "end", "section", "paragraph", "is_heading", "tokens", "pos"} <= set(sentence)
    assert all(len(s["tokens"]) == len(s["pos"]) for s in speech["sentences"])
    assert all(speech["text"][s["start"] : s["end"]] == s["text"] for s in speech["sentences"])


def test_clean_text_prints_the_speech(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(SEED)]) == 0
    out = capsys.readouterr().out
    assert out.startswith("今天召开领导干部会议，")
    assert "公务员之家" not in out and "首页" not in out


def test_explain_names_each_removal_with_its_rule_and_line(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["clean", str(SEED), "--explain"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert "line    1  breadcrumb                 removed '首页 > 文章中心 > 正文'" in lines
    assert "line    5  repeated_title             removed '干部会议讲话'" in lines
    assert "line   27  watermark_copyright        removed '公务员之家版权所有'" in lines


@pytest.mark.parametrize(("content", "reason"), [(b"", "file is empty"), (b"\x00\x01\x02binary", "looks binary")])
def test_bad_input_exits_2_with_one_line_on_stderr(tmp_path: Path, capsys: pytest.CaptureFixture[str], content: bytes, reason: str) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(content)
    code, out, err = run_cli(capsys, "clean", str(bad))
    assert code == 2 and out == ""
    (line,) = err.strip().splitlines()
    assert "bad.txt" in line and reason in line


def test_missing_file_and_usage_errors(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run_cli(capsys, "clean", str(tmp_path / "none.txt"))
    assert code == 2 and "none.txt: no such file" in err
    code, _, err = run_cli(capsys, "clean", "--format", "xml", str(SEED))
    assert code == 2 and "invalid choice" in err
    code, out, _ = run_cli(capsys, "--help")
    assert code == 0 and "clean" in out


@pytest.mark.parametrize("value", ["0", "-3", "many"])
def test_a_bad_shard_size_is_refused_before_anything_is_written(tmp_path: Path, value: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["build", "--version", "0.1.0", "--raw", str(RAW), "--out", str(tmp_path / "out"), "--pages-per-shard", value])
    assert exit_info.value.code == 2
    assert "--pages-per-shard" in capsys.readouterr().err
    assert not (tmp_path / "out").exists()


@pytest.mark.slow
@pytest.mark.skipif(ARROW_MEMORY_POOL is None, reason="Arrow's own default is kept on this system")
@pytest.mark.parametrize(("chosen", "used"), [(None, ARROW_MEMORY_POOL), ("mimalloc", "mimalloc")])
def test_the_command_names_arrows_allocator_before_pyarrow_loads_unless_the_user_did(chosen: str | None, used: str) -> None:
    import os
    import subprocess
    import sys

    environment = {k: v for k, v in os.environ.items() if k != "ARROW_DEFAULT_MEMORY_POOL"}
    if chosen:
        environment["ARROW_DEFAULT_MEMORY_POOL"] = chosen
    script = "\n".join(
        (
            "from cadrespeech.__main__ import choose_arrow_memory_pool",
            "choose_arrow_memory_pool()",
            "import cadrespeech.cli",  # imports pyarrow, as the command does
            "import pyarrow as pa",
            "print(pa.default_memory_pool().backend_name)",
        )
    )
    found = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True)
    assert found.stdout.strip() == used and found.stderr == ""


@pytest.mark.slow
def test_a_build_does_not_import_pandas(tmp_path: Path) -> None:
    # pyarrow imported pandas (0.2 s) on its first conversion only to ask whether the objects were pandas ones,
    # and cpca to hand back each place as a one-row frame.
    import os
    import shutil
    import subprocess
    import sys

    raw = tmp_path / "raw"
    raw.mkdir()
    shutil.copy(SEED, raw / SEED.name)
    environment = {**os.environ, "CADRESPEECH_CACHE": str(tmp_path / "cache")}

    def build(version: str) -> str:
        script = "\n".join(
            (
                "import sys",
                "from cadrespeech.cli import main",
                f"assert main(['build', '--version', {version!r}, '--raw', {str(raw)!r}, '--out', {str(tmp_path / 'out')!r},"
                " '--jobs', '1', '--quiet']) == 0",
                "print('pandas' in sys.modules)",
                # pandas itself is untouched: a table still becomes a frame, whose column pyarrow reads back as pandas'.
                "import pyarrow as pa, pyarrow.parquet as pq",
                f"frame = pq.read_table({str(tmp_path / 'out' / f'v{version}' / 'documents')!r}).to_pandas()",
                "assert len(frame) == 1 and pa.array(frame['doc_id']).type == pa.large_string()",
            )
        )
        printed = subprocess.run([sys.executable, "-c", script], env=environment, capture_output=True, text=True, check=True).stdout
        return printed.split()[-1]  # after the release's path

    assert build("0.0.1") == "False"  # the page processed, its places looked up
    assert build("0.0.2") == "False"  # every page from the cache
