"""Kind ``sitemap``: a sitemap or sitemap index; URLs matching ``allow`` are articles."""

from scrapy import Request
from scrapy.spiders import SitemapSpider as ScrapySitemapSpider

from crawler.extract import parse_date
from crawler.safety import link_problem
from crawler.spiders.base import SourceSpider, original_url


class SitemapSpider(SourceSpider, ScrapySitemapSpider):
    """Scrapy's sitemap spider, with every request counted on failure like the other kinds."""

    def __init__(self, source: dict, **kwargs):
        self.sitemap_urls = [source["url"]] if source.get("url") else list(source["urls"])
        self.sitemap_rules = [(source.get("allow") or "", "parse_article")]
        self.lastmod: dict = {}
        super().__init__(source, **kwargs)

    async def start(self):
        for url in self.sitemap_urls:
            yield Request(url, callback=self._parse_sitemap, errback=self.on_error)

    hint_source = "sitemap"

    def sitemap_filter(self, entries):
        """Only entries whose ``loc`` can be requested: one bad ``<loc>`` never stops the rest.
        Each entry's ``lastmod`` is kept as the date hint of its page."""
        for entry in entries:
            problem = link_problem(entry.get("loc", ""))
            if problem:
                self.crawler.stats.inc_value(f"lendwatch/dropped/{problem}")
                continue
            if entry.get("lastmod"):
                self.lastmod[entry["loc"]] = parse_date(entry["lastmod"])
            yield entry

    def parse_article(self, response, fallback_title=None, fallback_date=None, extra=None):
        fallback_date = fallback_date or self.lastmod.get(original_url(response))
        return super().parse_article(response, fallback_title, fallback_date, extra)

    def _parse_sitemap(self, response):
        for result in super()._parse_sitemap(response):
            yield result.replace(errback=self.on_error) if isinstance(result, Request) else result


KIND = "sitemap"
SPIDER = SitemapSpider
