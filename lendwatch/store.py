"""The storage layer every stage shares: open the database, read and write records.

Every write that belongs together happens in one transaction, so a crash never
leaves a page without its article or half an analysis.
"""

import hashlib
import os
import zlib
from pathlib import Path

from sqlalchemy import Engine, create_engine, delete, event, func, insert, select, update
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError

from lendwatch import migrations, schema
from lendwatch.records import ArticleRecord, PageRecord, now_utc, to_local_iso

DEFAULT_DB = "sqlite:///lendwatch.db"


class StoreError(Exception):
    """The database URL or file cannot be used."""


def resolve_url(value: str | None) -> str:
    """The database URL from an option, else ``LENDWATCH_DB``, else ./lendwatch.db.

    A plain path (no ``://``) is taken as an SQLite file.
    """
    value = value or os.environ.get("LENDWATCH_DB") or DEFAULT_DB
    if "://" not in value:
        value = f"sqlite:///{Path(value).expanduser()}"
    return value


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cursor = dbapi_conn.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def connect(value: str | None = None) -> Engine:
    """Open (creating or upgrading as needed) the database named by ``value``."""
    url_text = resolve_url(value)
    try:
        url = make_url(url_text)
    except ArgumentError as exc:
        raise StoreError(f"bad database URL {url_text!r}: {exc}") from exc
    if url.get_backend_name() == "sqlite" and url.database not in (None, "", ":memory:"):
        Path(url.database).parent.mkdir(parents=True, exist_ok=True)
    try:
        engine = create_engine(url)
    except (ArgumentError, NoSuchModuleError, ImportError) as exc:
        raise StoreError(f"cannot use database URL {url_text!r}: {exc}") from exc
    if url.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
    migrations.upgrade(engine)
    return engine


def sha256(data: bytes | str) -> str:
    if isinstance(data, str):
        data = data.encode("utf-8")
    return hashlib.sha256(data).hexdigest()


# --- sources and runs -------------------------------------------------------

def save_sources(engine: Engine, configs: list[dict]) -> None:
    """Record the configured sources (name, kind, url and full config)."""
    t = schema.sources
    with engine.begin() as conn:
        for cfg in configs:
            row = {"kind": cfg["kind"], "url": cfg.get("url") or ",".join(cfg.get("urls", [])),
                   "config": cfg, "updated_at": now_utc()}
            found = conn.execute(select(t.c.name).where(t.c.name == cfg["name"])).first()
            if found:
                conn.execute(update(t).where(t.c.name == cfg["name"]).values(**row))
            else:
                conn.execute(insert(t).values(name=cfg["name"], **row))


def start_run(engine: Engine, source_names: list[str]) -> int:
    with engine.begin() as conn:
        result = conn.execute(insert(schema.crawl_runs).values(
            started_at=now_utc(), status="running", sources=source_names, counts={}))
        return result.inserted_primary_key[0]


def update_run(engine: Engine, run_id: int, counts: dict, status: str | None = None) -> None:
    """Store the per-source counts so far; ``status`` ends the run."""
    values = {"counts": counts}
    if status:
        values.update(status=status, finished_at=now_utc())
    with engine.begin() as conn:
        conn.execute(update(schema.crawl_runs).where(schema.crawl_runs.c.id == run_id).values(**values))


def get_run(engine: Engine, run_id: int) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(schema.crawl_runs).where(schema.crawl_runs.c.id == run_id)).first()
        return dict(row._mapping) if row else None


def last_run(engine: Engine) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(schema.crawl_runs).order_by(schema.crawl_runs.c.id.desc())).first()
        return dict(row._mapping) if row else None


# --- pages and articles -----------------------------------------------------

def known_article_urls(engine: Engine) -> set[str]:
    """Canonical URLs of every stored article."""
    with engine.connect() as conn:
        return set(conn.execute(select(schema.articles.c.canonical_url)).scalars())


def known_page_urls(engine: Engine) -> set[str]:
    """Canonical URLs of every stored page (articles and pages that yielded none)."""
    with engine.connect() as conn:
        return set(conn.execute(select(schema.pages.c.canonical_url)).scalars())


def _page_values(page: PageRecord, run_id: int | None) -> dict:
    return {
        "url": page.url, "source": page.source, "run_id": run_id, "fetched_at": now_utc(),
        "status": page.status, "content_type": page.content_type, "encoding": page.encoding,
        "content_hash": sha256(page.body), "body": zlib.compress(page.body, 6),
    }


def _article_values(article: ArticleRecord) -> dict:
    return {
        "url": article.url, "source": article.source, "title": article.title,
        "published_at": to_local_iso(article.published_at), "author": article.author,
        "text": article.text, "text_hash": sha256(article.text),
        "extraction_version": article.extraction_version, "date_source": article.date_source,
        "extra": {k: v for k, v in (article.extra or {}).items() if k != "complaint"},
    }


def save_page(engine: Engine, page: PageRecord, article: ArticleRecord | None,
              run_id: int | None = None) -> str:
    """Store a page and its article in one transaction.

    Returns ``"new"``, ``"updated"`` or ``"unchanged"`` for the article
    (``"page"`` when there is no article).
    """
    p = schema.pages
    with engine.begin() as conn:
        page_id = conn.execute(select(p.c.id).where(p.c.canonical_url == page.canonical_url)).scalar()
        values = _page_values(page, run_id)
        if page_id is None:
            page_id = conn.execute(insert(p).values(canonical_url=page.canonical_url, **values)
                                   ).inserted_primary_key[0]
        else:
            conn.execute(update(p).where(p.c.id == page_id).values(**values))
        if article is None:
            return "page"
        return _upsert_article(conn, article, page_id)


def _upsert_article(conn, article: ArticleRecord, page_id: int | None) -> str:
    outcome = _upsert_article_row(conn, article, page_id)
    complaint = (article.extra or {}).get("complaint")
    if complaint:
        _upsert_complaint(conn, article.canonical_url, complaint)
    return outcome


def _upsert_complaint(conn, canonical_url: str, complaint: dict) -> None:
    """A complaint record's own fields, beside its article (``extra["complaint"]``)."""
    a, c = schema.articles, schema.complaints
    article_id = conn.execute(select(a.c.id).where(a.c.canonical_url == canonical_url)).scalar()
    values = {k: complaint.get(k) for k in ("platform", "complaint_id", "company", "issue", "appeal",
                                            "amount", "status", "filed_at")}
    values["timeline"] = complaint.get("timeline") or []
    conn.execute(delete(c).where(c.c.article_id == article_id))
    conn.execute(insert(c).values(article_id=article_id, **values))


def _upsert_article_row(conn, article: ArticleRecord, page_id: int | None) -> str:
    a = schema.articles
    values = _article_values(article)
    found = conn.execute(select(a.c.id, a.c.text_hash, a.c.title, a.c.published_at, a.c.date_source)
                         .where(a.c.canonical_url == article.canonical_url)).first()
    if found is None:
        now = now_utc()
        conn.execute(insert(a).values(canonical_url=article.canonical_url, page_id=page_id,
                                      first_seen_at=now, updated_at=now, **values))
        return "new"
    if (found.text_hash, found.title, found.published_at, found.date_source) == (
            values["text_hash"], values["title"], values["published_at"], values["date_source"]):
        return "unchanged"
    conn.execute(update(a).where(a.c.id == found.id).values(page_id=page_id, updated_at=now_utc(),
                                                             **values))
    return "updated"


def save_article(engine: Engine, article: ArticleRecord, page_id: int | None = None) -> str:
    """Upsert one article by canonical URL (used by re-extraction)."""
    with engine.begin() as conn:
        return _upsert_article(conn, article, page_id)


def iter_pages(engine: Engine, source: str | None = None):
    """Stored pages with their bodies decompressed, oldest first."""
    p = schema.pages
    query = select(p).order_by(p.c.id)
    if source:
        query = query.where(p.c.source == source)
    with engine.connect() as conn:
        for row in conn.execute(query):
            record = dict(row._mapping)
            record["body"] = zlib.decompress(record["body"])
            yield record


def record_models(engine: Engine, models: list[dict]) -> None:
    """Store each model's version and measured figures (``name``, ``version``, ``metrics``,
    ``measured_on``), so reports can state them from the database."""
    t = schema.models
    with engine.begin() as conn:
        for model in models:
            conn.execute(delete(t).where(t.c.name == model["name"]))
            conn.execute(insert(t).values(name=model["name"], version=model["version"],
                                          metrics=model.get("metrics") or {},
                                          measured_on=model.get("measured_on"), recorded_at=now_utc()))


def count(engine: Engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()
