"""The browsing site in headless Chromium: search, filter, story, article, original, report figure."""

import re
import sqlite3

from conftest import shot


def _count(site, sql) -> int:
    with sqlite3.connect(site["db"]) as conn:
        return conn.execute(sql).fetchone()[0]


def test_three_clicks_from_query_to_the_original_notice(site, page):
    page.goto(site["base"] + "/")
    page.fill("header input[name=q]", "催收 新规")
    page.fill("header input[name=month]", "2024-09")
    shot(page, "1-home-query")
    page.click("header button[type=submit]")  # click 1
    page.wait_for_url(re.compile(r"/articles\?q="))
    assert page.locator("mark", has_text="催收").count() > 0
    shot(page, "2-results")
    page.locator(f'a[href="/story/{site["notice"]}"]').first.click()  # click 2: the story of a repost
    page.wait_for_url(re.compile(rf"/story/{site['notice']}$"))
    first = page.locator("table.story tr").nth(1)
    assert "关于加强催收管理的通知" in first.inner_text() and "首发" in first.inner_text()
    shot(page, "3-story")
    with page.context.expect_page() as opened:
        first.locator("a.original").click()  # click 3
    original = opened.value
    original.wait_for_load_state()
    assert original.url == f"{site['original_base']}/original/111.html"
    assert "原文页面 /original/111.html" in original.locator("h1").inner_text()


def test_filter_by_facet_then_open_a_story(site, page):
    page.goto(site["base"] + "/articles?month=2024-09&relevant=1")
    before = int(page.inner_text("#total"))
    page.click("aside ul.facet a:text-is('监管政策')")
    page.wait_for_url(re.compile(r"topic=regulation"))
    expected = _count(site, "SELECT count(*) FROM articles a JOIN analyses n ON n.article_id = a.id, "
                            "json_each(n.topics) t WHERE t.value = 'regulation' AND n.relevant = 1 "
                            "AND a.published_at LIKE '2024-09%'")
    assert int(page.inner_text("#total")) == expected < before
    shot(page, "4-filtered")
    page.select_option("select[name=sort]", "reach")
    page.click("form.filters button[type=submit]")
    page.wait_for_url(re.compile(r"sort=reach"))
    page.locator("ol.hits li").first.locator("a[href^='/story/']").click()
    page.wait_for_url(re.compile(r"/story/\d+"))
    dates = page.locator("table.story tr td:first-child").all_inner_texts()
    assert len(dates) > 1 and dates == sorted(dates)
    shot(page, "5-story")


def test_report_figure_leads_to_its_list(site, page):
    page.goto(site["base"] + "/reports")
    page.click("a[href='/reports/report-2024-09.html']")
    page.wait_for_url(re.compile(r"/reports/report-2024-09\.html$"))
    figure = page.locator("span.fig a.n[href='/articles?month=2024-09&relevant=1&topic=regulation']").first
    figure.scroll_into_view_if_needed()
    shown = int(figure.inner_text())
    shot(page, "6-report-figure")
    figure.click()
    page.wait_for_url(re.compile(r"/articles\?month=2024-09&relevant=1&topic=regulation$"))
    expected = _count(site, "SELECT count(*) FROM articles a JOIN analyses n ON n.article_id = a.id, "
                            "json_each(n.topics) t WHERE t.value = 'regulation' AND n.relevant = 1 "
                            "AND a.published_at LIKE '2024-09%'")
    assert int(page.inner_text("#total")) == shown == expected > 0
    shot(page, "6-report-list")


def test_hostile_articles_run_no_script(site, page):
    page.goto(site["base"] + "/articles?source=hostile")
    assert page.locator("ol.hits li").count() == 2
    page.goto(site["base"] + f"/article/{site['hostile']['script']}")
    assert page.locator("h1").inner_text().startswith('<script>alert("t")</script>催收')
    assert page.locator("a.original").count() == 0
    shot(page, "7-hostile")
    page.goto(site["base"] + f"/article/{site['hostile']['big']}")
    assert page.locator("footer").inner_text().startswith("只读浏览（read-only）")
    page.goto(site["base"] + f"/article/{site['notice']}/snapshot")
    assert page.title() != "snapshot script ran"
    assert "SAMPLE DATA" in page.content()


def test_static_site_from_file_url_home_month_article_story(static_site, page):
    page.goto(static_site["home"])
    assert page.locator("link[rel=stylesheet]").count() == 1
    assert page.evaluate("getComputedStyle(document.querySelector('header')).display") == "flex"  # CSS loaded
    page.click("table.months a:text-is('2024年9月')")
    page.wait_for_url(re.compile(r"/month/2024-09\.html$"))
    expected = _count(static_site, "SELECT count(*) FROM articles WHERE published_at LIKE '2024-09%'")
    assert int(page.inner_text("#total")) == expected
    page.click("nav.pages a.next")
    page.wait_for_url(re.compile(r"/month/2024-09\.2\.html$"))
    assert page.locator("ol.hits li").count() == expected - 50
    page.goto(static_site["out"].resolve().as_uri() + "/month/2024-09.html")
    page.locator(f'ol.hits a.title[href="../article/{static_site["notice"]}.html"]').click()
    page.wait_for_url(re.compile(rf"/article/{static_site['notice']}\.html$"))
    assert "关于加强催收管理的通知" in page.locator("h1").inner_text()
    shot(page, "8-static-article")
    page.click("a.story")
    page.wait_for_url(re.compile(rf"/story/{static_site['notice']}\.html$"))
    first = page.locator("table.story tr").nth(1)
    assert "关于加强催收管理的通知" in first.inner_text() and "首发" in first.inner_text()
    shot(page, "9-static-story")


def test_static_search_and_hostile_pages_from_file_url(static_site, page):
    page.goto(static_site["home"])
    page.fill("header input[name=q]", "催收")
    page.click("header button[type=submit]")
    page.wait_for_url(re.compile(r"/search\.html\?q="))
    expected = _count(static_site, "SELECT count(*) FROM articles WHERE title LIKE '%催收%' OR author LIKE '%催收%'")
    page.wait_for_function("document.getElementById('total').textContent !== ''")
    assert int(page.inner_text("#total")) == expected > 0
    assert page.locator("ol#hits li").count() == expected
    hostile = page.locator("ol#hits a.title", has_text="<script>")
    assert hostile.inner_text().startswith('<script>alert("t")</script>催收')
    shot(page, "10-static-search")
    hostile.click()
    page.wait_for_url(re.compile(rf"/article/{static_site['hostile']['script']}\.html$"))
    assert page.locator("a.original").count() == 0
    page.goto(static_site["out"].resolve().as_uri() + f"/article/{static_site['notice']}.snapshot.html")
    assert page.title() != "snapshot script ran" and "SAMPLE DATA" in page.content()
    page.goto(static_site["out"].resolve().as_uri() + "/reports/report-2024-09.html")
    assert page.locator("a[href^='javascript:']").count() == 0  # the report links only http(s) URLs


def test_september_stories_about_a_term_in_three_clicks(site, page):
    """Which stories about 爆通讯录 appeared in September 2024, who reported first, which platforms were named?"""
    page.goto(site["base"] + "/")
    page.fill("header input[name=q]", "爆通讯录")
    page.fill("header input[name=month]", "2024-09")
    page.click("header button[type=submit]")  # click 1: the articles
    page.wait_for_url(re.compile(r"/articles\?q="))
    page.click("a.view-stories")  # click 2: the same search by story
    page.wait_for_url(re.compile(r"/stories\?q="))
    rows = page.locator("table.stories tr").all_inner_texts()[1:]
    september = _count(site, "SELECT count(DISTINCT n.story_id) FROM articles a JOIN analyses n "
                             "ON n.article_id = a.id WHERE a.published_at LIKE '2024-09%' "
                             "AND (a.text LIKE '%爆通讯录%' OR a.text LIKE '%爆通訊錄%' OR a.title LIKE '%爆通訊錄%')")
    assert len(rows) == int(page.inner_text("#total")) == september
    assert any(r.startswith("新规之下网贷逾期还会被爆通讯录吗？") and "示例财经号" in r for r in rows)
    hefei = next(r for r in rows if r.startswith("合肥警方打掉一暴力催收团伙"))
    assert "示例新闻网\n2024-09-10 09:30" in hefei and "共 4 篇" in hefei
    shot(page, "8-stories")
    page.locator("table.stories a.story", has_text="合肥警方打掉一暴力催收团伙").click()  # click 3: the story
    page.wait_for_url(re.compile(r"/story/\d+$"))
    first = page.locator("table.story tr").nth(1).inner_text()
    assert "示例新闻网" in first and "首发" in first
    assert page.locator("p.platforms").inner_text().startswith("点名的平台/机构：")
    assert page.locator("svg.timeline rect").count() == 3  # three days: 10, 11 and 12 September
    shot(page, "9-story-spread")
