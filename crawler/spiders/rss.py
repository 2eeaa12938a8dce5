"""Kind ``rss``: an RSS or Atom feed; each item's link is fetched and extracted."""

import re
from datetime import datetime, timezone

import feedparser
from scrapy import Request

from crawler.spiders.base import SourceSpider


def _entry_date(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime(*parsed[:6], tzinfo=timezone.utc) if parsed else None


class RssSpider(SourceSpider):
    hint_source = "feed"

    async def start(self):
        for url in self.start_urls:
            yield Request(url, callback=self.parse_feed, errback=self.on_error)

    def parse_feed(self, response):
        feed = feedparser.parse(response.body)
        if not feed.entries:
            self.logger.warning("feed %s has no entries (%s)", response.url,
                                feed.get("bozo_exception", "empty"))
            self.crawler.stats.inc_value("lendwatch/errors/bad-feed")
            return
        allow = re.compile(self.source["allow"]) if self.source.get("allow") else None
        for entry in feed.entries:
            link = self.absolute(response, entry.get("link"))
            if not link or (allow and not allow.search(link)):
                continue
            if self.too_old(_entry_date(entry)):
                self.crawler.stats.inc_value("lendwatch/dropped/before-since")
                continue
            yield self.article_request(link, cb_kwargs={
                "fallback_title": entry.get("title"), "fallback_date": _entry_date(entry)})


KIND = "rss"
SPIDER = RssSpider
