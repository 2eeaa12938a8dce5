"""Kind ``baidu_news``: result parsing, redirects resolved to real URLs, captcha, re-crawls."""

import json
import re
import sqlite3

from scrapy.http import HtmlResponse

from crawler.spiders.baidu_news import is_captcha, is_redirect, refresh_target, result_fields
from lendwatch.sandbox.replicas.baidu_news import CAPTCHA_KEYWORD, SOURCES, BaiduNewsReplica, matches
from lendwatch.sandbox.site import article_path
from tests.conftest import local_sources, run_cli

KEYWORDS = ["暴力催收", "爆通讯录"]
ARTICLE = re.compile(r"^/(chinanews/cj|people/n1|gov/zwgk|farm/article)/")


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def html(body: str, url="https://www.baidu.com/s?wd=x") -> HtmlResponse:
    return HtmlResponse(url, body=f"<html><body>{body}</body></html>".encode("utf-8"), encoding="utf-8")


def test_result_fields_by_text_not_class_names():
    page = html('<div class="result-op c-container"><h3><a href="/link?url=abc">网贷<em>暴力催收</em>调查</a></h3>'
                '<div class="news-source_Zz9q1"><span class="x1">示例新闻网</span><span class="x2">5小时前</span></div>'
                '<span>摘要文字比二十个字更长一些，这是搜索结果下面的一段摘要内容。</span></div>'
                '<div class="result"><h3><a href="/link?url=def">旧版结果</a></h3>'
                '<p class="c-author">示例日报&nbsp;&nbsp;2024年9月13日 10:20</p></div>')
    first, second = (result_fields(r) for r in page.css("div.result-op.c-container, div.result"))
    assert first == {"title": "网贷暴力催收调查", "href": "/link?url=abc", "source": "示例新闻网", "time": "5小时前"}
    assert second == {"title": "旧版结果", "href": "/link?url=def", "source": "示例日报", "time": "2024年9月13日 10:20"}
    assert is_captcha(html("<title>百度安全验证</title><p>请输入验证码</p>"))
    assert not is_captcha(page)


def test_s_data_json_and_mu_attribute_give_the_direct_link():
    data = ('{"title":"网贷<em>催收</em>调查","titleUrl":"https://baijiahao.baidu.com/s?id=1","sourceName":"某日报",'
            '"dispTime":"2小时前"}')
    page = html(f'<div class="c-container _x1"><!--s-data:{data}--><h3 class="t_1"><a href="/link?url=abc">网贷催收调查</a>'
                '</h3><span class="h_2">别的文字</span></div>'
                '<div class="c-container _x2" mu="https://news.example.cn/a/2.html"><h3><a href="https://news.example.cn/a/2.html">'
                '直接链接</a></h3><span>示例日报</span><span>2024年9月13日</span></div>')
    first, second = (result_fields(r) for r in page.css("div.c-container"))
    assert first == {"title": "网贷催收调查", "href": "https://baijiahao.baidu.com/s?id=1", "source": "某日报",
                     "time": "2小时前"}
    assert second["href"] == "https://news.example.cn/a/2.html" and second["source"] == "示例日报"
    assert is_redirect("https://www.baidu.com/link?url=abc") and not is_redirect(second["href"])
    assert not is_redirect("https://news.example.cn/link/2.html")


def test_refresh_target_ignores_a_loose_url_assignment():
    page = html("<script>var URL='https://www.baidu.com/decoy';</script>"
                "<meta http-equiv=\"Refresh\" content=\"0; URL='https://news.example.cn/a/1.html'\">")
    assert refresh_target(page) == "https://news.example.cn/a/1.html"
    page = html("<script>window.location.replace(\"https://news.example.cn/a/3.html\")</script>")
    assert refresh_target(page) == "https://news.example.cn/a/3.html"
    assert refresh_target(html("<p>URL=https://wrong.example.cn/</p>")) == ""


def test_crawl_stores_articles_under_their_real_urls(tmp_path, sample_site):
    sources, db = tmp_path / "baidu.toml", tmp_path / "baidu.db"
    local_sources(sources, SOURCES, sample_site.base_url)
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    base = sample_site.base_url
    expected = {a.number: a for kw in KEYWORDS for a in matches(kw, "4")}
    assert len(expected) < sum(len(matches(kw, "4")) for kw in KEYWORDS)  # the searches overlap
    stored = {r[0]: r[1:] for r in rows(db, "select url, canonical_url, title, extra, source from articles")}
    assert set(stored) == {f"{base}{article_path(a)}" for a in expected.values()}
    for a in expected.values():
        canonical, title, extra, source = stored[f"{base}{article_path(a)}"]
        assert title == a.title and source == "sample-baidu-news"
        assert "/baidu/" not in canonical
        extra = json.loads(extra)
        assert extra["via"] == "baidu_news" and len(extra["keywords"]) == 1
        assert extra["keywords"][0] in a.title + a.text
    # the captcha page is counted, never stored, and its search retried once
    assert re.search(r"sample-baidu-news .* captcha 1 / -", result.stdout), result.stdout
    assert rows(db, "select count(*) from pages") == [(len(expected),)]
    replica = next(r for r in sample_site.replicas if isinstance(r, BaiduNewsReplica))
    searches = [(q["wd"], q["pn"]) for p, q, _ in replica.calls if p == "/baidu/s"]
    assert sorted(searches) == [("暴力催收", "0"), ("暴力催收", "10"), (CAPTCHA_KEYWORD, "0"), (CAPTCHA_KEYWORD, "0")]
    assert {ref for p, _, ref in replica.calls if p == "/baidu/s"} == {f"{base}/"}
    fetched = {p: n for p, n in sample_site.hits.items() if ARTICLE.match(p)}
    assert len(fetched) == len(expected) and set(fetched.values()) == {1}
    # direct links (mu, s-data) fetched without /baidu/link; refresh pages followed, their decoy never
    links = [q["url"] for p, q, _ in replica.calls if p == "/baidu/link"]
    assert 0 < len(links) < len(expected) and any(len(t) % 2 for t in links)
    assert "/baidu/decoy.html" not in sample_site.hits

    again = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert again.returncode == 0, again.stderr
    assert {p: n for p, n in sample_site.hits.items() if ARTICLE.match(p)} == fetched
    assert again.stdout.splitlines()[1].split()[2:5] == ["0", "0", str(len(expected))]
