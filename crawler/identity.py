"""Who each source's requests say they are: its ``user_agent``, ``headers`` and cookies.

The default identity is the settings' honest ``USER_AGENT`` naming lendwatch. A source may set
its own ``user_agent`` and add ``headers`` (a Referer…); its cookies come only from the
environment variable its ``cookie_env`` names (``SUB=…; SUBP=…``), read when the spider opens,
never from the sources file. Runs before the robots.txt middleware, so robots.txt is asked
about the User-Agent actually sent.
"""

import os

from scrapy import signals


def parse_cookies(text: str) -> dict[str, str]:
    """``"a=1; b=2"`` → ``{"a": "1", "b": "2"}`` (a ``Cookie:`` prefix and empty parts ignored)."""
    text = text.strip().removeprefix("Cookie:").strip()
    pairs = (part.split("=", 1) for part in text.split(";") if "=" in part)
    return {name.strip(): value.strip() for name, value in pairs if name.strip()}


class IdentityMiddleware:
    """Sets each request's User-Agent, extra headers and cookies from the spider's source."""

    def __init__(self, crawler):
        self.crawler = crawler
        self.cookies: dict[str, str] = {}
        crawler.signals.connect(self.spider_opened, signal=signals.spider_opened)

    @classmethod
    def from_crawler(cls, crawler):
        return cls(crawler)

    def spider_opened(self, spider):
        name = getattr(getattr(spider, "source", None), "cookie_env", None)
        if not name:
            return
        self.cookies = parse_cookies(os.environ.get(name, ""))
        if not self.cookies:
            spider.logger.warning("source %s: environment variable %s holds no cookies; its requests go "
                                  "without them", spider.name, name)

    def process_request(self, request):
        source = getattr(self.crawler.spider, "source", None)
        if source is None:
            return None
        if source.user_agent:
            request.headers["User-Agent"] = source.user_agent
        for name, value in source.headers.items():
            request.headers.setdefault(name, value)
        if self.cookies and isinstance(request.cookies, dict):  # path "/": one cookie per name in the jar
            request.cookies = [{"name": name, "value": value, "path": "/"} for name, value in self.cookies.items()
                               if name not in request.cookies] + \
                              [{"name": name, "value": value} for name, value in request.cookies.items()]
        return None
