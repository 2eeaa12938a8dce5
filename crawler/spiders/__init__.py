"""One spider class per source kind."""

from crawler.spiders.listing import ListingSpider
from crawler.spiders.rss import RssSpider
from crawler.spiders.sitemap import SitemapSpider

SPIDERS = {"rss": RssSpider, "listing": ListingSpider, "sitemap": SitemapSpider}
