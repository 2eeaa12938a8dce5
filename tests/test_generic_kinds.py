"""The generic kinds' callbacks on responses built here: sitemaps and list pages."""

import gzip

from scrapy import Request
from scrapy.http import HtmlResponse, TextResponse, XmlResponse
from scrapy.utils.test import get_crawler

from crawler.spiders.base import ARTICLE
from crawler.spiders.listing import ListingSpider
from crawler.spiders.sitemap import SitemapSpider

ROOT = "http://news.example.cn"


def sitemap_spider(**source) -> SitemapSpider:
    config = {"name": "s", "url": f"{ROOT}/sitemap.xml", "allow": "/zwgk/", **source}
    return SitemapSpider.from_crawler(get_crawler(SitemapSpider), source=config)


def urlset(*locs: str) -> bytes:
    urls = "".join(f"<url><loc>{loc}</loc></url>" for loc in locs)
    return f'<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">{urls}</urlset>'.encode()


def test_sitemap_index_and_urlset_requests_are_counted_on_failure_and_articles_flagged():
    spider = sitemap_spider()
    index = (b'<?xml version="1.0"?><sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">'
             b'<sitemap><loc>http://news.example.cn/s1.xml</loc></sitemap></sitemapindex>')
    nested, = spider.parse_sitemap(XmlResponse(f"{ROOT}/sitemap.xml", body=index))
    assert nested.url == f"{ROOT}/s1.xml" and nested.callback == spider.parse_sitemap
    assert nested.errback == spider.on_error and not nested.meta.get(ARTICLE)
    body = urlset(f"{ROOT}/zwgk/1.html", "javascript:alert(1)", f"{ROOT}/about.html", f"{ROOT}/zwgk/2.html")
    found = list(spider.parse_sitemap(XmlResponse(f"{ROOT}/s1.xml", body=body)))
    assert [r.url for r in found] == [f"{ROOT}/zwgk/1.html", f"{ROOT}/zwgk/2.html"]
    assert all(r.meta[ARTICLE] and r.errback == spider.on_error and r.callback == spider.parse_article
               for r in found)
    assert spider.crawler.stats.get_value("lendwatch/dropped/unsupported-scheme") == 1


def test_news_sitemap_publication_date_and_title_are_hints_over_lastmod():
    spider = sitemap_spider()
    body = ('<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9" '
            'xmlns:news="http://www.google.com/schemas/sitemap-news/0.9">'
            f'<url><loc>{ROOT}/zwgk/1.html</loc><lastmod>2024-06-30</lastmod><news:news>'
            '<news:publication><news:name>示例</news:name><news:language>zh</news:language></news:publication>'
            '<news:publication_date>2024-06-03T09:30:00+08:00</news:publication_date>'
            '<news:title>网贷催收新规发布</news:title></news:news></url>'
            f'<url><loc>{ROOT}/zwgk/2.html</loc><lastmod>2024-05-01</lastmod></url></urlset>').encode()
    first, second = spider.parse_sitemap(XmlResponse(f"{ROOT}/s1.xml", body=body))
    assert first.cb_kwargs["fallback_date"].isoformat() == "2024-06-03T09:30:00+08:00"
    assert first.cb_kwargs["fallback_title"] == "网贷催收新规发布"
    assert second.cb_kwargs["fallback_date"].date().isoformat() == "2024-05-01"
    assert second.cb_kwargs["fallback_title"] is None


def test_gzipped_sitemap_robots_lines_and_a_page_that_is_no_sitemap():
    spider = sitemap_spider(allow=None)
    gz = TextResponse(f"{ROOT}/s.xml.gz", body=gzip.compress(urlset(f"{ROOT}/a.html")))
    assert [r.url for r in spider.parse_sitemap(gz)] == [f"{ROOT}/a.html"]
    robots = TextResponse(f"{ROOT}/robots.txt", body=b"User-agent: *\nSitemap: /sitemap.xml\n")
    assert [r.url for r in spider.parse_sitemap(robots)] == [f"{ROOT}/sitemap.xml"]
    assert list(spider.parse_sitemap(HtmlResponse(f"{ROOT}/page", body=b"<html></html>"))) == []


def listing_spider(**source) -> ListingSpider:
    config = {"name": "l", "url": f"{ROOT}/list_1.html", "allow": r"/article/\d+\.html$",
              "next": "a.next", **source}
    return ListingSpider.from_crawler(get_crawler(ListingSpider), source=config)


LIST = (b'<html><body><a href="http://[::1">bad</a><a href="javascript:void(0)">js</a>'
        b'<a href="/article/1.html">one</a><a href="/article/1.html">again</a><a href="article/2.html">two</a>'
        b'<a href="/about.html">about</a><a class="next" href="list_2.html">next</a></body></html>')


def test_listing_links_articles_once_and_follows_next_by_css_or_regex():
    for spec in ("a.next", r"list_\d+\.html$"):
        spider = listing_spider(next=spec)
        found = list(spider.parse_list(HtmlResponse(f"{ROOT}/list_1.html", body=LIST, request=Request(ROOT))))
        assert [(r.url, bool(r.meta.get(ARTICLE))) for r in found] == [
            (f"{ROOT}/article/1.html", True), (f"{ROOT}/article/2.html", True), (f"{ROOT}/list_2.html", False)]
        assert found[-1].callback == spider.parse_list and found[-1].errback == spider.on_error


def test_listing_stops_at_max_pages_and_never_follows_an_article_as_next():
    spider = listing_spider(max_pages=1)
    found = list(spider.parse_list(HtmlResponse(f"{ROOT}/list_1.html", body=LIST)))
    assert [r.url for r in found] == [f"{ROOT}/article/1.html", f"{ROOT}/article/2.html"]
    spider = listing_spider(next=r"\.html$")
    found = list(spider.parse_list(HtmlResponse(f"{ROOT}/list_1.html", body=LIST)))
    assert [r.url for r in found if not r.meta.get(ARTICLE)] == [f"{ROOT}/about.html", f"{ROOT}/list_2.html"]
