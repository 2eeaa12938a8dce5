"""Kind ``sitemap``: a sitemap or sitemap index; URLs matching ``allow`` are articles."""

from scrapy import Request
from scrapy.spiders import SitemapSpider as ScrapySitemapSpider

from crawler.safety import link_problem
from crawler.spiders.base import SourceSpider


class SitemapSpider(SourceSpider, ScrapySitemapSpider):
    """Scrapy's sitemap spider, with every request counted on failure like the other kinds."""

    def __init__(self, source: dict, **kwargs):
        self.sitemap_urls = [source["url"]] if source.get("url") else list(source["urls"])
        self.sitemap_rules = [(source.get("allow") or "", "parse_article")]
        super().__init__(source, **kwargs)

    async def start(self):
        for url in self.sitemap_urls:
            yield Request(url, callback=self._parse_sitemap, errback=self.on_error)

    def sitemap_filter(self, entries):
        """Only entries whose ``loc`` can be requested: one bad ``<loc>`` never stops the rest."""
        for entry in entries:
            problem = link_problem(entry.get("loc", ""))
            if problem:
                self.crawler.stats.inc_value(f"lendwatch/dropped/{problem}")
                continue
            yield entry

    def _parse_sitemap(self, response):
        for result in super()._parse_sitemap(response):
            yield result.replace(errback=self.on_error) if isinstance(result, Request) else result


KIND = "sitemap"
SPIDER = SitemapSpider
