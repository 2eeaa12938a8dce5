"""Downloader middlewares."""

from functools import lru_cache

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler import stats
from crawler.spiders.base import ARTICLE
from crawler.urls import canonical_url
from lendwatch import store


@lru_cache(maxsize=1)
def known_pages(db_url: str, run_id: int | None) -> frozenset[str]:
    """Canonical URLs stored when the run began: read once per run, shared by every source's crawler."""
    return frozenset(store.known_page_urls(store.connect(db_url)))


class SkipKnownMiddleware:
    """Never fetch an article page that is already stored (incremental, resumable crawls).

    Only article requests (``request.meta[ARTICLE]``, set by ``SourceSpider.article_request``) are
    checked; feeds, sitemaps and list pages are always fetched.
    """

    def __init__(self, db_url: str, run_id: int | None):
        self.db_url, self.run_id = db_url, run_id
        self.known: frozenset[str] = frozenset()

    @classmethod
    def from_crawler(cls, crawler):
        db_url = crawler.settings.get("LENDWATCH_DB")
        if not db_url:
            raise NotConfigured("LENDWATCH_DB is not set")
        middleware = cls(db_url, crawler.settings.getint("LENDWATCH_RUN_ID") or None)
        crawler.signals.connect(middleware.spider_opened, signal=signals.spider_opened)
        middleware.stats = crawler.stats
        return middleware

    def spider_opened(self, spider):
        self.known = known_pages(self.db_url, self.run_id)
        spider.known_urls = self.known

    def process_request(self, request):
        if request.meta.get(ARTICLE) and canonical_url(request.url) in self.known:
            self.stats.inc_value(stats.SKIPPED_KNOWN)
            raise IgnoreRequest("already stored")
        return None
