"""Kind ``thepaper``: keyword search API, ``__NEXT_DATA__`` details, skipped videos and paywalls."""

import asyncio
from concurrent.futures import ThreadPoolExecutor
import json
import re
import sqlite3

import pytest
from scrapy.http import HtmlResponse, Request
from scrapy.utils.test import get_crawler

from crawler.spiders.thepaper import ThepaperSpider, plain
from crawler.urls import canonical_url
from crawler.config import load_sources
from lendwatch.sandbox.articles import load
from lendwatch.sandbox.replicas.thepaper import (EXTRAS, SLOW_NUMBER, SOURCES, column_of, cont_id,
                                                 tags_of)
from lendwatch.sandbox.site import BANNER
from tests.conftest import local_sources, run_cli

SAMPLES = {a.number: a for a in load() if a.site == "thepaper"}
KEYWORDS = ["催收", "借款"]  # as in the replica's SOURCES


def write_sources(path, base_url, extra=""):
    return local_sources(path, extra + SOURCES, base_url)


def detail_hits(site) -> dict[str, int]:
    return {p: n for p, n in site.hits.items() if p.startswith("/thepaper/newsDetail_forward_")}


@pytest.fixture
def crawled(tmp_path, sample_site):
    sources = write_sources(tmp_path / "thepaper.toml", sample_site.base_url)
    db = tmp_path / "thepaper.db"
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    with sqlite3.connect(db) as conn:
        rows = conn.execute("select url, title, published_at, author, text, extra, canonical_url "
                            "from articles where source = 'sample-thepaper'").fetchall()
    return sources, db, result, {r[6].rsplit("_", 1)[1]: r for r in rows}


def test_every_article_stored_with_exact_fields(crawled, sample_site):
    _, _, result, stored = crawled
    assert result.returncode == 0, result.stderr
    assert set(stored) == {cont_id(n) for n in SAMPLES}
    for number, sample in SAMPLES.items():
        url, title, published_at, author, text, extra, canonical = stored[cont_id(number)]
        assert url == f"{sample_site.base_url}/thepaper/newsDetail_forward_{cont_id(number)}"
        assert (title, published_at, author) == (sample.title, sample.published.isoformat(), sample.author)
        assert text == sample.text  # every paragraph, in order; no image, no banner, no notice
        assert BANNER not in text and "<font" not in title
        extra = json.loads(extra)
        text_of = sample.title + sample.text
        assert extra["keywords"] == [k for k in KEYWORDS if k in text_of]
        assert extra["tags"] == tags_of(sample) and extra["column"] == column_of(sample)
        assert extra["outlet"] == sample.outlet
    # article 8 holds both keywords, 131 only 借款: searches are merged, not duplicated
    assert json.loads(stored[cont_id(8)][5])["keywords"] == ["催收", "借款"]
    assert json.loads(stored[cont_id(131)][5])["keywords"] == ["借款"]
    assert json.loads(stored[cont_id(8)][5])["tags"] == ["催收", "借款", "骚扰", "个人信息"]
    # searches say where they come from, as a browser on the site and public clients do
    searches = [h for path, h in sample_site.requests_seen if path == "/thepaper/search/web/news"]
    assert searches and {h.get("Referer") for h in searches} == {f"{sample_site.base_url}/thepaper/"}


def test_video_and_paywall_skipped_once_each_and_slow_detail_waited_for(crawled, sample_site):
    _, _, result, stored = crawled
    line = next(s for s in result.stdout.splitlines() if s.startswith("sample-thepaper"))
    # found by both keywords, counted once; live, special and photo pages known by their page only
    assert "live 1, not-text 2, paywalled 1, special 1 / -" in line, line
    assert re.search(r"\(retried [^;]*busy-99998 1[,;]", line), line  # the 系统繁忙 answer was asked again, not the end of 借款
    hits = detail_hits(sample_site)
    by_page = [e for e in EXTRAS if e["layout"]]
    assert all(f"/thepaper/newsDetail_forward_{cont_id(e['number'])}" not in hits for e in EXTRAS if not e["layout"])
    assert all(hits[f"/thepaper/newsDetail_forward_{cont_id(e['number'])}"] == 1 for e in by_page)
    assert set(hits.values()) == {1} and len(hits) == len(SAMPLES) + len(by_page)  # each page fetched once
    assert cont_id(SLOW_NUMBER) in stored  # the ~2 s answer is not a timeout


def test_recrawl_fetches_no_detail_and_stops_searching(crawled, sample_site):
    sources, db, _, _ = crawled
    before_details, before_search = detail_hits(sample_site), sample_site.hits["/thepaper/search/web/news"]
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    assert detail_hits(sample_site) == before_details
    # one page per keyword: each first page holds only stored articles
    assert sample_site.hits["/thepaper/search/web/news"] - before_search == len(KEYWORDS)
    line = next(s for s in result.stdout.splitlines() if s.startswith("sample-thepaper"))
    assert line.split()[2:4] == ["0", "0"], line


def test_bad_search_answer_is_counted_and_the_crawl_goes_on(tmp_path, sample_site):
    # an API root without the search endpoint: every search answers 404, nothing is stored
    sources = write_sources(tmp_path / "bad.toml", sample_site.base_url)
    sources.write_text(sources.read_text(encoding="utf-8").replace(
        f'url = "{sample_site.base_url}/thepaper"', f'url = "{sample_site.base_url}/nowhere"'), encoding="utf-8")
    result = run_cli("crawl", "--sources", sources, "--db", tmp_path / "bad.db", "--quiet")
    assert result.returncode == 1
    assert "http-404 2" in result.stdout  # one per keyword: the second was still searched


# --- parse callbacks on responses built here ------------------------------------------------

def spider(**source) -> ThepaperSpider:
    crawler = get_crawler(ThepaperSpider)
    return ThepaperSpider.from_crawler(crawler, source={
        "name": "t", "url": "https://api.thepaper.cn", "detail_url": "https://www.thepaper.cn",
        "keywords": ["催收"], **source})


def detail_response(detail: dict, **detail_data) -> HtmlResponse:
    data = json.dumps({"props": {"pageProps": {"detailData": {"contentDetail": detail, **detail_data}}}},
                      ensure_ascii=False)
    body = f"<html><body><script id='__NEXT_DATA__' type='application/json'>{data}</script></body></html>"
    url = "https://www.thepaper.cn/newsDetail_forward_1"
    return HtmlResponse(url, body=body.encode("utf-8"), encoding="utf-8", request=Request(url))


def test_parse_detail_fields_and_skips():
    s = spider()
    item, = s.parse_detail(detail_response({
        "name": "标题", "content": "<p>第一段<br>第二段</p><p><img src='x.png'></p><p>第三段</p>",
        "publishTime": "2024-09-03 14:05", "author": "记者 甲", "tagList": [{"tag": "催收"}],
        "nodeInfo": {"name": "财经"}, "contType": 0}), keywords=["催收"])
    article = item.article
    assert (article.title, article.text, article.author) == ("标题", "第一段\n第二段\n第三段", "记者 甲")
    assert article.published_at.isoformat() == "2024-09-03T14:05:00+08:00"
    assert article.extra == {"keywords": ["催收"], "tags": ["催收"], "column": "财经", "outlet": "澎湃新闻"}
    for detail, reason in (({"contType": 1}, "not-text"), ({"contType": 0, "isPaid": True}, "paywalled")):
        item, = s.parse_detail(detail_response(detail), keywords=[])
        assert (item.article, item.drop_reason) == (None, reason)
    for detail_data, reason in (({"contType": 2}, "not-text"), ({"liveDetail": {"contId": "1"}}, "live"),
                                ({"specialDetail": {"specialInfo": {"name": "专题"}}}, "special")):
        item, = s.parse_detail(detail_response({"name": "x", "content": "<p>正文</p>"}, **detail_data), keywords=[])
        assert (item.article, item.drop_reason) == (None, reason)
    url = "https://www.thepaper.cn/newsDetail_forward_1"
    item, = s.parse_detail(HtmlResponse(url, body=b"<html><body>gone</body></html>", encoding="utf-8",
                                        request=Request(url)), keywords=[])
    assert item.drop_reason == "no-next-data"


def test_search_paging_stops_at_last_page_and_skips_count_once():
    s = spider(page_size=2)
    url = "https://api.thepaper.cn/search/web/news"
    answer = {"data": {"hasNext": True, "list": [
        {"contId": "11", "name": "<font color='red'>催收</font>新规", "pubTimeLong": 1725343500000, "contType": 0},
        {"contId": "12", "name": "视频", "contType": 1}]}}
    following = list(s.search_entries(answer, index=0, page=1))
    assert [json.loads(r.body)["pageNum"] for r in following] == [2]
    answer["data"]["hasNext"] = False
    details = list(s.search_entries(answer, index=0, page=2))
    assert [r.url for r in details] == ["https://www.thepaper.cn/newsDetail_forward_11"]
    assert s.crawler.stats.get_value("lendwatch/dropped/not-text") == 1
    assert plain(answer["data"]["list"][0]["name"]) == "催收新规"


def test_mobile_urls_map_to_the_desktop_page():
    assert canonical_url("https://m.thepaper.cn/detail/28765432?from=wx") == \
        "https://www.thepaper.cn/newsDetail_forward_28765432"


def test_keywords_default_to_the_files(tmp_path):
    path = tmp_path / "s.toml"
    path.write_text('keywords = ["反催收"]\n[[sources]]\nname = "t"\nkind = "thepaper"\n', encoding="utf-8")
    source = load_sources(path).sources[0]
    assert (source.keywords, source.url, source.detail_url) == (["反催收"], "https://api.thepaper.cn",
                                                                 "https://www.thepaper.cn")


def test_busy_reply_is_asked_again_then_counted_and_the_next_keyword_goes_on():
    s = spider(keywords=["催收", "借款"], busy_retries=1, busy_pause=0)
    request = s.search_request(0, 1)
    busy = HtmlResponse(request.url, body=json.dumps({"code": 99998, "desc": "系统繁忙", "data": None}).encode(),
                        encoding="utf-8", request=request)

    def answers(response):  # on a loop of its own, in a thread: another test may leave one running here
        async def collect():
            return [r async for r in s.parse_search(response, index=0, page=1)]
        with ThreadPoolExecutor(1) as pool:
            return pool.submit(asyncio.run, collect()).result()

    (again,) = answers(busy)
    assert json.loads(again.body)["word"] == "催收" and again.meta["retry_times"] == 1
    (following,) = answers(busy.replace(request=again))
    assert json.loads(following.body)["word"] == "借款"  # retries spent: counted, the next keyword searched
    assert s.crawler.stats.get_value("lendwatch/retried/busy-99998") == 1
    assert s.crawler.stats.get_value("lendwatch/errors/busy-99998") == 1
