"""Interrupted crawls: killed at several points (during paging too), the next runs find exactly the
articles of an uninterrupted crawl; SIGTERM ends a run as ``interrupted``; a run left ``running``
by a dead process is marked ``interrupted`` by the next run."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time

from tests.conftest import run_cli

LISTINGS = """
[crawl]
allow_private = true
delay = {delay}
concurrency = 1
autothrottle = false

[[sources]]
name = "sample-people"
kind = "listing"
url = "{base}/people/GB/1004/index.html"
allow = '/people/n1/\\d{{4}}/\\d{{4}}/c\\d+-\\d+\\.html$'
next = "a.next"
max_pages = 50

[[sources]]
name = "sample-farm"
kind = "listing"
url = "{base}/farm/list_1.html"
allow = '/farm/article/\\d+\\.html$'
next = 'list_\\d+\\.html$'
max_pages = 50
"""


def rows(db, sql):
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def articles(db) -> set[str]:
    return {url for (url,) in rows(db, "select canonical_url from articles")}


def sources_file(path, base, delay):
    path.write_text(LISTINGS.format(base=base, delay=delay), encoding="utf-8")
    return path


def crawl_until(sources, db, pages: int, sig=signal.SIGKILL) -> subprocess.Popen:
    """Start a crawl and send ``sig`` once ``pages`` pages are stored in all; returns the process."""
    proc = subprocess.Popen([sys.executable, "-m", "lendwatch", "crawl", "--sources", str(sources),
                             "--db", str(db), "--quiet"], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.05)
        try:
            if rows(db, "select count(*) from pages")[0][0] >= pages:
                break
        except sqlite3.OperationalError:
            continue
    assert proc.poll() is None, "the crawl should still be running when it is stopped"
    proc.send_signal(sig)
    proc.wait(timeout=60)
    return proc


def recrawl_hits(site, sources, db) -> set[str]:
    """The paths a re-run of the crawl into ``db`` requests."""
    before = dict(site.hits)
    run_cli("crawl", "--sources", sources, "--db", db, "--quiet")
    return {p for p in site.hits if site.hits[p] != before.get(p)}


def test_crawl_killed_at_several_points_finds_every_article(tmp_path, sample_site):
    whole = tmp_path / "whole.db"
    fast = sources_file(tmp_path / "fast.toml", sample_site.base_url, 0)
    run_cli("crawl", "--sources", fast, "--db", whole, "--quiet")
    expected = articles(whole)
    assert len(expected) > 40

    db = tmp_path / "killed.db"
    slow = sources_file(tmp_path / "slow.toml", sample_site.base_url, 0.05)
    for stored in (2, 8, 20):  # the first during the first list pages, later ones deeper in paging
        crawl_until(slow, db, rows(db, "select count(*) from pages")[0][0] + stored if db.exists() else stored)
    assert len(articles(db)) < len(expected)
    statuses = [s for (s,) in rows(db, "select status from crawl_runs order by id")]
    assert statuses == ["interrupted", "interrupted", "running"]  # each run closed the dead one before it

    run_cli("crawl", "--sources", slow, "--db", db, "--quiet")
    assert articles(db) == expected
    assert rows(db, "select status from crawl_runs order by id desc limit 1") == [("done",)]
    # settled: a further run pages exactly as far as a re-run of the uninterrupted crawl
    assert recrawl_hits(sample_site, fast, db) == recrawl_hits(sample_site, fast, whole)


def test_sigterm_ends_the_run_as_interrupted_and_the_next_run_resumes(tmp_path, sample_site):
    whole = tmp_path / "whole.db"
    run_cli("crawl", "--sources", sources_file(tmp_path / "f.toml", sample_site.base_url, 0),
            "--db", whole, "--quiet")
    db = tmp_path / "term.db"
    slow = sources_file(tmp_path / "slow.toml", sample_site.base_url, 0.05)
    proc = crawl_until(slow, db, 6, signal.SIGTERM)
    assert proc.returncode == 1
    assert "interrupted" in proc.stderr.read().decode()
    status, counts = rows(db, "select status, counts from crawl_runs")[0]
    assert status == "interrupted"
    assert not any(c.get("finished") for c in json.loads(counts).values())
    run_cli("crawl", "--sources", slow, "--db", db, "--quiet")
    assert articles(db) == articles(whole)


def test_a_running_run_of_a_live_process_is_left_alone(tmp_path, sample_site):
    db = tmp_path / "live.db"
    fast = sources_file(tmp_path / "fast.toml", sample_site.base_url, 0)
    run_cli("crawl", "--sources", fast, "--db", db, "--quiet")
    lease = {"host": os.uname().nodename, "pid": os.getpid()}
    with sqlite3.connect(db) as conn:
        conn.execute("insert into crawl_runs (started_at, status, sources, counts) values "
                     "('2024-01-01T00:00:00+00:00', 'running', '[]', ?)", (json.dumps({"@process": lease}),))
        conn.execute("insert into crawl_runs (started_at, status, sources, counts) values "
                     "('2024-01-01T00:00:00+00:00', 'running', '[]', '{}')")
    run_cli("crawl", "--sources", fast, "--db", db, "--quiet")
    assert [s for (s,) in rows(db, "select status from crawl_runs order by id")] == [
        "done", "running", "interrupted", "done"]
