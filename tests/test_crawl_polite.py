"""Polite crawling: retries wait (backoff, Retry-After), the progress display, the bulk replica."""

import json
import os
import pty
import re
import sqlite3
import subprocess
import sys
import time
from collections import defaultdict
from datetime import datetime, timedelta, timezone
from email.utils import format_datetime

import pytest
from scrapy.settings import Settings

from crawler.extract import extract
from crawler.retry import BackoffRetryMiddleware, retry_after
from lendwatch.commands.sample import demo_sources
from lendwatch.sandbox.replicas import bulk
from lendwatch.sandbox.replicas.base import Request
from tests.conftest import ROOT, run_cli

CRAWL = "[crawl]\ndelay = 0\nconcurrency = 4\nautothrottle = false\nallow_private = true\n"


def retry_source(base_url: str, allow: str) -> str:
    return CRAWL + f"""
[[sources]]
name = "retry"
kind = "listing"
url = "{base_url}/bulk/retry/list.html"
allow = '{allow}'
"""


def record_times(site) -> dict[str, list[float]]:
    """When the server was asked for each path (monotonic seconds)."""
    times = defaultdict(list)
    respond = site.respond

    def timed(request):
        times[request.path].append(time.monotonic())
        return respond(request)

    site.respond = timed
    return times


def gaps(moments: list[float]) -> list[float]:
    return [b - a for a, b in zip(moments, moments[1:])]


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


# --- Retry-After and backoff, without a crawl --------------------------------

def test_retry_after_reads_seconds_and_http_dates():
    now = datetime(2024, 9, 3, 6, 0, 0, tzinfo=timezone.utc)
    assert retry_after(b"1", now) == 1.0
    assert retry_after(" 120 ", now) == 120.0
    assert retry_after(format_datetime(now + timedelta(seconds=30), usegmt=True), now) == 30.0
    assert retry_after("Tue, 03 Sep 2024 05:59:00 GMT", now) == 0.0  # in the past: no wait
    assert retry_after("-5", now) == 0.0
    for unreadable in (None, b"", "soon", "nan"):
        assert retry_after(unreadable, now) is None


def test_backoff_doubles_and_is_capped_but_server_asks_win():
    settings = Settings({"RETRY_ENABLED": True, "RETRY_BACKOFF_BASE": 1.5, "RETRY_BACKOFF_MAX": 5})
    middleware = BackoffRetryMiddleware(settings)
    assert [middleware.delay(n, None) for n in (1, 2, 3, 4)] == [1.5, 3.0, 5.0, 5.0]
    assert middleware.delay(1, 4.0) == 4.0


# --- against the sample server -------------------------------------------------

def test_retries_wait_for_retry_after_and_back_off(tmp_path, sample_site):
    times = record_times(sample_site)
    sources = tmp_path / "retry.toml"
    sources.write_text(retry_source(sample_site.base_url, r"/bulk/retry/(429-1|503x2|429-date|429-120)/"),
                       encoding="utf-8")
    db = tmp_path / "retry.db"
    result = run_cli("crawl", "--sources", sources, "--db", db, timeout=120)
    # the page whose Retry-After (120 s) is over the cap is given up: an error, exit 1
    assert result.returncode == 1, result.stderr
    assert {p: len(t) for p, t in times.items() if "/bulk/retry/" in p and p.count("/") > 3} == {
        "/bulk/retry/429-1/a.html": 2, "/bulk/retry/503x2/b.html": 3, "/bulk/retry/429-date/c.html": 2,
        "/bulk/retry/429-120/e.html": 1}
    (after_429,) = gaps(times["/bulk/retry/429-1/a.html"])
    assert 1.0 <= after_429 < 3.0  # Retry-After: 1
    first, second = gaps(times["/bulk/retry/503x2/b.html"])
    assert 1.0 <= first < 2.0 <= second < 4.0  # backoff 1 s, then 2 s
    (after_date,) = gaps(times["/bulk/retry/429-date/c.html"])
    assert 0.9 <= after_date < 3.0  # an HTTP date 2 s ahead, to the second
    stored = rows(db, "select url from articles order by url")
    assert [re.sub(r"^https?://[^/]+", "", u) for (u,) in stored] == [
        "/bulk/retry/429-1/a.html", "/bulk/retry/429-date/c.html", "/bulk/retry/503x2/b.html"]
    assert re.search(r"^retry .* - / http-429 1  \(retried http-429 2, http-503 2; waited \d", result.stdout, re.M)
    counts = json.loads(rows(db, "select counts from crawl_runs")[0][0])["retry"]
    assert counts["retried"] == {"http-429": 2, "http-503": 2}
    assert counts["errors"] == {"http-429": 1}
    assert counts["backoff_seconds"] >= 1 + 1 + 2 + 1
    # not --quiet and not a TTY: progress lines per source on stderr, the last one with the final counts
    progress = re.findall(r"^retry: (\d+) pages, (\d+) articles$", result.stderr, re.M)
    assert len(progress) >= 2  # one after a second, one at the end
    # robots.txt, the list, then a 2 + b 3 + c 2 + e 1 fetches
    assert progress[-1] == ("10", "3")


def test_retries_give_up_after_retry_times_with_growing_waits(tmp_path, sample_site):
    times = record_times(sample_site)
    sources = tmp_path / "giveup.toml"
    sources.write_text(retry_source(sample_site.base_url, "/bulk/retry/503x9/"), encoding="utf-8")
    db = tmp_path / "giveup.db"
    script = ("import sys; from crawler.runner import crawl; from lendwatch import db\n"
              "from crawler.config import load_sources\n"
              "engine = db.connect(sys.argv[1]); db.migrate(engine)\n"
              "_, results = crawl(engine, load_sources(sys.argv[2]), quiet=True,\n"
              "                   overrides={'RETRY_BACKOFF_BASE': 0.2})\n"
              "print(results['retry'].errors, results['retry'].retried)")
    result = subprocess.run([sys.executable, "-c", script, f"sqlite:///{db}", str(sources)], cwd=ROOT,
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "{'http-503': 1} {'http-503': 3}"
    waits = gaps(times["/bulk/retry/503x9/d.html"])
    assert len(waits) == 3  # RETRY_TIMES retries, then the page fails
    for expected, waited in zip((0.2, 0.4, 0.8), waits):
        assert expected <= waited < expected + 1.0
    assert rows(db, "select count(*) from articles") == [(0,)]


def test_progress_on_a_tty_rewrites_one_line(tmp_path, sample_site):
    sources = tmp_path / "tty.toml"
    sources.write_text(CRAWL + bulk.listing_source(sample_site.base_url, 20), encoding="utf-8")
    leader, follower = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "lendwatch", "crawl", "--sources", str(sources),
                             "--db", str(tmp_path / "tty.db")], stdout=subprocess.PIPE,
                            stderr=follower, cwd=ROOT)
    os.close(follower)
    output = b""
    while True:
        try:
            chunk = os.read(leader, 4096)
        except OSError:  # the child closed the terminal
            break
        if not chunk:
            break
        output += chunk
    os.close(leader)
    stdout, _ = proc.communicate(timeout=120)
    assert proc.returncode == 0, output.decode(errors="replace")
    text = output.decode()
    # the line is redrawn in place (\r ... erase to end of line) and ended once, at the end
    assert text.endswith("\rbulk: 22 pages, 20 articles\x1b[K\r\n"), text  # the terminal adds \r to \n
    assert "bulk" in stdout.decode()


# --- the bulk replica ------------------------------------------------------------

def test_bulk_replica_is_off_in_the_demo_and_its_pages_extract():
    assert bulk.SOURCES == ""
    assert "/bulk/" not in demo_sources("http://127.0.0.1:1")
    page = bulk.article_page(7)
    found = extract(page.body, declared_encoding="utf-8")
    title, paragraphs = bulk.article_text(7)
    assert found.title == title and found.text == "\n".join(paragraphs)
    assert found.published_at == bulk.published(7)
    assert 1200 <= len(found.text) <= 1900
    assert "样例数据".encode() in page.body  # marked as sample data


def test_bulk_list_pages_link_every_article_once():
    n = 120
    links, k = [], 1
    while (page := bulk.list_page(n, k)) is not None:
        links += re.findall(r"href='(/bulk/120/a/\d+\.html)'", page.body.decode())
        k += 1
    assert k - 1 == 3 and len(links) == n == len(set(links))
    assert b"class='next'" not in bulk.list_page(n, 3).body


@pytest.mark.parametrize("path,status", [("/bulk/5/a/6.html", None), ("/bulk/5/a/5.html", 200),
                                         ("/bulk/retry/unknown/x.html", None)])
def test_bulk_replica_routes(path, status):
    page = bulk.BulkReplica("http://127.0.0.1:1").handle(Request.parse("GET", path, b"", {}, 1))
    assert (page.status if page else None) == status
