"""Run the configured sources' spiders in one process and record the run.

Each source gets its own Scrapy crawler (so its stats are its own); the run's
per-source counts are written to ``crawl_runs`` as each source finishes.
Every crawler writes through the one engine the run is given (setting ``LENDWATCH_ENGINE``)
and skips the pages stored when the run began, read once (``LENDWATCH_KNOWN_URLS``).
Scrapy's reactor cannot be restarted, so a process runs one crawl.
"""

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from scrapy import signals
from scrapy.crawler import CrawlerProcess
from scrapy.settings import Settings
from sqlalchemy import Engine

from crawler import runs, settings as default_settings, shared as shared_redis, stats as keys, store
from crawler.config import SourcesFile
from crawler.kinds import spiders

OUTCOMES = ("new", "updated", "unchanged", "skipped_known")


@dataclass
class SourceCounts:
    fetched: int = 0
    new: int = 0
    updated: int = 0
    unchanged: int = 0
    skipped_known: int = 0
    dropped: dict = field(default_factory=dict)
    errors: dict = field(default_factory=dict)
    retried: dict = field(default_factory=dict)
    backoff_seconds: float = 0.0
    large_pages: int = 0  # pages over DOWNLOAD_WARNSIZE (kept)
    finished: bool = False  # the spider ran to its end (not stopped by a signal or an error)
    blocked: str | None = None  # why nothing could be asked at all (``robots.txt``)

    @classmethod
    def from_stats(cls, stats: dict, reason: str = "finished") -> "SourceCounts":
        counts = cls(fetched=stats.get("downloader/response_count", 0), finished=reason == "finished")
        for outcome in OUTCOMES:
            setattr(counts, outcome, stats.get(keys.outcome(outcome), 0))
        counts.dropped = keys.by_reason(stats, "dropped")
        counts.errors = keys.by_reason(stats, "errors")
        counts.retried = keys.by_reason(stats, "retried")
        for key, value in stats.items():
            if key.startswith("spider_exceptions/"):
                counts.errors[f"parse-{key.rsplit('/', 1)[1]}"] = value
        counts.large_pages = stats.get(keys.LARGE_PAGES, 0)
        counts.backoff_seconds = round(stats.get(keys.BACKOFF_SECONDS, 0.0), 1)
        if stats.get(keys.NOT_MODIFIED):  # lists answered 304: nothing new there, not fetched
            counts.dropped["not-modified"] = stats[keys.NOT_MODIFIED]
        if stats.get("robotstxt/forbidden"):
            counts.dropped["robots.txt"] = stats["robotstxt/forbidden"]
            asked = stats.get("downloader/request_count", 0) - stats.get("robotstxt/request_count", 0)
            counts.blocked = "robots.txt" if asked == 0 else None
        return counts

    def as_dict(self) -> dict:
        return dict(self.__dict__)

    @property
    def articles(self) -> int:
        """Articles found, stored before or now."""
        return self.new + self.updated + self.unchanged + self.skipped_known


def build_settings(run_id: int, sources: SourcesFile, overrides: dict | None) -> Settings:
    settings = Settings()
    settings.setmodule(default_settings, priority="project")
    crawl = sources.crawl
    settings.setdict({
        "LENDWATCH_RUN_ID": run_id,
        "DOWNLOAD_DELAY": crawl.delay,
        "AUTOTHROTTLE_ENABLED": crawl.autothrottle,
        "AUTOTHROTTLE_START_DELAY": max(crawl.delay, 0.0),
        "CONCURRENT_REQUESTS_PER_DOMAIN": crawl.concurrency,
        "DOWNLOAD_TIMEOUT": crawl.timeout,
        "LENDWATCH_ALLOW_PRIVATE": crawl.allow_private,
        "DOWNLOAD_MAXSIZE": int(crawl.max_page_mb * 1024 * 1024),
        "DOWNLOAD_WARNSIZE": int(crawl.max_page_mb * 1024 * 1024) // 4,
        "LENDWATCH_MAX_LINKS_PER_PAGE": crawl.max_links_per_page,
        "LENDWATCH_MAX_REQUESTS_PER_SOURCE": crawl.max_requests_per_source,
    }, priority="cmdline")
    if crawl.redis:
        settings.setdict(shared_redis.settings(crawl.redis), priority="cmdline")
    if overrides:
        settings.setdict(overrides, priority="cmdline")
    return settings


class Progress:
    """A one-line display of pages and articles per source, on stderr."""

    def __init__(self, crawlers, stream=sys.stderr):
        self.crawlers = crawlers
        self.stream = stream
        self.tty = stream.isatty()
        self.last = 0.0

    def tick(self, force: bool = False):
        if not (self.tty or force) and time.monotonic() - self.last < 10:
            return
        self.last = time.monotonic()
        parts = []
        for crawler in self.crawlers:
            if crawler.spider is None:
                continue
            stats = crawler.stats.get_stats()
            articles = sum(stats.get(keys.outcome(o), 0) for o in ("new", "updated", "unchanged"))
            parts.append(f"{crawler.spider.name}: {stats.get('downloader/response_count', 0)} pages, "
                         f"{articles} articles")
        line = " | ".join(parts)
        self.stream.write(("\r" + line[:200] + "\x1b[K") if self.tty else line + "\n")
        self.stream.flush()

    def end(self):
        """The final counts, then a new line on a TTY."""
        self.tick(force=True)
        if self.tty:
            self.stream.write("\n")


def crawl(engine: Engine, sources: SourcesFile, quiet: bool = False, overrides: dict | None = None,
          since: datetime | None = None,
          on_closed: Callable[[str, dict], None] | None = None) -> tuple[int, dict[str, SourceCounts]]:
    """Crawl every source of ``sources`` into ``engine``'s database (migrated); returns the run id
    and the counts per source.

    ``since`` drops articles published before it and stops paging lists that reach it.
    The run ends ``done`` when every source's spider finished, ``interrupted`` when SIGTERM or
    SIGINT stopped it, ``failed`` on an error; runs left ``running`` by a dead process are
    marked ``interrupted`` first (:mod:`crawler.runs`).
    ``on_closed(name, stats)`` is given each source's Scrapy stats when it ends.
    """
    store.end_runs(engine, [i for i, counts in store.running_runs(engine)
                            if runs.holder_gone((counts or {}).get(runs.LEASE_KEY))], "interrupted")
    store.save_sources(engine, [s.model_dump() for s in sources.sources])
    names = [s.name for s in sources.sources]
    held = {runs.LEASE_KEY: runs.lease()}
    run_id = store.start_run(engine, names, held)
    shared = {"LENDWATCH_ENGINE": engine, "LENDWATCH_KNOWN_URLS": frozenset(store.known_page_urls(engine)),
              "LENDWATCH_LIST_VALIDATORS": store.list_validators(engine)}
    results: dict[str, SourceCounts] = {}

    def closed(spider, reason):
        results[spider.name] = SourceCounts.from_stats(spider.crawler.stats.get_stats(), reason)
        if on_closed:
            on_closed(spider.name, spider.crawler.stats.get_stats())
        store.update_run(engine, run_id, {**held, **{k: v.as_dict() for k, v in results.items()}})

    if sources.crawl.redis:
        shared_redis.begin(sources.crawl.redis, names)
    process = CrawlerProcess(build_settings(run_id, sources, overrides))
    crawlers = []
    for source in sources.sources:
        crawler = process.create_crawler(spiders()[source.kind])
        crawler.settings.setdict(shared, priority="cmdline")  # after create_crawler's copy: shared, not copied
        crawler.settings.set("LENDWATCH_UNSETTLED_URLS",
                             frozenset(store.unsettled_page_urls(engine, source.name)), priority="cmdline")
        if source.robots == "ignore":
            crawler.settings.set("ROBOTSTXT_OBEY", False, priority="cmdline")
            print(f"warning: source {source.name} ignores robots.txt (robots = \"ignore\" in its sources "
                  f"file); make sure the site allows it", file=sys.stderr)
        crawler.signals.connect(closed, signal=signals.spider_closed)
        crawlers.append(crawler)
        process.crawl(crawler, source=source, since=since)
    progress = None
    if not quiet:
        from twisted.internet import reactor, task

        progress = Progress(crawlers)
        loop = task.LoopingCall(progress.tick)
        reactor.callWhenRunning(loop.start, 1.0, now=False)
    status = "failed"
    try:
        process.start()
        finished = len(results) == len(names) and all(c.finished for c in results.values())
        status = "done" if finished else "interrupted"
    finally:
        if progress:
            progress.end()
        store.update_run(engine, run_id, {k: v.as_dict() for k, v in results.items()}, status=status)
    return run_id, results


def stopped_sources(results: dict[str, SourceCounts], names: list[str]) -> list[str]:
    """The sources of ``names`` whose spider did not run to its end (an interrupted crawl)."""
    return [name for name in names if name not in results or not results[name].finished]


def problems(results: dict[str, SourceCounts], names: list[str]) -> list[str]:
    """What makes a crawl's exit code 1, one line each: sources interrupted, sources that found no
    article at all or were blocked, sources with failed pages."""
    lines = []
    stopped = stopped_sources(results, names)
    if stopped:
        lines.append(f"crawl interrupted before {', '.join(stopped)} finished; the next crawl resumes")
    blocked = [f"{name} (blocked by {c.blocked})" for name, c in results.items() if c.blocked]
    if blocked:
        lines.append(f"nothing could be asked of {', '.join(blocked)}")
    empty = [name for name, c in results.items()  # lists answering 304 have nothing new: not empty
             if c.finished and not c.articles and not c.blocked and not c.dropped.get("not-modified")]
    if empty:
        lines.append(f"no article from {', '.join(empty)}: see dropped / errors above")
    failed = [name for name, c in results.items() if c.errors]
    if failed:
        lines.append(f"pages failed in {', '.join(failed)}: see errors above")
    return lines


def format_summary(results: dict[str, SourceCounts]) -> str:
    """The per-source table printed at the end of a crawl."""
    lines = [f"{'source':<20} {'fetched':>7} {'new':>5} {'updated':>7} {'known':>6}  dropped / errors"]
    for name, c in results.items():
        if c.blocked:
            lines.append(f"{name:<20} blocked by {c.blocked}: every request was refused")
            continue
        dropped = ", ".join(f"{k} {v}" for k, v in sorted(c.dropped.items())) or "-"
        errors = ", ".join(f"{k} {v}" for k, v in sorted(c.errors.items())) or "-"
        retried = ", ".join(f"{k} {v}" for k, v in sorted(c.retried.items()))
        lines.append(f"{name:<20} {c.fetched:>7} {c.new:>5} {c.updated:>7} "
                     f"{c.skipped_known + c.unchanged:>6}  {dropped} / {errors}"
                     + (f"  (retried {retried}; waited {c.backoff_seconds:g} s)" if retried else "")
                     + (f"  ({c.large_pages} pages over DOWNLOAD_WARNSIZE)" if c.large_pages else ""))
    return "\n".join(lines)
