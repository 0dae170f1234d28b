"""Crawling a site's speech column politely into a WARC file, so ``collect`` can read it later.

Politeness comes first: robots.txt is obeyed (RFC 9309, read with protego), one host is
asked at most once per ``delay`` seconds (or per its Crawl-delay, if that is longer), and
failures back off exponentially. Every response is archived as it came off the wire
(status line, headers and payload bytes, never decoded), so the corpus can be rebuilt
from the WARC without asking the site again. Pages are decoded only to find their links.
"""

from __future__ import annotations

import codecs
import http.client
import json
import re
import sys
import time
import xml.etree.ElementTree as ElementTree
from collections import Counter, deque
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timezone
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote, urljoin, urlsplit, urlunsplit

from protego import Protego
from tqdm import tqdm

from .. import __version__
from ..errors import CadrespeechError
from ..stages.ingest import header_charset, meta_charset
from .wire import MAX_BODY_BYTES, Exchange, WarcOut, fetch_once, header, inflate

# Where a site's webmaster learns what is crawling them. The project publishes no other
# address yet; an operator adds their own contact with ``--contact``.
PROJECT_URL = "https://github.com/cadrespeech/cadrespeech"
DEFAULT_USER_AGENT = f"cadrespeech/{__version__} (+{PROJECT_URL}; research corpus crawler)"

REDIRECTS = frozenset({301, 302, 303, 307, 308})
MAX_REDIRECTS = 5  # RFC 9309 asks crawlers to follow at least five for robots.txt; pages get the same
MAX_SITEMAPS = 100  # a sitemap index lists sitemaps, which list pages: a bound against index loops
MAX_RETRY_AFTER = 300.0  # seconds: a server's Retry-After is honoured, but cannot park the crawl for a day
DEFAULT_PORTS = {"http": 80, "https": 443}
# Characters RFC 3986 lets stand in a path or query; everything else (Chinese included) is
# percent-encoded as UTF-8, as browsers do, and "%" stays so encoding twice changes nothing.
URL_SAFE = "!$%&'()*+,/:;=?@~"

# Why a URL met did not become a page: the keys are the names the summary counts under.
SKIP_REASONS = {
    "robots": "robots.txt disallows it for our user agent",
    "robots-unreachable": "the host's robots.txt failed with 5xx or no connection, which RFC 9309 reads as disallow all",
    "off-host": "not on the host of a seed or sitemap",
    "not-allowed": "matches none of the allow patterns",
    "http-4xx": "the server answered 4xx (the answer is in the WARC)",
    "http-5xx": "still 5xx after every retry (each answer is in the WARC)",
    "http-429": "still 429 Too Many Requests after every retry",
    "http-other": "an answer that is not 2xx, a redirect, 4xx or 5xx",
    "connection": "no answer after every retry: refused, reset, timed out or not HTTP",
    "bad-redirect": "a redirect without a Location that is an http(s) URL",
    "redirect-loop": "a redirect back to a URL earlier in the same chain",
    "too-many-redirects": f"more than {MAX_REDIRECTS} redirects in a row",
    "too-large": f"a body over {MAX_BODY_BYTES} bytes: archived truncated, its links not read",
    "bad-sitemap": "a sitemap that is not sitemap XML",
    "max-pages": "still queued when max_pages pages had been fetched",
    "max-sitemaps": f"a sitemap beyond the first {MAX_SITEMAPS}",
}


class CrawlError(CadrespeechError):
    """A crawl that cannot start: a bad seed, pattern, setting or output folder, named in the message."""


@dataclass(frozen=True, slots=True)
class CrawlConfig:
    """What to crawl and how gently: one frozen object, checked when made, named whole in the WARC.

    ``allow`` holds regular expressions searched in each normalised URL; a link is followed
    only if it is on a seed's (or sitemap's) host and, when ``allow`` is given, one matches.
    Seeds are always fetched, subject to robots.txt.
    """

    seeds: tuple[str, ...]  # where the crawl starts, e.g. the column's index page
    out: Path  # the folder the WARC is written into
    delay: float = 1.0  # seconds between requests to one host, at least (robots.txt may ask more)
    max_pages: int = 100  # 2xx pages, then stop; redirects, errors, robots.txt and sitemaps do not count
    allow: tuple[str, ...] = ()
    sitemaps: tuple[str, ...] = ()  # sitemap or sitemap index URLs whose pages are queued after the seeds
    retries: int = 3  # further tries after a 5xx, 429 or no connection, so up to 1 + retries requests
    backoff: float = 1.0  # seconds before the first retry, doubled before each next one
    timeout: float = 20.0  # seconds a connection may stay silent
    user_agent: str = DEFAULT_USER_AGENT

    def __post_init__(self) -> None:
        if not self.seeds and not self.sitemaps:
            raise CrawlError("nothing to crawl: give at least one seed URL (or a sitemap)")
        for url in (*self.seeds, *self.sitemaps):
            if normalise_url(url) is None:
                raise CrawlError(
                    f"{url!r} is not an http:// or https:// URL with a host; give it whole, e.g. http://www.example.gov.cn/ldjh/"
                )
        for pattern in self.allow:
            try:
                re.compile(pattern)
            except re.error as error:
                raise CrawlError(f"allow pattern {pattern!r} is not a regular expression: {error}") from None
        for name in ("delay", "backoff", "retries", "max_pages"):
            if getattr(self, name) < 0:
                raise CrawlError(f"{name} must not be negative, not {getattr(self, name)}")
        if self.timeout <= 0:
            raise CrawlError(f"timeout must be a positive number of seconds, not {self.timeout}")
        if not self.user_agent.strip():
            raise CrawlError("user_agent must name the crawler, so a site knows who is asking")


@dataclass(frozen=True, slots=True)
class CrawlSummary:
    """What a crawl did, for the command line to print and for tests to check."""

    fetched: int  # pages received whole with a 2xx status: what max_pages counts
    written: int  # response records in the WARC: pages, redirects, errors, retries, robots.txt, sitemaps
    skipped_by_reason: dict[str, int]  # URLs met that did not become pages, by a key of SKIP_REASONS
    warc_path: Path


def crawl(
    config: CrawlConfig,
    progress: bool | None = None,
    *,
    sleep: Callable[[float], object] = time.sleep,
    clock: Callable[[], float] = time.monotonic,
) -> CrawlSummary:
    """Crawl a site's speech column into a new WARC file, politely, and count what was fetched and skipped.

    ``sleep`` and ``clock`` time the delays between requests and the retries' backoff; tests
    pass a fake pair so they never wait. The WARC is ``out/crawl-<UTC time>.warc.gz``.

    Example, the leaders' speeches column (领导讲话) of a county site, one request every two seconds::

        crawl(CrawlConfig(seeds=("http://www.example.gov.cn/ldjh/",), out=Path("warc"), delay=2.0, allow=(r"/ldjh/",)))
    """
    path = _new_warc_path(Path(config.out))
    with (
        WarcOut(path, _warcinfo(config)) as archive,
        tqdm(total=config.max_pages, desc="crawl", unit="page", file=sys.stderr, disable=not progress) as bar,
    ):
        crawler = _Crawler(config, archive, bar, sleep, clock)
        crawler.run()
    return CrawlSummary(crawler.pages, archive.responses, dict(sorted(crawler.skipped.items())), path)


def _warcinfo(config: CrawlConfig) -> dict[str, str]:
    """The WARC's warcinfo: the software and the crawl's settings (not the output folder, a local path)."""
    settings = {name: value for name, value in asdict(config).items() if name != "out"}
    return {
        "software": f"cadrespeech/{__version__} cadrespeech.collect.crawl",
        "format": "WARC File Format 1.0",
        "robots": "obey",
        "http-header-user-agent": config.user_agent,
        "cadrespeech-crawl-config": json.dumps(settings, ensure_ascii=False),
    }


def normalise_url(url: str, base: str | None = None) -> str | None:
    """The one spelling of a URL that the crawler compares, queues and archives; None if not http(s).

    A relative link resolves against ``base``; the fragment goes (it names a place in the same
    page); scheme and host are lower-cased, a default port and any user name dropped, and
    characters outside ASCII percent-encoded as UTF-8.

    >>> normalise_url("../讲话/2024.html#正文", "HTTP://Www.Example.gov.cn:80/ldjh/index.html")
    'http://www.example.gov.cn/%E8%AE%B2%E8%AF%9D/2024.html'
    >>> normalise_url("javascript:void(0)") is None
    True
    """
    try:
        parts = urlsplit(urljoin(base, url.strip()) if base else url.strip())
        port = parts.port
        host = (parts.hostname or "").encode("idna").decode("ascii")
    except (ValueError, UnicodeError):  # a port that is not a number, a host label too long
        return None
    scheme = parts.scheme.lower()
    if scheme not in DEFAULT_PORTS or not host:
        return None
    host = f"[{host}]" if ":" in host else host  # an IPv6 address keeps its brackets
    netloc = host if port in (None, DEFAULT_PORTS[scheme]) else f"{host}:{port}"
    path = quote(parts.path or "/", safe=URL_SAFE)
    return urlunsplit((scheme, netloc, path, quote(parts.query, safe=URL_SAFE), ""))


def extract_links(html: str, page_url: str) -> list[str]:
    """The pages an HTML page links to with ``<a href>``, normalised, once each, in page order.

    A ``<base href>`` changes what relative links resolve against, as in a browser.

    >>> extract_links('<a href="2.html">在全县工作会议上的讲话</a><a href="2.html#top">全文</a>', "http://example.gov.cn/ldjh/1.html")
    ['http://example.gov.cn/ldjh/2.html']
    """
    parser = _LinkParser()
    parser.feed(html)
    parser.close()
    base = normalise_url(parser.base, page_url) if parser.base else None
    links = (normalise_url(href, base or page_url) for href in parser.hrefs)
    return list(dict.fromkeys(link for link in links if link))


class _LinkParser(HTMLParser):
    """Collects the ``href`` of every ``<a>`` and the first ``<base>``; the standard library's parser forgives broken HTML."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.hrefs: list[str] = []
        self.base: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        href = dict(attrs).get("href")
        if href is None:
            return
        if tag == "a":
            self.hrefs.append(href)
        elif tag == "base" and self.base is None:
            self.base = href


# --- Reading a response: its media type, compression and declared charset -------------------

# A page labelled GB2312 or GBK routinely holds characters only GBK has; GB18030 decodes both.
_GB_FAMILY = frozenset({"gb2312", "gbk"})


def _declared_charsets(headers: tuple[tuple[str, str], ...], body: bytes) -> dict[str, str]:
    """The charsets a page declares, by where: ``http-charset`` (Content-Type) and ``meta-charset``."""
    found = {"http-charset": header_charset(header(headers, "Content-Type") or ""), "meta-charset": meta_charset(body)}
    return {where: label for where, label in found.items() if label}


def _codec(label: str) -> str | None:
    """Python's codec for a charset label, or None when Python does not know the label."""
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "gb18030" if name in _GB_FAMILY else name


def _decode(body: bytes, declared: list[str]) -> tuple[str, str]:
    """The page as text, for its links only: the declared charset first, then UTF-8, then GB18030."""
    for codec in dict.fromkeys(filter(None, map(_codec, [*declared, "utf-8", "gb18030"]))):
        try:
            return body.decode(codec), codec
        except UnicodeDecodeError:
            continue
    # Links are nearly always ASCII, so a page broken in every charset still yields them.
    return body.decode("gb18030", errors="replace"), "gb18030 with replacements"


def _sitemap_locations(data: bytes) -> tuple[bool, list[str]] | None:
    """(is it a sitemap index, its ``<loc>`` URLs) for sitemap XML, gzipped or not; None for anything else."""
    if data.startswith(b"\x1f\x8b"):  # a sitemap.xml.gz served as a file, not as Content-Encoding
        data = inflate(data) or b""
    try:
        root = ElementTree.fromstring(data)  # expat refuses entity-expansion bombs
    except ElementTree.ParseError:
        return None
    kind = root.tag.rsplit("}", 1)[-1]  # the sitemaps.org namespace, or none
    if kind not in ("urlset", "sitemapindex"):
        return None
    locations = [(element.text or "").strip() for element in root.iter() if element.tag.rsplit("}", 1)[-1] == "loc"]
    return kind == "sitemapindex", [location for location in locations if location]


def _new_warc_path(out: Path) -> Path:
    """``out/crawl-<UTC time>.warc.gz``, with a counter if a crawl in the same second took the name."""
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise CrawlError(f"cannot make the output folder {out}: {error.strerror}; give a folder you can write") from None
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    path, number = out / f"crawl-{stamp}.warc.gz", 1
    while path.exists():
        path, number = out / f"crawl-{stamp}-{number}.warc.gz", number + 1
    return path


# --- Politeness: robots.txt and the delay between requests -----------------------------------


@dataclass(frozen=True, slots=True)
class _Robots:
    """One origin's robots.txt as RFC 9309 reads it: its rules, none (a 4xx), or unreachable (disallow all)."""

    rules: Protego | None
    unreachable: bool = False

    def refusal(self, url: str, agent: str) -> str | None:
        if self.unreachable:
            return "robots-unreachable"
        if self.rules is not None and not self.rules.can_fetch(url, agent):
            return "robots"
        return None

    def crawl_delay(self, agent: str) -> float:
        return (self.rules.crawl_delay(agent) if self.rules else None) or 0.0


class _Pacer:
    """Keeps the requests to each host at least that host's delay apart, on the clock and sleep it is given."""

    def __init__(self, sleep: Callable[[float], object], clock: Callable[[], float]) -> None:
        self._sleep = sleep
        self._clock = clock
        self._last: dict[str, float] = {}  # when the last request to a host ended

    def wait(self, host: str, delay: float) -> None:
        if (last := self._last.get(host)) is not None and (remaining := last + delay - self._clock()) > 0:
            self._sleep(remaining)

    def done(self, host: str) -> None:
        self._last[host] = self._clock()


def _robots_token(user_agent: str) -> str:
    """The product token robots.txt rules name (``cadrespeech``), not the whole User-Agent header.

    Matched against the whole header, a rule for ``github`` would apply to us because our
    header names a github.com address.
    """
    match = re.match(r"[\w.-]+", user_agent.strip())
    return match.group(0) if match else user_agent


def _retry_after(exchange: Exchange | None) -> float:
    """A 429's or 503's Retry-After in seconds, capped; 0 if absent or an HTTP date (rare for these)."""
    value = header(exchange.headers, "Retry-After") if exchange else None
    return min(float(value), MAX_RETRY_AFTER) if value and value.strip().isdigit() else 0.0


def _status_reason(exchange: Exchange) -> str:
    if exchange.status == 429:
        return "http-429"
    return {4: "http-4xx", 5: "http-5xx"}.get(exchange.status // 100, "http-other")


# --- The crawl -------------------------------------------------------------------------------


class _Crawler:
    """One crawl's state: the queue, the URLs met, the robots rules read, and the counts."""

    def __init__(
        self, config: CrawlConfig, archive: WarcOut, bar: tqdm, sleep: Callable[[float], object], clock: Callable[[], float]
    ) -> None:
        self.config = config
        self.archive = archive
        self.bar = bar
        self.sleep = sleep
        self.pacer = _Pacer(sleep, clock)
        self.agent = _robots_token(config.user_agent)
        self.allow = [re.compile(pattern) for pattern in config.allow]
        self.hosts = {urlsplit(normalise_url(url) or "").netloc for url in (*config.seeds, *config.sitemaps)}
        self.robots: dict[str, _Robots] = {}  # by origin, scheme://host
        self.delays: dict[str, float] = {}  # by host, when robots.txt asks for more than config.delay
        self.queue: deque[str] = deque()
        self.seen: set[str] = set()  # every URL queued, skipped or fetched: each is met once
        self.skipped: Counter[str] = Counter()
        self.pages = 0

    def run(self) -> None:
        for seed in self.config.seeds:
            self._enqueue(normalise_url(seed) or "", chosen=True)
        self._read_sitemaps()
        while self.queue and self.pages < self.config.max_pages:
            self._visit(self.queue.popleft())
        if self.queue:
            self.skipped["max-pages"] += len(self.queue)

    def _enqueue(self, url: str, *, chosen: bool = False) -> None:
        """Queue a URL met for the first time, unless it is off the hosts or outside the allow patterns."""
        if url in self.seen:
            return
        self.seen.add(url)
        if chosen:  # a seed is fetched whatever the patterns say
            self.queue.append(url)
        elif urlsplit(url).netloc not in self.hosts:
            self.skipped["off-host"] += 1
        elif self.allow and not any(pattern.search(url) for pattern in self.allow):
            self.skipped["not-allowed"] += 1
        else:
            self.queue.append(url)

    def _visit(self, url: str) -> None:
        """Fetch a queued page; if it is a whole HTML page, note its charset and queue its links."""
        result = self._follow(url)
        if result is None:
            return
        if isinstance(result, str):
            self.skipped[result] += 1
        elif not 200 <= result.status < 300:
            self.skipped[_status_reason(result)] += 1
        elif result.truncated:
            self.skipped["too-large"] += 1
        else:
            self.pages += 1
            self.bar.update()
            if result.is_html():
                for link in self._read_page(result):
                    self._enqueue(link)

    def _read_page(self, exchange: Exchange) -> list[str]:
        """The page's links; on the way, a metadata record of the charsets it declares and the one that read it."""
        body = exchange.content()
        if body is None:
            return []
        declared = _declared_charsets(exchange.headers, body)
        text, decoded_as = _decode(body, list(declared.values()))
        self.archive.write_metadata(exchange, {**declared, "links-decoded-as": decoded_as})
        return extract_links(text, exchange.url)

    def _read_sitemaps(self) -> None:
        """Queue the pages the given sitemaps list, reading a sitemap index down to its sitemaps."""
        pending = deque(normalise_url(url) or "" for url in self.config.sitemaps)
        self.seen.update(pending)
        for _ in range(MAX_SITEMAPS):
            if not pending:
                return
            result = self._follow(pending.popleft())
            if isinstance(result, str):
                self.skipped[result] += 1
            elif result is not None:
                pending.extend(self._read_sitemap(result))
        if pending:
            self.skipped["max-sitemaps"] += len(pending)

    def _read_sitemap(self, exchange: Exchange) -> list[str]:
        """Queue the pages one sitemap lists; the sitemaps, if it is an index, on our hosts and new."""
        if not 200 <= exchange.status < 300:
            self.skipped[_status_reason(exchange)] += 1
            return []
        found = _sitemap_locations(exchange.content() or b"")
        if found is None:
            self.skipped["bad-sitemap"] += 1
            return []
        is_index, locations = found
        sitemaps = []
        for url in filter(None, map(normalise_url, locations)):
            if not is_index:
                self._enqueue(url)
            elif url not in self.seen and urlsplit(url).netloc in self.hosts:
                self.seen.add(url)
                sitemaps.append(url)
        return sitemaps

    def _follow(self, url: str, *, obey_robots: bool = True) -> Exchange | str | None:
        """Fetch a URL and each redirect it answers with: the final answer, a skip reason, or None.

        None means the chain led to a URL already met, which is (or will be) fetched on its own.
        Each redirect is archived as it came. Its target must be on our hosts and allowed by
        robots.txt, but not match the allow patterns: the page was chosen, the redirect only moves it.
        """
        chain = [url]
        while True:
            if obey_robots and (refusal := self._robots_for(url).refusal(url, self.agent)):
                return refusal
            result = self._fetch(url)
            if isinstance(result, str) or result.status not in REDIRECTS:
                return result
            location = header(result.headers, "Location")
            target = normalise_url(location, url) if location else None
            if target is None:
                return "bad-redirect"
            if target in chain:
                return "redirect-loop"
            if len(chain) > MAX_REDIRECTS:
                return "too-many-redirects"
            if urlsplit(target).netloc not in self.hosts:
                return "off-host"
            if target in self.seen:
                return None
            self.seen.add(target)
            chain.append(target)
            url = target

    def _fetch(self, url: str) -> Exchange | str:
        """GET a URL, retried with exponential backoff while the server fails or is busy; each answer archived."""
        host = urlsplit(url).netloc
        exchange = None
        for attempt in range(self.config.retries + 1):
            if attempt:
                self.sleep(max(self.config.backoff * 2 ** (attempt - 1), _retry_after(exchange)))
            self.pacer.wait(host, self.delays.get(host, self.config.delay))
            try:
                exchange = fetch_once(url, self.config.user_agent, self.config.timeout)
            except (OSError, http.client.HTTPException):  # refused, reset, timed out, not HTTP
                exchange = None
            finally:
                self.pacer.done(host)
            if exchange is not None:
                exchange = replace(exchange, record_id=self.archive.write_exchange(exchange))
                if exchange.status != 429 and exchange.status < 500:
                    return exchange
        return "connection" if exchange is None else _status_reason(exchange)

    def _robots_for(self, url: str) -> _Robots:
        """The robots.txt of a URL's origin, read on first need; its Crawl-delay raises the host's delay."""
        parts = urlsplit(url)
        origin = f"{parts.scheme}://{parts.netloc}"
        if origin not in self.robots:
            robots = self._read_robots(f"{origin}/robots.txt")
            self.robots[origin] = robots
            current = self.delays.get(parts.netloc, self.config.delay)
            self.delays[parts.netloc] = max(current, robots.crawl_delay(self.agent))
        return self.robots[origin]

    def _read_robots(self, url: str) -> _Robots:
        # RFC 9309: a 4xx (404 above all) means no rules; 5xx or no connection means disallow
        # all; a redirect is followed, and one we cannot follow means the file is unavailable.
        result = self._follow(url, obey_robots=False)
        if isinstance(result, str) and result in ("connection", "http-5xx", "http-429"):
            return _Robots(None, unreachable=True)
        if not isinstance(result, Exchange) or not 200 <= result.status < 300:
            return _Robots(None)
        text, _ = _decode(result.content() or b"", ["utf-8"])
        return _Robots(Protego.parse(text))
