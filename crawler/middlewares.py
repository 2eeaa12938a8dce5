"""Downloader middlewares."""

from scrapy import signals
from scrapy.exceptions import IgnoreRequest, NotConfigured

from crawler import stats, store
from crawler.spiders.base import ARTICLE, NotModified
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


RETRY_NEXT_TIME = ("wzws-challenge", "captcha")  # pages dropped now that the next crawl must reach
GONE = ("http-404", "http-410")  # a page deleted (人民网's 已删除的稿件): not a reason to read every list again


class ConditionalListMiddleware:
    """Ask again for an unchanged list page cheaply: send back its ``ETag``/``Last-Modified``
    (``If-None-Match``/``If-Modified-Since``); a 304 ends that list there (counted in
    ``lendwatch/not_modified``), so an unchanged source costs one request per list.

    Every GET that is not an article page or a robots.txt is a list (list pages, feeds, sitemaps,
    API pages). Validators are read once per run (``LENDWATCH_LIST_VALIDATORS``). When the source's
    spider closes, those of the lists fetched are stored only if nothing is left to ask again (no
    error but a 404/410, no challenge or captcha page): else the source's are forgotten, so that the
    next crawl reads its lists again and reaches what failed. A deleted page is asked again only when
    a list linking it changes.
    """

    def __init__(self, crawler, known: dict):
        self.crawler = crawler
        self.known = known
        self.found: dict[str, tuple[str | None, str | None]] = {}
        crawler.signals.connect(self.spider_closed, signal=signals.spider_closed)

    @classmethod
    def from_crawler(cls, crawler):
        if crawler.settings.get("LENDWATCH_ENGINE") is None:
            raise NotConfigured("LENDWATCH_ENGINE is not set")
        return cls(crawler, crawler.settings.get("LENDWATCH_LIST_VALIDATORS") or {})

    @staticmethod
    def is_list(request) -> bool:
        return request.method == "GET" and not request.meta.get(ARTICLE) \
            and not request.url.endswith("/robots.txt")

    def process_request(self, request):
        if self.is_list(request) and request.url in self.known:
            etag, modified = self.known[request.url]
            if etag:
                request.headers.setdefault("If-None-Match", etag)
            if modified:
                request.headers.setdefault("If-Modified-Since", modified)
        return None

    def process_response(self, request, response):
        if not self.is_list(request):
            return response
        if response.status == 304:
            self.crawler.stats.inc_value(stats.NOT_MODIFIED)
            raise NotModified("list not modified since the last crawl")
        etag, modified = (response.headers.get(name) for name in (b"ETag", b"Last-Modified"))
        if response.status == 200 and (etag or modified):
            self.found[request.url] = tuple(v.decode("latin-1") if v else None for v in (etag, modified))
        return response

    def spider_closed(self, spider, reason):
        """Keep the validators only after a crawl that finished and left nothing to ask again, and never
        in a shared crawl: one worker finishing does not prove that the requests a killed worker had
        taken from the shared queue were stored, and only reading the lists again brings them back."""
        counts = self.crawler.stats.get_stats()
        failed = set(stats.by_reason(counts, "errors")) - set(GONE)
        unfinished = reason != "finished" or failed or self.crawler.settings.get("REDIS_URL") or any(
            counts.get(stats.dropped(reason)) for reason in RETRY_NEXT_TIME)
        store.save_list_validators(self.crawler.settings.get("LENDWATCH_ENGINE"), spider.name,
                                   {} if unfinished else self.found, forget=unfinished)
