"""Kind ``people``: GBK channel pages and a GBK RSS feed (told apart by content), GBK articles."""

import sqlite3

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.extract import EXTRACTION_VERSION
from crawler.spiders.people import PeopleSpider, is_feed
from lendwatch.sandbox.articles import load
from lendwatch.sandbox.site import BANNER, FLAKY_NUMBER, PEOPLE_RSS_ITEMS, article_path
from tests.conftest import local_sources, run_cli

SAMPLES = sorted((a for a in load() if a.site == "people"), key=lambda a: a.published, reverse=True)
DEAD = "/people/n1/2024/0931/c1004-49999999.html"  # listed on the channel page, answers 404


def crawl(tmp_path, site, *paths, name="people"):
    urls = ", ".join(f'"{{base}}{p}"' for p in paths)
    sources = local_sources(tmp_path / f"{name}.toml",
                            f'[[sources]]\nname = "people"\nkind = "people"\nurls = [{urls}]\nmax_pages = 10\n',
                            site.base_url)
    db = tmp_path / f"{name}.db"
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select a.url, a.title, a.published_at, a.author, a.text, p.encoding "
                            "from articles a join pages p on p.id = a.page_id").fetchall()
    return sources, db, result, {r[0].replace(site.base_url, ""): r[1:] for r in rows}


def article_hits(site) -> dict[str, int]:
    return {p: n for p, n in site.hits.items() if p.startswith("/people/n1/")}


@pytest.fixture
def crawled(tmp_path, sample_site):
    return crawl(tmp_path, sample_site, "/people/GB/1004/", "/people/rss/finance.xml")


def test_channel_and_feed_store_every_article_once_with_exact_fields(crawled, sample_site):
    _, _, result, stored = crawled
    assert result.returncode == 1 and "http-404 1" in result.stdout  # the dead link, counted
    assert set(stored) == {article_path(a) for a in SAMPLES}
    assert any(a.number % 3 == 0 for a in SAMPLES)  # some pages declare no charset at all
    assert {a.number % 4 for a in SAMPLES} == {0, 1, 2, 3}  # every body layout, UTF-8 pages too
    for sample in SAMPLES:
        title, published_at, author, text, encoding = stored[article_path(sample)]
        assert (title, published_at, author) == (sample.title, sample.published.isoformat(), sample.outlet)
        assert text.split("\n") == list(sample.paragraphs)  # no 责编 line, no related links
        assert encoding == ("utf-8" if sample.number % 4 == 2 else "gb18030") and BANNER not in text
    hits = article_hits(sample_site)
    flaky = article_path(next(a for a in load() if a.number == FLAKY_NUMBER))
    assert hits.pop(flaky) == 2 and set(hits.values()) == {1}  # feed and list links are one request


def test_rss_feed_alone(tmp_path, sample_site):
    _, _, result, stored = crawl(tmp_path, sample_site, "/people/rss/finance.xml", name="rss")
    assert result.returncode == 0, result.stderr
    assert set(stored) == {article_path(a) for a in SAMPLES[:PEOPLE_RSS_ITEMS]}
    assert "/people/GB/1004/" not in sample_site.hits


def test_channel_pages_alone_are_paged(tmp_path, sample_site):
    _, _, _, stored = crawl(tmp_path, sample_site, "/people/GB/1004/", name="channel")
    assert len(stored) == len(SAMPLES) > PEOPLE_RSS_ITEMS
    assert sample_site.hits["/people/GB/1004/index4.html"] == 1


def test_recrawl_costs_one_request_per_list_and_a_dead_link_waits_for_its_list_to_change(crawled, sample_site):
    sources, db, _, _ = crawled
    before = article_hits(sample_site)
    sample_site.requests_seen.clear()
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    # a 404 is a deleted page, not a failure to retry: the lists kept their validators and answer 304
    assert article_hits(sample_site) == before
    assert sorted(path for path, _ in sample_site.requests_seen if path != "/robots.txt") == [
        "/people/GB/1004/", "/people/rss/finance.xml"]
    assert "not-modified 2" in result.stdout
    with sqlite3.connect(db) as conn:  # forget the channel's validator, as when the page changes
        conn.execute("delete from list_validators where url like '%/GB/1004/'")
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    after = article_hits(sample_site)
    assert {p for p in after if after[p] != before.get(p)} == {DEAD}
    assert "http-404 1" in result.stdout


# --- parse callbacks on responses built here ------------------------------------------------

def spider() -> PeopleSpider:
    return PeopleSpider.from_crawler(get_crawler(PeopleSpider), source={
        "name": "people", "urls": ["http://finance.people.com.cn/GB/70846/"]})


def gbk_response(html: str, url="http://finance.people.com.cn/n1/2024/0903/c1004-40000001.html"):
    return HtmlResponse(url, body=html.encode("gbk"), headers={"Content-Type": "text/html"},
                        request=Request(url))


def test_show_text_body_and_fallback():
    s = spider()
    item, = s.parse_article(gbk_response(
        "<html><body><h1>标题</h1><div class='box01'><div class='fl'>2024年09月03日14:05 | 来源：人民网－财经频道</div></div>"
        "<div class='show_text'><p>　　第一段。</p><p>　　第二段。</p><div class='edit'>(责编：某某)</div></div></body></html>"))
    article = item.article
    assert (article.title, article.text, article.author) == ("标题", "第一段。\n第二段。", "人民网－财经频道")
    assert article.published_at.isoformat() == "2024-09-03T14:05:00+08:00"
    body = "<p>这是一段关于网贷催收的正文，足够长，像一篇真正的新闻稿件的段落，用来测试通用抽取器。</p>" * 3
    item, = s.parse_article(gbk_response(f"<html><body><article><h1>标题</h1>{body}</article></body></html>"))
    assert item.article.extraction_version == EXTRACTION_VERSION
    assert s.crawler.stats.get_value("lendwatch/fallback/generic") == 1


def test_list_links_only_under_the_channel_containers():
    s = spider()
    html = ("<html><body><div class='nav'><a href='/n1/2024/0903/c1004-1.html'>导航里的文章</a></div>"
            "<div class='ej_list_box'><a href='/n1/2024/0903/c1004-2.html'>列表文章</a><a href='/GB/1.html'>频道</a></div>"
            "<div class='page_n'><a href='index2.html'>下一页</a></div></body></html>")
    requests = list(s.parse_list(gbk_response(html, "http://finance.people.com.cn/GB/70846/")))
    assert [r.url for r in requests] == ["http://finance.people.com.cn/n1/2024/0903/c1004-2.html",
                                         "http://finance.people.com.cn/GB/70846/index2.html"]


def test_feed_or_page_by_content():
    assert is_feed(b'<?xml version="1.0" encoding="gbk"?>\n<rss version="2.0"><channel/></rss>')
    assert not is_feed(b"<!DOCTYPE html><html><body>rss</body></html>")


def test_body_layouts_and_utf8_subsite_pages():
    s = spider()
    for body in ("<div id='rwb_zw'><p>　　第一段。</p><p>第二段。</p></div>",
                 "<div class='fl text_con_left' id='rm_txt_zw'><p>第一段。</p><p>第二段。</p><div class='edit'>(责编：某)</div></div>"):
        html = f"<html><head><meta charset='utf-8'></head><body><h1>标题</h1>{body}</body></html>"
        url = "http://opinion.people.com.cn/n1/2024/0903/c1003-40000002.html"
        item, = s.parse_article(HtmlResponse(url, body=html.encode("utf-8"), headers={"Content-Type": "text/html"},
                                             request=Request(url)))
        assert (item.article.title, item.article.text, item.page.encoding) == ("标题", "第一段。\n第二段。", "utf-8")
    assert s.crawler.stats.get_value("lendwatch/fallback/generic") is None


def test_list_links_under_p2j_con02_and_jsnew_line():
    s = spider()
    html = ("<html><body><div class='p2j_con02'><div class='fl'><ul><li><a href='/n1/2024/0903/c1004-3.html'>甲</a></li></ul></div>"
            "<div class='fr'><a href='/n1/2024/0903/c1004-9.html'>侧栏</a></div></div>"
            "<div class='jsnew_line'><a href='/n1/2024/0902/c1004-4.html'>乙</a></div></body></html>")
    requests = list(s.parse_list(gbk_response(html, "http://finance.people.com.cn/GB/70846/")))
    assert [r.url for r in requests] == ["http://finance.people.com.cn/n1/2024/0903/c1004-3.html",
                                         "http://finance.people.com.cn/n1/2024/0902/c1004-4.html"]
