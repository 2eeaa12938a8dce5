"""The journalist's desk in the browsing site: search in either script with -/OR, results by story, the
story's spread, Atom feeds, the friction fixes and the hardening of issue 17 item 10."""

import json
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

import feedparser
import pytest

from browser.browse_fixture import build
from lendwatch.db import read_only
from lendwatch.textnorm import search_form
from reports.browse import server
from reports.browse.app import BrowseApp

ATOM = "{http://www.w3.org/2005/Atom}"
RFC3339 = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)")
STORY_SHOWN = "新规之下网贷逾期还会被爆通讯录吗？"  # 新規(guī)之下網(wǎng)貸…: the display form lists and feeds print


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("desk")
    built = build(folder)
    return {**built, "app": BrowseApp(read_only(f"sqlite:///{built['db']}"), built["index"], bind="127.0.0.1:0")}


def get(app, path, method="GET", raw_query=None):
    path, _, query = path.partition("?")
    environ = {"PATH_INFO": path, "QUERY_STRING": raw_query if raw_query is not None else query,
               "REQUEST_METHOD": method}
    setup_testing_defaults(environ)
    answer = {}
    body = b"".join(app(environ, lambda status, headers: answer.update(status=status, headers=dict(headers))))
    return int(answer["status"][:3]), answer["headers"], body


def page(app, path) -> str:
    status, _, body = get(app, path)
    assert status == 200, body[:800].decode("utf-8", "replace")
    return body.decode("utf-8")


def total(html: str) -> int:
    return int(re.search(r'<strong id="total">(\d+)</strong>', html).group(1))


def db_rows(site, sql, args=()):
    with sqlite3.connect(site["db"]) as conn:
        return conn.execute(sql, args).fetchall()


def matching(site, test) -> set[int]:
    """Ids of the articles whose normalised title and text pass ``test``."""
    return {i for i, t, x in db_rows(site, "SELECT id, title, text FROM articles") if test(search_form(f"{t}\n{x}"))}


# --- search over normalised text ------------------------------------------------------------

def test_traditional_and_simplified_queries_find_the_same_articles(site):
    simplified, traditional = (page(site["app"], "/articles?q=" + quote(q)) for q in ("网贷", "網貸"))
    assert total(simplified) == total(traditional) == len(matching(site, lambda t: "网贷" in t))
    raw = "爆通讯录"
    html = page(site["app"], "/articles?month=2024-09&q=" + quote(raw))
    assert total(html) == len(matching(site, lambda t: raw in t) & {
        i for i, in db_rows(site, "SELECT id FROM articles WHERE published_at LIKE '2024-09%'")})
    # titles are listed in their display form (Simplified, glosses out); only the query is marked
    assert "新规之下<mark>网贷</mark>" not in html
    assert "还会被<mark>爆通讯录</mark>吗" in html


def test_exclusion_and_or_change_the_results_as_written(site):
    collect, rule = (lambda t: "催收" in t), (lambda t: "新规" in t)
    both = matching(site, lambda t: collect(t) and rule(t))
    assert total(page(site["app"], "/articles?q=" + quote("催收 -新规"))) == len(matching(site, collect) - both) > 0
    assert total(page(site["app"], "/articles?q=" + quote("新规 OR 协商还款"))) == len(
        matching(site, lambda t: rule(t) or "协商还款" in t)) > len(matching(site, rule))
    status, _, body = get(site["app"], "/articles?q=" + quote("催收 (新规)"))
    assert status == 400 and "不支持的搜索语法" in body.decode("utf-8")


def test_a_raw_utf8_query_string_is_read_as_utf8(site):
    raw = "q=网贷&outlet=示例新闻网".encode("utf-8").decode("latin-1")  # as WSGI hands over unescaped bytes
    html = get(site["app"], "/articles", raw_query=raw)[2].decode("utf-8")
    assert total(html) == total(page(site["app"], "/articles?q=%E7%BD%91%E8%B4%B7&outlet=" + quote("示例新闻网"))) > 0
    assert 'value="网贷"' in html


# --- results by story -----------------------------------------------------------------------

def test_stories_list_one_row_per_story_with_first_report_and_counts(site):
    html = page(site["app"], "/stories?month=2024-09&q=" + quote("爆通讯录"))
    september = {i for i, in db_rows(site, "SELECT id FROM articles WHERE published_at LIKE '2024-09%'")}
    hits = matching(site, lambda t: "爆通讯录" in t) & september
    stories = {s for s, in db_rows(site, f"SELECT DISTINCT story_id FROM analyses WHERE article_id IN "
                                         f"({','.join(map(str, hits))})")}
    assert total(html) == len(stories) == len(re.findall(r'<a class="story" href="/story/\d+">', html))
    assert STORY_SHOWN in html
    hefei = re.search(r'<a class="story" href="/story/(\d+)">合肥警方打掉一暴力催收团伙.*?</tr>', html, re.S)
    first_id, = db_rows(site, "SELECT min(id) FROM articles WHERE title LIKE '合肥警方打掉一暴力催收团伙%'")[0]
    size = db_rows(site, "SELECT count(*) FROM analyses WHERE story_id = ?", (int(hefei.group(1)),))[0][0]
    assert int(hefei.group(1)) == first_id and size == 4
    assert "示例新闻网<br>2024-09-10 09:30" in hefei.group() and "共 4 篇<br>（首发 1 篇，转载 3 篇）" in hefei.group()
    assert "4 家" in hefei.group() and "2024-09-10 — 2024-09-12" in hefei.group() and "合肥市" in hefei.group()


def test_stories_sort_by_reach_and_articles_switch_to_stories(site):
    html = page(site["app"], "/stories?sort=reach&relevant=1")
    sizes = [int(n) for n in re.findall(r"共 (\d+) 篇<br>", html)]
    assert sizes == sorted(sizes, reverse=True) and sizes[0] > 1
    articles = page(site["app"], "/articles?relevant=1&month=2024-09")
    assert '<a class="view-stories" href="/stories?month=2024-09&amp;relevant=1">按报道事件列出</a>' in articles


def test_story_page_shows_spread_and_names(site):
    story = db_rows(site, "SELECT story_id FROM analyses GROUP BY 1 ORDER BY count(*) DESC, 1 LIMIT 1")[0][0]
    html = page(site["app"], f"/story/{story}")
    days = db_rows(site, "SELECT substr(a.published_at, 1, 10), count(*) FROM articles a JOIN analyses n "
                         "ON n.article_id = a.id WHERE n.story_id = ? GROUP BY 1 ORDER BY 1", (story,))
    assert len(re.findall(r"<rect ", html)) == len(days)
    assert [tuple(r) for r in re.findall(r"<tr><td>(\d{4}-\d\d-\d\d)</td><td class=\"n\">(\d+)</td>", html)] == [
        (d, str(n)) for d, n in days]
    lenders = {name for entities, in db_rows(site, "SELECT entities FROM analyses WHERE story_id = ?", (story,))
               for name in json.loads(entities or "{}").get("lenders", [])}
    assert "首发 1 篇，转载" in html
    assert all(f">{name}</a>" in html for name in lenders) if lenders else "点名的平台/机构：（未识别到）" in html
    named = page(site["app"], "/story/17")  # a story whose article names two lenders
    assert re.search(r'点名的平台/机构：<a href="/stories\?lender=[^"]+">招联消费金融</a>（1 篇）', named)


# --- feeds -------------------------------------------------------------------------------------

def _valid_atom(body: bytes) -> ET.Element:
    """RFC 4287's required elements, checked on the parsed XML (feedparser is lenient)."""
    feed = ET.fromstring(body)
    assert feed.tag == ATOM + "feed"
    for element in [feed, *feed.findall(ATOM + "entry")]:
        for name in ("id", "title", "updated"):
            assert len(element.findall(ATOM + name)) == 1, (element.tag, name)
        assert RFC3339.fullmatch(element.find(ATOM + "updated").text)
        assert element.find(ATOM + "id").text.startswith("tag:lendwatch,2024:")
        assert element.find(ATOM + "author") is not None or element is not feed
        assert element.find(ATOM + "link[@rel='alternate']").get("href").startswith("http://")
    assert feed.find(ATOM + "link[@rel='self']") is not None
    return feed


@pytest.mark.parametrize("path", ["/articles.atom?q=" + quote("网贷"), "/stories.atom?q=" + quote("爆通讯录"),
                                  "/articles.atom?source=hostile", "/stories.atom", "/articles.atom?q=" + quote("无此词语")])
def test_feeds_are_valid_atom(site, path):
    status, headers, body = get(site["app"], path)
    assert status == 200 and headers["Content-Type"] == "application/atom+xml; charset=utf-8"
    feed = _valid_atom(body)
    parsed = feedparser.parse(body)
    assert not parsed.bozo, parsed.get("bozo_exception")
    ids = [e.id for e in parsed.entries]
    assert len(ids) == len(set(ids)) == len(feed.findall(ATOM + "entry")) <= 50


def test_feeds_list_the_newest_and_pages_link_them(site):
    parsed = feedparser.parse(get(site["app"], "/stories.atom?month=2024-09&q=" + quote("爆通讯录"))[2])
    titles = [e.title for e in parsed.entries]
    assert STORY_SHOWN in titles and titles[0] == STORY_SHOWN  # 2024-09-17, the latest
    assert parsed.entries[0].link.endswith("/story/120")
    articles = feedparser.parse(get(site["app"], "/articles.atom?q=" + quote("网贷"))[2])
    times = [e.updated_parsed for e in articles.entries]
    assert times == sorted(times, reverse=True)
    for path in ("/articles?q=" + quote("网贷"), "/stories?q=" + quote("网贷")):
        html = page(site["app"], path)
        kind = path[1:path.index("?")]
        assert f'<link rel="alternate" type="application/atom+xml" title="订阅这个列表（Atom）" href="/{kind}.atom?q=' in html
        assert f'<a class="feed" href="/{kind}.atom?q=' in html


# --- friction --------------------------------------------------------------------------------

def test_filters_name_outlet_and_source_and_offer_their_values(site):
    html = page(site["app"], "/articles?topic=regulation&topic=privacy")
    assert "发布方（刊发文章的媒体）" in html and "采集源（本库的采集渠道）" in html
    outlets = dict(db_rows(site, "SELECT d.outlet, count(*) FROM (SELECT coalesce(a.author, a.source) AS outlet "
                                 "FROM articles a JOIN analyses n ON n.article_id = a.id WHERE EXISTS (SELECT 1 "
                                 "FROM json_each(n.topics) t WHERE t.value = 'regulation') AND EXISTS (SELECT 1 FROM "
                                 "json_each(n.topics) t WHERE t.value = 'privacy')) d GROUP BY 1"))
    select = re.search(r'<select name="outlet">.*?</select>', html, re.S).group()
    assert dict(re.findall(r'<option value="([^"]+)">[^<]*（(\d+)）</option>', select)) == {
        k: str(v) for k, v in outlets.items()}
    assert re.search(r'<input type="checkbox" name="topic" value="regulation" checked>', html)
    assert re.search(r'<input type="checkbox" name="topic" value="privacy" checked>', html)
    assert 'type="hidden" name="topic"' not in html  # the topics are in their control, not hidden
    assert "来源 sample-" not in html and "采集源 sample-" in html


def test_evidence_is_deduplicated_and_in_words(site):
    html = page(site["app"], "/article/31")
    assert "[催收+" not in html and "p2p_context:" not in html and "催收＋亲友或同事" in html
    evidence = re.findall(r"<li>([^<]+)</li>", re.search(r'<section class="tags">.*?</section>', html, re.S).group())
    topics = re.search(r'<section class="tags">.*?情感依据', html, re.S).group()
    listed = re.findall(r"<li>([^<]+)</li>", topics)
    assert evidence and len(listed) == len(set(listed))


def test_snapshot_links_lead_to_the_original_site(site):
    url, = db_rows(site, "SELECT url FROM articles WHERE id = ?", (site["notice"],))[0]
    status, _, body = get(site["app"], f"/article/{site['notice']}/snapshot")
    assert status == 200 and body.startswith(f'<base href="{url}">'.encode())


def test_messages_are_in_chinese(site):
    for path in ("/articles?month=2024-9", "/articles?sentiment=angry", "/nothing", "/article/999999"):
        status, _, body = get(site["app"], path)
        message = re.search(r'<p class="error">(.*?)</p>', body.decode("utf-8")).group(1)
        assert status in (400, 404) and re.search(r"[\u4e00-\u9fff]{4}", message), message
        assert not re.search(r"\b(is not|expected|not found)\b", message), message


# --- issue 17 item 10 ------------------------------------------------------------------------

def test_story_ids_out_of_range_or_zero_are_refused(site):
    assert get(site["app"], "/articles?story=" + "1" + "0" * 22)[0] == 400
    assert get(site["app"], "/story/0")[0] == 404
    assert get(site["app"], "/articles?story=0")[0] == 400


def test_a_huge_query_is_refused_with_a_small_page(site):
    status, _, body = get(site["app"], "/articles?q=" + "催" * 60_000)
    assert status == 400 and len(body) < 5_000 and "太长" in body.decode("utf-8")


def test_head_sends_the_length_get_would(site):
    for path in ("/", "/articles?q=" + quote("网贷"), "/stories.atom", "/nothing"):
        get_status, get_headers, body = get(site["app"], path)
        head_status, head_headers, empty = get(site["app"], path, method="HEAD")
        assert (head_status, empty) == (get_status, b"")
        assert head_headers["Content-Length"] == get_headers["Content-Length"] == str(len(body))


def test_idle_connections_are_closed(site, monkeypatch):
    monkeypatch.setattr(server._Handler, "timeout", 0.5)
    httpd = server.make(site["app"], "127.0.0.1", 0, quiet=True)
    import threading

    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        with socket.create_connection(("127.0.0.1", httpd.server_port)) as idle:
            idle.sendall(b"GET / HT")  # half a request line, then silence
            idle.settimeout(5)
            started = time.perf_counter()
            assert idle.recv(100) == b""  # the server hung up
            assert time.perf_counter() - started < 3
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_ipv6_loopback_is_served(site):
    if not socket.has_ipv6:
        pytest.skip("no IPv6")
    try:
        httpd = server.make(site["app"], "::1", 0, quiet=True)
    except OSError as exc:
        pytest.skip(f"no IPv6 loopback here: {exc}")
    import threading
    import urllib.request

    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    try:
        assert urllib.request.urlopen(f"http://[::1]:{httpd.server_port}/").status == 200
    finally:
        httpd.shutdown()
        httpd.server_close()


def test_cli_warns_when_bound_beyond_loopback(site):
    process = subprocess.Popen([sys.executable, "-m", "lendwatch", "browse", "--db", str(site["db"]),
                                "--host", "0.0.0.0", "--port", "0"],
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        warning = process.stderr.readline()
        process.stdout.readline()
        started = process.stdout.readline()
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert warning.startswith("警告：--host 0.0.0.0 不是本机回环地址") and "0.0.0.0" in started


def test_cli_refuses_a_database_from_a_newer_schema(site, tmp_path):
    newer = tmp_path / "newer.db"
    shutil.copy(site["db"], newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    done = subprocess.run([sys.executable, "-m", "lendwatch", "browse", "--db", str(newer), "--port", "0"],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 2 and "9999" in done.stderr and "请升级 lendwatch" in done.stderr
