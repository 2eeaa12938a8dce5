"""Kind ``people``: 人民网 channel list pages or RSS feeds (told apart by content).

www pages are GBK, subsites' pages often UTF-8: every page is decoded from its bytes (never
trusting the header). List links are taken under the channel templates' containers
(``ej_list_box``, ``p2j_list``, ``div.p2j_con02 > div.fl``, ``div.jsnew_line``…); article bodies
are ``.rm_txt_con``, ``#rm_txt_zw``, ``#rwb_zw`` or ``.show_text``, else the generic extractor
(counted in ``lendwatch/fallback/generic``).
"""

import re
from typing import Literal

from pydantic import Field
from scrapy import Request

from crawler import stats
from crawler.extract import decode_html, parse_date
from crawler.extract.html import collapse, parse
from crawler.spiders.base import charset_of, header
from crawler.config import SourceBase
from crawler.spiders.rss import FeedSpider
from crawler.urls import canonical_url

VERSION = "people-1"
LIST_LINKS = (".p6 a, div.p2j_list a, div.headingNews a, div.ej_list_box a, div.p2j_con02 > div.fl a, "
              "div.jsnew_line a, .leftItem a")
BODIES = ("#rm_txt_zw", ".rm_txt_con", "#rwb_zw", ".show_text")
ARTICLE = re.compile(r"/n\d*/\d{4}/\d{4}/c\d+-\d+\.html$")
DATE = re.compile(r"\d{4}年\d{2}月\d{2}日\d{2}:\d{2}")
OUTLET = re.compile(r"来源[：:]\s*([^\s|]+)")
NOT_TEXT = ".edit, .rm_relevant, .share, script, style"
FEED = re.compile(rb"^\s*(<\?xml[^>]*>\s*)?(<!--.*?-->\s*)*<(rss|feed|rdf:RDF)\b", re.S)


class PeopleSource(SourceBase):
    """``urls``: channel pages (``http://{site}.people.com.cn/GB/{categoryId}``) or RSS feeds;
    channel pages are followed up to ``max_pages``."""

    kind: Literal["people"]
    max_pages: int = Field(default=5, ge=1, le=100)


def is_feed(body: bytes) -> bool:
    """True when ``body`` is an RSS/Atom document rather than an HTML page."""
    return bool(FEED.match(body[:2048]))


def parse_detail(root) -> dict | None:
    """Title, date, outlet and text of a people.com.cn article page, or None when no body matches."""
    bodies = next((found for css in BODIES if (found := root.cssselect(css))), None)
    if not bodies:
        return None
    body = bodies[0]
    for junk in body.cssselect(NOT_TEXT):
        junk.drop_tree()
    lines = [collapse(p.text_content()) for p in body.cssselect("p")] or [collapse(body.text_content())]
    page = collapse(root.text_content())
    date, outlet, heading = DATE.search(page), OUTLET.search(page), root.cssselect("h1")
    return {"title": collapse(heading[0].text_content()) if heading else None,
            "published_at": parse_date(date.group(0)) if date else None,
            "author": outlet.group(1) if outlet else None, "text": "\n".join(filter(None, lines))}


class PeopleSpider(FeedSpider):
    kind = "people"
    source_model = PeopleSource

    async def start(self):
        for url in self.start_urls:
            yield Request(url, callback=self.parse_start, errback=self.on_error)

    def article_request(self, url: str, callback=None, **kwargs) -> Request | None:
        """Ask for the canonical URL, so a feed link and a list link to one article are one request."""
        return super().article_request(canonical_url(url), callback, **kwargs)

    def parse_start(self, response):
        """A configured URL: an RSS feed or the first page of a channel list."""
        yield from (self.parse_feed if is_feed(response.body) else self.parse_list)(response)

    def parse_feed(self, response):
        """The feed, decoded from its bytes and handed on as UTF-8 (GB2312 declarations are often too narrow)."""
        text, _ = decode_html(response.body)
        body = re.sub(r"^\s*<\?xml[^>]*>", '<?xml version="1.0" encoding="utf-8"?>', text).encode("utf-8")
        yield from super().parse_feed(response.replace(body=body))

    def parse_list(self, response, page: int = 1):
        root = parse(decode_html(response.body, charset_of(header(response, "Content-Type")))[0])
        hrefs = [a.get("href") for a in root.cssselect(LIST_LINKS) if a.get("href")]
        links = [u for u in dict.fromkeys(response.urljoin(h) for h in hrefs) if ARTICLE.search(u)]
        if not links:
            self.logger.warning("channel page %s has no article links", response.url)
            self.crawler.stats.inc_value(stats.error("bad-list"))
            return
        for link in links:
            yield self.article_request(link)
        following = [a.get("href") for a in root.iter("a") if collapse(a.text_content()) == "下一页"]
        if following and page < self.source.max_pages and self.keep_paging([(u, None) for u in links]):
            yield self.request(response.urljoin(following[0]), self.parse_list,
                               cb_kwargs={"page": page + 1})

    def parse_article(self, response, fallback_title=None, fallback_date=None, extra=None):
        """One article page from its own template; the generic extractor when it has none."""
        text, encoding = decode_html(response.body, charset_of(header(response, "Content-Type")))
        fields = parse_detail(parse(text)) if text.strip() else None
        if not fields or not fields["text"]:
            self.crawler.stats.inc_value(stats.FALLBACK_GENERIC)
            yield from super().parse_article(response, fallback_title, fallback_date, extra)
            return
        fields["title"] = fields["title"] or fallback_title
        fields["published_at"] = fields["published_at"] or fallback_date
        item = self.article_item(response, extra=extra, version=VERSION, **fields)
        item.page.encoding = encoding
        yield item
