"""Monthly report figures open the browsing site's filtered lists, each with the report's count."""

import html as htmllib
import re

import pytest
from test_browse import get, page, total
from test_report import build_fixture_db

from reports import monthly
from reports.browse import index
from lendwatch.db import read_only
from reports.browse.app import BrowseApp, link_figures
from reports.filters import list_path

FIGURE = re.compile(r'<span class="fig" data-browse="([^"]*)"><a class="n"( href="[^"]*")?>([\d,]+)</a></span>')


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report-browse")
    build_fixture_db(folder / "lendwatch.db").dispose()
    engine = read_only(f"sqlite:///{folder / 'lendwatch.db'}")
    monthly.build(engine, "2024-09", folder, {"html"})
    index.update(engine, folder / "lendwatch.browse.sqlite")
    return folder, BrowseApp(engine, folder / "lendwatch.browse.sqlite", folder)


def test_report_file_keeps_appendix_links_and_names_each_filter(served):
    folder, _ = served
    html = (folder / "report-2024-09.html").read_text(encoding="utf-8")
    figures = FIGURE.findall(html)
    assert "/articles?" not in html  # the file stays valid offline: numbers link to its appendix
    by_filter = {}
    for query, href, value in figures:
        by_filter.setdefault(query, set()).add((bool(re.fullmatch(r' href="#f\d+"', href)), value))
    assert by_filter["month=2024-09&amp;relevant=1&amp;topic=regulation"] == {(True, "2"), (False, "2")}  # 监管政策
    assert by_filter["month=2024-09&amp;relevant=1&amp;lender=%E7%A4%BA%E4%BE%8B%E8%B4%B7"] == {(True, "2")}  # 示例贷
    assert by_filter["month=2024-08"] == {(False, "6")}  # previous month: a list link only, no appendix here
    assert len(figures) >= 30


def test_every_figure_link_lists_as_many_articles_as_it_counts(served):
    _, app = served
    report = page(app, "/reports/report-2024-09.html")
    figures = FIGURE.findall(report)
    assert len(figures) >= 30
    kinds = set()
    for query, href, value in figures:
        url = list_path(htmllib.unescape(query))
        assert href == f' href="{htmllib.escape(url)}"'
        assert total(page(app, url)) == int(value.replace(",", "")), url
        kinds.update(k for k, _ in (p.split("=", 1) for p in url.split("?", 1)[1].split("&")))
    assert kinds >= {"month", "relevant", "topic", "sentiment", "from", "to", "lender", "outlet", "story", "source"}
    stories = [v for q, _, v in figures if q.startswith("stories?")]
    assert stories == ["9"]  # 报道事件 opens the list of September's 9 stories, not of its 12 articles


def test_link_figures_touches_only_figure_markup():
    body = (b'<span class="fig" data-browse="month=2024-09&amp;relevant=1"><a class="n" href="#f2">12</a></span>'
            b'<span class="fig" data-browse="source=s"><a class="n">3</a></span><a class="n" href="#f9">4</a>')
    assert link_figures(body) == (
        b'<span class="fig" data-browse="month=2024-09&amp;relevant=1"><a class="n" href="/articles?month=2024-09'
        b'&amp;relevant=1">12</a></span><span class="fig" data-browse="source=s"><a class="n" href="/articles?'
        b'source=s">3</a></span><a class="n" href="#f9">4</a>')


def test_report_served_by_browse_is_listed(served):
    _, app = served
    assert 'href="/reports/report-2024-09.html"' in page(app, "/reports")
    assert get(app, "/reports/report-2024-09.html")[1]["Content-Security-Policy"].startswith("default-src 'none'")
