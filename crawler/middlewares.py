"""Downloader middlewares."""

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler import stats
from crawler.spiders.base import ARTICLE
from crawler.urls import canonical_url


class SkipKnownMiddleware:
    """Never fetch an article page that is already stored (incremental, resumable crawls).

    Only article requests (``request.meta[ARTICLE]``, set by ``SourceSpider.article_request``) are
    checked; feeds, sitemaps and list pages are always fetched.
    The known URLs (``LENDWATCH_KNOWN_URLS``) are read once per run by the runner.
    """

    def __init__(self, known: frozenset[str]):
        self.known = known

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.get("LENDWATCH_ENGINE") is None:
            raise NotConfigured("LENDWATCH_ENGINE is not set")
        middleware = cls(crawler.settings.get("LENDWATCH_KNOWN_URLS"))
        middleware.unsettled = crawler.settings.get("LENDWATCH_UNSETTLED_URLS") or frozenset()
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        middleware.stats = crawler.stats
        return middleware

    def spider_opened(self, spider):
        spider.known_urls = self.known
        spider.unsettled_urls = self.unsettled

    def process_request(self, request):
        if request.meta.get(ARTICLE) and canonical_url(request.url) in self.known:
            self.stats.inc_value(stats.SKIPPED_KNOWN)
            raise IgnoreRequest("already stored")
        return None
