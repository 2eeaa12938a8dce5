"""The analysis stage on a database: batched writes, incremental re-runs, failures, workers."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time

import pytest
from sqlalchemy import insert, text

from analysis import runner
from lendwatch import db, schema
from lendwatch.records import now_utc

# Written for these tests (sample data).
TEXTS = [
    "催收人员辱骂威胁借款人，并把借款人的照片发到亲友群，借款人不堪其扰。",
    "在监管部门的帮助下，王女士拿回了被平台多收的全部费用，生活重回正轨。",
    "记者从市金融办获悉，本市共有小额贷款公司四十二家，贷款余额保持稳定。",
]


def _db(url: str, n: int):
    engine = db.connect(url)
    db.migrate(engine)
    now = now_utc()
    rows = [{"canonical_url": f"https://example.invalid/{i}", "url": f"https://example.invalid/{i}",
             "source": "test", "title": f"标题{i}", "published_at": f"2024-09-{1 + i % 28:02d}T08:00:00+08:00",
             "text": f"第{i}篇。" + TEXTS[i % 3], "text_hash": f"h{i}", "extraction_version": "t",
             "first_seen_at": now, "updated_at": now} for i in range(n)]
    with engine.begin() as conn:
        conn.execute(insert(schema.articles), rows)
    return engine


def _rows(engine, sql):
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql))]


def _sql(engine, sql):
    with engine.begin() as conn:
        conn.execute(text(sql))


def test_analyze_writes_every_article_then_nothing_until_a_change(db_url):
    engine = path = _db(db_url, 7)
    first = runner.analyze(engine, jobs=1)
    assert (first.analyzed, first.up_to_date, first.failed) == (7, 0, {})
    stored = _rows(path, "select article_id, model_version, text_hash, sentiment from analyses order by article_id")
    assert [r[0] for r in stored] == list(range(1, 8))
    assert {r[1] for r in stored} == {runner.model_version()}
    assert [r[2] for r in stored] == [f"h{i}" for i in range(7)]
    assert stored[0][3] == "negative" and stored[1][3] == "positive"

    again = runner.analyze(engine, jobs=1)
    assert (again.analyzed, again.up_to_date) == (0, 7)

    _sql(engine, "update articles set text = '催收人员威胁借款人家属。', text_hash = 'new' where id = 2")
    _sql(engine, "update analyses set model_version = 'old' where article_id = 5")
    changed = runner.analyze(engine, jobs=1)
    assert (changed.analyzed, changed.up_to_date) == (2, 5)
    assert _rows(path, "select text_hash, sentiment from analyses where article_id = 2") == [("new", "negative")]
    assert _rows(path, "select count(*) from analyses")[0][0] == 7


def test_a_failing_article_keeps_its_old_analysis_and_stops_nothing(tmp_path, monkeypatch):
    engine = path = _db(f"sqlite:///{tmp_path / 'a.sqlite'}", 5)
    runner.analyze(engine, jobs=1)
    before = _rows(path, "select * from analyses where article_id = 3")
    _sql(engine, "update analyses set model_version = 'old'")
    real_tag = runner.tag

    def tag(text, title=None):
        if title == "标题2":  # article id 3
            raise ValueError("broken article")
        return real_tag(text, title)

    monkeypatch.setattr(runner, "tag", tag)
    summary = runner.analyze(engine, jobs=1)
    assert summary.analyzed == 4
    assert summary.failed == {3: "ValueError: broken article"}
    assert _rows(path, "select * from analyses where article_id = 3") == [before[0][:1] + ("old",) + before[0][2:]]
    versions = _rows(path, "select article_id, model_version from analyses order by article_id")
    assert [v for _, v in versions] == [runner.model_version()] * 2 + ["old"] + [runner.model_version()] * 2


def test_batches_and_workers_store_the_same_as_one_process(db_url, monkeypatch):
    monkeypatch.setattr(runner, "BATCH", 40)  # several write transactions
    monkeypatch.setattr(runner, "CLAIM", 40)
    engine = path = _db(db_url, 110)
    summary = runner.analyze(engine, jobs=2)  # 110 articles: a pool of 2 spawned workers
    assert (summary.analyzed, summary.failed) == (110, {})
    parallel = _rows(path, "select article_id, sentiment, p_negative, topics, story_id from analyses order by 1")
    _sql(engine, "delete from analyses")
    assert runner.analyze(engine, jobs=1).analyzed == 110
    serial = _rows(path, "select article_id, sentiment, p_negative, topics, story_id from analyses order by 1")
    assert parallel == serial and len(serial) == 110


@pytest.mark.parametrize("jobs, pending, expected", [(1, 1000, 1), (4, 60, 1), (2, 100, 2), (8, 1000, 8)])
def test_pool_size(jobs, pending, expected):
    assert runner.pool_size(jobs, pending) == expected


WORKER_OUTPUT = r"analysed (\d+), already up to date \d+, failed 0"


def test_analysis_workers_share_the_work_and_take_over_a_killed_one(pg_url):
    """Three workers on PostgreSQL: one killed mid-run; the two others finish its batch, and
    every article is analysed once (the workers' counts add up to the articles)."""
    engine = _db(pg_url, 600)
    env = {**os.environ, "LENDWATCH_DB": pg_url}
    command = [sys.executable, "-m", "lendwatch", "analyze"]
    doomed = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while _rows(engine, "select count(*) from analyses")[0][0] == 0:  # a first batch committed
        assert time.monotonic() < deadline and doomed.poll() is None
        time.sleep(0.1)
    doomed.send_signal(signal.SIGKILL)
    doomed.wait()
    done_before = _rows(engine, "select count(*) from analyses")[0][0]
    assert done_before < 600  # killed holding a claimed batch, or with batches left
    workers = [subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for _ in range(2)]
    outputs = [w.communicate(timeout=300) for w in workers]
    assert [w.returncode for w in workers] == [0, 0], outputs
    analysed = [int(re.search(WORKER_OUTPUT, out).group(1)) for out, _ in outputs]
    assert sum(analysed) == 600 - done_before
    assert _rows(engine, "select count(*), count(distinct article_id), min(model_version), max(model_version) "
                         "from analyses") == [(600, 600, runner.model_version(), runner.model_version())]
    engine.dispose()
