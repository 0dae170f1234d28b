"""The crawler against a small site on 127.0.0.1: what reaches the WARC, what is skipped, and how politely.

Time is fake: the crawler's clock moves only when it sleeps, so the delays it keeps are
checked exactly and no test waits.
"""

from __future__ import annotations

import gzip
import itertools
import threading
from collections import Counter
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

import pytest
from warcio.archiveiterator import ArchiveIterator

from cadrespeech.collect.crawl import SKIP_REASONS, CrawlConfig, CrawlError, CrawlSummary, crawl, extract_links, normalise_url

HTML = "text/html; charset=utf-8"
# A county speech as a GBK site serves it; the WARC must keep these bytes, not a re-encoding.
GBK_PAGE = (
    "<html><head><title>讲话</title></head><body><h1>在全县工作会议上的讲话</h1>"
    "<p>同志们：今天我们召开全县工作会议，总结去年工作，部署今年任务。</p>"
    '<a href="/speech/二.html">下一篇</a></body></html>'
).encode("gbk")
ROBOTS = b"User-agent: *\nDisallow: /private/\n"


def html(body: str) -> tuple[int, dict[str, str], bytes]:
    return 200, {"Content-Type": HTML}, f"<html><body>{body}</body></html>".encode()


def site_pages() -> dict[str, tuple[int, dict[str, str], bytes]]:
    """Path -> (status, headers, body): a speech column with every trap the crawler must handle."""
    return {
        "/robots.txt": (200, {"Content-Type": "text/plain"}, ROBOTS),
        "/": html(
            '<a href="/speech/1.html">一</a> <a href="/speech/1.html#top">一（重复）</a>'
            '<a href="/private/secret.html">内部</a> <a href="/old">旧址</a> <a href="flaky">不稳</a>'
            '<a href="/gbk.html">GBK</a> <a href="/loop/a.html">循环</a> <a href="/gone.html">已删除</a>'
            '<a href="http://elsewhere.invalid/speech.html">外站</a> <a href="mailto:office@example.gov.cn">邮件</a>'
        ),
        "/speech/1.html": html('<p>在全市经济工作会议上的讲话</p><a href="/">首页</a>'),
        "/speech/二.html": html("<p>在全县安全生产工作会议上的讲话</p>"),
        "/private/secret.html": html("<p>不该被抓取</p>"),
        "/old": (301, {"Location": "/new"}, b""),
        "/new": html("<p>新址</p>"),
        "/flaky": html("<p>第二次才成功</p>"),
        "/gbk.html": (200, {"Content-Type": "text/html; charset=gbk"}, GBK_PAGE),
        "/loop/a.html": html('<a href="b.html">b</a>'),
        "/loop/b.html": html('<a href="a.html">a</a>'),
        "/drop": html("<p>never sent</p>"),
    }


class FakeTime:
    """A clock that moves only when the crawler sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.sleeps: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds


@dataclass
class Request:
    path: str
    user_agent: str
    at: float  # on the fake clock


class Site(ThreadingHTTPServer):
    """The test server, with the pages it serves and the requests it saw."""

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), Handler)
        self.pages = site_pages()
        self.failures = {"/flaky": 1}  # answered 500 this many times before the page
        self.drops = {"/drop"}  # the connection closes without an answer
        self.verbatim: dict[str, bytes] = {}  # whole answers, written as they are
        self.time = FakeTime()
        self.requests: list[Request] = []
        self.base = f"http://127.0.0.1:{self.server_address[1]}"

    def paths(self) -> Counter[str]:
        return Counter(request.path for request in self.requests)

    def gaps(self) -> list[float]:
        """The fake seconds between one request and the next."""
        return [later.at - earlier.at for earlier, later in itertools.pairwise(self.requests)]


class Handler(BaseHTTPRequestHandler):
    server: Site

    def do_GET(self) -> None:
        path = unquote(self.path)
        self.server.requests.append(Request(path, self.headers.get("User-Agent", ""), self.server.time.now))
        if path in self.server.drops:
            self.close_connection = True
            return
        if path in self.server.verbatim:
            self.wfile.write(self.server.verbatim[path])
            return
        if self.server.failures.get(path, 0) > 0:
            self.server.failures[path] -= 1
            self.reply(500, {"Content-Type": "text/plain"}, b"busy")
            return
        self.reply(*self.server.pages.get(path, (404, {"Content-Type": "text/plain"}, b"not found")))

    def reply(self, status: int, headers: dict[str, str], body: bytes) -> None:
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, format: str, *args: object) -> None:  # keep the test output quiet
        pass


@pytest.fixture
def site():
    server = Site()
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.01}, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()
    thread.join()


@dataclass
class Record:
    kind: str
    url: str
    status: str = ""  # a response's status line, without the protocol
    headers: dict[str, str] = field(default_factory=dict)
    payload: bytes = b""  # the raw block after the HTTP headers: payload bytes as received


def read_warc(path: Path) -> list[Record]:
    records = []
    with path.open("rb") as stream:
        for record in ArchiveIterator(stream, check_digests="raise"):  # our verbatim headers must keep digests right
            http = record.http_headers
            records.append(
                Record(
                    record.rec_type,
                    record.rec_headers.get_header("WARC-Target-URI") or "",
                    http.statusline if http and record.rec_type == "response" else "",
                    dict(http.headers) if http else {},
                    record.raw_stream.read(),
                )
            )
    return records


def run(site: Site, tmp_path: Path, progress: bool = False, **settings) -> tuple[CrawlSummary, list[Record]]:
    config = CrawlConfig(**{"seeds": (site.base + "/",), "out": tmp_path, "retries": 2, "backoff": 0.5, **settings})
    summary = crawl(config, progress, sleep=site.time.sleep, clock=site.time.clock)
    assert set(summary.skipped_by_reason) <= set(SKIP_REASONS)  # every reason is explained
    return summary, read_warc(summary.warc_path)


@pytest.fixture
def crawled(site: Site, tmp_path: Path) -> tuple[Site, CrawlSummary, list[Record]]:
    summary, records = run(site, tmp_path)
    return site, summary, records


def responses(records: list[Record], site: Site, path: str) -> list[Record]:
    return [record for record in records if record.kind == "response" and record.url == site.base + path]


def test_the_gbk_page_is_archived_byte_for_byte_and_its_charset_noted(crawled) -> None:
    site, _, records = crawled
    (page,) = responses(records, site, "/gbk.html")
    assert page.payload == GBK_PAGE
    assert page.headers["Content-Type"] == "text/html; charset=gbk"
    (about,) = [record for record in records if record.kind == "metadata" and record.url == page.url]
    assert b"http-charset: gbk\r\n" in about.payload
    assert b"links-decoded-as: gb18030\r\n" in about.payload
    # Its link, read only by decoding GBK, was followed (and percent-encoded as UTF-8).
    assert responses(records, site, "/speech/%E4%BA%8C.html")


def test_robots_txt_keeps_the_crawler_out_of_private(crawled) -> None:
    site, summary, records = crawled
    assert not [record for record in records if "/private/" in record.url]
    assert not [path for path in site.paths() if path.startswith("/private/")]
    assert summary.skipped_by_reason["robots"] == 1


def test_a_redirect_is_archived_and_then_followed(crawled) -> None:
    site, _, records = crawled
    (moved,) = responses(records, site, "/old")
    assert moved.status == "301 Moved Permanently"
    assert moved.headers["Location"] == "/new"
    assert [record.status for record in responses(records, site, "/new")] == ["200 OK"]


def test_a_flaky_page_is_fetched_after_a_backoff_and_both_answers_are_archived(crawled) -> None:
    site, _, records = crawled
    # Both answers are kept: the WARC says what the server did, failures included.
    assert [record.status[:3] for record in responses(records, site, "/flaky")] == ["500", "200"]
    assert site.paths()["/flaky"] == 2
    assert 0.5 in site.time.sleeps  # backoff * 2**0 before the first retry


def test_every_url_is_requested_once_despite_the_loop_and_duplicate_links(crawled) -> None:
    site, _, _ = crawled
    assert {path: count for path, count in site.paths().items() if count != 1} == {"/flaky": 2}
    assert {"/loop/a.html", "/loop/b.html", "/speech/1.html"} <= set(site.paths())


def test_the_off_host_link_is_counted_and_never_requested(crawled) -> None:
    site, summary, records = crawled
    assert summary.skipped_by_reason["off-host"] == 1
    assert all(record.url.startswith(site.base) for record in records if record.url)


def test_the_server_sees_a_user_agent_naming_cadrespeech(crawled) -> None:
    site, _, _ = crawled
    assert site.requests
    assert all(request.user_agent.startswith("cadrespeech/") for request in site.requests)


def test_requests_to_the_host_are_at_least_the_delay_apart(crawled) -> None:
    site, _, _ = crawled
    assert len(site.gaps()) > 5
    assert min(site.gaps()) == pytest.approx(1.0)  # config.delay; nothing ever faster (float rounding aside)


def test_the_summary_counts_pages_answers_and_skips(crawled) -> None:
    _, summary, records = crawled
    # Pages: /, speech 1, /new, /flaky, /gbk.html, loop a and b, speech 二. Answers: those,
    # robots.txt, the 301, the 500 and the 404.
    assert (summary.fetched, summary.written) == (8, 12)
    assert summary.skipped_by_reason == {"http-4xx": 1, "off-host": 1, "robots": 1}
    kinds = Counter(record.kind for record in records)
    assert records[0].kind == "warcinfo"
    assert b"software: cadrespeech/" in records[0].payload
    assert b'"seeds": [' in records[0].payload  # the config is in the warcinfo
    assert kinds["response"] == kinds["request"] == summary.written
    assert summary.warc_path.name.startswith("crawl-") and summary.warc_path.name.endswith(".warc.gz")


def test_max_pages_stops_the_crawl_and_counts_what_was_left(site: Site, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    summary, _ = run(site, tmp_path, max_pages=2, progress=True)
    assert "crawl" in capsys.readouterr().err  # the progress bar
    assert summary.fetched == 2
    assert list(site.paths()) == ["/robots.txt", "/", "/speech/1.html"]
    # Still queued: /private/secret.html (robots.txt is asked when a URL's turn comes), /old,
    # /flaky, /gbk.html, /loop/a.html and /gone.html.
    assert summary.skipped_by_reason == {"max-pages": 6, "off-host": 1}


def test_a_longer_crawl_delay_in_robots_txt_wins(site: Site, tmp_path: Path) -> None:
    site.pages["/robots.txt"] = (200, {"Content-Type": "text/plain"}, ROBOTS + b"Crawl-delay: 3\n")
    run(site, tmp_path, max_pages=3)
    # robots.txt is read first, so every request after it waits the longer delay.
    assert [request.path for request in site.requests] == ["/robots.txt", "/", "/speech/1.html", "/old", "/new"]
    assert site.gaps() == pytest.approx([3.0] * 4)


def test_a_missing_robots_txt_allows_everything(site: Site, tmp_path: Path) -> None:
    del site.pages["/robots.txt"]
    summary, records = run(site, tmp_path)
    assert responses(records, site, "/private/secret.html")
    assert "robots" not in summary.skipped_by_reason


def test_a_dropped_connection_is_retried_then_counted(site: Site, tmp_path: Path) -> None:
    summary, records = run(site, tmp_path, seeds=(site.base + "/drop",))
    assert site.paths()["/drop"] == 3  # the first try and two retries
    assert summary.skipped_by_reason == {"connection": 1}
    assert not responses(records, site, "/drop")  # no answer, nothing to archive
    # The delay after robots.txt, the backoff (0.5) and the rest of the delay, then a
    # doubled backoff (1.0) that already covers the delay.
    assert site.time.sleeps == [1.0, 0.5, 0.5, 1.0]


def test_allow_patterns_limit_the_links_followed_but_not_the_seeds(site: Site, tmp_path: Path) -> None:
    summary, _ = run(site, tmp_path, allow=(r"/speech/",))
    assert set(site.paths()) == {"/robots.txt", "/", "/speech/1.html"}
    # private, old, flaky, gbk, loop/a and gone match no pattern; the off-host link is on no seed host.
    assert summary.skipped_by_reason == {"not-allowed": 6, "off-host": 1}


def test_a_sitemap_index_leads_through_its_sitemap_to_the_pages(site: Site, tmp_path: Path) -> None:
    urlset = f"""<?xml version="1.0" encoding="UTF-8"?>
<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <url><loc>{site.base}/new</loc></url>
  <url><loc>{site.base}/gbk.html</loc></url>
  <url><loc>http://elsewhere.invalid/a.html</loc></url>
</urlset>"""
    index = f"""<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">
  <sitemap><loc>{site.base}/speeches.xml.gz</loc></sitemap>
</sitemapindex>"""
    site.pages["/sitemap.xml"] = (200, {"Content-Type": "application/xml"}, index.encode())
    site.pages["/speeches.xml.gz"] = (200, {"Content-Type": "application/gzip"}, gzip.compress(urlset.encode()))
    site.pages["/speech/1.html"] = html("<p>没有链接</p>")
    summary, _ = run(site, tmp_path, seeds=(site.base + "/speech/1.html",), sitemaps=(site.base + "/sitemap.xml",))
    assert list(site.paths()) == [
        "/robots.txt",
        "/sitemap.xml",
        "/speeches.xml.gz",
        "/speech/1.html",
        "/new",
        "/gbk.html",
        "/speech/二.html",
    ]
    assert summary.fetched == 4
    assert summary.skipped_by_reason == {"off-host": 1}


def test_a_gzipped_page_is_archived_compressed_and_its_links_read(site: Site, tmp_path: Path) -> None:
    page = "<html><body><p>在全县工作会议上的讲话</p><a href='/speech/1.html'>一</a></body></html>".encode()
    site.pages["/zipped.html"] = (200, {"Content-Type": HTML, "Content-Encoding": "gzip"}, gzip.compress(page))
    summary, records = run(site, tmp_path, seeds=(site.base + "/zipped.html",))
    assert responses(records, site, "/zipped.html")[0].payload == site.pages["/zipped.html"][2]  # as sent
    assert "/speech/1.html" in site.paths()  # its links were read from the unzipped page
    with summary.warc_path.open("rb") as stream:  # and a reader gets the page back, as collect will
        pages = [r.content_stream().read() for r in ArchiveIterator(stream) if r.rec_type == "response"]
    assert page in pages


def test_status_line_and_headers_are_archived_as_sent(site: Site, tmp_path: Path) -> None:
    # No space after a colon, a GBK byte pair in a header: warcio alone would re-space and
    # percent-encode these; the archive must not.
    head = b"HTTP/1.1 200 Fine By Us\r\nContent-Type:text/html;charset=GBK\r\nX-Note: \xd6\xd0\r\nContent-Length: 3\r\n\r\n"
    site.verbatim["/odd"] = head + b"abc"
    summary, _ = run(site, tmp_path, seeds=(site.base + "/odd",))
    with summary.warc_path.open("rb") as stream:
        blocks = [r.raw_stream.read() for r in ArchiveIterator(stream, no_record_parse=True) if r.rec_type == "response"]
    assert blocks[-1] == head + b"abc"


@pytest.mark.parametrize("seed", ["ftp://www.example.gov.cn/ldjh/", "www.example.gov.cn/ldjh/", "http://", "javascript:void(0)"])
def test_a_seed_that_is_not_an_http_url_is_refused_with_a_clear_error(seed: str, tmp_path: Path) -> None:
    with pytest.raises(CrawlError, match="not an http:// or https:// URL"):
        CrawlConfig(seeds=(seed,), out=tmp_path)


def test_an_allow_pattern_that_is_not_a_regex_is_refused(tmp_path: Path) -> None:
    with pytest.raises(CrawlError, match="not a regular expression"):
        CrawlConfig(seeds=("http://www.example.gov.cn/",), out=tmp_path, allow=("/ldjh/(",))


@pytest.mark.parametrize(
    ("url", "base", "expected"),
    [
        # Same page: the fragment goes, so "#top" is not a second URL.
        ("1.html#top", "http://example.gov.cn/ldjh/", "http://example.gov.cn/ldjh/1.html"),
        # Scheme and host in any case, and the default port, are one site.
        ("HTTP://Example.GOV.cn:80", None, "http://example.gov.cn/"),
        ("https://example.gov.cn:8443/a?b=1", None, "https://example.gov.cn:8443/a?b=1"),
        # A Chinese path is sent percent-encoded as UTF-8; encoding it again changes nothing.
        ("/讲话/一.html", "http://example.gov.cn/", "http://example.gov.cn/%E8%AE%B2%E8%AF%9D/%E4%B8%80.html"),
        ("/%E8%AE%B2%E8%AF%9D/", "http://example.gov.cn/", "http://example.gov.cn/%E8%AE%B2%E8%AF%9D/"),
        # Not pages at all.
        ("mailto:office@example.gov.cn", "http://example.gov.cn/", None),
        ("http://example.gov.cn:port/", None, None),
    ],
)
def test_normalise_url(url: str, base: str | None, expected: str | None) -> None:
    assert normalise_url(url, base) == expected


def test_extract_links_honours_base_href() -> None:
    page = '<base href="/zwgk/ldjh/"><a href="2024/讲话.html">讲话</a><a href="javascript:void(0)">打印</a>'
    assert extract_links(page, "http://example.gov.cn/index.html") == ["http://example.gov.cn/zwgk/ldjh/2024/%E8%AE%B2%E8%AF%9D.html"]


def test_the_crawl_command_writes_a_warc_that_collect_turns_into_raw_pages(site: Site, tmp_path: Path, capsys) -> None:
    from cadrespeech.cli import main

    assert (
        main(["crawl", site.base + "/", "--out", str(tmp_path / "warc"), "--delay", "0", "--quiet", "--contact", "office@example.org"]) == 0
    )
    out = capsys.readouterr().out
    assert "skipped 1: robots (robots.txt disallows it for our user agent)" in out
    assert all("contact office@example.org" in request.user_agent for request in site.requests)
    assert main(["collect", str(tmp_path / "warc"), "--out", str(tmp_path / "raw"), "--quiet"]) == 0
    pages = {path.read_bytes() for path in (tmp_path / "raw").iterdir()}
    assert GBK_PAGE in pages and ROBOTS not in pages  # the GBK bytes as served; robots.txt is not a page
    assert "not-a-page 1" in capsys.readouterr().out
