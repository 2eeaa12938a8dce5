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
- The per-site delay holds across workers: each request, right before it goes out, reserves its
  site's next start time in Redis (``lendwatch:pace:HOST``, by Redis's clock) and waits for it.
  The per-site concurrency is per worker (N workers may have N × ``concurrency`` requests open at
  one site); with a delay longer than the site's answers, the shared delay keeps that near one.
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
        "DOWNLOADER": "crawler.shared.Downloader",  # the per-site delay across workers
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
    """Scrapy's downloader keeping the site's delay (``DOWNLOAD_DELAY``) between request starts
    across all workers: right before a request goes out, it reserves the site's next start time in
    Redis and waits for it, holding its place in the site's concurrency meanwhile. (Reserving any
    earlier, in a downloader middleware, lets the worker's own queue push a request late, close to
    another worker's next one.)"""

    def __init__(self, crawler):
        super().__init__(crawler)
        url, self.pace = crawler.settings.get("REDIS_URL"), crawler.settings.getfloat("DOWNLOAD_DELAY")
        self.reserve = _server(url).register_script(_RESERVE) if url and self.pace > 0 else None

    async def _download(self, slot, request):
        if self.reserve is not None:
            host = urlsplit(request.url).hostname or ""
            wait = float(self.reserve(keys=[f"lendwatch:pace:{host}"], args=[self.pace]))
            if wait > 0:
                from twisted.internet import reactor
                from twisted.internet.task import deferLater

                slot.transferring.add(request)
                try:
                    await maybe_deferred_to_future(deferLater(reactor, wait, lambda: None))
                finally:
                    slot.transferring.discard(request)
        return await super()._download(slot, request)
