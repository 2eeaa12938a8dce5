"""Where the crawler may go: only ``http``/``https``, and never to private, loopback or
link-local addresses unless the sources file says ``[crawl] allow_private = true``.

A remote feed, sitemap, list page, redirect or meta-refresh names URLs that nobody here
chose; :class:`SafeTargetMiddleware` checks every request (redirects and meta-refreshes are
new requests, so they pass through it too) before anything is downloaded. Host names are
resolved with the crawler's own caching resolver, so the address checked is the address
connected to. Refusals are counted as ``lendwatch/dropped/<reason>``.
"""

import ipaddress
from urllib.parse import urlsplit

from scrapy.exceptions import IgnoreRequest
from scrapy.utils.defer import maybe_deferred_to_future

from crawler import stats

ALLOWED_SCHEMES = frozenset({"http", "https"})


def link_problem(url: str) -> str | None:
    """Why ``url`` may not be requested at all (a reason slug), or None when its form is fine."""
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        return "bad-url"
    if parts.scheme.lower() not in ALLOWED_SCHEMES:
        return "unsupported-scheme"
    if not parts.hostname:
        return "bad-url"
    return None


def is_public(address: str) -> bool:
    """True for a globally routable IP address (not private, loopback, link-local, reserved…)."""
    ip = ipaddress.ip_address(address)
    mapped = getattr(ip, "ipv4_mapped", None)
    return (mapped or ip).is_global


class SafeTargetMiddleware:
    """Refuses non-http(s) URLs and, unless ``LENDWATCH_ALLOW_PRIVATE``, non-public addresses."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.allow_private = crawler.settings.getbool("LENDWATCH_ALLOW_PRIVATE")

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def _refuse(self, request, reason: str):
        self.crawler.stats.inc_value(stats.dropped(reason))
        self.crawler.spider.logger.warning("refused %s: %s", request.url, reason)
        raise IgnoreRequest(f"{reason}: {request.url}")

    async def process_request(self, request):
        problem = link_problem(request.url)
        if problem:
            self._refuse(request, problem)
        if self.allow_private:
            return None
        host = urlsplit(request.url).hostname
        try:
            address = ipaddress.ip_address(host).compressed
        except ValueError:
            from twisted.internet import reactor

            try:
                address = await maybe_deferred_to_future(reactor.resolve(host))
            except Exception:  # noqa: BLE001 - the download reports the DNS failure itself
                return None
        if not is_public(address):
            self._refuse(request, "private-address")
        return None
