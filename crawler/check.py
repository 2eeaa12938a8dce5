"""``lendwatch check-sources``: does each source still look the way its spider expects?

Each enabled source's own spider runs against the live site with a limit
(:class:`CheckLimitMiddleware`): at most ``LIST_REQUESTS`` requests per callback (list pages,
searches, API calls, documents) and one article, robots.txt obeyed as in a crawl. Into a
throw-away database; the user's is never touched. What the spider counted is then read as a
verdict: ``ok`` (an article was parsed from what the spider depends on), ``changed`` (what changed:
a list without links, an answer of another shape, an article no template matched…), ``blocked``
(why: robots.txt, a captcha, the WZWS challenge, a ban, a login wall; only when no article came
through) or ``unreachable``. An ``ok`` notes what was overcome (a captcha retried, the static mirror).
"""

import tempfile
from dataclasses import dataclass
from pathlib import Path

from scrapy.exceptions import IgnoreRequest

from crawler import stats as keys
from crawler.config import SourcesFile
from crawler.spiders.base import ARTICLE

LIST_REQUESTS = 2  # per callback
ALLOWED = "lendwatch_check"  # request.meta flag: let through (retries of an allowed request too)

BLOCKED = {"dropped/captcha": "captcha page", "dropped/wzws-challenge": "WZWS JavaScript challenge",
           "errors/http-456": "banned (HTTP 456)", "errors/http-403": "refused (HTTP 403)",
           "errors/search-login-required": "login needed (cookie_env)"}
CHANGED = {"errors/bad-list": "list page without article links", "errors/bad-search": "search answer of another shape",
           "errors/bad-api-answer": "API answer of another shape", "errors/bad-shape": "JSON of another shape",
           "errors/not-json": "answer is not JSON", "errors/bad-feed": "feed unreadable",
           "dropped/no-next-data": "article page without __NEXT_DATA__", "fallback/generic": "article matched no template",
           "dropped/not-a-complaint": "complaint page of another shape",
           "dropped/no-article": "page holds no article", "errors/bad-redirect": "result link led nowhere",
           "dropped/bad-url": "malformed links"}
NETWORK = ("DNSLookupError", "ConnectionRefusedError", "TimeoutError", "TCPTimedOutError", "ConnectError",
           "ConnectionLost", "ResponseNeverReceived", "DownloadFailedError", "TunnelError")


class CheckLimitMiddleware:
    """Lets through at most ``LIST_REQUESTS`` requests per callback and one article request."""

    def __init__(self):
        self.seen: dict[str, int] = {}

    @classmethod
    def from_crawler(cls, crawler):
        return cls()

    def process_request(self, request):
        if request.meta.get(ALLOWED) or request.url.endswith("/robots.txt"):
            return None
        bucket = "article" if request.meta.get(ARTICLE) else getattr(request.callback, "__name__", "parse")
        limit = 1 if bucket == "article" else LIST_REQUESTS
        if self.seen.get(bucket, 0) >= limit:
            raise IgnoreRequest("check-sources: enough of this kind")
        self.seen[bucket] = self.seen.get(bucket, 0) + 1
        request.meta[ALLOWED] = True
        return None


@dataclass
class Verdict:
    status: str  # ok | changed | blocked | unreachable
    detail: str = ""


def verdict(stats: dict) -> Verdict:
    """The verdict on one source from the stats of its limited crawl."""
    mine = {key.removeprefix(keys.PREFIX): value for key, value in stats.items() if key.startswith(keys.PREFIX)}
    asked = stats.get("downloader/request_count", 0) - stats.get("robotstxt/request_count", 0)
    answered = stats.get("downloader/response_count", 0) - stats.get("robotstxt/response_count", 0)
    if stats.get("robotstxt/forbidden") and asked == 0:
        return Verdict("blocked", "robots.txt disallows it")
    parsed = sum(mine.get(outcome, 0) for outcome in ("new", "updated", "unchanged"))
    blocked = [why for key, why in BLOCKED.items() if mine.get(key)]
    if blocked and not parsed:
        return Verdict("blocked", "; ".join(blocked))
    network = sorted(key.rsplit("/", 1)[1] for key in mine if key.startswith("errors/") and key.rsplit("/", 1)[1] in NETWORK)
    if answered == 0:
        return Verdict("unreachable", ", ".join(network) or "no answer")
    changed = [f"{why} ({key})" for key, why in CHANGED.items()
               if any(k == key or k.startswith(key + "/") for k in mine)]
    changed += [f"HTTP {key.rsplit('-', 1)[1]} ({key})" for key in sorted(mine)
                if key.startswith("errors/http-") and key not in BLOCKED]
    if not parsed and not changed:
        changed.append("no article parsed from the list")
    if changed:
        return Verdict("changed", "; ".join(changed))
    notes = [f"{why}, then passed" for key, why in BLOCKED.items() if mine.get(key)]
    notes += ["dynamic endpoint failed, static mirror answered" for key in mine if key.startswith("static_fallback/")][:1]
    return Verdict("ok", "; ".join(notes))


def check(sources: SourcesFile) -> dict[str, Verdict]:
    """The verdict on every source of ``sources`` (one process: Scrapy's reactor runs once)."""
    from crawler.runner import crawl
    from lendwatch.db import connect, migrate

    found: dict[str, dict] = {}
    from crawler import settings

    overrides = {"DOWNLOADER_MIDDLEWARES": {**settings.DOWNLOADER_MIDDLEWARES, "crawler.check.CheckLimitMiddleware": 5},
                 "RETRY_TIMES": 1, "RETRY_BACKOFF_MAX": 10.0}
    with tempfile.TemporaryDirectory(prefix="lendwatch-check-") as folder:
        engine = connect(str(Path(folder) / "check.db"))
        try:
            migrate(engine)
            crawl(engine, sources, quiet=True, overrides=overrides,
                  on_closed=lambda name, stats: found.__setitem__(name, stats))
        finally:
            engine.dispose()
    return {s.name: verdict(found.get(s.name, {})) for s in sources.sources}


def format_table(sources: SourcesFile, verdicts: dict[str, Verdict]) -> str:
    lines = [f"{'source':<20} {'kind':<11} {'status':<12} what"]
    for source in sources.sources:
        v = verdicts[source.name]
        lines.append(f"{source.name:<20} {source.kind:<11} {v.status:<12} {v.detail or '-'}")
    return "\n".join(lines)
