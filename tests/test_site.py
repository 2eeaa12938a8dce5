"""The static export (``lendwatch site``): pages, counts equal to the database, relative links that resolve,
hostile fields escaped, deterministic and incremental output; and the browse polish (chips, original link)."""

import csv
import hashlib
import html as htmllib
import io
import json
import re
import sqlite3
from pathlib import Path
from urllib.parse import unquote

import pytest
from test_browse import HOSTILE_MARKERS, page

from browser.browse_fixture import HOSTILE_OUTLET, HOSTILE_TITLE, build
from reports import monthly
from reports.browse import static
from lendwatch.db import read_only
from reports.browse.app import BrowseApp
from tests.conftest import run_cli

LINK = re.compile(r'(?:href|src)="([^"]*)"')
TOTAL = re.compile(r'<strong id="total">(\d+)</strong>')


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("site")
    built = build(folder)
    engine = read_only(f"sqlite:///{built['db']}")
    monthly.build(engine, "2024-09", folder, {"html"})
    summary = static.build(engine, built["index"], folder / "out", folder)
    return {**built, "engine": engine, "folder": folder, "out": folder / "out", "summary": summary}


def db(site, sql) -> list:
    with sqlite3.connect(site["db"]) as conn:
        return conn.execute(sql).fetchall()


def read(site, name) -> str:
    return (site["out"] / name).read_text(encoding="utf-8")


def list_rows(site, stem: str) -> tuple[int, list[str]]:
    """A static list's shown total and the article links of all its pages."""
    first = read(site, f"{stem}.html")
    pages = int(re.search(r"第 1 / (\d+) 页", first).group(1)) if "第 1 / " in first else 1
    links = []
    for n in range(1, pages + 1):
        html = read(site, f"{stem}.html" if n == 1 else f"{stem}.{n}.html")
        links += re.findall(r'<a class="title" href="\.\./article/(\d+)\.html">', html)
    return int(TOTAL.search(first).group(1)), links


def fingerprint(out: Path) -> dict[str, str]:
    return {str(p.relative_to(out)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(out.rglob("*"))
            if p.is_file()}


def test_every_article_story_and_snapshot_has_its_page(site):
    ids = [i for (i,) in db(site, "SELECT id FROM articles")]
    assert len(ids) == 152 == site["summary"].articles
    assert all((site["out"] / f"article/{i}.html").is_file() for i in ids)
    stories = [s for (s,) in db(site, "SELECT story_id FROM analyses GROUP BY story_id HAVING count(*) > 1")]
    assert sorted(p.stem for p in (site["out"] / "story").glob("*.html")) == sorted(map(str, stories))
    with_page = {i for (i,) in db(site, "SELECT id FROM articles WHERE page_id IS NOT NULL")}
    assert {int(p.name.split(".")[0]) for p in (site["out"] / "article").glob("*.snapshot.html")} == with_page
    for name in ("index.html", "search.html", "search.js", "search-index.js", "browse.css",
                 "reports/report-2024-09.html", "reports/report-2024-09-files/topics.png"):
        assert (site["out"] / name).is_file(), name


def test_list_counts_equal_the_database(site):
    months = db(site, "SELECT substr(published_at, 1, 7), count(*) FROM articles GROUP BY 1")
    topics = db(site, "SELECT t.value, count(*) FROM analyses, json_each(analyses.topics) t "
                      "WHERE t.value IN ('regulation', 'violent_collection', 'privacy') GROUP BY 1")
    sources = db(site, "SELECT source, count(*) FROM articles GROUP BY 1")
    sentiments = db(site, "SELECT sentiment, count(*) FROM analyses GROUP BY 1")
    cases = ([("month", m, n) for m, n in months] + [("topic", t, n) for t, n in topics]
             + [("source", s, n) for s, n in sources] + [("sentiment", s, n) for s, n in sentiments])
    assert len(cases) == 4 + 3 + 8 + 3
    for kind, value, expected in cases:
        stem = f"{kind}/{static.slug(value)}"
        shown, links = list_rows(site, stem)
        rows = list(csv.DictReader(io.StringIO((site["out"] / f"{stem}.csv").read_text(encoding="utf-8-sig"))))
        assert shown == len(links) == len(set(links)) == len(rows) == expected, stem
    assert read(site, "month/2024-09.2.html").count('<a class="title"') == 70 - 50
    home = read(site, "index.html")
    assert '<a href="month/2024-09.html">2024年9月</a></td><td class="n">70</td>' in home


def test_every_link_is_relative_and_resolves(site):
    checked = 0
    for path in site["out"].rglob("*.html"):
        if path.name.endswith(".snapshot.html"):
            continue
        for link in LINK.findall(path.read_text(encoding="utf-8")):
            if link.startswith(("http://", "https://", "#", "data:image/")):
                continue
            assert not link.startswith(("/", "javascript:")) and "://" not in link, (path, link)
            target = (path.parent / unquote(link.split("#")[0].split("?")[0])).resolve()
            assert target.is_file() and site["out"].resolve() in target.parents, (path, link)
            checked += 1
    assert checked > 2000


def test_report_figures_link_the_matching_static_list_else_the_appendix(site):
    html = read(site, "reports/report-2024-09.html")
    assert '<meta http-equiv="Content-Security-Policy"' in html
    linked = re.findall(r'data-browse="month=2024-08"><a class="n" href="\.\./month/2024-08\.html">(\d+)</a>', html)
    assert linked == [str(list_rows(site, "month/2024-08")[0])] == ["30"]
    assert re.search(r'data-browse="month=2024-09&amp;relevant=1&amp;topic=regulation"><a class="n" href="#f\d+">',
                     html)
    assert "/articles?" not in html


def test_hostile_fields_are_escaped_on_static_pages(site):
    hostile = site["hostile"]
    names = [f"article/{hostile['script']}.html", f"article/{hostile['big']}.html", f"story/{hostile['script']}.html",
             "source/hostile.html", "month/2024-09.html", "index.html",
             f"topic/{static.slug('<script>alert(7)</script>')}.html"]
    for name in names:
        if not (site["out"] / name).exists():
            assert name.startswith("story/")  # a story of one article has no page
            continue
        html = read(site, name)
        for marker in HOSTILE_MARKERS:
            assert marker not in html, (name, marker)
    article = read(site, f"article/{hostile['script']}.html")
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in article and HOSTILE_OUTLET not in article
    assert '原文地址（不是 http/https，未作链接）：</span> <code class="url">javascript:alert(3)</code>' in article
    assert (site["out"] / f"article/{hostile['big']}.html").stat().st_size > 1_000_000
    index = read(site, "search-index.js")
    rows = json.loads(index.removeprefix("window.LENDWATCH_INDEX = ").removesuffix(";\n"))
    assert [r[2:] for r in rows if r[0] == hostile["script"]] == [[HOSTILE_TITLE, HOSTILE_OUTLET]]


def test_pages_carry_a_csp_and_only_the_search_page_loads_a_script(site):
    for path in site["out"].rglob("*.html"):
        html = path.read_text(encoding="utf-8")
        if path.name.endswith(".snapshot.html"):
            assert html.startswith('<meta charset="utf-8"><meta http-equiv="Content-Security-Policy" '
                                   "content=\"default-src 'none';")
            continue
        csp = htmllib.unescape(re.search(r'<meta http-equiv="Content-Security-Policy" content="([^"]*)">', html)[1])
        scripts = re.findall(r"<script[^>]*>", html)
        if path.parent.name == "reports":
            assert scripts == [] and csp.startswith("default-src 'none'; style-src 'unsafe-inline'")
        elif path.name == "search.html":
            assert scripts == ['<script src="search.js" defer>'] and "script-src 'self'" in csp
        else:
            assert scripts == [] and "script-src" not in csp, path


def test_same_database_same_files_and_unchanged_files_are_not_rewritten(site, tmp_path):
    again = static.build(site["engine"], site["index"], tmp_path / "again", site["folder"])
    assert fingerprint(tmp_path / "again") == fingerprint(site["out"])
    before = {p: p.stat().st_mtime_ns for p in (tmp_path / "again").rglob("*.html")}
    rerun = static.build(site["engine"], site["index"], tmp_path / "again", site["folder"])
    assert (rerun.written, rerun.unchanged, rerun.removed) == (0, again.files, 0)
    assert before == {p: p.stat().st_mtime_ns for p in (tmp_path / "again").rglob("*.html")}
    bare = static.build(site["engine"], site["index"], tmp_path / "again", site["folder"], snapshots=False)
    assert bare.removed == 150 and not list((tmp_path / "again").rglob("*.snapshot.html"))
    assert "存档快照未随本静态站点导出" in (tmp_path / "again" / f"article/{site['notice']}.html").read_text("utf-8")


def test_cli_refuses_a_folder_that_is_not_an_export(site, tmp_path):
    (tmp_path / "notes.txt").write_text("keep me", encoding="utf-8")
    result = run_cli("site", "--db", site["db"], "--out", tmp_path, "--reports", site["folder"])
    assert result.returncode == 2 and "--out" in result.stderr and "not empty" in result.stderr
    assert [p.name for p in tmp_path.iterdir()] == ["notes.txt"]
    result = run_cli("site", "--db", site["db"], "--out", tmp_path / "new", "--reports", site["folder"])
    assert result.returncode == 0, result.stderr
    assert "152 articles, 150 snapshots" in result.stdout
    assert fingerprint(tmp_path / "new") == fingerprint(site["out"])


# --- browse polish --------------------------------------------------------------

def test_filter_chips_name_filters_in_chinese(site):
    app = BrowseApp(site["engine"], site["index"], site["folder"])
    html = page(app, "/articles?month=2024-09&topic=regulation&relevant=1&sentiment=negative&region=%E5%8C%97%E4%BA%AC")
    chips = re.findall(r'<a class="chip"[^>]*>([^<]*) ✕</a>', html)
    assert chips == ["月份：2024年9月", "情感：负面", "仅相关", "话题：监管政策", "地区：北京"]


def test_original_link_and_url_are_separated(site):
    app = BrowseApp(site["engine"], site["index"], site["folder"])
    html = page(app, f"/article/{site['notice']}")
    assert re.search(r'>原文链接</a> <code class="url">http://', html)
