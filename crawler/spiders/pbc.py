"""Kind ``pbc``: the People's Bank of China's TRS list pages and article pages.

List items are ``font.newslist_style > a[title]`` (the ``title`` attribute holds the full
title; ``istitle`` is another attribute) with the date in the following ``span.hui12``; later
list pages are ``<module>-<N>.html`` beside ``index.html``, their number and name read from the
pager's ``jumpTo(this,'<pages>','<current>','…/<module>-%1.html')``. The body is ``#zoom``; the time
is the page's ``hui12`` date (else ``<meta name="PubDate">``), never the numbers of the URL (7-digit
ids, or migration stamps such as ``2025092212550713215`` on a 2020 article). ``文章来源`` is filled
by a script (``$("#laiyuan").html("…")``) when the page leaves it empty.

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
from crawler.spiders.base import SourceSpider
from lendwatch.records import SHANGHAI

CHALLENGE = "请开启JavaScript并刷新该页"
DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:\s+(\d{1,2}):(\d{2})(?::(\d{2}))?)?")
PAGER = re.compile(r"jumpTo\(\s*this\s*,\s*'(\d+)'\s*,\s*'\d+'\s*,\s*'([^']*%1[^']*)'\s*\)")
SOURCE = re.compile(r"来源[:：]\s*(\S+)")
SCRIPTED_SOURCE = re.compile(r"""\$\(\s*["']#laiyuan["']\s*\)\.html\(\s*["']([^"']+)["']\s*\)""")
DOC_NUMBER = re.compile(r"^\S{2,30}〔\d{4}〕\S{0,20}号$")
HUI12 = "contains(concat(' ', normalize-space(@class), ' '), ' hui12 ')"


class PbcSource(SourceBase):
    """``url`` or ``urls``: first list pages (``.../index.html``); later pages are ``<module>-<N>.html``."""

    kind: Literal["pbc"]
    max_pages: int = Field(default=5, ge=1, le=10000, description="list pages per start URL")


def published(shown: str | None) -> datetime | None:
    """The time shown on a page (``2025-10-15 17:00:03`` or a bare date), or None."""
    found = DATE.search(shown or "")
    if not found:
        return None
    y, mo, d, hh, mi, ss = (int(g) if g else 0 for g in found.groups())
    try:
        return datetime(y, mo, d, hh, mi, ss, tzinfo=SHANGHAI)
    except ValueError:
        return None


def next_page(html: str, page: int) -> str | None:
    """The next list page's path from the pager's ``jumpTo(…)``, or None after the last page."""
    found = PAGER.search(html)
    if not found or page >= int(found.group(1)):
        return None
    return found.group(2).replace("%1", str(page + 1))


def issuer_of(root) -> str | None:
    """``文章来源``: the ``#laiyuan`` span, ``<meta name="ContentSource">``, the value the page's script
    fills in when both are empty, or an older page's ``来源：…`` text."""
    span = root.xpath("//*[@id='laiyuan']")
    meta = root.xpath("//meta[@name='ContentSource']/@content")
    scripted = (SCRIPTED_SOURCE.search(script.text or "") for script in root.iter("script"))
    older = (SOURCE.search(node_text(el)) for el in root.xpath(f"//*[{HUI12}]"))
    candidates = [node_text(span[0]) if span else None, meta[0].strip() if meta else None,
                  *(m.group(1) for m in scripted if m), *(m.group(1) for m in older if m)]
    return next((c for c in candidates if c), None)


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
            when = published(shown)
            entries.append((url, when))
            if self.too_old(when):
                self.crawler.stats.inc_value(stats.dropped("before-since"))
                continue
            yield self.article_request(url, cb_kwargs={"fallback_title": link.attrib["title"].strip(),
                                                       "fallback_date": when})
        if not entries:
            self.logger.warning("list page %s has no font.newslist_style > a[title] items", response.url)
            self.crawler.stats.inc_value(stats.error("bad-list"))
            return
        following = next_page(response.text, page)
        if following and page < self.source.max_pages and self.keep_paging(entries):
            yield self.request(response.urljoin(following), self.parse_list, cb_kwargs={"page": page + 1})

    def parse_article(self, response, fallback_title=None, fallback_date=None, extra=None):
        """``#zoom`` as the body; pages without it go to the generic extractor."""
        if self.challenged(response):
            return
        if not isinstance(response, HtmlResponse):
            yield from super().parse_article(response, fallback_title, fallback_date, extra)
            return
        root = parse(response.text)
        zoom = root.xpath("//*[@id='zoom']")
        if not zoom:
            yield from super().parse_article(response, fallback_title, fallback_date, extra)
            return
        issuer = issuer_of(root)
        strip_non_text(root)
        lines = block_lines(zoom[0])
        shown = [node_text(el) for el in root.xpath(f"//*[{HUI12}]")]
        pub_date = root.xpath("//meta[@name='PubDate']/@content")
        when = published(next((t for t in shown if DATE.search(t)), None) or (pub_date[0] if pub_date else None))
        head = root.find(".//title")
        title = fallback_title or (node_text(head) if head is not None else None)
        found = {"doc_number": lines[0] if lines and DOC_NUMBER.match(lines[0]) else None, "issuer": issuer}
        yield self.article_item(response, text="\n".join(lines), title=title or None,
                                published_at=when or fallback_date, author=issuer,
                                extra={**(extra or {}), **{k: v for k, v in found.items() if v}})
