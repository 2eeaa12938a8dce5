"""Kind ``baidu_news``: Baidu News search result pages, one search per keyword.

A result's fields come first from its ``<!--s-data:{…}-->`` JSON (``titleUrl``, ``title``,
``sourceName``, ``dispTime``) or its ``mu`` attribute, which survive the hashed class names, then
from its structure and text. Results link straight to publishers (or baijiahao.baidu.com), fetched
at once, or through ``baidu.com/link?url=…`` redirects, resolved here by hand (a 30x, a meta
refresh or a ``location.replace``) so that an article already stored (by its final canonical URL)
is never fetched again; the article itself goes through the generic extractor. The 百度安全验证 captcha page is counted
(``lendwatch/dropped/captcha``), never stored, and its search retried once with fresh cookies.
"""

import asyncio
import json
import re
from typing import Literal
from urllib.parse import urlencode, urljoin, urlsplit

from pydantic import Field
from scrapy import Request

from crawler import stats
from crawler.config import SingleUrlSource
from crawler.extract import parse_date
from crawler.spiders.base import SourceSpider, plain
from crawler.urls import canonical_url

RESULTS = "div.result-op.c-container, div.result, div.c-container"
_CLOCK = r"(?:\s*\d{1,2}:\d{2})?"
TIME_TEXT = re.compile(rf"\d+\s*(?:分钟|小时|天)前|(?:昨天|前天){_CLOCK}|(?:\d{{4}}年)?\d{{1,2}}月\d{{1,2}}日{_CLOCK}"
                       rf"|\d{{4}}-\d{{1,2}}-\d{{1,2}}{_CLOCK}")
CAPTCHA_MARKS = ("百度安全验证", "请输入验证码", "wappass.baidu.com/static/captcha")
REFRESH_URL = re.compile(r"""^\s*\d*\s*;?\s*url\s*=\s*['"]?([^'"\s]+)""", re.I)  # a meta refresh's content
SCRIPT_URL = re.compile(r"""location\.replace\(\s*['"]([^'"]+)['"]\s*\)|location\.href\s*=\s*['"]([^'"]+)['"]""")
S_DATA = re.compile(r"^\s*s-data:(\{.*\})\s*$", re.S)
REDIRECTS = [301, 302, 303, 307, 308]


class BaiduNewsSource(SingleUrlSource):
    """``keywords`` defaults to the file's keywords; ``rtt`` 4 sorts by time, 1 by relevance.

    A captcha page (百度安全验证) is retried once with fresh cookies after ``captcha_pause`` seconds.
    """

    kind: Literal["baidu_news"]
    url: str | None = "https://www.baidu.com/s"
    keywords: list[str] | None = None
    max_pages: int = Field(default=5, ge=1, le=76)
    rtt: Literal[1, 4] = 4
    captcha_pause: float = Field(default=20.0, ge=0, le=600)


def is_captcha(response) -> bool:
    head = response.text[:5000] if hasattr(response, "text") else ""
    return "wappass.baidu.com" in response.url or any(mark in head for mark in CAPTCHA_MARKS)


def s_data(result) -> dict:
    """The result's ``<!--s-data:{…}-->`` JSON object, or {}."""
    for comment in result.xpath(".//comment()").getall():
        found = S_DATA.match(comment.removeprefix("<!--").removesuffix("-->"))
        if found:
            try:
                data = json.loads(found.group(1))
            except ValueError:
                continue
            if isinstance(data, dict):
                return data
    return {}


def result_fields(result) -> dict:
    """Title, link, source and time of one result: its s-data JSON and ``mu`` attribute first, then
    its structure and text (class names change).

    The time is the first short text matching ``TIME_TEXT`` (the old layout puts the source
    before it in the same text); the source is otherwise the first short text.
    """
    data = s_data(result)
    link = result.css("h3 a")
    source = when = None
    for text in (t.strip() for t in result.xpath(".//text()[not(ancestor::h3)]").getall()):
        found = TIME_TEXT.search(text) if len(text) <= 40 else None
        if found and when is None:
            when = found.group(0)
            source = source or text[:found.start()].strip() or None
        elif source is None and 1 < len(text) <= 20:
            source = text
    title = re.sub(r"\s+", " ", "".join(link.xpath(".//text()").getall())).strip()
    return {"title": plain(data.get("title")) or title or None,
            "href": data.get("titleUrl") or result.attrib.get("mu") or link.attrib.get("href"),
            "source": data.get("sourceName") or source, "time": data.get("dispTime") or when}


def is_redirect(url: str) -> bool:
    """True for a ``baidu.com/link?url=`` redirect (resolved by hand), not a publisher's page."""
    parts = urlsplit(url)
    return parts.path.rstrip("/").endswith("/link") and "url=" in parts.query


def refresh_target(response) -> str:
    """Where a ``link?url=`` page that answers 200 sends the browser: its meta refresh, else its
    ``location.replace(…)``/``location.href = …`` script; '' when neither is there."""
    if not hasattr(response, "text"):
        return ""
    for content in response.xpath("//meta[translate(@http-equiv, 'REFSH', 'refsh')='refresh']/@content").getall():
        if found := REFRESH_URL.match(content):
            return found.group(1)
    for script in response.xpath("//script/text()").getall():
        if found := SCRIPT_URL.search(script):
            return found.group(1) or found.group(2)
    return ""


class BaiduNewsSpider(SourceSpider):
    """Pages each keyword's results up to ``max_pages``; dedupes by the final canonical URL."""

    kind = "baidu_news"
    source_model = BaiduNewsSource

    def __init__(self, source, **kwargs):
        super().__init__(source, **kwargs)
        self.referer = urljoin(self.source.url, "/")
        self.seen: set[str] = set()

    async def start(self):
        for keyword in self.source.keywords or []:
            yield self.search_request(keyword, 1)

    def search_request(self, keyword: str, page: int, retry: int = 0) -> Request:
        query = {"tn": "news", "rtt": self.source.rtt, "bsst": 1, "cl": 2, "wd": keyword,
                 "pn": (page - 1) * 10, "rn": 10, "ie": "utf-8"}
        meta = {"cookiejar": f"retry-{retry}"} if retry else {}
        return Request(f"{self.source.url}?{urlencode(query)}", callback=self.parse_results,
                       errback=self.on_error, headers={"Referer": self.referer}, meta=meta,
                       dont_filter=bool(retry), cb_kwargs={"keyword": keyword, "page": page, "retry": retry})

    async def parse_results(self, response, keyword: str, page: int, retry: int):
        if is_captcha(response):
            self.logger.warning("captcha page for %r (page %d) at %s", keyword, page, response.url)
            self.crawler.stats.inc_value(stats.dropped("captcha"))
            if retry == 0:
                await asyncio.sleep(self.source.captcha_pause)
                yield self.search_request(keyword, page, retry=1)
            return
        found = [result_fields(r) for r in response.css(RESULTS)]
        found = [f for f in found if f["href"]]
        if not found:
            self.logger.warning("no results for %r (page %d) at %s", keyword, page, response.url)
        listed = []
        for fields in found:
            published = parse_date(fields["time"]) if fields["time"] else None
            url = self.absolute(response, fields["href"])
            if url is None:
                continue
            listed.append((url, published))
            if self.too_old(published):
                self.crawler.stats.inc_value(stats.dropped("before-since"))
                continue
            found_by = {"keyword": keyword, "title": fields["title"], "published": published,
                        "outlet": fields["source"]}
            if is_redirect(url):
                yield self.request(url, self.parse_link, headers={"Referer": response.url},
                                   meta={"dont_redirect": True, "handle_httpstatus_list": REDIRECTS},
                                   cb_kwargs=found_by)
            else:  # a direct link to the publisher
                for request in self.article(url, **found_by):
                    yield request
        more = response.xpath("//a[contains(., '下一页')]")
        if more and page < self.source.max_pages and self.keep_paging(listed):
            yield self.search_request(keyword, page + 1)

    def parse_link(self, response, keyword: str, title, published, outlet):
        """A ``link?url=`` answer: a 30x redirect, or a page that refreshes to the article."""
        if response.status in REDIRECTS:
            target = response.headers.get("Location", b"").decode("latin-1")
        else:
            target = refresh_target(response)
        target = self.absolute(response, target)
        if not target:
            self.logger.warning("link %s led nowhere", response.url)
            self.crawler.stats.inc_value(stats.error("bad-redirect"))
            return
        yield from self.article(target, keyword, title, published, outlet)

    def article(self, target: str, keyword: str, title, published, outlet):
        """The article at ``target``, once per run and only when not stored yet."""
        key = canonical_url(target)
        if key in self.seen:
            return
        self.seen.add(key)
        if self.is_known(target):
            self.crawler.stats.inc_value(stats.SKIPPED_KNOWN)
            return
        extra = {"keywords": [keyword], "via": "baidu_news", **({"outlet": outlet} if outlet else {})}
        yield self.article_request(target, cb_kwargs={
            "fallback_title": title, "fallback_date": published, "extra": extra})
