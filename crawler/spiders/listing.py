"""Kind ``listing``: HTML list pages; ``allow`` picks article links, ``next`` the next pages."""

import re

from scrapy import Request

from crawler.spiders.base import SourceSpider


class ListingSpider(SourceSpider):
    """Follows list pages up to ``max_pages``; Scrapy's duplicate filter breaks link loops."""

    def __init__(self, source: dict, **kwargs):
        super().__init__(source, **kwargs)
        self.allow = re.compile(source["allow"])
        self.next_spec = source.get("next")
        self.max_pages = int(source.get("max_pages", 20))
        self.pages_seen = 0

    async def start(self):
        for url in self.start_urls:
            yield Request(url, callback=self.parse_list, errback=self.on_error)

    def _next_links(self, response) -> list[str]:
        """Links named by ``next``, read as a CSS selector and, failing that, as a URL regex."""
        spec = self.next_spec
        if not spec:
            return []
        try:
            found = response.css(spec).css("::attr(href)").getall() or []
        except (SyntaxError, ValueError):  # cssselect raises a SyntaxError subclass
            found = []
        if not found:
            try:
                pattern = re.compile(spec)
            except re.error:
                return []
            found = [h for h in response.css("a::attr(href)").getall()
                     if pattern.search(self.absolute(response, h) or "")]
        return [link for link in (self.absolute(response, h) for h in found) if link]

    def parse_list(self, response):
        self.pages_seen += 1
        links = [self.absolute(response, h) for h in response.css("a::attr(href)").getall()]
        articles = [link for link in dict.fromkeys(links) if link and self.allow.search(link)]
        for link in articles:
            yield self.article_request(link)
        if self.pages_seen >= self.max_pages or not self.keep_paging([(a, None) for a in articles]):
            return
        for link in self._next_links(response):
            if not self.allow.search(link):
                yield self.request(link, self.parse_list)


KIND = "listing"
SPIDER = ListingSpider
