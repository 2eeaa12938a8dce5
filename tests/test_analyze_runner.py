"""The analysis stage on a database: batched writes, incremental re-runs, failures, workers."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import insert

from analysis import runner
from lendwatch import db, schema
from lendwatch.records import now_utc

# Written for these tests (sample data).
TEXTS = [
    "催收人员辱骂威胁借款人，并把借款人的照片发到亲友群，借款人不堪其扰。",
    "在监管部门的帮助下，王女士拿回了被平台多收的全部费用，生活重回正轨。",
    "记者从市金融办获悉，本市共有小额贷款公司四十二家，贷款余额保持稳定。",
]


def _db(tmp_path, n: int):
    engine = db.connect(f"sqlite:///{tmp_path / 'a.sqlite'}")
    db.migrate(engine)
    now = now_utc()
    rows = [{"canonical_url": f"https://example.invalid/{i}", "url": f"https://example.invalid/{i}",
             "source": "test", "title": f"标题{i}", "published_at": f"2024-09-{1 + i % 28:02d}T08:00:00+08:00",
             "text": f"第{i}篇。" + TEXTS[i % 3], "text_hash": f"h{i}", "extraction_version": "t",
             "first_seen_at": now, "updated_at": now} for i in range(n)]
    with engine.begin() as conn:
        conn.execute(insert(schema.articles), rows)
    return engine, tmp_path / "a.sqlite"


def _rows(path, sql):
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_analyze_writes_every_article_then_nothing_until_a_change(tmp_path):
    engine, path = _db(tmp_path, 7)
    first = runner.analyze(engine, jobs=1)
    assert (first.analyzed, first.up_to_date, first.failed) == (7, 0, {})
    stored = _rows(path, "select article_id, model_version, text_hash, sentiment from analyses order by article_id")
    assert [r[0] for r in stored] == list(range(1, 8))
    assert {r[1] for r in stored} == {runner.model_version()}
    assert [r[2] for r in stored] == [f"h{i}" for i in range(7)]
    assert stored[0][3] == "negative" and stored[1][3] == "positive"

    again = runner.analyze(engine, jobs=1)
    assert (again.analyzed, again.up_to_date) == (0, 7)

    with sqlite3.connect(path) as conn:
        conn.execute("update articles set text = '催收人员威胁借款人家属。', text_hash = 'new' where id = 2")
        conn.execute("update analyses set model_version = 'old' where article_id = 5")
    changed = runner.analyze(engine, jobs=1)
    assert (changed.analyzed, changed.up_to_date) == (2, 5)
    assert _rows(path, "select text_hash, sentiment from analyses where article_id = 2") == [("new", "negative")]
    assert _rows(path, "select count(*) from analyses")[0][0] == 7


def test_a_failing_article_keeps_its_old_analysis_and_stops_nothing(tmp_path, monkeypatch):
    engine, path = _db(tmp_path, 5)
    runner.analyze(engine, jobs=1)
    before = _rows(path, "select * from analyses where article_id = 3")
    with sqlite3.connect(path) as conn:
        conn.execute("update analyses set model_version = 'old'")
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


def test_batches_and_workers_store_the_same_as_one_process(tmp_path, monkeypatch):
    monkeypatch.setattr(runner, "BATCH", 40)  # several write transactions
    engine, path = _db(tmp_path, 110)
    summary = runner.analyze(engine, jobs=2)  # 110 articles: a pool of 2 spawned workers
    assert (summary.analyzed, summary.failed) == (110, {})
    parallel = _rows(path, "select article_id, sentiment, p_negative, topics, story_id from analyses order by 1")
    with sqlite3.connect(path) as conn:
        conn.execute("delete from analyses")
    assert runner.analyze(engine, jobs=1).analyzed == 110
    serial = _rows(path, "select article_id, sentiment, p_negative, topics, story_id from analyses order by 1")
    assert parallel == serial and len(serial) == 110


@pytest.mark.parametrize("jobs, pending, expected", [(1, 1000, 1), (4, 60, 1), (2, 100, 2), (8, 1000, 8)])
def test_pool_size(jobs, pending, expected):
    assert runner.pool_size(jobs, pending) == expected
