"""Retries that wait: exponential backoff on 5xx, 429 and network errors; ``Retry-After`` respected.

Replaces Scrapy's ``RetryMiddleware`` (which retries at once). The wait is a non-blocking
sleep inside ``process_response``, so other requests go on meanwhile. Settings:
``RETRY_BACKOFF_BASE`` (first wait, doubled each retry) and ``RETRY_BACKOFF_MAX`` (the
longest wait; a ``Retry-After`` asking for more gives the page up for this run).
Stats: ``lendwatch/retried/<reason>`` and ``lendwatch/backoff_seconds``.
"""

import math
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

from scrapy.downloadermiddlewares.retry import RetryMiddleware, get_retry_request
from scrapy.utils.asyncio import sleep
from scrapy.utils.response import response_status_message

from crawler import stats


def retry_after(value: bytes | str | None, now: datetime | None = None) -> float | None:
    """Seconds asked for by a ``Retry-After`` header (delta-seconds or HTTP date); None if unreadable."""
    if isinstance(value, bytes):
        value = value.decode("latin-1")
    value = (value or "").strip()
    if not value:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            when = parsedate_to_datetime(value)
        except (TypeError, ValueError):
            return None
        if when.tzinfo is None:
            when = when.replace(tzinfo=timezone.utc)
        seconds = (when - (now or datetime.now(timezone.utc))).total_seconds()
    return None if math.isnan(seconds) else max(seconds, 0.0)


class BackoffRetryMiddleware(RetryMiddleware):
    """Scrapy's retry policy (``RETRY_TIMES``, ``RETRY_HTTP_CODES``), with a wait before each retry."""

    def __init__(self, settings):
        super().__init__(settings)
        self.base = settings.getfloat("RETRY_BACKOFF_BASE", 1.0)
        self.max_delay = settings.getfloat("RETRY_BACKOFF_MAX", 60.0)

    def delay(self, retry_times: int, asked: float | None) -> float:
        """The wait before retry number ``retry_times`` (1-based), or ``asked`` by the server."""
        return asked if asked is not None else min(self.base * 2 ** (retry_times - 1), self.max_delay)

    async def process_response(self, request, response):
        if request.meta.get("dont_retry") or response.status not in self.retry_http_codes:
            return response
        reason = f"http-{response.status}"
        asked = retry_after(response.headers.get("Retry-After"))
        if asked is not None and asked > self.max_delay:
            self.crawler.stats.inc_value(stats.RETRY_AFTER_TOO_LONG)
            self.crawler.spider.logger.warning("giving up %s: Retry-After %.0f s is over %.0f s",
                                               request.url, asked, self.max_delay)
            return response
        retry = self.retry_request(request, response_status_message(response.status))
        if retry is None:
            return response
        await self._wait(retry, reason, asked)
        return retry

    async def process_exception(self, request, exception):
        if request.meta.get("dont_retry") or not isinstance(exception, self.exceptions_to_retry):
            return None
        retry = self.retry_request(request, exception)
        if retry is not None:
            await self._wait(retry, type(exception).__name__, None)
        return retry

    def retry_request(self, request, reason):
        """The next try of ``request`` (Scrapy's ``get_retry_request`` with this middleware's
        settings and the request's own ``max_retry_times``/``priority_adjust``), or None."""
        return get_retry_request(
            request, spider=self.crawler.spider, reason=reason,
            max_retry_times=request.meta.get("max_retry_times", self.max_retry_times),
            priority_adjust=request.meta.get("priority_adjust", self.priority_adjust),
            give_up_log_level=request.meta.get("give_up_log_level", self.give_up_log_level))

    async def _wait(self, retry, reason: str, asked: float | None) -> None:
        seconds = self.delay(retry.meta["retry_times"], asked)
        counts = self.crawler.stats
        counts.inc_value(stats.retried(reason))
        counts.inc_value(stats.BACKOFF_SECONDS, round(seconds, 3), start=0.0)
        self.crawler.spider.logger.info("retrying %s in %.1f s (%s)", retry.url, seconds, reason)
        await sleep(seconds)
