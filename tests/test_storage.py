"""Storage: schema migrations, transactional writes, upserts by canonical URL."""

import shutil
import subprocess
import sys
import zlib
from concurrent.futures import ThreadPoolExecutor

import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import create_engine, func, insert, inspect, select, text
from sqlalchemy.pool import NullPool

from crawler import store
from lendwatch import db, migrations, schema
from lendwatch.records import ArticleRecord, PageRecord
from tests.conftest import ROOT, run_cli

FIXTURES = ROOT / "tests" / "fixtures"


def page(url="http://x.test/a/1.html", body=b"<html>1</html>"):
    return PageRecord(url=url, canonical_url=url, source="s", status=200, body=body)


def article(url="http://x.test/a/1.html", text="正文", title="标题"):
    return ArticleRecord(canonical_url=url, url=url, source="s", text=text, title=title,
                         extraction_version="t")


def test_version_1_database_is_upgraded_without_loss(db_url):
    old = create_engine(db_url)
    assert migrations.upgrade(old, to="0001") == "0001"
    columns = {c["name"] for c in inspect(old).get_columns("articles")}
    assert "extra" not in columns  # as an older lendwatch wrote it
    with old.begin() as conn:
        conn.execute(insert(schema.articles).values(
            canonical_url="http://x.test/old", url="http://x.test/old", source="s", text="旧文章",
            text_hash="h", extraction_version="0", first_seen_at="t", updated_at="t"))
    old.dispose()
    engine = db.connect(db_url)
    assert db.migrate(engine) == migrations.head()
    assert "extra" in {c["name"] for c in inspect(engine).get_columns("articles")}
    assert "evidence" in {c["name"] for c in inspect(engine).get_columns("analyses")}
    with engine.connect() as conn:
        assert conn.execute(select(schema.articles.c.text)).scalars().all() == ["旧文章"]
    assert db.migrate(db.connect(db_url)) == migrations.head()  # migrating again is a no-op
    engine.dispose()


def _todays_release(db_url: str, tmp_path) -> str:
    """``db_url`` holding the fixture written by the last release before Alembic (schema 4)."""
    if db_url.startswith("sqlite"):
        path = tmp_path / "v4.db"
        shutil.copy(FIXTURES / "db-v4.sqlite", path)
        return f"sqlite:///{path}"
    engine = create_engine(db_url, poolclass=NullPool)
    with engine.begin() as conn:  # psycopg runs a script without parameters as it is
        conn.connection.driver_connection.execute((FIXTURES / "db-v4.postgresql.sql").read_text(encoding="utf-8"))
    return db_url


def test_a_database_of_the_release_before_alembic_upgrades_in_place(db_url, tmp_path):
    url = _todays_release(db_url, tmp_path)
    engine = db.connect(url)
    assert migrations.current_revision(engine) == "0004"
    assert db.migrate(engine) == migrations.head()
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(schema.articles)).scalar() == 3
        assert conn.execute(select(schema.complaints.c.platform)).scalars().all() == ["heimao"]
        assert conn.execute(select(func.count()).select_from(schema.analyses)).scalar() == 3
    assert store.save_page(engine, page(), article()) == "new"  # ids go on after the old rows
    assert store.count(engine, schema.articles) == 4
    engine.dispose()


def test_postgresql_search_rows_are_filled_for_the_articles_already_stored(pg_url):
    old = create_engine(pg_url)
    migrations.upgrade(old, to="0009")
    with old.begin() as conn:
        conn.execute(insert(schema.articles), [dict(
            canonical_url=f"http://x.test/{i}", url=f"http://x.test/{i}", source="s", title=title, text=body,
            text_hash="h", extraction_version="0", first_seen_at="t", updated_at="t")
            for i, (title, body) in enumerate([("網貸新規", "暴力催收"), ("其他", "协商还款")])])
    old.dispose()
    engine = db.connect(pg_url)
    assert db.migrate(engine) == migrations.head()
    from reports.browse.pgsearch import matching_ids

    assert [matching_ids(engine, q).tolist() for q in ("网贷", "催收", "还款", "新规 催收")] == [[1], [1], [2], [1]]
    engine.dispose()


def test_the_migrations_build_the_schema_the_code_declares(db_url):
    engine = db.connect(db_url)
    db.migrate(engine)
    # PostgreSQL's search table (revision 0010) is on PostgreSQL alone
    on_sqlite = engine.dialect.name == "sqlite"

    def declared(obj, name, kind, *_):
        table = obj if kind == "table" else getattr(obj, "table", None)
        return not (on_sqlite and table is not None and table.name in schema.POSTGRESQL_ONLY)

    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_object": declared})
        assert compare_metadata(context, schema.metadata) == []
    engine.dispose()


def test_workers_started_together_migrate_once(pg_url):
    engines = [db.connect(pg_url) for _ in range(3)]
    with ThreadPoolExecutor(3) as pool:
        assert set(pool.map(db.migrate, engines)) == {migrations.head()}
    for engine in engines:
        engine.dispose()


def test_connect_leaves_the_schema_to_migrate(tmp_path):
    engine = db.connect(str(tmp_path / "n.db"))
    assert migrations.current_revision(engine) is None
    assert db.migrate(engine) == migrations.head()


def test_a_read_only_command_upgrades_an_older_database(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    old = create_engine(url)
    migrations.upgrade(old, to="0001")
    old.dispose()
    result = run_cli("export", "--db", tmp_path / "old.db")
    assert (result.returncode, result.stdout) == (0, "")
    assert migrations.current_revision(create_engine(url)) == migrations.head()


COUNT_OPENS = """
import sys
import sqlalchemy
from lendwatch import migrations
opened = []
create, upgrade = sqlalchemy.create_engine, migrations.upgrade
sqlalchemy.create_engine = lambda *a, **k: opened.append("engine") or create(*a, **k)
migrations.upgrade = lambda *a, **k: opened.append("migration") or upgrade(*a, **k)
from lendwatch.cli import main
try:
    main(sys.argv[1:])
finally:
    print(sorted(opened))
"""


def test_a_crawl_opens_and_migrates_the_database_once(tmp_path, sample_sources):
    result = subprocess.run([sys.executable, "-c", COUNT_OPENS, "crawl", "--quiet", "--sources", str(sample_sources),
                             "--only", "sample-gov", "--only", "sample-pbc", "--db", str(tmp_path / "once.db")],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.stdout.splitlines()[-1] == "['engine', 'migration']", result.stderr


def test_newer_database_is_refused(db_url):
    engine = db.connect(db_url)
    db.migrate(engine)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '9999'"))
    with pytest.raises(migrations.SchemaError, match="newer"):
        db.migrate(db.connect(db_url))
    with engine.begin() as conn:  # from a release before Alembic, numbered past this code's
        conn.execute(text("DROP TABLE alembic_version"))
        conn.execute(text("UPDATE schema_version SET version = 9"))
    with pytest.raises(migrations.SchemaError, match="newer"):
        db.migrate(db.connect(db_url))
    engine.dispose()


def test_save_page_upserts_and_compresses(db_url):
    engine = db.connect(db_url)
    db.migrate(engine)
    assert store.save_page(engine, page(), article()) == "new"
    assert store.save_page(engine, page(), article()) == "unchanged"
    assert store.save_page(engine, page(), article(text="改过的正文")) == "updated"
    assert store.count(engine, schema.articles) == 1 and store.count(engine, schema.pages) == 1
    with engine.connect() as conn:
        raw = conn.execute(select(schema.pages.c.body)).scalar()
    assert zlib.decompress(raw) == b"<html>1</html>"
    assert [p["body"] for p in store.iter_pages(engine)] == [b"<html>1</html>"]


def test_a_failed_write_leaves_neither_page_nor_article(db_url):
    engine = db.connect(db_url)
    db.migrate(engine)
    broken = article()
    broken.text = None  # NOT NULL: the article insert fails inside the transaction
    with pytest.raises(Exception):
        store.save_page(engine, page(), broken)
    assert store.count(engine, schema.pages) == 0
    assert store.count(engine, schema.articles) == 0


def test_db_url_resolution(monkeypatch, tmp_path):
    monkeypatch.delenv("LENDWATCH_DB", raising=False)
    assert db.resolve_url(None) == "sqlite:///lendwatch.db"
    monkeypatch.setenv("LENDWATCH_DB", str(tmp_path / "env.db"))
    assert db.resolve_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert db.resolve_url("postgresql://u@h/db") == "postgresql://u@h/db"
    with pytest.raises(db.StoreError):
        db.connect("nosuchdialect://x")


def test_complaint_fields_are_stored_beside_the_article(db_url):
    engine = db.connect(db_url)
    db.migrate(engine)
    record = article(url="http://x.test/complaint/1")
    record.extra = {"complaint": {"platform": "tousu", "complaint_id": "17300001", "company": "示例借款App",
                                  "issue": "暴力催收", "appeal": "停止骚扰", "amount": 3000.0,
                                  "status": "已完成", "filed_at": "2024-09-03T10:00:00+08:00",
                                  "timeline": [{"date": "2024-09-03", "status": "投诉"}]}}
    assert store.save_page(engine, page(url=record.url), record) == "new"
    record.extra["complaint"]["status"] = "已回复"
    record.text = "新的正文"
    assert store.save_page(engine, page(url=record.url), record) == "updated"
    with engine.connect() as conn:
        rows = conn.execute(select(schema.complaints)).all()
        extra = conn.execute(select(schema.articles.c.extra)).scalar()
    assert len(rows) == 1 and rows[0].status == "已回复" and rows[0].amount == 3000.0
    assert rows[0].timeline == [{"date": "2024-09-03", "status": "投诉"}]
    assert "complaint" not in extra
