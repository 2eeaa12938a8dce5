"""Kind ``tousu`` (黑猫投诉): signature, replica, a full crawl into ``complaints``, the 456 ban, re-crawls."""

import hashlib
import json
import sqlite3

from crawler.spiders.tousu import api_payload, clean, complaint_url, parse_amount, signed_query
from crawler.spiders.tousu import SALT, signature
from lendwatch.sandbox.replicas.base import Request
from lendwatch.sandbox.replicas.tousu import SAMPLE_COOKIE, SAMPLE_COOKIE_ENV, SOURCES, TousuReplica, load
from tests.conftest import local_sources, run_cli, shared_sample



def rows(db, sql, *args):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql, args).fetchall()


def replica_of(site) -> TousuReplica:
    return next(r for r in site.replicas if isinstance(r, TousuReplica))


def write_sources(tmp_path, site, text=SOURCES):
    return local_sources(tmp_path / "tousu.toml", text, site.base_url)


SEARCH_HEADERS = {"Cookie": SAMPLE_COOKIE}


def api_get(replica, query: dict, path="/tousu/api/index/feed", headers=None) -> dict:
    if headers is None and path.endswith("/s"):
        headers = {**SEARCH_HEADERS, "Referer": f"{replica.root}/index/search/?keywords=x&t=1"}
    page = replica.handle(Request("GET", path, {k: str(v) for k, v in query.items()}, b"", headers or {}, 1))
    return api_payload(page.body)


def test_signature_of_a_known_input():
    expected = hashlib.sha256(b"$d6eb7ff91ee257475%11101700000000000abcdefghijklmnop").hexdigest()
    assert signature(SALT, 10, "1700000000000", 1, 1, "abcdefghijklmnop") == expected
    assert expected == "827dd18a27c47743f003268d8d781a50e60c99b130c600e733e1ed927bc13877"


def test_replica_checks_signatures_like_the_site():
    replica = TousuReplica("http://127.0.0.1:9")
    good = signed_query(SALT, 10, 1, feed_type=1)
    answer = api_get(replica, good)
    assert answer["result"]["status"]["code"] == 0
    assert len(answer["result"]["data"]["lists"]) == 10
    assert answer["result"]["data"]["pager"] == {"current": 1, "page_amount": 3, "item_count": 24}
    assert "样例数据" in answer["sample_notice"]
    assert api_get(replica, {**good, "page": 2})["result"]["status"] == {"code": 1, "msg": "签名错误"}
    assert api_get(replica, {**good, "signature": "0" * 64}) == {"result": {"status": {"code": 1, "msg": "签名错误"}}}
    wrong_salt = signed_query("P0tk894Tcxi4t%S$", 10, 1, keyword="爆通讯录")
    assert api_get(replica, wrong_salt, "/tousu/api/index/s")["result"]["status"]["code"] == 1
    search = api_get(replica, {**signed_query(SALT, 10, 1, keyword="爆通讯录"), "callback": "cb"},
                     "/tousu/api/index/s")
    assert {e["main"]["sn"] for e in search["result"]["data"]["lists"]} == {"17354010002", "17354010009", "17354010021"}


def test_complaint_urls_are_desktop_pages_without_query():
    assert complaint_url("https://tousu.sina.cn", "//tousu.sina.cn/complaint/view/17390396995/?sld=1d3d") == \
        "https://tousu.sina.com.cn/complaint/view/17390396995/"
    assert complaint_url("https://tousu.sina.com.cn/", "/complaint/view/42") == \
        "https://tousu.sina.com.cn/complaint/view/42/"
    assert complaint_url("https://tousu.sina.com.cn", "//tousu.sina.com.cn/company/view/1/") is None
    assert [parse_amount(t) for t in ("1,280.50元", "1.2万元", "0.00元", "未填写")] == [1280.5, 12000.0, 0.0, None]


def test_crawl_stores_each_complaint_once_with_its_record(tmp_path, sample_site):
    sources, db = write_sources(tmp_path, sample_site), tmp_path / "tousu.db"
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    base = sample_site.base_url
    assert rows(db, "select count(*) from articles") == [(len(load()),)] == [(24,)]
    assert rows(db, "select count(*) from complaints") == [(24,)]
    # found by three feed types and a search, each complaint page is fetched once
    details = {p: n for p, n in sample_site.hits.items() if "/complaint/view/" in p}
    assert len(details) == 24 and set(details.values()) == {1}
    calls = replica_of(sample_site).calls
    assert sorted((q.get("type"), q["page"]) for p, q in calls if p.endswith("/feed")) == [
        ("1", "1"), ("1", "2"), ("1", "3"), ("2", "1"), ("2", "2"), ("3", "1")]
    assert all(q["field"] == "48" for p, q in calls if p.endswith("/feed"))
    assert [q["keywords"] for p, q in calls if p.endswith("/s")] == ["爆通讯录"]

    article = rows(db, "select url, title, author, published_at, text, source from articles a "
                       "join complaints c on c.article_id = a.id where c.complaint_id = '17354010012'")[0]
    assert article[:4] == (f"{base}/tousu/complaint/view/17354010012/", "鑫盛资产管理催收员PS我的照片发到亲友群",
                           "匿名", "2024-09-08T11:22:00+08:00")
    assert article[4].splitlines() == [
        "我在某借款平台的欠款被转给鑫盛资产管理催收，催收员把我的照片PS成通缉令发到老家亲友群里，还附上了我的身份证号。",
        "这已经侵犯个人隐私和名誉，要求立即停止并道歉。",
        "投诉对象：鑫盛资产管理", "投诉问题：暴力催收", "投诉要求：停止骚扰,删除照片,道歉", "涉诉金额：7800.00元",
        "投诉进度：已回复"]
    assert article[5] == "sample-tousu"
    record = rows(db, "select platform, company, issue, appeal, amount, status, filed_at, timeline "
                      "from complaints where complaint_id = '17354010012'")[0]
    assert record[:7] == ("heimao", "鑫盛资产管理", "暴力催收", "停止骚扰,删除照片,道歉", 7800.0, "已回复",
                          "2024-09-08T11:22:00+08:00")
    assert json.loads(record[7]) == [
        {"date": "2024-09-08T11:22:00+08:00", "actor": "匿名", "status": "发起投诉"},
        {"date": "2024-09-08T16:45:00+08:00", "actor": "黑猫投诉", "status": "审核通过"},
        {"date": "2024-09-11T09:58:00+08:00", "actor": "鑫盛资产管理", "status": "商家已回复"}]
    assert rows(db, "select amount, status from complaints where complaint_id in ('17354010021', '17354010024') "
                    "order by complaint_id") == [(None, "已回复"), (0.0, "已回复")]
    assert rows(db, "select count(*) from articles where published_at like '2024-09%'") == [(12,)]
    assert rows(db, "select count(*) from articles where extra like '%code-red%' or title like '%code-red%'") == [(0,)]
    # the feed's numeric statuses never stored: every status is the complaint page's words
    assert {r[0] for r in rows(db, "select status from complaints")} <= {"处理中", "已回复", "已完成"}
    searches = [h for path, h in sample_site.requests_seen if path == "/tousu/api/index/s"]
    assert searches and all(h["Referer"].startswith(f"{base}/tousu/index/search/?keywords=")
                            and "SUB=" in h["Cookie"] and "SUBP=" in h["Cookie"] for h in searches)

    again = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert again.returncode == 0, again.stderr
    assert {p: n for p, n in sample_site.hits.items() if "/complaint/view/" in p} == details
    assert again.stdout.splitlines()[1].split()[2:4] == ["0", "0"]  # new, updated
    assert rows(db, "select count(*) from complaints") == [(24,)]


def test_http_456_stops_the_source_without_retry(tmp_path, sample_site):
    text = SOURCES.replace("feed_types = [1, 2, 3]", "feed_types = [9]").replace(
        'keywords = ["爆通讯录"]', "max_pages = 5")
    sources, db = write_sources(tmp_path, sample_site, text), tmp_path / "ban.db"
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert result.returncode == 1
    assert "http-456 1" in result.stdout.splitlines()[1]
    assert "banned this crawler; source stopped" in result.stderr
    pages = [q["page"] for p, q in replica_of(sample_site).calls if p.endswith("/feed")]
    assert pages == ["1", "2"]  # the banned page is not retried, nothing is asked after it
    counts = json.loads(rows(db, "select counts from crawl_runs")[0][0])
    assert counts["sample-tousu"]["errors"] == {"http-456": 1}


def test_search_entries_cleaned_and_numeric_status_dropped():
    main = clean({"title": '催收<span class="code-red">爆通讯录</span>', "cotitle": '<span class="code-red">某</span>贷',
                  "summary": "无高亮", "status": 4})
    assert (main["title"], main["cotitle"], main["summary"], main["status"]) == ("催收爆通讯录", "某贷", "无高亮", None)
    assert clean({"status": "7"})["status"] is None and clean({"status": "已完成"})["status"] == "已完成"


def test_search_without_the_session_cookie_is_counted_not_silent(tmp_path, sample_site):
    text = SOURCES.replace("feed_types = [1, 2, 3]", "feed_types = [3]")
    sources, db = write_sources(tmp_path, sample_site, text), tmp_path / "nologin.db"
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet", env={SAMPLE_COOKIE_ENV: ""})
    assert result.returncode == 1
    assert "search-login-required 1" in result.stdout.splitlines()[1]
    assert f"environment variable {SAMPLE_COOKIE_ENV} holds no cookies" in result.stderr


def test_403_is_backed_off_and_retried_like_429():
    from crawler.spiders.tousu import TousuSpider
    assert 403 in TousuSpider.custom_settings["RETRY_HTTP_CODES"] and 429 in TousuSpider.custom_settings["RETRY_HTTP_CODES"]


def test_real_search_cards_link_to_canonical_complaint_pages():
    """Three real 黑猫投诉 search cards (../shared/data/heimao-samples, from Wpandios/HeimaoData): their
    links (with a ?sld= token) map to the desktop complaint page the spider stores them under."""
    cards = json.loads(shared_sample("heimao-samples", "heimao_search_cards_Wpandios_HeimaoData_example_data.json")
                       .read_text(encoding="utf-8"))
    urls = [complaint_url("https://tousu.sina.com.cn", card["href"]) for card in cards]
    assert urls == [f"https://tousu.sina.com.cn/complaint/view/{n}/" for n in ("17390396995", "17391181466", "17390205379")]
