"""Kind ``pbc``: the People's Bank of China's TRS list pages and article pages.

List items are ``font.newslist_style > a[title]`` (the ``title`` attribute holds the full
title; ``istitle`` is another attribute) with the date in the following ``span.hui12``; later
list pages are ``<module>-<N>.html`` beside ``index.html``. The body is ``#zoom``. A bare date
takes its time of day from the ``YYYYMMDDhhmmss`` token of the article URL when the days agree.

The site's WZWS JavaScript challenge ("请开启JavaScript并刷新该页") is not solved: the page is
counted (``wzws-challenge``) and not stored, so the next crawl asks for it again.
"""

import re
from datetime import datetime
from typing import Literal

from pydantic import Field
from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse

from crawler import stats
from crawler.config import SourceBase
from crawler.extract.html import block_lines, node_text, parse, strip_non_text
from crawler.spiders.base import SourceSpider, original_url
from lendwatch.records import SHANGHAI

CHALLENGE = "请开启JavaScript并刷新该页"
DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
URL_TIME = re.compile(r"/(\d{14})\d*/index\.html?$")
SOURCE = re.compile(r"来源[:：]\s*(\S+)")
DOC_NUMBER = re.compile(r"^\S{2,30}〔\d{4}〕\S{0,20}号$")
HUI12 = "contains(concat(' ', normalize-space(@class), ' '), ' hui12 ')"


class PbcSource(SourceBase):
    """``url`` or ``urls``: first list pages (``.../index.html``); later pages are ``<module>-<N>.html``."""

    kind: Literal["pbc"]
    max_pages: int = Field(default=5, ge=1, le=10000, description="list pages per start URL")


def url_time(url: str) -> datetime | None:
    """The time in an article URL's ``YYYYMMDDhhmmss`` token."""
    found = URL_TIME.search(url.split("?")[0])
    try:
        return datetime.strptime(found.group(1), "%Y%m%d%H%M%S").replace(tzinfo=SHANGHAI) if found else None
    except ValueError:
        return None


def published(shown: str | None, url: str) -> datetime | None:
    """The time shown on the page; a bare date takes the URL token's time when the days agree."""
    token = url_time(url)
    found = DATE.search(shown or "")
    if not found:
        return token
    try:
        y, mo, d, hh, mi, ss = (int(g) if g else None for g in found.groups())
        if hh is not None:
            return datetime(y, mo, d, hh, mi, ss or 0, tzinfo=SHANGHAI)
        day = datetime(y, mo, d, tzinfo=SHANGHAI)
    except ValueError:
        return token
    return token if token and token.date() == day.date() else day


class PbcSpider(SourceSpider):
    """Follows list pages up to ``max_pages``, stopping at a page of known or too-old items."""

    kind = "pbc"
    source_model = PbcSource

    async def start(self):
        for url in self.start_urls:
            yield Request(url, callback=self.parse_list, errback=self.on_error, cb_kwargs={"page": 1})

    def challenged(self, response) -> bool:
        """True (and counted, never stored) when ``response`` is the WZWS JavaScript challenge."""
        if not isinstance(response, TextResponse) or CHALLENGE not in response.text \
                or not response.css("script"):
            return False
        self.logger.warning("WZWS challenge at %s: not solved, not stored (the next crawl asks again)",
                            response.url)
        self.crawler.stats.inc_value(stats.dropped("wzws-challenge"))
        return True

    def parse_list(self, response, page: int):
        if self.challenged(response):
            return
        entries = []
        for link in response.css("font.newslist_style > a[title]"):
            if not link.attrib.get("href"):
                continue
            url = response.urljoin(link.attrib["href"])
            shown = (link.xpath(f"../following-sibling::span[{HUI12}][1]//text()").get()
                     or link.xpath(f"ancestor::tr[1]//span[{HUI12}]//text()").get())
            when = published(shown, url)
            entries.append((url, when))
            if self.too_old(when):
                self.crawler.stats.inc_value(stats.dropped("before-since"))
                continue
            yield self.article_request(url, cb_kwargs={"fallback_title": link.attrib["title"].strip(),
                                                       "fallback_date": when})
        pager = re.search(rf"[\"'/](\d+)-{page + 1}\.html", response.text)  # the pager names the next page
        if pager and page < self.source.max_pages and self.keep_paging(entries):
            yield self.request(response.urljoin(f"{pager.group(1)}-{page + 1}.html"), self.parse_list,
                               cb_kwargs={"page": page + 1})

    def parse_article(self, response, fallback_title=None, fallback_date=None, extra=None):
        """``#zoom`` as the body; pages without it go to the generic extractor."""
        if self.challenged(response):
            return
        if not isinstance(response, HtmlResponse):
            yield from super().parse_article(response, fallback_title, fallback_date, extra)
            return
        root = parse(response.text)
        strip_non_text(root)
        zoom = root.xpath("//*[@id='zoom']")
        if not zoom:
            yield from super().parse_article(response, fallback_title, fallback_date, extra)
            return
        lines = block_lines(zoom[0])
        shown = [node_text(el) for el in root.xpath(f"//*[{HUI12}]")]
        issuer = next((m.group(1) for text in shown if (m := SOURCE.search(text))), None)
        when = published(next((t for t in shown if DATE.search(t)), None), original_url(response))
        head = root.find(".//title")
        title = fallback_title or (node_text(head) if head is not None else None)
        found = {"doc_number": lines[0] if lines and DOC_NUMBER.match(lines[0]) else None, "issuer": issuer}
        yield self.article_item(response, text="\n".join(lines), title=title or None,
                                published_at=when or fallback_date, author=issuer,
                                extra={**(extra or {}), **{k: v for k, v in found.items() if v}})
