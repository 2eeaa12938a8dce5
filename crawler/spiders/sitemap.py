"""Kind ``sitemap``: a sitemap or sitemap index; URLs matching ``allow`` are articles.

Read with Scrapy's public sitemap tools (``Sitemap``, ``sitemap_urls_from_robots``, ``gunzip``),
so that every request, nested sitemaps and articles alike, goes through
:meth:`SourceSpider.request` (counted on failure) and articles through ``article_request``.
"""

from typing import Literal

from lxml import etree
from pydantic import field_validator
from scrapy.http import XmlResponse
from scrapy.utils.gz import gunzip, gzip_magic_number
from scrapy.utils.sitemap import Sitemap, sitemap_urls_from_robots

from crawler import stats
from crawler.config import SourceBase, pattern, regex
from crawler.extract import parse_date
from crawler.safety import link_problem
from crawler.spiders.base import SourceSpider


class SitemapSource(SourceBase):
    """A sitemap or sitemap index; URLs matching ``allow`` are articles."""

    kind: Literal["sitemap"]
    allow: str | None = None
    _check_allow = field_validator("allow")(regex)


def sitemap_body(response, max_size: int) -> bytes | None:
    """The XML of a sitemap response (gunzipped when it is a ``.xml.gz`` file), or None."""
    if gzip_magic_number(response):
        try:
            return gunzip(response.body, max_size=max_size)
        except ValueError:  # larger than max_size
            return None
    if isinstance(response, XmlResponse) or response.url.endswith((".xml", ".xml.gz")):
        return response.body
    return None


_NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"


def news_entries(body: bytes) -> dict[str, tuple[str | None, str | None]]:
    """``loc`` -> (``news:title``, ``news:publication_date``) of a Google News sitemap's entries
    (Scrapy's ``Sitemap`` flattens the nested ``<news:news>`` away); empty for other sitemaps."""
    if b"sitemap-news" not in body:
        return {}
    parser = etree.XMLParser(recover=True, remove_comments=True, resolve_entities=False, no_network=True)
    root = etree.fromstring(body, parser=parser)
    found = {}
    for url in root.iter("{*}url") if root is not None else ():
        loc = (url.findtext("{*}loc") or "").strip()
        title = (url.findtext(f"{_NEWS}news/{_NEWS}title") or "").strip()
        when = (url.findtext(f"{_NEWS}news/{_NEWS}publication_date") or "").strip()
        if loc and (title or when):
            found[loc] = (title or None, when or None)
    return found


class SitemapSpider(SourceSpider):
    """Follows sitemap indexes (and ``robots.txt`` Sitemap lines) to their sitemaps."""

    kind = "sitemap"
    source_model = SitemapSource

    def __init__(self, source, **kwargs):
        super().__init__(source, **kwargs)
        self.allow = pattern(self.source.allow or "")

    async def start(self):
        for url in self.start_urls:
            yield self.request(url, self.parse_sitemap)

    hint_source = "sitemap"

    def sitemap_filter(self, entries):
        """Only entries whose ``loc`` can be requested: one bad ``<loc>`` never stops the rest."""
        for entry in entries:
            problem = link_problem(entry.get("loc", ""))
            if problem:
                self.crawler.stats.inc_value(stats.dropped(problem))
                continue
            yield entry

    def parse_sitemap(self, response):
        if response.url.endswith("/robots.txt"):
            for url in sitemap_urls_from_robots(response.body, base_url=response.url):
                yield self.request(url, self.parse_sitemap)
            return
        body = sitemap_body(response, self.settings.getint("DOWNLOAD_MAXSIZE"))
        sitemap = Sitemap(body) if body else None
        if sitemap is None or sitemap.type not in ("sitemapindex", "urlset"):
            self.logger.warning("ignoring invalid sitemap %s", response.url)
            return
        news = news_entries(body) if sitemap.type == "urlset" else {}
        for entry in self.sitemap_filter(sitemap):
            if sitemap.type == "sitemapindex":
                yield self.request(entry["loc"], self.parse_sitemap)
            elif self.allow.search(entry["loc"]):
                # hints for the page: news:publication_date (else lastmod) and news:title
                title, published = news.get(entry["loc"], (None, None))
                when = parse_date(published) if published else None
                if when is None and entry.get("lastmod"):
                    when = parse_date(entry["lastmod"])
                yield self.article_request(entry["loc"], cb_kwargs={"fallback_date": when,
                                                                    "fallback_title": title})
