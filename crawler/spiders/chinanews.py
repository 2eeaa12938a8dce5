"""Kind ``chinanews``: 中国新闻网 RSS feeds and scroll list pages; article pages parsed by template.

Three detail templates: new (``div.content_desc``, meta in ``.left p``), old (``div.left_zw``,
meta in ``div.left-t``) and legacy (``div.t3``, meta in ``div[style="text-align:right;font-size:12px;"]`` as
``YYYY-MM-DD HH:mm``, else found in the page text). A page matching
none goes to the generic extractor (counted in ``lendwatch/fallback/generic``). The template
is stored in the extraction version (``chinanews-1/old``).
"""

import re
from typing import Literal

from pydantic import Field, field_validator
from scrapy import Request

from crawler import stats
from crawler.extract import decode_html, parse_date
from crawler.extract.html import collapse, parse
from crawler.spiders.base import NotModified, charset_of, header
from crawler.config import SourceBase
from crawler.spiders.rss import FeedSpider
from crawler.urls import canonical_url

VERSION = "chinanews-1"
DATE = re.compile(r"\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}:\d{2}|\d{4}-\d{1,2}-\d{1,2}\s+\d{1,2}:\d{2}")
OUTLET = re.compile(r"来源[：:]\s*([^\s　|]+)")
NOT_TEXT = ".adInContent, .left_name, #function_code_page, script, style"
# template: (body selector, meta selector or None for the whole page)
TEMPLATES = {"new": ("div.content_desc", ".left p"), "old": ("div.left_zw", "div.left-t"),
             "legacy": ("div.t3", 'div[style="text-align:right;font-size:12px;"]')}


class ChinanewsSource(SourceBase):
    """``urls``: RSS feeds; ``scroll``: scroll list pages (``news1.html``), followed up to ``max_pages``."""

    kind: Literal["chinanews"]
    scroll: list[str] = Field(default_factory=list)
    max_pages: int = Field(default=5, ge=1, le=100)

    @field_validator("scroll")
    @classmethod
    def _http_scroll(cls, value):
        return cls._http_urls(value)


def paragraphs(body) -> list[str]:
    """The text of ``body`` a paragraph a line: its ``<p>`` elements, or its text split at ``<br>``."""
    for junk in body.cssselect(NOT_TEXT):
        junk.drop_tree()
    if body.cssselect("p"):
        lines = [p.text_content() for p in body.cssselect("p")]
    else:
        for br in body.iter("br"):
            br.tail = "\n" + (br.tail or "")
        lines = body.text_content().split("\n")
    return [line for line in map(collapse, lines) if line]


def parse_detail(root) -> tuple[str, dict] | None:
    """``(template, fields)`` for a chinanews article page, or None when no template matches."""
    for template, (body_css, meta_css) in TEMPLATES.items():
        bodies = root.cssselect(body_css)
        if not bodies:
            continue
        metas = root.cssselect(meta_css) if meta_css else []
        meta = collapse(metas[0].text_content()) if metas else collapse(root.text_content())
        source = root.cssselect("a.source")
        outlet = collapse(source[0].text_content()) if template == "new" and source else None
        if not outlet and (found := OUTLET.search(meta)):
            outlet = found.group(1)
        date = DATE.search(meta)
        heading = root.cssselect("h1") or root.cssselect("title")
        return template, {"title": collapse(heading[0].text_content()) if heading else None,
                          "published_at": parse_date(date.group(0)) if date else None,
                          "author": outlet, "text": "\n".join(paragraphs(bodies[0]))}
    return None


class ChinanewsSpider(FeedSpider):
    """RSS feeds (``urls``) and scroll list pages (``scroll``: ``news1.html``, then ``news2.html``
    … while the page links to it).

    With ``scroll`` set, its first list is asked alone first: 滚动新闻 is the site's stream of every
    channel, newest first, so a feed item is on it too. When its first page answers 304 or lists only
    articles already stored (or older than ``--since``), nothing can be new in the feeds either and
    the source's re-crawl costs that one request; otherwise (or when that page fails) the feeds and
    the other scroll lists are read as well.
    """

    kind = "chinanews"
    source_model = ChinanewsSource

    async def start(self):
        if not self.source.scroll:
            async for request in super().start():
                yield request
            return
        yield Request(self.source.scroll[0], callback=self.parse_scroll, errback=self.first_failed,
                      cb_kwargs={"page": 1, "first": True})

    def other_lists(self):
        """The feeds and the other scroll lists: asked once the first scroll page shows news."""
        for url in self.start_urls:
            yield self.feed_request(url)
        for url in self.source.scroll[1:]:
            yield Request(url, callback=self.parse_scroll, errback=self.on_error, cb_kwargs={"page": 1})

    def first_failed(self, failure):
        """The first scroll page answered 304: nothing new anywhere. Failed: read every list."""
        if failure.check(NotModified):
            return
        self.on_error(failure)
        yield from self.other_lists()

    def article_request(self, url: str, callback=None, **kwargs) -> Request | None:
        """Ask for the canonical URL, so a feed link and a list link to one article are one request."""
        return super().article_request(canonical_url(url), callback, **kwargs)

    def parse_scroll(self, response, page: int, first: bool = False):
        links = list(dict.fromkeys(response.urljoin(h) for h in response.css(".dd_bt a::attr(href)").getall()))
        if not links:
            self.logger.warning("scroll page %s has no .dd_bt links", response.url)
            self.crawler.stats.inc_value(stats.error("bad-list"))
            if first:
                yield from self.other_lists()
            return
        news = self.keep_paging([(u, None) for u in links])
        if first and not news:
            return  # the every-channel stream opens with known articles only: so do the feeds
        if first:
            yield from self.other_lists()
        for link in links:
            yield self.article_request(link)
        next_url = re.sub(r"news(\d+)\.html", lambda m: f"news{int(m.group(1)) + 1}.html", response.url)
        linked = next_url in {response.urljoin(h) for h in response.css("a::attr(href)").getall()}
        if linked and page < self.source.max_pages and news:
            yield self.request(next_url, self.parse_scroll,
                               cb_kwargs={"page": page + 1})

    def parse_article(self, response, fallback_title=None, fallback_date=None, extra=None):
        """One article page by its template; the generic extractor when none matches."""
        text, encoding = decode_html(response.body, charset_of(header(response, "Content-Type")))
        parsed = parse_detail(parse(text)) if text.strip() else None
        if parsed is None or not parsed[1]["text"]:
            self.crawler.stats.inc_value(stats.FALLBACK_GENERIC)
            yield from super().parse_article(response, fallback_title, fallback_date, extra)
            return
        template, fields = parsed
        fields["title"] = fields["title"] or fallback_title
        fields["published_at"] = fields["published_at"] or fallback_date
        item = self.article_item(response, extra=extra, version=f"{VERSION}/{template}", **fields)
        item.page.encoding = encoding
        yield item
