"""The corpus report: its figures and tables, and that it opens in a browser with no network."""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from xml.etree import ElementTree

import pyarrow.parquet as pq
import pytest

from cadrespeech.build.report import FIGURES, GENRE_LABELS, section_depths, write_report
from cadrespeech.cli import main
from cadrespeech.read.loader import read_manifest
from cadrespeech.stages import genre

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture(scope="module")
def release(fixture_release: Path) -> Path:
    return fixture_release


@pytest.fixture(scope="module")
def report(release: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_report(release, tmp_path_factory.mktemp("out"), read_manifest(release))


def test_every_figure_is_an_svg_and_the_page_shows_it(report: Path) -> None:
    page = report.read_text(encoding="utf-8")
    for figure in FIGURES:
        svg = ElementTree.parse(report.parent / "figures" / f"{figure.name}.svg").getroot()
        assert svg.tag == "{http://www.w3.org/2000/svg}svg" and svg.get("width") == "700"
        assert figure.title in "".join(svg.itertext())
        assert f'src="figures/{figure.name}.svg"' in page
    assert not re.search(r"(src|href)=\"(https?:)?//", page), "the report must not reach the network"


def test_the_page_holds_the_releases_figures_terms_and_clusters(report: Path, release: Path) -> None:
    page = report.read_text(encoding="utf-8")
    documents = json.loads((release / "manifest.json").read_text(encoding="utf-8"))["configs"]["documents"]["rows"]
    assert documents > 60 and f'<td>documents</td><td class="n">{documents}</td>' in page
    assert "营商环境" in page  # a top term of the fixture pages, thanks to the domain dictionary
    assert page.count("<h2>Reprint clusters</h2>") == 1 and "None in this release" not in page


def test_figures_are_the_same_bytes_each_time_and_ascii_only(release: Path, report: Path, tmp_path: Path) -> None:
    # ASCII labels: no figure needs a Chinese font.
    again = write_report(release, tmp_path, read_manifest(release))
    for figure in FIGURES:
        name = f"figures/{figure.name}.svg"
        assert (again.parent / name).read_bytes() == (report.parent / name).read_bytes()
        assert (report.parent / name).read_bytes().isascii()


def test_the_build_draws_its_report_without_matplotlib(release: Path, tmp_path: Path) -> None:
    probe = (
        "import sys\nfrom pathlib import Path\n"
        "from cadrespeech.build.report import write_report\nfrom cadrespeech.read.loader import read_manifest\n"
        f"release = Path({str(release)!r})\nwrite_report(release, Path({str(tmp_path)!r}), read_manifest(release))\n"
        "assert 'matplotlib' not in sys.modules\n"
    )
    subprocess.run([sys.executable, "-c", probe], check=True, timeout=120)


def test_every_genre_the_classifier_names_has_an_english_label() -> None:
    named = {rule.genre for rule in genre.GENRE_RULES} | {genre.FALLBACK[1], "讲话", "公文"}
    named |= {name for _, name in genre.SPEECH_GENRES}
    named |= {name for rule in genre.GENRE_RULES for _, name in rule.genre_by_title}
    assert named <= GENRE_LABELS.keys(), named - GENRE_LABELS.keys()
    assert all(label.isascii() for label in GENRE_LABELS.values()), "figure labels need no Chinese font"


def test_the_report_command_writes_the_page(release: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["report", str(release), "--out", str(tmp_path / "r")]) == 0
    assert capsys.readouterr().out.strip() == str(tmp_path / "r" / "index.html")
    assert main(["report", str(tmp_path / "nowhere"), "--out", str(tmp_path / "x")]) == 2


def test_the_report_reads_the_oldest_committed_release_which_has_no_genres(tmp_path: Path) -> None:
    # v0.1.0 predates genre and is_speech: every document is a speech, and none has a genre.
    oldest = Path(__file__).resolve().parents[1] / "corpus" / "releases" / "v0.1.0"
    page = write_report(oldest, tmp_path / "r", read_manifest(oldest))
    documents = pq.read_metadata(oldest / "documents" / "train-00000-of-00001.parquet").num_rows
    genres = ElementTree.parse(tmp_path / "r" / "figures" / "genres.svg").getroot()
    assert "not classified" in ElementTree.tostring(genres, encoding="unicode")
    assert page.is_file() and f">{documents}<" in ElementTree.tostring(genres, encoding="unicode")


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


# Appended to a copy of the page: every distinct Han character of the page is measured
# where it stands (same font, same lang). A Chinese font draws an ideograph one em wide;
# with no such font the browser draws its missing-glyph box, as for a private-use
# character, which no font draws. The page's own load handler runs first.
HAN_PROBE = r"""<script>
window.addEventListener('load', function () {
  var seen = new Map(), walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (var node = walker.nextNode(); node; node = walker.nextNode()) {
    if (node.parentElement.closest('script,style')) continue;
    for (var c of node.data.match(/\p{Script=Han}/gu) || []) if (!seen.has(c)) seen.set(c, node.parentElement);
  }
  var place = function (text, parent) {
    var span = document.createElement('span');
    span.style.cssText = 'position:absolute;white-space:pre;font-size:100px';
    span.textContent = text;
    return parent.appendChild(span);
  };
  var box = place('\uE000', document.body), spans = [...seen].map(([c, parent]) => [c, place(c, parent)]);
  var width = (span) => Math.round(span.getBoundingClientRect().width * 10) / 10;
  document.body.setAttribute('data-box-width', width(box));
  document.body.setAttribute('data-han-widths', spans.map(([c, span]) => c + ':' + width(span)).join(' '));
});
</script>"""


def han_widths(dom: str) -> tuple[dict[str, float], float]:
    """The probe's widths (at 100px) of each Han character on the page, and of a missing glyph."""
    box = re.search(r'data-box-width="([\d.]+)"', dom)
    widths = re.search(r'data-han-widths="([^"]*)"', dom)
    assert box and widths, "the Han width probe did not run"
    pairs = (pair.rsplit(":", 1) for pair in html.unescape(widths.group(1)).split())
    return {char: float(width) for char, width in pairs}, float(box.group(1))


@pytest.mark.slow
@pytest.mark.skipif(chromium() is None and not os.environ.get("CI"), reason="Chromium is not installed (CI installs it)")
def test_the_report_opens_in_headless_chromium_with_every_figure_loaded(report: Path, tmp_path: Path) -> None:
    browser = chromium()
    assert browser, "CI must install Chromium (apt-get install chromium)"
    flags = (*CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'profile'}")
    page = report.read_text(encoding="utf-8")
    assert '<html lang="zh">' in page, "the page's content is Chinese; lang picks the browser's Chinese font"
    # The page itself, with a base so its figures load from beside it, plus the probe.
    probe = tmp_path / "probe.html"
    base = f'<base href="{report.parent.resolve().as_uri()}/">'
    probe.write_text(page.replace("<head>", "<head>" + base, 1).replace("</body>", HAN_PROBE + "</body>", 1), encoding="utf-8")
    dom = subprocess.run([browser, *flags, "--dump-dom", probe.as_uri()], capture_output=True, text=True, timeout=120, check=True).stdout
    assert 'data-ready="yes"' in dom, "the page's load handler did not run"
    loaded = dict(re.findall(r'data-figure="(\w+)" data-loaded="(\w+)"', dom))
    assert loaded == {figure.name: "yes" for figure in FIGURES}
    widths, box = han_widths(dom)
    assert widths, "the report should show Chinese terms and titles"
    boxes = {char: width for char, width in widths.items() if abs(width - 100) > 1}
    assert not boxes, (
        f"{len(boxes)} of {len(widths)} Chinese characters on the report render as boxes (tofu), not one em wide: "
        f"{dict(list(boxes.items())[:5])} at 100px, a missing glyph is {box}px. No Chinese font is installed: "
        "apt-get install fonts-noto-cjk (.ci/run does)"
    )
    shot = tmp_path / "shot.png"
    screenshot = [browser, *flags, f"--screenshot={shot}", "--window-size=1000,3000", report.resolve().as_uri()]
    subprocess.run(screenshot, capture_output=True, timeout=120, check=True)
    assert shot.read_bytes().startswith(PNG_MAGIC) and shot.stat().st_size > 50_000  # a blank page is a few kB


def test_a_build_puts_the_report_in_the_release_and_its_card_shows_the_figures(release: Path) -> None:
    manifest = json.loads((release / "manifest.json").read_text(encoding="utf-8"))
    expected = {"report/index.html", *(f"report/figures/{figure.name}.svg" for figure in FIGURES)}
    assert expected <= manifest["files"].keys()
    card = (release / "README.md").read_text(encoding="utf-8")
    linked = re.findall(r"!\[[^\]]*\]\(([^)]+)\)", card)
    assert sorted(linked) == sorted(f"report/figures/{figure.name}.svg" for figure in FIGURES)
    assert all((release / path).is_file() for path in linked)


def test_section_depths_count_every_document_once_and_show_no_empty_depth(release: Path) -> None:
    documents = pq.read_table(release / "documents/train-00000-of-00001.parquet", columns=["doc_id", "n_sections"])
    depths = section_depths([release / "sections/train-00000-of-00001.parquet"], documents.num_rows)
    assert sum(depths.values()) == documents.num_rows and all(depths.values())
    assert depths[0] == documents["n_sections"].to_pylist().count(0)


def test_formulations_are_counted_per_year_of_the_speech_date(tmp_path: Path) -> None:
    import pyarrow as pa

    from cadrespeech.build.report import formulation_counts

    documents = pa.table({"doc_id": ["a-00", "b-00", "c-00"], "date": ["2021-03-05", "2023-01-02", None]})
    sentences = pa.table(
        {
            "doc_id": ["a-00", "a-00", "b-00", "c-00"],
            "tokens": [
                ["推动", "高质量发展", "，", "GDP", "增长", "3.5%", "。"],
                ["高质量发展", "！", "乡村振兴", "_"],
                ["全面从严治党", "……", "永远", "在", "路上", "。"],
                ["高质量发展", "乡村振兴"],  # no date: counted nowhere
            ],
        }
    )
    files = []
    for index, rows in enumerate((sentences.slice(0, 2), sentences.slice(2))):  # two files, as in a sharded release
        files.append(tmp_path / f"sentences-{index}.parquet")
        pq.write_table(rows, files[-1])
    counts = formulation_counts(files, documents)
    assert list(counts) == ["2021", "2023"]
    # Word tokens hold a letter, digit or underscore (\w): punctuation is not counted.
    assert counts["2021"]["words"] == 8
    assert counts["2021"]["高质量发展"] == 2 and counts["2021"]["乡村振兴"] == 1 and counts["2021"]["全面从严治党"] == 0
    assert counts["2023"]["words"] == 4 and counts["2023"]["全面从严治党"] == 1 and counts["2023"]["高质量发展"] == 0
