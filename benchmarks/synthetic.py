"""A deterministic synthetic corpus made from our own fixture pages.

Each page recombines paragraphs of the fixture speeches under a title, with
boilerplate drawn from the kinds real sites add; a tenth of the pages are HTML.
Page ``i`` depends only on ``i`` and the fixtures, so any size is reproducible.
"""

from __future__ import annotations

import html
import random
from functools import lru_cache
from pathlib import Path

from cadrespeech.stages.ingest import read_page
from cadrespeech.stages.pipeline import process_page
from cadrespeech.stages.tokens import Segmenter

FIXTURES = Path(__file__).resolve().parents[1] / "tests" / "fixtures" / "pages"

BREADCRUMBS = ["首页 > 文章中心 > 正文", "当前位置：首页 > 范文大全 > 领导讲话", "您的位置：首页 >> 讲话稿"]
WATERMARKS = ["某某范文网版权所有", "本文由第一范文网整理", "转载请注明出处"]
FOOTERS = ["上一篇：在全县工作会议上的讲话", "下一篇：在全市工作会议上的讲话", "打印本文 关闭窗口", "责任编辑：张某"]


@lru_cache(maxsize=1)
def paragraph_pool() -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Titles and body paragraphs of every fixture speech."""
    segmenter = Segmenter()
    titles, paragraphs = [], []
    for path in sorted(FIXTURES.iterdir()):
        if path.suffix not in (".txt", ".html"):
            continue
        for speech in process_page(read_page(path, FIXTURES), segmenter).speeches:
            if speech.is_speech:
                titles.append(speech.title or "在全县工作会议上的讲话")
                paragraphs += [p for p in speech.text.split("\n") if len(p) > 30]
    return tuple(titles), tuple(paragraphs)


def page_text(index: int) -> tuple[str, str]:
    """(file suffix, text) of synthetic page ``index``."""
    titles, paragraphs = paragraph_pool()
    rng = random.Random(index)
    title = rng.choice(titles)
    body = [rng.choice(paragraphs) for _ in range(rng.randint(8, 20))]
    body[rng.randrange(len(body))] += rng.choice(WATERMARKS)
    if index % 10 == 9:
        inner = "".join(f"<p>{html.escape(p)}</p>\n" for p in body)
        page = (
            f"<!DOCTYPE html><html><head><title>{title}_某某网</title></head><body>"
            f"<div class='nav'>{' '.join(BREADCRUMBS)}</div><h1>{title}</h1>"
            f"<div class='article'>{inner}</div><div class='footer'>{' '.join(FOOTERS)}</div></body></html>"
        )
        return ".html", page
    lines = [rng.choice(BREADCRUMBS), title, title, "同志们：", *body, *rng.sample(FOOTERS, 2)]
    return ".txt", "\n\n".join(lines) + "\n"


def write_corpus(folder: Path, pages: int) -> Path:
    """Write pages 0..pages-1 under ``folder`` (in sub-folders of 1,000), once."""
    done = folder / ".complete"
    if done.exists() and done.read_text() == str(pages):
        return folder
    for index in range(pages):
        suffix, text = page_text(index)
        path = folder / f"{index // 1000:03d}" / f"page_{index:06d}{suffix}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    done.write_text(str(pages))
    return folder
