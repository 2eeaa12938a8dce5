"""Kind ``pbc``: TRS list pages and their ``jumpTo`` pager, ``#zoom`` bodies, times never from URL
numbers, the scripted 文章来源, the WZWS challenge page; and the real saved pages of
``../shared/data/pbc-samples`` (from newthinker/atlas's Go test data) when present."""

import json
import re
import sqlite3
from datetime import datetime

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.spiders.pbc import PbcSpider, next_page, published
from lendwatch.records import SHANGHAI
from lendwatch.sandbox.replicas.pbc import SOURCES, article_path, challenge_page, list_path, samples
from lendwatch.sandbox.site import BANNER
from tests.conftest import local_sources, run_cli, shared_sample

NEWEST, OLDER = samples()  # the newest answers the challenge to its first request
ROOT = "http://pbc.test"


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def stored(db) -> dict:
    return {re.sub(r"^https?://[^/]+", "", r[0]): r[1:] for r in rows(
        db, "select url, title, published_at, author, text, extra from articles where source = 'sample-pbc'")}


def assert_exact(row, a, doc_number):
    title, published_at, author, text, extra = row
    assert (title, published_at, author) == (a.title, a.published.isoformat(), a.outlet)
    assert text == a.text and BANNER not in text
    assert json.loads(extra) == {"doc_number": doc_number, "issuer": a.outlet}


@pytest.fixture
def crawled(tmp_path, sample_site):
    sources = local_sources(tmp_path / "pbc.toml", SOURCES, sample_site.base_url)
    db = tmp_path / "pbc.db"
    return sources, db, run_cli("crawl", "--sources", sources, "--db", db, "--quiet")


def test_challenge_is_counted_not_stored_and_the_next_crawl_gets_the_page(crawled, sample_site):
    sources, db, result = crawled
    assert result.returncode == 0, result.stderr
    # robots.txt, two list pages, two article pages (one of them the challenge)
    assert re.search(r"sample-pbc\s+5\s+1\s+0\s+0\s+wzws-challenge 1 / -", result.stdout), result.stdout
    assert "WZWS challenge at" in result.stderr
    assert list(stored(db)) == [article_path(OLDER)]
    assert_exact(stored(db)[article_path(OLDER)], OLDER, "示例银发〔2024〕33号")
    assert not rows(db, f"select 1 from pages where url like '%{article_path(NEWEST)}'")

    again = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert again.returncode == 0, again.stderr
    assert re.search(r"sample-pbc\s+4\s+1\s+0\s+1\s+- / -", again.stdout), again.stdout
    assert_exact(stored(db)[article_path(NEWEST)], NEWEST, "示例银消保〔2024〕风险提示第6号")
    assert sample_site.hits[article_path(NEWEST)] == 2
    assert sample_site.hits[article_path(OLDER)] == 1  # stored: never fetched again
    assert sample_site.hits[list_path(2)] == 2  # page 1 still held a new article

    third = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    # a clean crawl kept the list's ETag: the unchanged list answers 304, one request in all
    assert re.search(r"sample-pbc\s+2\s+0\s+0\s+0\s+not-modified 1 / -", third.stdout), third.stdout
    assert sample_site.hits[list_path(2)] == 2
    assert sample_site.hits[article_path(NEWEST)] == 2
    assert rows(db, "select count(*) from articles") == [(2,)]


def test_max_pages_bounds_the_list(tmp_path, sample_site):
    sources = local_sources(tmp_path / "one.toml", SOURCES.replace("max_pages = 10", "max_pages = 1"),
                            sample_site.base_url)
    result = run_cli("crawl", "--sources", sources, "--db", tmp_path / "one.db", "--quiet")
    assert result.returncode == 1, result.stderr  # page 1's one article is behind an unsolved challenge
    assert "no article from sample-pbc" in result.stderr
    assert list_path(2) not in sample_site.hits and article_path(OLDER) not in sample_site.hits


# --- parse callbacks ----------------------------------------------------------

LIST = """<html><body><div class="sample-banner">{banner}</div>
<a href="/goutongjiaoliu/113456/index.html" istitle="true">沟通交流</a>
<table>
<tr><td><font class="newslist_style"><a href="/goutongjiaoliu/113456/113469/2024092310000013632/index.html"
 istitle="true" title="关于警惕“征信修复”“债务优化”等违法违规行为的风险提示">关于警惕“征信修复”...</a></font><span class="hui12">2024-09-23</span></td></tr>
<tr><td><font class="newslist_style"><a href="/goutongjiaoliu/113456/113469/2024082023595900001/index.html"
 title="日期与编号不符">日期与编号不符</a></font></td><td><span class="hui12">2024-08-21</span></td></tr>
<tr><td><font class="newslist_style"><a istitle="true" href="/goutongjiaoliu/113456/113469/2024010100000000002/index.html">无 title 属性</a></font></td></tr>
</table>
<div class="list_page"><a href="###" onclick="jumpTo(this,'{pages}','1','/goutongjiaoliu/113456/113469/11040-%1.html')">尾页</a></div>
</body></html>"""


def spider(**source) -> PbcSpider:
    config = {"name": "t", "kind": "pbc", "url": f"{ROOT}/goutongjiaoliu/113456/113469/index.html",
              "max_pages": 3, **source}
    return PbcSpider.from_crawler(get_crawler(PbcSpider), source=config)


def page(url: str, html: str) -> HtmlResponse:
    return HtmlResponse(url, body=html.encode("utf-8"), encoding="utf-8", request=Request(url))


def stats(s) -> dict:
    return {k: v for k, v in s.crawler.stats.get_stats().items() if k.startswith("lendwatch/")}


def test_list_items_by_title_attribute_with_dates_and_next_page():
    s = spider()
    url = f"{ROOT}/goutongjiaoliu/113456/113469/index.html"
    out = list(s.parse_list(page(url, LIST.format(banner=BANNER, pages=408)), page=1))
    articles, lists = out[:-1], out[-1:]
    assert [(r.cb_kwargs["fallback_title"], r.cb_kwargs["fallback_date"].isoformat()) for r in articles] == [
        ("关于警惕“征信修复”“债务优化”等违法违规行为的风险提示", "2024-09-23T00:00:00+08:00"),  # never the URL's numbers
        ("日期与编号不符", "2024-08-21T00:00:00+08:00"),
    ]
    assert articles[0].url == f"{ROOT}/goutongjiaoliu/113456/113469/2024092310000013632/index.html"
    assert articles[0].callback == s.parse_article  # so already stored pages are skipped
    assert [r.url for r in lists] == [f"{ROOT}/goutongjiaoliu/113456/113469/11040-2.html"]
    # the last allowed page asks for no further page; the pager's last page neither
    assert all(r.cb_kwargs.get("page") is None for r in s.parse_list(page(url, LIST.format(banner="", pages=408)), page=3))
    assert all(r.cb_kwargs.get("page") is None for r in s.parse_list(page(url, LIST.format(banner="", pages=1)), page=1))


def test_pager_and_published():
    pager = "<a onclick=\"jumpTo(this,'408','18','/goutongjiaoliu/113456/113469/11040-%1.html')\">尾页</a>"
    assert next_page(pager, 18) == "/goutongjiaoliu/113456/113469/11040-19.html"
    assert next_page(pager, 408) is None and next_page("<a>下一页</a>", 1) is None
    assert published("2025-10-15 17:00:03") == datetime(2025, 10, 15, 17, 0, 3, tzinfo=SHANGHAI)
    assert published("发布时间：2024-08-22 09:05") == datetime(2024, 8, 22, 9, 5, tzinfo=SHANGHAI)
    assert published("2024-13-40") is None and published(None) is None


REAL = "https://www.pbc.gov.cn/goutongjiaoliu/113456/113469/"


def test_real_list_pages():
    """Saved live list pages: 15 items each, 7-digit and 19-digit ids, dates from the page, the pager."""
    s = spider(max_pages=500)
    for name, page_no, first in (("pboc-index-p1.html", 1, None), ("pboc-index-p18.html", 18, "5870377"),
                                 ("pboc-index-p146-2020.html", 146, None)):
        html = shared_sample("pbc-samples", name).read_text(encoding="utf-8")
        out = list(s.parse_list(page(f"{REAL}index.html", html), page=page_no))
        articles, lists = out[:-1], out[-1:]
        assert len(articles) == 15, name
        assert all(r.cb_kwargs["fallback_date"] and r.cb_kwargs["fallback_date"].hour == 0 for r in articles)
        assert [r.url for r in lists] == [f"{REAL}11040-{page_no + 1}.html"]
        if first:
            assert articles[0].url == f"{REAL}{first}/index.html"
            assert articles[0].cb_kwargs["fallback_date"].date().isoformat() == "2025-10-17"
    dated = {r.url.split("/")[-2]: r.cb_kwargs["fallback_date"] for r in out[:-1]}
    assert dated["2025092212550537670"].date().isoformat() == "2020-03-11"  # a migration stamp, not a time


def test_real_articles():
    """Saved live articles: the date shown (not the id's migration stamp), the scripted 文章来源, #zoom."""
    s = spider()
    for name, path, when, title in (
            ("pboc-2025-09-q3.html", "5868082", "2025-10-15T17:00:03+08:00", "2025年前三季度金融统计数据报告"),
            ("pboc-2020-06-h1.html", "2025092212550713215", "2020-07-10T15:30:20+08:00", "2020年上半年金融统计数据报告")):
        html = shared_sample("pbc-samples", name).read_text(encoding="utf-8")
        (item,) = s.parse_article(page(f"{REAL}{path}/index.html", html))
        a = item.article
        assert (a.title, a.published_at.isoformat(), a.author) == (title, when, "沟通交流")
        assert a.text.startswith("一、") and "doZoom" not in a.text and len(a.text) > 1000


def test_challenge_page_is_counted_and_yields_nothing():
    s = spider()
    path = article_path(NEWEST)
    challenge = page(f"{ROOT}{path}", challenge_page(path).body.decode())
    assert "请开启JavaScript并刷新该页" in challenge.text
    assert list(s.parse_article(challenge, fallback_title="x")) == []
    assert list(s.parse_list(challenge, page=1)) == []
    assert stats(s) == {"lendwatch/dropped/wzws-challenge": 2}
    # the phrase alone (an article quoting it) is no challenge
    quoting = page(f"{ROOT}{path}", "<html><body><div id='zoom'><p>提示“请开启JavaScript并刷新该页”是什么意思</p></div></body></html>")
    (item,) = s.parse_article(quoting, fallback_title="标题")
    assert item.article.text == "提示“请开启JavaScript并刷新该页”是什么意思"


def test_detail_body_title_date_and_doc_number():
    s = spider()
    html = (f"<html><head><title>页面标题</title></head><body><div class='sample-banner'>{BANNER}</div>"
            "<span class='hui12'>字号</span><span class='hui12'>文章来源：<span id='laiyuan'></span></span>"
            "<span class='hui12'><!--2024年09月23日-->2024-09-23 10:00:00</span><div id='zoom'><p>示例银消保〔2024〕第6号</p>"
            "<p>第一段<span>续</span></p><script>var x = 1;</script><p>&nbsp;</p><p>第二段</p></div>"
            "<script>if($(\"#laiyuan\").html()==\"\"){$(\"#laiyuan\").html(\"示例人民银行分行\")}</script></body></html>")
    url = f"{ROOT}/goutongjiaoliu/113456/113469/2024092310000013632/index.html"
    (item,) = s.parse_article(page(url, html))
    a = item.article
    assert (a.title, a.author, a.published_at.isoformat()) == ("页面标题", "示例人民银行分行", "2024-09-23T10:00:00+08:00")
    assert a.text == "示例银消保〔2024〕第6号\n第一段续\n第二段"
    assert a.extra == {"doc_number": "示例银消保〔2024〕第6号", "issuer": "示例人民银行分行"}
