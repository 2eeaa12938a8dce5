"""Crawl workers sharing one Redis (scrapy-redis): one queue, one duplicate filter, one pace per site.

With ``[crawl] redis`` (or ``--redis URL``) every source's scheduler queue and duplicate filter live
in Redis (scrapy-redis, keys ``lendwatch:SOURCE:requests`` / ``:dupefilter``), so any number of
``lendwatch crawl`` processes, on any machines, split the requests and fetch each page once.

- A worker registers per source (``lendwatch:SOURCE:worker:ID``, "busy" or "idle", expiring after
  ``TTL`` seconds unless refreshed). An idle worker stays while another is busy (its requests may
  still fill the queue), so the work spreads to the end.
- A worker that starts while no other is alive begins a new run: it clears the duplicate filters
  (list pages are crawled again; stored articles are skipped by the database's known URLs) and
  keeps the queue, so requests a killed run left queued are fetched now. A request a killed worker
  had taken from the queue is found again from its list page by the next run.
- Politeness holds across workers (:class:`Downloader`): each request, right before it goes out,
  takes one of its site's ``concurrency`` open-request slots in Redis (``lendwatch:open:HOST``,
  leased, so a killed worker's slots free within ``LEASE`` seconds) and reserves the site's next
  start time (``lendwatch:pace:HOST``, by Redis's clock), waiting for both.
"""

import os
import socket
from urllib.parse import urlsplit

from scrapy import signals
from scrapy.core.downloader import Downloader as ScrapyDownloader
from scrapy.exceptions import DontCloseSpider, NotConfigured
from scrapy.utils.defer import maybe_deferred_to_future
from scrapy_redis.scheduler import Scheduler as RedisScheduler

TTL = 10  # seconds a worker's state lasts without a refresh (a killed worker is waited for this long)
QUEUE = "lendwatch:%(spider)s:requests"
DUPEFILTER = "lendwatch:%(spider)s:dupefilter"
WORKERS = "lendwatch:{spider}:worker:"

# Reserve the next start time of a site (KEYS[1]) ARGV[1] seconds after the last; returns the wait.
_RESERVE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
local at = math.max(now, tonumber(redis.call('GET', KEYS[1]) or '0'))
redis.call('SET', KEYS[1], tostring(at + tonumber(ARGV[1])), 'EX', math.ceil(at + tonumber(ARGV[1]) - now) + 60)
return tostring(at - now)
"""

# Take one of a site's ARGV[2] open-request slots (KEYS[1], a sorted set of tokens by expiry time)
# for the token ARGV[1], held ARGV[3] seconds unless refreshed; expired tokens are dropped first.
_TAKE = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now)
if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
redis.call('ZADD', KEYS[1], now + tonumber(ARGV[3]), ARGV[1])
redis.call('EXPIRE', KEYS[1], math.ceil(tonumber(ARGV[3])) + 60)
return 1
"""
# Extend the tokens ARGV[2..] of KEYS[1] (still held) to ARGV[1] seconds from now.
_REFRESH = """
local t = redis.call('TIME')
local now = tonumber(t[1]) + tonumber(t[2]) / 1e6
for i = 2, #ARGV do redis.call('ZADD', KEYS[1], 'XX', now + tonumber(ARGV[1]), ARGV[i]) end
return 1
"""
LEASE = 30  # seconds an open request's slot lasts without a refresh (a killed worker's slots free after this)
POLL = 0.05  # seconds between tries for a slot while a site's slots are all taken


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def settings(url: str) -> dict:
    """The Scrapy settings that put the scheduler's queue and duplicate filter in Redis."""
    return {
        "REDIS_URL": url,
        "SCHEDULER": "crawler.shared.Scheduler",
        "DUPEFILTER_CLASS": "scrapy_redis.dupefilter.RFPDupeFilter",
        "SCHEDULER_QUEUE_KEY": QUEUE,
        "SCHEDULER_DUPEFILTER_KEY": DUPEFILTER,
        "SCHEDULER_PERSIST": True,  # the queue outlives a worker: a killed run's requests stay
        "DOWNLOADER": "crawler.shared.Downloader",  # the per-site delay and concurrency across workers
    }


def _server(url: str):
    import redis

    return redis.Redis.from_url(url)


def begin(url: str, names: list[str]) -> None:
    """Join the shared crawl of the sources ``names``; the first worker alive starts a new run."""
    server = _server(url)
    me = worker_id()
    with server.lock("lendwatch:crawl:start", timeout=30, blocking_timeout=60):
        alive = any(next(server.scan_iter(WORKERS.format(spider=n) + "*"), None) for n in names)
        if not alive:
            server.delete(*[DUPEFILTER % {"spider": n} for n in names])
        for name in names:
            server.set(WORKERS.format(spider=name) + me, "busy", ex=TTL)
    server.close()


class Scheduler(RedisScheduler):
    """scrapy-redis's scheduler without its queue counters, which use the ``spider`` argument of
    ``StatsCollector.inc_value`` that Scrapy deprecates (the per-source counts are lendwatch's own)."""

    @classmethod
    def from_crawler(cls, crawler):
        return cls.from_settings(crawler.settings)


class SharedWorkers:
    """Keeps a spider open while another worker of its source is busy; marks this one's state."""

    def __init__(self, url: str):
        self.server = _server(url)
        self.me = worker_id()
        self.busy = set()

    @classmethod
    def from_crawler(cls, crawler):
        if not crawler.settings.get("REDIS_URL"):
            raise NotConfigured  # silently: most crawls share nothing
        extension = cls(crawler.settings["REDIS_URL"])
        crawler.signals.connect(extension.reached, signal=signals.request_reached_downloader)
        crawler.signals.connect(extension.idle, signal=signals.spider_idle)
        crawler.signals.connect(extension.closed, signal=signals.spider_closed)
        return extension

    def _key(self, spider) -> str:
        return WORKERS.format(spider=spider.name) + self.me

    def reached(self, request, spider):
        self.server.set(self._key(spider), "busy", ex=TTL)

    def idle(self, spider):
        self.server.set(self._key(spider), "idle", ex=TTL)
        prefix = WORKERS.format(spider=spider.name)
        others = [k for k in self.server.scan_iter(prefix + "*") if k.decode() != self._key(spider)]
        if any(self.server.get(k) == b"busy" for k in others):
            raise DontCloseSpider

    def closed(self, spider, reason):
        self.server.delete(self._key(spider))
        self.server.close()


class Downloader(ScrapyDownloader):
    """Scrapy's downloader holding each site's politeness across all workers sharing Redis.

    Right before a request goes out it takes one of the site's open-request slots in Redis
    (``lendwatch:open:HOST``: at most the site's ``concurrency`` across all workers; a slot is
    leased for ``LEASE`` seconds and refreshed while its request is open, so a killed worker's
    slots free within ``LEASE``), then reserves the site's next start time (``lendwatch:pace:HOST``,
    ``DOWNLOAD_DELAY`` after the last, by Redis's clock) and waits for it. Reserving any earlier, in
    a downloader middleware, let the worker's own queue push a request late, close to another
    worker's next one. (It overrides Scrapy's private ``Downloader._download``.)"""

    def __init__(self, crawler):
        super().__init__(crawler)
        from twisted.internet.task import LoopingCall

        self.server = _server(crawler.settings["REDIS_URL"])
        self.pace = crawler.settings.getfloat("DOWNLOAD_DELAY")
        self.reserve = self.server.register_script(_RESERVE)
        self.take = self.server.register_script(_TAKE)
        self.refresh = self.server.register_script(_REFRESH)
        self.me, self.count = worker_id(), 0
        self.held: dict[str, set[str]] = {}  # open-slot key -> this worker's tokens in it
        self.renewal = LoopingCall(self._renew)
        self.renewal.start(LEASE / 3, now=False)

    def _renew(self) -> None:
        for key, tokens in self.held.items():
            if tokens:
                self.refresh(keys=[key], args=[LEASE, *tokens])

    async def _sleep(self, seconds: float) -> None:
        from twisted.internet import reactor
        from twisted.internet.task import deferLater

        await maybe_deferred_to_future(deferLater(reactor, seconds, lambda: None))

    async def _download(self, slot, request):
        host = urlsplit(request.url).hostname or ""
        key, self.count = f"lendwatch:open:{host}", self.count + 1
        token = f"{self.me}:{self.count}"
        slot.transferring.add(request)  # its place in this worker's concurrency while it waits
        try:
            while not self.take(keys=[key], args=[token, slot.concurrency, LEASE]):
                await self._sleep(POLL)
            self.held.setdefault(key, set()).add(token)
            wait = float(self.reserve(keys=[f"lendwatch:pace:{host}"], args=[self.pace])) if self.pace > 0 else 0
            if wait > 0:
                await self._sleep(wait)
        except BaseException:
            self._release(key, token)
            raise
        finally:
            slot.transferring.discard(request)
        try:
            return await super()._download(slot, request)
        finally:
            self._release(key, token)

    def _release(self, key: str, token: str) -> None:
        self.held.get(key, set()).discard(token)
        self.server.zrem(key, token)

    def close(self) -> None:
        if self.renewal.running:
            self.renewal.stop()
        for key, tokens in self.held.items():
            if tokens:
                self.server.zrem(key, *tokens)
        self.server.close()
        super().close()
