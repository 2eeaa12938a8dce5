"""Downloader middlewares."""

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler.urls import canonical_url


class SkipKnownMiddleware:
    """Never fetch an article page that is already stored (incremental, resumable crawls).

    Only requests for ``parse_article`` are checked; feeds, sitemaps and list pages are always fetched.
    The known URLs (``LENDWATCH_KNOWN_URLS``) are read once per run by the runner.
    """

    def __init__(self, known: frozenset[str]):
        self.known = known

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.get("LENDWATCH_ENGINE") is None:
            raise NotConfigured("LENDWATCH_ENGINE is not set")
        middleware = cls(crawler.settings.get("LENDWATCH_KNOWN_URLS"))
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        middleware.stats = crawler.stats
        return middleware

    def spider_opened(self, spider):
        spider.known_urls = self.known

    def process_request(self, request):
        callback = getattr(request.callback, "__name__", None)
        if callback == "parse_article" and canonical_url(request.url) in self.known:
            self.stats.inc_value("lendwatch/skipped_known")
            raise IgnoreRequest("already stored")
        return None
