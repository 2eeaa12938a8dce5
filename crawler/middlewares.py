"""Downloader middlewares."""

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.urls import canonical_url
from lendwatch import store


class SkipKnownMiddleware:
    """Never fetch an article page that is already stored (incremental, resumable crawls).

    Only requests for ``parse_article`` are checked; feeds, sitemaps and list pages are always fetched.
    """

    def __init__(self, db_url: str):
        self.db_url = db_url
        self.known: set[str] = set()

    @classmethod
    def from_crawler(cls, crawler):
        db_url = crawler.settings.get("LENDWATCH_DB")
        if not db_url:
            raise NotConfigured("LENDWATCH_DB is not set")
        middleware = cls(db_url)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        middleware.stats = crawler.stats
        return middleware

    def spider_opened(self, spider):
        self.known = store.known_page_urls(store.connect(self.db_url))
        spider.known_urls = self.known

    def process_request(self, request):
        callback = getattr(request.callback, "__name__", None)
        if callback == "parse_article" and canonical_url(request.url) in self.known:
            self.stats.inc_value("lendwatch/skipped_known")
            raise IgnoreRequest("already stored")
        return None
