"""The crawler's storage: sources, runs, pages and their articles.

Every write that belongs together happens in one transaction, so a crash never
leaves a page without its article. The engine comes from :mod:`lendwatch.db`.
"""

import zlib

from sqlalchemy import Engine, delete, func, insert, select, update

from lendwatch import schema
from lendwatch.records import ArticleRecord, PageRecord, now_utc, sha256, to_local_iso
from lendwatch.searchtext import search_row

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


def start_run(engine: Engine, source_names: list[str], counts: dict | None = None) -> int:
    with engine.begin() as conn:
        result = conn.execute(insert(schema.crawl_runs).values(
            started_at=now_utc(), status="running", sources=source_names, counts=counts or {}))
        return result.inserted_primary_key[0]


def running_runs(engine: Engine) -> list:
    """``(id, counts)`` of the runs recorded as ``running``."""
    r = schema.crawl_runs
    with engine.connect() as conn:
        return list(conn.execute(select(r.c.id, r.c.counts).where(r.c.status == "running")))


def end_runs(engine: Engine, run_ids: list[int], status: str) -> None:
    """Record runs as ended with ``status`` (e.g. ``interrupted`` for a dead process's runs)."""
    r = schema.crawl_runs
    with engine.begin() as conn:
        conn.execute(update(r).where(r.c.id.in_(run_ids), r.c.status == "running")
                     .values(status=status, finished_at=now_utc()))


def settled_run(engine: Engine, source: str) -> int:
    """The id of the last run in which ``source``'s spider finished (0 for none). Runs from before
    per-source ``finished`` counts were kept count as finished when they are ``done``."""
    r = schema.crawl_runs
    last = 0
    with engine.connect() as conn:
        for run_id, status, counts in conn.execute(select(r.c.id, r.c.status, r.c.counts).order_by(r.c.id)):
            mine = (counts or {}).get(source)
            if mine is not None and mine.get("finished", status == "done"):
                last = run_id
    return last


def unsettled_page_urls(engine: Engine, source: str) -> set[str]:
    """Canonical URLs of ``source``'s pages stored by runs after its last settled run."""
    p, after = schema.pages, settled_run(engine, source)
    with engine.connect() as conn:
        return set(conn.execute(select(p.c.canonical_url).where(
            p.c.source == source, p.c.run_id > after)).scalars())


def update_run(engine: Engine, run_id: int, counts: dict, status: str | None = None) -> None:
    """Store the per-source counts so far; ``status`` ends the run."""
    values = {"counts": counts}
    if status:
        values.update(status=status, finished_at=now_utc())
    with engine.begin() as conn:
        conn.execute(update(schema.crawl_runs).where(schema.crawl_runs.c.id == run_id).values(**values))


# --- pages and articles -----------------------------------------------------

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
        article_id = conn.execute(insert(a).values(canonical_url=article.canonical_url, page_id=page_id,
                                                   first_seen_at=now, updated_at=now, **values)
                                  ).inserted_primary_key[0]
        _write_search(conn, article_id, values)
        return "new"
    if (found.text_hash, found.title, found.published_at, found.date_source) == (
            values["text_hash"], values["title"], values["published_at"], values["date_source"]):
        return "unchanged"
    conn.execute(update(a).where(a.c.id == found.id).values(page_id=page_id, updated_at=now_utc(),
                                                             **values))
    if (found.text_hash, found.title) != (values["text_hash"], values["title"]):
        _write_search(conn, found.id, values)
    return "updated"


def _write_search(conn, article_id: int, values: dict) -> None:
    """PostgreSQL's search row of the article (:mod:`lendwatch.searchtext`), replaced."""
    if conn.dialect.name != "postgresql":
        return  # SQLite's search is the browse index file
    s = schema.article_search
    conn.execute(delete(s).where(s.c.article_id == article_id))
    conn.execute(insert(s).values(search_row(article_id, values["title"], values["text"])))


def save_article(engine: Engine, article: ArticleRecord, page_id: int | None = None) -> str:
    """Upsert one article by canonical URL (used by re-extraction)."""
    with engine.begin() as conn:
        return _upsert_article(conn, article, page_id)


def stored_article(engine: Engine, canonical_url: str):
    """The stored article's ``published_at`` and ``extra`` (a row), or None."""
    a = schema.articles
    with engine.connect() as conn:
        return conn.execute(select(a.c.published_at, a.c.extra)
                            .where(a.c.canonical_url == canonical_url)).first()


def list_validators(engine: Engine) -> dict[str, tuple[str | None, str | None]]:
    """Each list page's ``(etag, last_modified)`` from earlier crawls, by URL."""
    t = schema.list_validators
    with engine.connect() as conn:
        return {row.url: (row.etag, row.last_modified) for row in conn.execute(select(t))}


def save_list_validators(engine: Engine, source: str, found: dict[str, tuple[str | None, str | None]],
                         forget: bool = False) -> None:
    """Store (replace) the validators of the list pages ``source`` fetched; ``forget`` first drops
    every validator of ``source``."""
    t = schema.list_validators
    with engine.begin() as conn:
        if forget:
            conn.execute(delete(t).where(t.c.source == source))
        for url, (etag, modified) in found.items():
            conn.execute(delete(t).where(t.c.url == url))
            conn.execute(insert(t).values(url=url, source=source, etag=etag, last_modified=modified,
                                          seen_at=now_utc()))


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


def count(engine: Engine, table) -> int:
    """Rows in ``table``."""
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar()
