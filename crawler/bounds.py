"""Bounds on what one server can make the crawler do, each drop counted by reason.

Sizes: ``DOWNLOAD_MAXSIZE`` (also the limit on a decompressed body) and ``DOWNLOAD_WARNSIZE``
(settings); a page over the first fails as ``too-large``, a compressed body that grows past it
as ``decompression-bomb``. Redirects: a loop is dropped as ``redirect-loop``, a chain longer than
``REDIRECT_MAX_TIMES`` as ``too-many-redirects``. Links: at most ``LENDWATCH_MAX_LINKS_PER_PAGE``
requests from one page (``links-per-page``) and ``LENDWATCH_MAX_REQUESTS_PER_SOURCE`` from one
source's pages (``requests-per-source``), the rest counted and never queued.
"""

from scrapy import Request
from scrapy.exceptions import IgnoreRequest
from scrapy.spidermiddlewares.base import BaseSpiderMiddleware
from scrapy.utils.response import get_base_url
from twisted.internet.defer import CancelledError

from crawler import stats

LINKS = "lendwatch_links"  # response.meta: requests taken from this page so far
REDIRECTS = frozenset({301, 302, 303, 307, 308})


def failure_reason(failure, stopping: bool = False) -> str | None:
    """The drop reason of a download failure that these bounds caused, else None. While the crawl
    is ``stopping`` (a signal), a cancelled download is the stop's doing, not a size's."""
    if type(failure.value).__name__ == "DownloadCancelledError":  # announced size over the limit
        return "too-large"
    if failure.check(CancelledError):  # the body grew past the limit while streaming
        return None if stopping else "too-large"
    if failure.check(IgnoreRequest):
        message = str(failure.value)
        if "during decompression" in message:
            return "decompression-bomb"
        if "max redirections" in message:
            return "too-many-redirects"
    return None


class LinkBoundsMiddleware(BaseSpiderMiddleware):
    """Caps the requests taken from one page and from one source's pages."""

    def __init__(self, crawler):
        super().__init__(crawler)
        self.per_page = crawler.settings.getint("LENDWATCH_MAX_LINKS_PER_PAGE")
        self.per_source = crawler.settings.getint("LENDWATCH_MAX_REQUESTS_PER_SOURCE")
        self.taken = 0

    def get_processed_request(self, request: Request, response) -> Request | None:
        if response is None:  # a start request
            return request
        on_page = response.meta.get(LINKS, 0) + 1
        response.meta[LINKS] = on_page
        if on_page > self.per_page:
            self.crawler.stats.inc_value(stats.dropped("links-per-page"))
            return None
        if self.taken >= self.per_source:
            self.crawler.stats.inc_value(stats.dropped("requests-per-source"))
            return None
        self.taken += 1
        return request


class RedirectBoundsMiddleware:
    """Drops a redirect back to a URL of its own chain (``redirect-loop``), which Scrapy's duplicate
    filter would drop silently, and counts pages over ``DOWNLOAD_WARNSIZE``."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.warnsize = crawler.settings.getint("DOWNLOAD_WARNSIZE")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def process_response(self, request, response):
        if self.warnsize and len(response.body) > self.warnsize:
            self.crawler.stats.inc_value(stats.LARGE_PAGES)
        location = response.headers.get("Location")
        if response.status not in REDIRECTS or not location:
            return response
        try:
            target = response.urljoin(location.decode("latin-1"))
        except ValueError:
            return response
        chain = {*request.meta.get("redirect_urls", []), request.url, get_base_url(response)}
        if target in chain:
            self.crawler.stats.inc_value(stats.dropped("redirect-loop"))
            raise IgnoreRequest(f"redirect-loop: {request.url}")
        return response
