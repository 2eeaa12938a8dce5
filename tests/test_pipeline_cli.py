"""The stage commands on one small crawl: reextract, analyze, export, run."""

import csv
import json
import sqlite3

import pytest

from lendwatch.sandbox.articles import load
from reports.export import EXPORT_COLUMNS
from tests.conftest import run_cli

SOURCES = """
[crawl]
allow_private = true
delay = 0
autothrottle = false

[[sources]]
name = "sample-gov"
kind = "sitemap"
url = "{base}/gov/sitemap.xml"
allow = "/gov/zwgk/"
"""


@pytest.fixture
def crawled(tmp_path, sample_site):
    sources = tmp_path / "gov.toml"
    sources.write_text(SOURCES.format(base=sample_site.base_url), encoding="utf-8")
    db = tmp_path / "gov.db"
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    assert result.returncode == 0, result.stderr
    return sources, db


def query(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def test_reextract_restores_text_from_stored_pages(crawled, sample_site):
    _, db = crawled
    count = query(db, "select count(*) from articles")[0][0]
    with sqlite3.connect(db) as conn:
        conn.execute("update articles set text = 'damaged', text_hash = 'x' where id = 1")
    hits_before = dict(sample_site.hits)
    result = run_cli("reextract", "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines() == [f"unchanged: {count - 1}, updated: 1", "changed month: 0"]
    assert query(db, "select text from articles where id = 1")[0][0] != "damaged"
    assert sample_site.hits == hits_before  # nothing fetched


def test_reextract_counts_articles_that_change_month_and_keeps_extra(crawled):
    _, db = crawled
    month, source, extra = query(
        db, "select substr(published_at, 1, 7), date_source, extra from articles where id = 2")[0]
    assert source and source != "none"
    with sqlite3.connect(db) as conn:
        conn.execute("update articles set published_at = '2001-01-01T00:00:00+08:00' where id = 2")
    result = run_cli("reextract", "--db", db)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1] == "changed month: 1"
    assert query(db, "select substr(published_at, 1, 7), extra from articles where id = 2")[0] == (month, extra)


def test_analyze_then_export_and_run(crawled, tmp_path):
    sources, db = crawled
    result = run_cli("analyze", "--db", db)
    assert result.returncode == 0, result.stderr
    articles = query(db, "select count(*) from articles")[0][0]
    assert result.stdout.startswith(f"analysed {articles}, already up to date 0, failed 0")
    again = run_cli("analyze", "--db", db)
    assert again.stdout.startswith(f"analysed 0, already up to date {articles}")

    lines = run_cli("export", "--db", db, "--month", "2024-09").stdout.splitlines()
    records = [json.loads(line) for line in lines]
    september = query(db, "select count(*) from articles where published_at like '2024-09%'")[0][0]
    assert len(records) == september > 0
    assert list(records[0]) == list(EXPORT_COLUMNS)
    assert all(r["published_at"].startswith("2024-09") for r in records)

    out = tmp_path / "relevant.csv"
    result = run_cli("export", "--db", db, "--format", "csv", "--relevant-only", "--out", out)
    assert result.returncode == 0 and result.stdout == ""
    with out.open(encoding="utf-8-sig") as handle:
        rows = list(csv.DictReader(handle))
    relevant = query(db, "select count(*) from analyses where relevant")[0][0]
    assert len(rows) == relevant and all(r["relevant"] == "1" for r in rows)

    result = run_cli("run", "--sources", sources, "--db", db, "--month", "2024-09",
                     "--out", tmp_path / "reports", "--quiet")
    assert result.returncode == 0, result.stderr
    assert "analysed 0 articles" in result.stdout
    assert (tmp_path / "reports" / "report-2024-09.md").exists()


def test_since_skips_older_articles(tmp_path, sample_site):
    sources = tmp_path / "gov.toml"
    sources.write_text(SOURCES.format(base=sample_site.base_url), encoding="utf-8")
    db = tmp_path / "since.db"
    result = run_cli("crawl", "--sources", sources, "--db", db, "--quiet", "--since", "2024-09-01")
    assert result.returncode == 0, result.stderr
    dates = [r[0] for r in query(db, "select published_at from articles")]
    assert dates and min(dates) >= "2024-09-01"
    older = sum(1 for a in load() if a.site == "gov" and a.published.isoformat() < "2024-09-01")
    assert f"before-since {older}" in result.stdout
    bad = run_cli("crawl", "--sources", sources, "--db", db, "--since", "2024-13-01")
    assert bad.returncode == 2 and "--since" in bad.stderr
