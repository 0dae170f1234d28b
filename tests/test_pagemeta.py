"""What a page says about itself: pages written here to look like the sites we crawl.

Every page below is invented; each mimics one kind of site's head and layout.
"""

from __future__ import annotations

import re

import htmldate.utils
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cadrespeech.records import PageMeta
from cadrespeech.stages.pagemeta import (
    PUBLISHED_LABELS,
    SITE_SIGNS,
    SiteSign,
    labelled_date,
    parse_date,
    read_page_meta,
    site_from_title,
)

# A county portal in the government-site template: its metadata in <meta name=…>,
# a sidebar of other articles with their own dates.
COUNTY_PORTAL = """<!DOCTYPE html>
<html><head>
<meta charset="utf-8">
<meta name="SiteName" content="某某县人民政府">
<meta name="ColumnName" content="领导讲话">
<meta name="ArticleTitle" content="在全县经济工作会议上的讲话">
<meta name="PubDate" content="2021-03-05 10:20">
<meta name="ContentSource" content="县政府办公室">
<meta name="Keywords" content="经济工作,讲话，高质量发展">
<meta name="Author" content="县政府办公室">
<meta name="Description" content="县长在全县经济工作会议上的讲话">
<title>在全县经济工作会议上的讲话_领导讲话_某某县人民政府</title>
</head><body>
<ul class="sidebar"><li><a href="/a/1.html">另一篇通知</a> 2020-12-01</li></ul>
<div class="article"><p>同志们：今天召开全县经济工作会议。</p></div>
</body></html>"""

# A news site: Open Graph tags, article:published_time with a zone, a canonical link.
NEWS_PAGE = """<html><head>
<title>在全市干部大会上的讲话 - 某某新闻网</title>
<meta property="og:title" content="在全市干部大会上的讲话（全文）">
<meta property="og:site_name" content="某某新闻网">
<meta property="og:url" content="https://news.example.org/2020/1102/a.html">
<meta property="article:published_time" content="2020-11-02T08:00:00+08:00">
<meta property="article:tag" content="干部">
<meta property="article:tag" content="作风">
<link rel="canonical" href="https://news.example.org/a/1234.html">
</head><body><h1 class="logo">某某新闻网</h1><h1>在全市干部大会上的讲话</h1><p>同志们：</p></body></html>"""

# A school CMS: 标题--栏目-学校 in <title>, the date in a 发布时间 span, and a list of
# other notices whose tooltips carry their own 发表时间.
SCHOOL_PAGE = """<html><head><meta content="某某市第二中学" name="Keywords" />
<title>关于举行秋季运动会的通知--教务处-某某市第二中学</title></head><body>
<a href="/Item/2.aspx" title="标题：期中考试安排&#xD;点击数：77&#xD;发表时间：2026年05月18日">期中考试安排</a>
<div class="property"><span>文章来源：本站原创</span> <span>作者：佚名</span> <span>发布时间：2019年09月20日</span></div>
<div class="content"><p>各班：学校定于下周举行秋季运动会。</p></div>
<div class="copyRight"><p>某某市第二中学 版权所有 Copyright ©</p></div>
</body></html>"""

# A page whose template puts each part of the date in its own <span>.
SPLIT_DATE_PAGE = """<html><head><title>在全区文明创建推进会上的讲话</title></head><body>
<div class="info">发布日期：<span class="y">2018</span>年<span class="m">6</span>月<span class="d">1</span>日 浏览：<span>35</span></div>
<p>同志们：</p></body></html>"""

# A Hugo post from a Hong Kong outlet, in traditional script.
HUGO_POST = """---
title: "在畢業典禮上的致辭"
date: 2019-04-02T10:00:00+08:00
lastmod: 2020-01-01
authors:
  - "陳某某"
  - name: "李某某"
tags: ["教育", "畢業"]
categories:
  - "評論"
url: "/posts/graduation-address/"
aliases: ["/old/graduation/"]
summary: "校長寄語畢業生"
---

# 在畢業典禮上的致辭

各位同學：今天是你們畢業的日子。
"""


def test_a_county_portal_states_site_title_date_author_and_keywords() -> None:
    meta = read_page_meta(COUNTY_PORTAL, "html")
    assert meta == PageMeta(
        title="在全县经济工作会议上的讲话_领导讲话_某某县人民政府",
        headline="在全县经济工作会议上的讲话",
        site_name="某某县人民政府",
        published="2021-03-05",  # the PubDate meta, not the sidebar's 2020-12-01
        author="县政府办公室",
        tags=("经济工作", "讲话", "高质量发展"),
        url=None,
        description="县长在全县经济工作会议上的讲话",
    )


def test_a_news_page_gives_its_open_graph_tags_and_canonical_link() -> None:
    meta = read_page_meta(NEWS_PAGE, "html")
    assert meta.headline == "在全市干部大会上的讲话（全文）"
    assert meta.site_name == "某某新闻网"
    assert meta.published == "2020-11-02"  # the day as written, not moved to UTC
    assert meta.url == "https://news.example.org/a/1234.html"  # canonical before og:url
    assert meta.tags == ("干部", "作风")


def test_without_og_title_the_headline_is_the_first_h1_that_is_not_the_logo() -> None:
    page = re.sub(r'<meta property="og:title"[^>]*>', "", NEWS_PAGE)
    assert read_page_meta(page, "html").headline == "在全市干部大会上的讲话"


def test_a_school_page_gives_its_site_from_the_title_and_its_own_date_not_a_tooltips() -> None:
    meta = read_page_meta(SCHOOL_PAGE, "html")
    assert meta.site_name == "某某市第二中学"
    assert meta.published == "2019-09-20"
    assert meta.tags == ("某某市第二中学",)


def test_a_date_split_over_spans_is_read_whole() -> None:
    assert read_page_meta(SPLIT_DATE_PAGE, "html").published == "2018-06-01"


def test_a_hugo_post_in_traditional_script_gives_its_front_matter() -> None:
    meta = read_page_meta(HUGO_POST, "markdown")
    assert meta == PageMeta(
        title="在畢業典禮上的致辭",
        headline="在畢業典禮上的致辭",
        published="2019-04-02",  # date, not lastmod
        author="陳某某、李某某",
        tags=("教育", "畢業", "評論"),
        url="/posts/graduation-address/",
        description="校長寄語畢業生",
    )


def test_the_original_address_comes_before_an_archives_copy() -> None:
    page = '---\ntitle: 講話\nurl: "https://archive.example.org/web/1/https://a.example.org/1"\noriginal_url: "https://a.example.org/1"\n---\n正文'
    assert read_page_meta(page, "markdown").url == "https://a.example.org/1"


@pytest.mark.parametrize(
    "front",
    [
        "title: [unclosed\n",  # bad YAML
        "- a list\n- not a mapping\n",
        "title: 講話\ntitle: 講話\n: :\n  - [\n",
    ],
)
def test_bad_front_matter_gives_an_empty_record(front: str) -> None:
    assert read_page_meta(f"---\n{front}---\n正文", "markdown") == PageMeta()


def test_an_impossible_front_matter_date_is_dropped_and_the_rest_kept() -> None:
    meta = read_page_meta("---\ntitle: 講話\ndate: 2021-02-31\n---\n正文", "markdown")
    assert meta.title == "講話" and meta.published is None


def test_an_impossible_date_is_never_turned_into_another_day() -> None:
    # htmldate alone reads this as 2021-02-01; that day is written nowhere on the page.
    page = '<html><head><meta name="PubDate" content="2021-02-31"></head><body><p>正文</p></body></html>'
    assert read_page_meta(page, "html").published is None
    assert read_page_meta("<html><body><p>发布时间：2021年2月30日</p></body></html>", "html").published is None


def test_a_page_without_a_date_has_none() -> None:
    page = "<html><head><title>讲话</title></head><body><p>同志们：今天开会。</p><p>Copyright 2015-2022</p></body></html>"
    assert read_page_meta(page, "html").published is None


def test_a_plain_dump_states_nothing_and_an_unknown_markup_is_refused() -> None:
    assert read_page_meta("在全县大会上的讲话\n2021年3月5日\n同志们：", "text") == PageMeta()
    with pytest.raises(ValueError, match="markup must be one of"):
        read_page_meta("正文", "rst")


def test_htmldate_is_never_asked_to_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(*_: object, **__: object) -> None:
        raise AssertionError("htmldate tried to fetch a URL")

    monkeypatch.setattr(htmldate.utils, "fetch_url", refuse)
    assert read_page_meta("https://example.org/2021/03/05/a.html", "html").published is None
    assert read_page_meta("https://example.org/<p>正文</p>", "html").published is None


@pytest.mark.parametrize(
    ("written", "iso"),
    [
        ("2017-01-05", "2017-01-05"),
        ("2017/1/5", "2017-01-05"),
        ("2017.01.05 10:20", "2017-01-05"),
        ("2017年1月5日", "2017-01-05"),
        ("20170105", "2017-01-05"),
        (20170105, "2017-01-05"),
        ("2017-01-05T23:30:00-05:00", "2017-01-05"),
        ("January 5, 2017", "2017-01-05"),
        ("5 Sept 2017", "2017-09-05"),
        ("2021-02-31", None),  # no such day
        ("1850-03-01", None),  # before 1900
        ("2150-03-01", None),  # after 2100
        ("Smarch 5, 2017", None),
        ("下周一", None),
        (True, None),
    ],
)
def test_dates_in_common_forms_become_iso(written: object, iso: str | None) -> None:
    assert parse_date(written) == iso


@pytest.mark.parametrize("label", PUBLISHED_LABELS)
def test_every_published_label_is_read(label: str) -> None:
    assert labelled_date(f"<p>{label}：2022-07-01 09:00</p>") == "2022-07-01"


@pytest.mark.parametrize("other", ["更新时间", "成文日期", "公示时间", "会议时间"])
def test_other_dates_are_not_the_publication_date(other: str) -> None:
    # An update, the document's own date, a period, an event: not when the page appeared.
    assert labelled_date(f"<p>{other}：2022-07-01</p>") is None


def test_a_label_inside_a_script_or_comment_is_not_the_pages() -> None:
    assert labelled_date("<script>var s='发布时间：2020-01-01';</script><!-- 发布时间：2020-01-02 -->") is None


SIGN_EXAMPLES = [(sign, title, page, site) for sign in SITE_SIGNS for title, page, site in sign.examples]
SIGN_KEEPS = [(sign, title, page) for sign in SITE_SIGNS for title, page in sign.keeps]


def test_every_site_sign_has_a_unique_name_examples_and_counter_examples() -> None:
    assert len({sign.name for sign in SITE_SIGNS}) == len(SITE_SIGNS)
    for sign in SITE_SIGNS:
        assert sign.examples and sign.keeps and sign.description


@pytest.mark.parametrize(("sign", "title", "page", "site"), SIGN_EXAMPLES, ids=lambda v: v.name if isinstance(v, SiteSign) else None)
def test_site_sign_finds_its_example(sign: SiteSign, title: str, page: str, site: str) -> None:
    assert site_from_title(title, page, (sign,)) == site


@pytest.mark.parametrize(("sign", "title", "page"), SIGN_KEEPS, ids=lambda v: v.name if isinstance(v, SiteSign) else None)
def test_site_sign_leaves_its_counter_example(sign: SiteSign, title: str, page: str) -> None:
    assert site_from_title(title, page, (sign,)) is None


HTML_BITS = st.sampled_from(
    [
        "<html>", "<head>", "</head>", "<body>", "<title>", "</title>", "<h1>", "</h1>", "<p>", "</p>",
        '<meta name="PubDate" content="2021-02-31">', '<meta property="og:site_name" content="某某网">',
        '<meta name="keywords" content="">', '<link rel="canonical" href="">', "<script>", "</script>", "<!--", "-->",
        "发布时间：", "2021", "年", "3", "月", "5", "日", "-", "_", "某某中学", "版权所有", "http", "&amp;", "&#xD;",
        "---\n", "title: ", "date: ", "[", "]", ":", "\n", " ", "讲话",
    ]
)  # fmt: skip


@settings(max_examples=200, deadline=None)
@given(st.one_of(st.lists(HTML_BITS, max_size=40).map("".join), st.text(max_size=80)), st.sampled_from(["html", "markdown", "text"]))
def test_any_page_gives_a_record_and_only_real_dates(page: str, markup: str) -> None:
    meta = read_page_meta(page, markup)
    assert meta.published is None or parse_date(meta.published) == meta.published


def test_front_matter_tags_reach_the_documents_rows(segmenter) -> None:
    from cadrespeech.build.rows import page_rows
    from cadrespeech.records import RawPage
    from cadrespeech.stages.pipeline import process_page

    page = "---\ntitle: 在全县大会上的讲话\ndate: 2023-03-02\ntags: [作风建设, 基层治理]\n---\n同志们：\n今天开会，我讲三点意见。\n"
    processed = process_page(RawPage("a.md", page.encode(), "0" * 64), segmenter)
    (row,) = page_rows(processed)["documents"]
    assert row["page_tags"] == ["作风建设", "基层治理"] and row["published"] == "2023-03-02"


FRONT_MATTER_LINES = [
    "title: 在全县干部大会上的讲话",
    'title: "縣長講話：堅持穩中求進"',
    "date: 2021-02-31",
    "date: 2023-03-05T09:30:00+08:00",
    "author: 某某",
    "authors:\n  - name: 某某\n    email: a@b.example",
    "tags: [讲话, 干部会议]",
    "categories:\n- 領導講話\n- 政務",
    "draft: false",
    "weight: 10",
    "description: >\n  县委书记在会上讲话，\n  部署全年工作。",
    "aliases: ['/2021/03/05/speech/']",
    "title: [unclosed",
    ": :",
    "\ttab: 1",
    "key: 'it''s'",
    "empty:",
]


@settings(max_examples=120, deadline=None)
@given(st.lists(st.sampled_from(FRONT_MATTER_LINES), min_size=1, max_size=6))
def test_libyamls_parser_reads_front_matter_as_pythons_does(lines: list[str]) -> None:
    # The build uses libyaml's parser for speed; it must give what the pure Python one gives.
    import yaml

    from cadrespeech.stages.pagemeta import _FrontMatterLoader

    class PythonLoader(yaml.SafeLoader):
        pass

    PythonLoader.yaml_implicit_resolvers = _FrontMatterLoader.yaml_implicit_resolvers
    block = "\n".join(lines) + "\n"

    def read(loader) -> tuple[str, object]:
        try:
            return "data", yaml.load(block, Loader=loader)
        except (yaml.YAMLError, ValueError, RecursionError):
            return "error", None

    assert read(_FrontMatterLoader) == read(PythonLoader)
