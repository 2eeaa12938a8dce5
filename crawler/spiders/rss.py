"""Kind ``rss``: an RSS or Atom feed; each item's link is fetched and extracted."""

from datetime import datetime, timezone
from typing import Literal

import feedparser
from pydantic import field_validator
from scrapy import Request

from crawler import stats
from crawler.config import SourceBase, pattern, regex
from crawler.spiders.base import SourceSpider


class RssSource(SourceBase):
    """An RSS or Atom feed; each item's link is fetched and extracted."""

    kind: Literal["rss"]
    allow: str | None = None
    _check_allow = field_validator("allow")(regex)


def _entry_date(entry) -> datetime | None:
    parsed = entry.get("published_parsed") or entry.get("updated_parsed")
    return datetime(*parsed[:6], tzinfo=timezone.utc) if parsed else None


class FeedSpider(SourceSpider):
    """Reads feeds: each item's link (matching ``allow``, when set) is an article."""

    allow = None  # a compiled pattern (crawler.config.pattern) or None
    hint_source = "feed"

    async def start(self):
        for url in self.start_urls:
            yield self.feed_request(url)

    def feed_request(self, url: str) -> Request:
        return Request(url, callback=self.parse_feed, errback=self.on_error)

    def parse_feed(self, response):
        feed = feedparser.parse(response.body)
        if not feed.entries:
            self.logger.warning("feed %s has no entries (%s)", response.url,
                                feed.get("bozo_exception", "empty"))
            self.crawler.stats.inc_value(stats.error("bad-feed"))
            return
        for entry in feed.entries:
            link = self.absolute(response, entry.get("link"))
            if not link or (self.allow and not self.allow.search(link)):
                continue
            if self.too_old(_entry_date(entry)):
                self.crawler.stats.inc_value(stats.dropped("before-since"))
                continue
            yield self.article_request(link, cb_kwargs={
                "fallback_title": entry.get("title"), "fallback_date": _entry_date(entry)})


class RssSpider(FeedSpider):
    kind = "rss"
    source_model = RssSource

    def __init__(self, source, **kwargs):
        super().__init__(source, **kwargs)
        self.allow = pattern(self.source.allow) if self.source.allow else None
