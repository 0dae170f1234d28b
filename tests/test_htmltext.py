from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadrespeech.stages.clean import clean_text
from cadrespeech.stages.edits import apply_changes, replay
from cadrespeech.stages.htmltext import html_changes
from cadrespeech.stages.ingest import looks_like_html

from .conftest import FIXTURE_PAGES

PAGE = """<!DOCTYPE html><html><head><title>标题_某某网</title><style>p{color:red}</style></head>
<body>
<div class="nav"><a href="/">首页</a> <a href="/a">政务公开</a></div>
<div class="main">
  <h1>在全县工作会议上的讲话</h1>
  <div class="article">
    <p>同志们：</p>
    <p>今天召开&ldquo;三农&rdquo;工作会议，
    研究部署工作。</p>
    <span style="display:none">隐藏的关键词</span>
    <p>一、提高认识。<strong>要</strong>抓好落实。</p>
    <script>var x = "脚本里的字";</script>
    <ul class="list"><li><a href="/1">相关文章一很长的标题</a></li><li><a href="/2">相关文章二很长的标题</a></li></ul>
  </div>
</div>
<div class="footer">版权所有 某某网</div>
</body></html>"""


def html_text(page: str) -> str:
    return apply_changes(page, html_changes(page))


def test_the_speech_is_extracted_one_paragraph_per_line() -> None:
    lines = [line for line in html_text(PAGE).split("\n") if line.strip()]
    assert lines == ["在全县工作会议上的讲话", "同志们：", "今天召开“三农”工作会议，研究部署工作。", "一、提高认识。要抓好落实。"]


def test_every_drop_is_in_the_ledger_under_its_rule() -> None:
    cleaned = clean_text(PAGE, is_html=True)
    assert replay(PAGE, cleaned.edits) == cleaned.text
    rules = {edit.rule for edit in cleaned.edits}
    assert {"html_head", "html_chrome", "html_hidden", "html_script", "html_link_list", "html_entity", "html_block"} <= rules
    removed = " ".join(edit.before for edit in cleaned.edits)
    for dropped in ("政务公开", "隐藏的关键词", "脚本里的字", "相关文章一很长的标题", "版权所有 某某网"):
        assert dropped in removed


def test_hidden_article_that_a_script_reveals_is_kept() -> None:
    page = (
        '<html><body><div class="top">账号名称</div><div id="content" style="visibility: hidden">'
        "<p>同志们：今天召开全镇会议，研究部署人居环境整治工作。</p></div></body></html>"
    )
    assert "今天召开全镇会议" in html_text(page)


def test_a_title_broken_by_br_stays_one_line() -> None:
    page = (
        "<html><body><h1>在全县冬春水利建设<br>暨植树造林大会上的讲话</h1>"
        "<div><p>同志们：今天召开大会，部署冬春水利建设和植树造林工作。</p></div></body></html>"
    )
    assert html_text(page).strip().split("\n")[0] == "在全县冬春水利建设暨植树造林大会上的讲话"


@pytest.mark.parametrize("text", ["<html><body><p>讲话</p></body></html>", "<!DOCTYPE html>\n<p>x</p>", "<div class=a>正文</div>"])
def test_html_is_recognised(text: str) -> None:
    assert looks_like_html(text)


def test_plain_text_is_not_taken_for_html() -> None:
    assert not looks_like_html("同志们：\n今天开会，研究“<三农>”工作。")


@pytest.mark.parametrize("name", sorted(p.name for p in FIXTURE_PAGES.glob("*.html")))
def test_fixture_html_pages_replay_exactly(name: str) -> None:
    from cadrespeech.stages.ingest import decode_page, read_page

    decoded = decode_page(read_page(FIXTURE_PAGES / name, FIXTURE_PAGES))
    cleaned = clean_text(decoded.text, is_html=True)
    assert replay(decoded.text, cleaned.edits) == cleaned.text
    assert "</" not in cleaned.text and "<p" not in cleaned.text.lower()
    assert not [e.rule for e in cleaned.edits if not e.rule.startswith("html_") and re.search(r"<[^<>]*>", e.before)]


def test_meta_charset_that_lies_is_overruled_by_the_bytes() -> None:
    from cadrespeech.stages.ingest import decode_page, read_page

    decoded = decode_page(read_page(FIXTURE_PAGES / "html_meta_lies_utf8.html", FIXTURE_PAGES))
    assert decoded.encoding == "utf-8" and decoded.is_html


def test_a_truthful_gbk_meta_is_followed() -> None:
    from cadrespeech.stages.ingest import decode_page, read_page

    decoded = decode_page(read_page(FIXTURE_PAGES / "html_gov_gbk_meta.html", FIXTURE_PAGES))
    assert decoded.encoding in ("gbk", "gb18030") and "致辞" in decoded.text


TAGS = st.sampled_from(
    [
        "<p>",
        "</p>",
        "<div class='nav'>",
        "</div>",
        "<br>",
        "<span style='display:none'>",
        "</span>",
        "<script>",
        "</script>",
        "<a href=x>",
        "</a>",
        "&nbsp;",
        "&ldquo;",
        "&amp",
        "<!-- c -->",
        "<h1>",
        "</h1>",
    ]
)
WORDS = st.sampled_from(["同志们：", "今天开会。", "一、", "要抓落实，", "\n", "  ", "首页", "版权所有"])


@settings(max_examples=200, deadline=None)
@given(st.lists(st.one_of(TAGS, WORDS), max_size=40).map("".join))
def test_html_cleaning_replays_and_settles(page: str) -> None:
    cleaned = clean_text(page, is_html=True)
    assert replay(page, cleaned.edits) == cleaned.text
    assert clean_text(cleaned.text).text == cleaned.text
    # Tags are the HTML stage's removals, whatever the text rules do with the lines they leave.
    assert not [e for e in cleaned.edits if not e.rule.startswith("html_") and ("<" in e.before or ">" in e.before)]


def test_a_subtitle_heading_after_the_title_heading_is_kept_with_it() -> None:
    page = (
        "<html><body><div class='nav'><a href='/'>首页</a></div>"
        "<h1>锻造忠诚干净担当的铁军</h1><h2>——在全省干部队伍建设推进会上的讲话</h2><h3>相关阅读</h3>"
        "<div class='article'><p>同志们：</p><p>今天召开会议，研究部署干部队伍建设工作，我讲三点意见。</p>"
        "<p>一、深刻认识加强自身建设的极端重要性。打铁必须自身硬，这是我们的共识。</p></div></body></html>"
    )
    lines = clean_text(page, is_html=True).text.split("\n")
    assert lines[:3] == ["锻造忠诚干净担当的铁军", "——在全省干部队伍建设推进会上的讲话", "同志们："]
