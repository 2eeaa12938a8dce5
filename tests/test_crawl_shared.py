"""Crawl workers sharing one Redis: the work is split, each page fetched once, a killed worker
loses nothing."""

import os
import re
import signal
import subprocess
import sys
import threading
import time
import uuid

import pytest
from sqlalchemy import create_engine, text

from lendwatch import db
from lendwatch.sandbox.articles import load
from tests.conftest import ROOT

REDIS = os.environ.get("LENDWATCH_TEST_REDIS", "redis://127.0.0.1:6379/0")
SUMMARY = re.compile(r"^(\S+)\s+(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s", re.M)


@pytest.fixture
def redis_url():
    """The test Redis, or a skip (a failure with ``LENDWATCH_REQUIRE_REDIS=1``)."""
    import redis

    try:
        redis.Redis.from_url(REDIS).ping()
    except Exception as exc:
        if os.environ.get("LENDWATCH_REQUIRE_REDIS") == "1":
            pytest.fail(f"Redis required (LENDWATCH_REQUIRE_REDIS=1) but unreachable at {REDIS}: {exc}")
        pytest.skip(f"no Redis at {REDIS}: {exc}")
    return REDIS


@pytest.fixture
def shared_sources(tmp_path, sample_site, redis_url):
    """A sources file of one slow RSS source under a name of its own (its Redis keys are this
    test's), and the number of articles it holds; the keys are removed after."""
    import redis

    name = f"shared-{uuid.uuid4().hex[:8]}"
    path = tmp_path / "shared.toml"
    path.write_text(f"""
[crawl]
allow_private = true
delay = 0.25
concurrency = 2
autothrottle = false
redis = "{redis_url}"
[[sources]]
name = "{name}"
kind = "rss"
url = "{sample_site.base_url}/chinanews/rss/finance.xml"
""", encoding="utf-8")
    yield path, name, len([a for a in load() if a.site == "chinanews"])
    server = redis.Redis.from_url(redis_url)
    for key in server.scan_iter(f"lendwatch:{name}:*"):
        server.delete(key)


def worker(sources, db, **kwargs) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "lendwatch", "crawl", "--sources", str(sources),
                             "--db", db, "--quiet"], cwd=ROOT, text=True, **kwargs)


def count(url: str, sql: str):
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            return conn.execute(text(sql)).scalar()
    finally:
        engine.dispose()


def article_hits(site) -> dict[str, int]:
    return {p: n for p, n in site.hits.items() if p.startswith("/chinanews/cj/")}


def test_two_workers_split_the_crawl_and_fetch_each_page_once(shared_sources, pg_url, sample_site):
    sources, name, expected = shared_sources
    workers = [worker(sources, pg_url, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [w.communicate(timeout=240) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    new = [int(SUMMARY.search(out).group(3)) for out, _ in outputs]
    assert sum(new) == expected and min(new) > 0, new  # both worked, nothing stored twice
    assert count(pg_url, "select count(distinct canonical_url) from articles") == expected
    hits = article_hits(sample_site)
    assert len(hits) == expected and set(hits.values()) == {1}  # every page once, across both


def test_two_workers_together_keep_the_site_delay(shared_sources, pg_url, sample_site):
    """Every request start at the site, from either worker, comes at least the delay after the last."""
    sources, name, expected = shared_sources
    delay = 0.4
    sources.write_text(sources.read_text(encoding="utf-8").replace("delay = 0.25", f"delay = {delay}"),
                       encoding="utf-8")
    moments, respond = [], sample_site.respond
    sample_site.respond = lambda request: moments.append(time.monotonic()) or respond(request)
    workers = [worker(sources, pg_url, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [w.communicate(timeout=240) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    new = [int(SUMMARY.search(out).group(3)) for out, _ in outputs]
    assert sum(new) == expected and min(new) > 0, new  # both fetched articles
    gaps = [b - a for a, b in zip(moments, moments[1:])]
    assert len(moments) > expected and min(gaps) >= delay - 0.1, sorted(gaps)[:5]  # 0.1 s: arrival jitter


def test_two_workers_together_keep_the_site_concurrency(shared_sources, pg_url, sample_site):
    """With ``concurrency = 1`` and no delay, the site never has two requests open at once,
    though both workers fetch; the workers leave no slot taken."""
    import redis

    sources, name, expected = shared_sources
    sources.write_text(sources.read_text(encoding="utf-8").replace("delay = 0.25", "delay = 0")
                       .replace("concurrency = 2", "concurrency = 1"), encoding="utf-8")
    lock, open_now, most = threading.Lock(), [0], [0]
    respond = sample_site.respond

    def slow(request):
        with lock:
            open_now[0] += 1
            most[0] = max(most[0], open_now[0])
        time.sleep(0.2)  # long enough for the two workers' requests to meet
        with lock:
            open_now[0] -= 1
        return respond(request)

    sample_site.respond = slow
    workers = [worker(sources, pg_url, stdout=subprocess.PIPE, stderr=subprocess.PIPE) for _ in range(2)]
    outputs = [w.communicate(timeout=240) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    new = [int(SUMMARY.search(out).group(3)) for out, _ in outputs]
    assert sum(new) == expected and min(new) > 0, new
    assert most[0] == 1
    assert redis.Redis.from_url(REDIS).zcard("lendwatch:open:127.0.0.1") == 0


def test_a_killed_worker_loses_nothing(shared_sources, pg_url, sample_site):
    sources, name, expected = shared_sources
    engine = db.connect(pg_url)
    db.migrate(engine)
    engine.dispose()
    doomed = worker(sources, pg_url, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    other = worker(sources, pg_url, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    while count(pg_url, "select count(*) from articles") < 6:
        assert time.monotonic() < deadline and doomed.poll() is None
        time.sleep(0.1)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    out, err = other.communicate(timeout=240)
    assert other.returncode == 0, err
    stored = count(pg_url, "select count(*) from articles")
    assert stored <= expected
    # the next run takes up what the killed worker had in hand
    rerun = worker(sources, pg_url, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    out, err = rerun.communicate(timeout=240)
    assert rerun.returncode == 0, err
    assert count(pg_url, "select count(*) from articles") == expected
    assert count(pg_url, "select count(distinct canonical_url) from articles") == expected
    hits = article_hits(sample_site)
    assert len(hits) == expected
    assert sum(n - 1 for n in hits.values()) <= 2  # at most the killed worker's pages in flight
