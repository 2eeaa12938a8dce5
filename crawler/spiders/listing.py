"""Kind ``listing``: HTML list pages; ``allow`` picks article links, ``next`` the next pages."""

from typing import Literal

from pydantic import Field, field_validator
from scrapy import Request
from scrapy.linkextractors import LinkExtractor

from crawler.config import SourceBase, pattern, regex
from crawler.spiders.base import SourceSpider


class ListingSource(SourceBase):
    """HTML list pages: article links matching ``allow``, next page by ``next``."""

    kind: Literal["listing"]
    allow: str
    next: str | None = None
    max_pages: int = Field(default=20, ge=1, le=10000)
    _check_allow = field_validator("allow")(regex)


class ListingSpider(SourceSpider):
    """Follows list pages up to ``max_pages``; Scrapy's duplicate filter breaks link loops.

    Links are Scrapy's ``LinkExtractor``'s (http(s) only, bogus ones skipped), file types included,
    matched against ``allow`` and ``next`` with RE2 (linear time, whatever the pattern).
    """

    kind = "listing"
    source_model = ListingSource

    def __init__(self, source, **kwargs):
        super().__init__(source, **kwargs)
        self.links = LinkExtractor(deny_extensions=[])
        self.allow = pattern(self.source.allow)
        self.pages_seen = 0

    async def start(self):
        for url in self.start_urls:
            yield Request(url, callback=self.parse_list, errback=self.on_error)

    def _next_links(self, response) -> list[str]:
        """Links named by ``next``, read as a CSS selector and, failing that, as a URL regex;
        never an article link."""
        import re2

        spec = self.source.next
        if not spec:
            return []
        try:
            found = [link.url for link in
                     LinkExtractor(restrict_css=spec, deny_extensions=[]).extract_links(response)]
        except (SyntaxError, ValueError):  # cssselect raises a SyntaxError subclass
            found = []
        if not found:
            try:
                wanted = pattern(spec)
            except re2.error:
                return []
            found = [link.url for link in self.links.extract_links(response) if wanted.search(link.url)]
        return [url for url in found if not self.allow.search(url)]

    def parse_list(self, response):
        self.pages_seen += 1
        articles = [link.url for link in self.links.extract_links(response) if self.allow.search(link.url)]
        for link in articles:
            yield self.article_request(link)
        if self.pages_seen >= self.source.max_pages or not self.keep_paging([(a, None) for a in articles]):
            return
        for link in self._next_links(response):
            yield self.request(link, self.parse_list)
