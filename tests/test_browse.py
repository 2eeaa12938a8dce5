"""The browsing site: Chinese search, filters, views, CSV, safety with hostile articles, read-only."""

import csv
import io
import re
import sqlite3
import subprocess
import sys
import time
from urllib.parse import quote
from wsgiref.util import setup_testing_defaults

import pytest
from sqlalchemy import text

from browser.browse_fixture import HOSTILE_OUTLET, HOSTILE_TITLE, build
from crawler import store
from lendwatch.db import connect, migrate, read_only
from lendwatch.records import ArticleRecord
from lendwatch.textnorm import search_form
from reports.browse import index
from reports.browse.app import BrowseApp
from reports.browse.search import QueryError, fts_query, highlight, term_pattern
from tests.conftest import pg_database

REPORT = ('<html><body><p>SAMPLE report</p><a id="fig" href="/articles?month=2024-09&amp;topic=regulation">12</a>'
          '</body></html>')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("browse")
    built = build(folder)
    (folder / "report-2024-09.html").write_text(REPORT, encoding="utf-8")
    app = BrowseApp(read_only(f"sqlite:///{built['db']}"), built["index"], folder, bind="127.0.0.1:0")
    return {**built, "app": app, "folder": folder}


@pytest.fixture(scope="module")
def pg_site(tmp_path_factory):
    """The same site on PostgreSQL: its search runs on PostgreSQL's full-text indexes."""
    with pg_database() as url:
        folder = tmp_path_factory.mktemp("browse-pg")
        built = build(folder, url=url)
        engine = read_only(url)
        yield {**built, "app": BrowseApp(engine, built["index"], folder, bind="127.0.0.1:0")}
        engine.dispose()


def get(app, path, method="GET"):
    path, _, query = path.partition("?")
    environ = {"PATH_INFO": path, "QUERY_STRING": query, "REQUEST_METHOD": method}
    setup_testing_defaults(environ)
    answer = {}
    body = b"".join(app(environ, lambda status, headers: answer.update(status=status, headers=dict(headers))))
    return int(answer["status"][:3]), answer["headers"], body


def page(app, path) -> str:
    status, _, body = get(app, path)
    assert status == 200, body[:500]
    return body.decode("utf-8")


def total(html: str) -> int:
    return int(re.search(r'<strong id="total">(\d+)</strong>', html).group(1))


def db_rows(site, sql):
    with sqlite3.connect(site["db"]) as conn:
        return conn.execute(sql).fetchall()


# --- query language ----------------------------------------------------------

def test_queries_become_fts5_phrases():
    assert fts_query("催收") == '"催 收"'
    assert fts_query('催收 新规') == '"催 收" AND "新 规"'
    assert fts_query('"十项 禁止" P2P平台') == '"十 项 禁 止" AND "p2p 平 台"'
    assert fts_query('say "hi') == '"say" AND "hi"'
    with pytest.raises(QueryError):
        fts_query(' " ，。 ')


def test_queries_are_normalised_and_support_exclusion_or_and_phrases():
    assert fts_query("網(wǎng)貸") == fts_query("網貸") == fts_query("网贷") == '"网 贷"'
    assert fts_query("ＡＰＰ") == '"app"'
    assert fts_query("催收 -新规") == '"催 收" NOT "新 规"'
    assert fts_query('催收 -"十项禁止"') == '"催 收" NOT "十 项 禁 止"'
    assert fts_query("网贷 催收 OR 追债") == '"网 贷" AND ("催 收" OR "追 债")'
    assert fts_query("催收 AND 新规") == fts_query("催收 新规")
    for query, message in [("催收 (新规)", "不支持的搜索语法"), ("催*", "不支持的搜索语法"), ("title:催收", "不支持"),
                           ("催收 NOT 新规", "不支持"), ("OR 催收", "OR"), ("催收 OR", "OR"), ("-催收", "只有排除词"),
                           ("催收 OR -新规", "排除词"), (" ".join(["催收"] * 21), "太多")]:
        with pytest.raises(QueryError, match=message):
            fts_query(query)


def test_highlight_marks_traditional_text_found_by_a_simplified_query():
    marked = str(highlight("新規(guī)之下網(wǎng)貸逾期還會被爆通訊錄嗎？", term_pattern("网贷 爆通讯录")))
    assert marked == "新規(guī)之下<mark>網(wǎng)貸</mark>逾期還會被<mark>爆通訊錄</mark>嗎？"


def test_highlight_escapes_and_marks():
    assert str(highlight("<b>催收，新规</b>", term_pattern('"催收新规"'))) == "&lt;b&gt;<mark>催收，新规</mark>&lt;/b&gt;"


# --- search and filters ---------------------------------------------------------

def _contains(site, *needles) -> int:
    """Articles whose title or text holds every needle, in either script."""
    rows = db_rows(site, "SELECT title, text FROM articles")
    return sum(all(n in search_form(f"{t}\n{x}") for n in needles) for t, x in rows)


def test_two_character_query_finds_exactly_its_articles(site):
    html = page(site["app"], "/articles?q=" + quote("逾期"))
    assert total(html) == _contains(site, "逾期") > 5
    assert "<mark>逾期</mark>" in html


def test_phrase_and_and_queries(site):
    assert total(page(site["app"], "/articles?q=" + quote('"十项禁止性行为"'))) == _contains(site, "十项禁止性行为") > 0
    both = total(page(site["app"], "/articles?q=" + quote("催收 新规")))
    assert both == _contains(site, "催收", "新规") > 0


def test_filters_match_the_database(site):
    app = site["app"]
    month = db_rows(site, "SELECT count(*) FROM articles WHERE published_at LIKE '2024-09%'")[0][0]
    assert total(page(app, "/articles?month=2024-09")) == month
    days = db_rows(site, "SELECT count(*) FROM articles WHERE published_at >= '2024-09-10' "
                         "AND published_at < '2024-09-16'")[0][0]
    assert total(page(app, "/articles?from=2024-09-10&to=2024-09-15")) == days
    topic = db_rows(site, "SELECT count(*) FROM analyses, json_each(analyses.topics) WHERE value = 'privacy'")[0][0]
    assert total(page(app, "/articles?topic=privacy")) == topic
    negative = db_rows(site, "SELECT count(*) FROM analyses WHERE sentiment = 'negative' AND relevant = 1")[0][0]
    assert total(page(app, "/articles?sentiment=negative&relevant=1")) == negative
    region = db_rows(site, "SELECT count(*) FROM analyses, json_each(analyses.entities, '$.regions') "
                           "WHERE value = '北京市'")[0][0]
    assert total(page(app, "/articles?region=" + quote("北京市"))) == region > 0
    source = db_rows(site, "SELECT count(*) FROM articles WHERE source = 'sample-nfra'")[0][0]
    assert total(page(app, "/articles?source=sample-nfra")) == source > 0


def test_sort_by_reach_puts_the_biggest_story_first(site):
    biggest = db_rows(site, "SELECT count(*) FROM analyses GROUP BY story_id ORDER BY 1 DESC LIMIT 1")[0][0]
    html = page(site["app"], "/articles?sort=reach")
    first = re.search(r'<ol class="hits".*?</li>', html, re.S).group()
    assert f"同一事件共 {biggest} 篇（首发 1 篇，转载 {biggest - 1} 篇）" in first


def test_bad_parameters_are_clear_errors(site):
    for path, param in [("/articles?month=2024-13", "月份（month）：“2024-13”不是月份"),
                        ("/articles?sort=size", "排序（sort）"), ("/articles?from=yesterday", "从（from）：“yesterday”不是日期"),
                        ("/articles?page=0", "页码（page）"), ("/articles?q=" + quote("，。"), "没有可搜的字词"),
                        ("/articles?story=" + "1" + "0" * 22, "报道事件（story）"),
                        ("/articles?q=" + "催" * 201, "搜索（q）：太长"), ("/articles?outlet=" + "x" * 201, "太长"),
                        ("/articles?q=" + quote("催收 -新规 OR 网贷"), "排除词")]:
        status, _, body = get(site["app"], path)
        assert status == 400 and param in body.decode("utf-8"), path


# --- views and export -------------------------------------------------------------

def test_article_view_links_original_snapshot_and_evidence(site):
    notice = site["notice"]
    html = page(site["app"], f"/article/{notice}")
    url = db_rows(site, f"SELECT url FROM articles WHERE id = {notice}")[0][0]
    assert "关于加强催收管理的通知" in html
    assert f'<a class="original" href="{url}"' in html
    assert f'href="/article/{notice}/snapshot"' in html
    assert '<mark class="ev" title="' in html
    assert "监管政策" in html


def test_snapshot_is_sandboxed(site):
    status, headers, body = get(site["app"], f"/article/{site['notice']}/snapshot")
    assert status == 200 and b"SAMPLE DATA" in body
    assert headers["Content-Security-Policy"].startswith("sandbox;")
    assert "script-src" not in headers["Content-Security-Policy"]


def test_story_view_lists_reposts_earliest_first(site):
    story_id, size = db_rows(site, "SELECT story_id, count(*) FROM analyses GROUP BY 1 ORDER BY 2 DESC LIMIT 1")[0]
    html = page(site["app"], f"/story/{story_id}")
    dates = re.findall(r"<tr><td>(\d{4}-\d\d-\d\d \d\d:\d\d)</td>", html)
    assert len(dates) == size and dates == sorted(dates)


def test_csv_export_holds_the_whole_result_set(site):
    status, headers, body = get(site["app"], "/articles.csv?month=2024-09&relevant=1")
    rows = list(csv.DictReader(io.StringIO(body.decode("utf-8-sig"))))
    expected = db_rows(site, "SELECT count(*) FROM articles JOIN analyses ON article_id = id "
                             "WHERE published_at LIKE '2024-09%' AND relevant = 1")[0][0]
    assert status == 200 and headers["Content-Type"].startswith("text/csv")
    assert len(rows) == expected > 50  # more than one page
    assert {r["relevant"] for r in rows} == {"1"}


def test_reports_are_listed_and_served_and_nothing_else(site):
    assert 'href="/reports/report-2024-09.html"' in page(site["app"], "/reports")
    status, headers, body = get(site["app"], "/reports/report-2024-09.html")
    assert status == 200 and b'href="/articles?month=2024-09&amp;topic=regulation"' in body
    for path in ("/reports/../lendwatch.db", "/reports/lendwatch.db", "/reports/report-2024-09.html/x"):
        assert get(site["app"], path)[0] == 404


# --- safety -------------------------------------------------------------------

HOSTILE_MARKERS = ("<script>alert", "<img src=x", "<svg onload", "<b>", 'href="javascript:')


@pytest.mark.parametrize("path", ["/articles?month=2024-09", "/articles?q=%E5%82%AC%E6%94%B6&sort=oldest",
                                  "/articles?source=hostile", "/article/{script}", "/article/{big}",
                                  "/story/{script}", "/articles?region=%3Csvg+onload%3Dalert(8)%3E",
                                  "/articles?q=%3Cscript%3E"])
def test_hostile_fields_are_escaped(site, path):
    html = page(site["app"], path.format(**site["hostile"]))
    for marker in HOSTILE_MARKERS:
        assert marker not in html, marker
    assert "只读" in html


def test_hostile_article_shows_its_fields_as_text(site):
    html = page(site["app"], f"/article/{site['hostile']['script']}")
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in html
    assert "&#34;&gt;&lt;img src=x onerror=alert(2)&gt;" in html
    assert "原文地址（不是 http/https，未作链接）" in html and "<code class=\"url\">javascript:alert(3)</code>" in html
    assert HOSTILE_TITLE not in html and HOSTILE_OUTLET not in html


def test_one_megabyte_body_renders(site):
    started = time.perf_counter()
    status, headers, body = get(site["app"], f"/article/{site['hostile']['big']}")
    assert status == 200 and len(body) > 1_000_000
    assert time.perf_counter() - started < 5
    assert "script-src" not in headers["Content-Security-Policy"] and "default-src 'none'" in headers[
        "Content-Security-Policy"]


# --- read-only ------------------------------------------------------------------

def test_site_is_read_only(site):
    status, headers, _ = get(site["app"], "/articles", method="POST")
    assert status == 405 and headers["Allow"] == "GET, HEAD"
    engine = read_only(f"sqlite:///{site['db']}")
    with pytest.raises(Exception, match="readonly"):
        with engine.begin() as conn:
            conn.execute(text("DELETE FROM articles"))
    assert db_rows(site, "SELECT count(*) FROM articles")[0][0] == 152


def test_index_updates_incrementally(tmp_path):
    db = tmp_path / "lendwatch.db"
    engine = connect(str(db))
    migrate(engine)
    record = ArticleRecord(canonical_url="http://127.0.0.1:9/a", url="http://127.0.0.1:9/a", source="s",
                           text="借款人遭遇暴力催收", extraction_version="t", title="标题一")
    store.save_article(engine, record)
    path = index.default_path(f"sqlite:///{db}")
    assert path == tmp_path / "lendwatch.browse.sqlite"
    assert index.update(engine, path).added == 1
    store.save_article(engine, ArticleRecord(**{**record.__dict__, "canonical_url": "http://127.0.0.1:9/b"}))
    summary = index.update(engine, path)
    assert (summary.added, summary.unchanged, summary.fulltext_rebuilt) == (1, 1, False)
    store.save_article(engine, ArticleRecord(**{**record.__dict__, "text": "协商还款"}))
    summary = index.update(engine, path)
    assert (summary.updated, summary.fulltext_rebuilt) == (1, True)
    with sqlite3.connect(path) as conn:
        match = lambda q: [r[0] for r in conn.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (q,))]  # noqa
        assert match(fts_query("催收")) == [2] and match(fts_query("协商")) == [1]


def test_cli_binds_loopback_and_says_read_only(site):
    process = subprocess.Popen([sys.executable, "-m", "lendwatch", "browse", "--db", str(site["db"]),
                                "--port", "0"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        lines = [process.stdout.readline(), process.stdout.readline()]
    finally:
        process.terminate()
        process.wait(timeout=10)
    assert lines[0].startswith("search index ") and "152 unchanged" in lines[0]
    assert re.match(r"browsing site \(read-only\) at http://127\.0\.0\.1:\d+/", lines[1])


def test_repost_links_its_story_and_the_story_original(site):
    story_id, repost = db_rows(site, "SELECT story_id, max(article_id) FROM analyses "
                                     "WHERE story_id != article_id GROUP BY story_id ORDER BY count(*) DESC LIMIT 1")[0]
    first_id, first_url = db_rows(site, "SELECT a.id, a.url FROM articles a JOIN analyses n ON n.article_id = a.id "
                                        f"WHERE n.story_id = {story_id} ORDER BY a.published_at, a.id LIMIT 1")[0]
    html = page(site["app"], f"/article/{repost}")
    assert f'<a class="first" href="/article/{first_id}">' in html
    assert f'<a class="original-first" href="{first_url}"' in html and f'href="/story/{story_id}"' in html
    assert 'class="origin"' not in page(site["app"], f"/article/{first_id}")


LISTS = ["/articles?q=催收", "/articles?q=暴力催收", '/articles?q="催收 新规"', "/articles?q=催收+通讯录",
         "/articles?q=网贷&month=2024-09", "/articles?q=催收&page=2", "/articles?q=催收&sentiment=negative&sort=oldest",
         "/articles?q=app", "/articles?q=收", "/articles?q=没有这个词语",
         "/stories?q=催收", "/stories?q=網貸&sort=reach", "/stories?q=催收+-通讯录&month=2024-09"]


def listed(app, path) -> tuple[int, list[str]]:
    html = page(app, path)
    return total(html), re.findall(r'href="/(?:article|story)/(\d+)', html)


@pytest.mark.parametrize("path", LISTS)
def test_postgresql_search_finds_what_the_sqlite_index_finds(site, pg_site, path):
    found = listed(pg_site["app"], path)
    assert found == listed(site["app"], path)
    assert found[0] > 0 or "没有" in path


def test_postgresql_search_feeds_match_the_sqlite_index(site, pg_site):
    for path in ("/articles.atom?q=催收", "/stories.atom?q=网贷"):
        body = get(pg_site["app"], path)[2]
        assert body == get(site["app"], path)[2] and b"<entry>" in body


def test_postgresql_search_csv_and_errors(site, pg_site):
    status, _, body = get(pg_site["app"], "/articles.csv?q=app")
    assert status == 200 and body == get(site["app"], "/articles.csv?q=app")[2]
    assert get(pg_site["app"], '/articles?q=""')[0] == 400


# --- the search form, on both backends ---------------------------------------------------------

FORM_ARTICLES = {  # id: (title, text)
    1: ("網路借貸平臺暴力催收", "借款人稱，催收員多次致電。"),
    2: ("停催通知", "平台宣布停催”，收取服务费另计。"),
    3: ("网贷新规", "监管部门发布催收新规，APP不得读取通讯录。"),
    4: ("催收", "网贷平台(wǎng)调整。"),
    5: ("标题以借", "贷结尾：标题和正文之间不连成词。"),
}
FORM_QUERIES = {
    "网贷": [3, 4], "網貸": [3, 4], "网路借贷": [1], "網路借貸平臺": [1], "催收": [1, 3, 4], '"催收 新规"': [3], "暴力催收": [1], "借贷": [1],
    "app": [3], "APP 通讯录": [3], "催收 -新规": [1, 4], "停催 OR 新规": [2, 3], "停催 OR 新规 -通讯录": [2],
    "催收 网贷 OR 停催": [3, 4], "平台调整": [4],
    "收取服务费": [2], "员多次致电": [1],
}


def search_form_ids(db_url, tmp_path) -> dict[str, list[int]]:
    """Each of FORM_QUERIES's ids, as the backend's browse search finds them."""
    from reports.browse import pgsearch

    engine = connect(db_url)
    migrate(engine)
    for i, (title, text) in FORM_ARTICLES.items():
        url = f"http://127.0.0.1:9/{i}"
        store.save_article(engine, ArticleRecord(canonical_url=url, url=url, source="s", title=title, text=text,
                                                 extraction_version="t"))
    if engine.dialect.name == "postgresql":
        found = {q: pgsearch.matching_ids(engine, q).tolist() for q in FORM_QUERIES}
    else:
        index.update(engine, tmp_path / "index.sqlite")
        with sqlite3.connect(tmp_path / "index.sqlite") as conn:
            found = {q: sorted(r[0] for r in conn.execute("SELECT rowid FROM fts WHERE fts MATCH ?", (fts_query(q),)))
                     for q in FORM_QUERIES}
    engine.dispose()
    return found


def test_search_applies_the_search_form_on_both_backends(db_url, tmp_path):
    """Traditional = Simplified, glosses out, punctuation and the title's end a barrier, phrases whole."""
    assert search_form_ids(db_url, tmp_path) == FORM_QUERIES


def test_postgresql_search_follows_the_article_text(pg_url):
    """The search row is written with the article and replaced with its text; a writer that changes
    the text behind the store's back leaves the article unfound rather than found by its old text."""
    from sqlalchemy import text, update

    from lendwatch import schema
    from reports.browse.pgsearch import matching_ids

    engine = connect(pg_url)
    migrate(engine)
    record = ArticleRecord(canonical_url="http://127.0.0.1:9/a", url="http://127.0.0.1:9/a", source="s",
                           title="标题", text="借款人遭遇暴力催收", extraction_version="t")
    store.save_article(engine, record)
    assert matching_ids(engine, "催收").tolist() == [1]
    store.save_article(engine, ArticleRecord(**{**record.__dict__, "text": "協商還款"}))
    assert (matching_ids(engine, "催收").tolist(), matching_ids(engine, "协商").tolist()) == ([], [1])
    with engine.begin() as conn:
        conn.execute(update(schema.articles).values(text="暴力催收"))
        assert conn.execute(text("SELECT count(*) FROM article_search")).scalar() == 0
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM articles"))
    engine.dispose()
