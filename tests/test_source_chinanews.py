"""Kind ``chinanews``: RSS feeds and scroll pages; new, old and legacy article templates."""

import sqlite3

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.extract import EXTRACTION_VERSION
from crawler.spiders.chinanews import ChinanewsSpider
from crawler.urls import canonical_url
from lendwatch.sandbox.articles import load
from lendwatch.sandbox.site import BANNER, article_path, chinanews_template
from tests.conftest import local_sources, run_cli

SAMPLES = [a for a in load() if a.site == "chinanews"]


def sources_file(path, base, feeds=("finance", "society"), scroll=True):
    urls = ", ".join(f'"{{base}}/chinanews/rss/{f}.xml"' for f in feeds)
    scrolls = 'scroll = ["{base}/chinanews/scroll-news/news1.html"]\n' if scroll else ""
    return local_sources(path, f'[[sources]]\nname = "cn"\nkind = "chinanews"\nurls = [{urls}]\n'
                               f'{scrolls}max_pages = 10\n', base)


def article_hits(site) -> dict[str, int]:
    return {p: n for p, n in site.hits.items() if p.startswith("/chinanews/cj/")}


@pytest.fixture
def crawled(tmp_path, sample_site):
    sources = sources_file(tmp_path / "cn.toml", sample_site.base_url)
    db = tmp_path / "cn.db"
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select url, title, published_at, author, text, extraction_version, canonical_url "
                            "from articles").fetchall()
    return sources, db, result, {r[0].replace(sample_site.base_url, ""): r for r in rows}


def test_each_template_parsed_by_its_own_parser_with_exact_fields(crawled):
    _, _, result, stored = crawled
    assert result.returncode == 0, result.stderr
    assert set(stored) == {article_path(a) for a in SAMPLES}  # feeds and scroll pages, stored once
    assert {chinanews_template(a) for a in SAMPLES} == {"new", "old", "legacy"}
    for sample in SAMPLES:
        _, title, published_at, author, text, version, canonical = stored[article_path(sample)]
        assert version == f"chinanews-1/{chinanews_template(sample)}"
        assert (title, published_at, author) == (sample.title, sample.published.isoformat(), sample.outlet)
        reporter = [f"（{sample.author}）"] if sample.author else []
        assert text.split("\n") == list(sample.paragraphs) + reporter  # ads and editor line gone
        assert BANNER not in text and not any(ad in text for ad in ("理财产品推荐", "示例理财频道", "示例网上营业厅"))
        assert "utm_" not in canonical


def test_scroll_pages_alone_find_every_article_and_stop_at_the_last(tmp_path, sample_site):
    sources = sources_file(tmp_path / "scroll.toml", sample_site.base_url, feeds=("finance",), scroll=True)
    sources.write_text(sources.read_text(encoding="utf-8").replace(
        f'"{sample_site.base_url}/chinanews/rss/finance.xml"', f'"{sample_site.base_url}/chinanews/rss/none.xml"'),
        encoding="utf-8")
    db = tmp_path / "scroll.db"
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert "http-404 1" in result.stdout  # the missing feed, not a sixth scroll page
    assert "/chinanews/scroll-news/news6.html" not in sample_site.hits
    with sqlite3.connect(db) as conn:
        assert conn.execute("select count(*) from articles").fetchone()[0] == len(SAMPLES)


def test_recrawl_fetches_no_article_again_and_costs_one_request(crawled, sample_site):
    sources, db, _, _ = crawled
    before = article_hits(sample_site)
    assert set(before.values()) == {1}  # feed links (with utm_) and scroll links are one request
    assert sample_site.hits["/chinanews/scroll-news/news2.html"] == 1  # the first crawl paged
    sample_site.requests_seen.clear()
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    assert article_hits(sample_site) == before
    # the every-channel scroll list answers 304: the feeds are not asked, one request for the source
    assert [path for path, _ in sample_site.requests_seen if path != "/robots.txt"] == [
        "/chinanews/scroll-news/news1.html"]
    assert "not-modified 1" in result.stdout


# --- parse callbacks on responses built here ------------------------------------------------

SCROLL = "https://www.chinanews.com.cn/scroll-news/news1.html"
FEEDS = ["https://www.chinanews.com.cn/rss/finance.xml", "https://www.chinanews.com.cn/rss/society.xml"]


def scroll_spider(known=()) -> ChinanewsSpider:
    s = ChinanewsSpider.from_crawler(get_crawler(ChinanewsSpider), source={
        "name": "cn", "urls": FEEDS, "scroll": [SCROLL, SCROLL.replace("news1", "cj/news1")]})
    s.known_urls = frozenset(canonical_url(u) for u in known)
    return s


def scroll_page(*links) -> HtmlResponse:
    items = "".join(f"<div class='dd_bt'><a href='{link}'>稿件</a></div>" for link in links)
    return HtmlResponse(SCROLL, body=f"<html><body>{items}<a href='news2.html'>下一页</a></body></html>".encode(),
                        encoding="utf-8", request=Request(SCROLL))


def first_requests(s) -> list:
    """The spider's start requests, on a loop of its own in a thread (another test may leave one running here)."""
    import asyncio
    from concurrent.futures import ThreadPoolExecutor

    async def collect():
        return [r async for r in s.start()]
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, collect()).result()


def test_the_first_scroll_page_is_asked_alone_and_gates_the_other_lists():
    old, new = "https://www.chinanews.com.cn/cj/2024/09-03/1.shtml", "https://www.chinanews.com.cn/sh/2024/09-04/2.shtml"
    s = scroll_spider(known=[old])
    (first,) = first_requests(s)
    assert first.url == SCROLL and first.cb_kwargs == {"page": 1, "first": True}
    # only known articles at the top of the every-channel stream: nothing is asked, paging stops
    assert list(s.parse_scroll(scroll_page(old), **first.cb_kwargs)) == []
    assert s.crawler.stats.get_value("lendwatch/lists_stopped_known") == 1
    # one new article: the feeds, the other scroll list, the articles and the next page are asked
    urls = [r.url for r in s.parse_scroll(scroll_page(new, old), **first.cb_kwargs)]
    assert urls == [*FEEDS, SCROLL.replace("news1", "cj/news1"), new, old, SCROLL.replace("news1", "news2")]
    # a first page without links (a changed layout) is an error, and every other list is read
    assert [r.url for r in s.parse_scroll(scroll_page(), **first.cb_kwargs)][:2] == FEEDS
    assert s.crawler.stats.get_value("lendwatch/errors/bad-list") == 1


def test_a_304_on_the_first_scroll_page_ends_the_source_and_a_failure_reads_every_list():
    from scrapy.spidermiddlewares.httperror import HttpError
    from twisted.python.failure import Failure

    from crawler.spiders.base import NotModified

    s = scroll_spider()
    request = Request(SCROLL)

    def failure(exc):
        try:
            raise exc
        except Exception:
            found = Failure()
        found.request = request
        return found

    assert list(s.first_failed(failure(NotModified("304")))) == []
    failed = HttpError(HtmlResponse(SCROLL, status=503, body=b"", request=request))
    assert [r.url for r in s.first_failed(failure(failed))] == [*FEEDS, SCROLL.replace("news1", "cj/news1")]
    assert s.crawler.stats.get_value("lendwatch/errors/http-503") == 1


def test_without_scroll_lists_every_feed_is_asked():
    s = ChinanewsSpider.from_crawler(get_crawler(ChinanewsSpider), source={"name": "cn", "urls": FEEDS})
    assert [r.url for r in first_requests(s)] == FEEDS

def spider() -> ChinanewsSpider:
    return ChinanewsSpider.from_crawler(get_crawler(ChinanewsSpider), source={
        "name": "cn", "urls": ["https://www.chinanews.com.cn/rss/finance.xml"]})


def response(html: str) -> HtmlResponse:
    url = "https://www.chinanews.com.cn/cj/2024/09-03/10281234.shtml"
    return HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8", request=Request(url))


BODY = "<p>网贷催收相关的一段正文，写得足够长，才像一篇真正的新闻稿件的正文段落，供测试使用。</p>" * 3


def test_new_template_drops_the_ad_and_reads_meta():
    s = spider()
    item, = s.parse_article(response(
        "<html><body><h1 class='content_left_title'>标题</h1>"
        "<div class='left'><p>2024年09月03日 14:05　来源：<a class='source'>中国新闻网</a></p></div>"
        f"<div class='content_desc'><p>第一段</p><div class='adInContent'>广告</div>{BODY}</div></body></html>"))
    article = item.article
    assert (article.title, article.author, article.extraction_version) == ("标题", "中国新闻网", "chinanews-1/new")
    assert article.published_at.isoformat() == "2024-09-03T14:05:00+08:00"
    assert article.text.split("\n")[0] == "第一段" and "广告" not in article.text


def test_legacy_t3_date_in_the_right_aligned_div():
    s = spider()
    item, = s.parse_article(response(
        "<html><body><h1>旧版标题</h1><div style=\"text-align:right;font-size:12px;\">2011-05-13 10:25　来源：中国新闻网</div>"
        f"<div class='t3'>　　第一段。<br><br>　　第二段。<br></div></body></html>"))
    article = item.article
    assert (article.title, article.author, article.extraction_version) == ("旧版标题", "中国新闻网", "chinanews-1/legacy")
    assert article.published_at.isoformat() == "2011-05-13T10:25:00+08:00"
    assert article.text == "第一段。\n第二段。"


def test_unknown_template_falls_back_to_the_generic_extractor_and_is_counted():
    s = spider()
    item, = s.parse_article(response(f"<html><head><title>别的模板</title></head><body><article>"
                                     f"<h1>别的模板</h1>{BODY}</article></body></html>"))
    assert item.article.extraction_version == EXTRACTION_VERSION and "网贷催收" in item.article.text
    assert s.crawler.stats.get_value("lendwatch/fallback/generic") == 1


def test_mobile_and_alias_urls_map_to_the_desktop_page():
    desktop = "https://www.chinanews.com.cn/sh/2024/09-03/10281234.shtml"
    assert canonical_url("https://m.chinanews.com/wap/detail/zw/sh/2024/09-03/10281234.shtml") == desktop
    assert canonical_url("http://www.chinanews.com/sh/2024/09-03/10281234.shtml?utm_source=rss") == desktop
