"""The analysis stage: tag every article that has no analysis at the current versions.

Only new or changed articles are tagged (or all of them when a model or lexicon
version changes); story ids are then recomputed over every stored signature.
Articles are read and written in batches: one transaction per batch replaces each
article's analysis row whole (delete + insert), so an article is never half-written
and a failed article leaves its previous analysis in place. With ``jobs > 1`` the
tagging runs in a pool of worker processes while the parent reads and writes the
database.

On PostgreSQL any number of ``analyze`` processes (on any machines) share the work: each claims a
batch of stale articles with ``SELECT … FOR UPDATE SKIP LOCKED``, tags it and writes its analyses
in the transaction that holds the claim. A worker that dies drops its connection, the server
rolls its transaction back and the batch is free for the others; a claimed article is checked
again under its lock, so no article is analysed twice at one version.
"""

import os
from dataclasses import dataclass, field
from multiprocessing import get_context

from sqlalchemy import Engine, bindparam, delete, insert, or_, select, text, update

from analysis import stories
from analysis.quality import model_figures
from analysis.tagger import LEXICON_VERSION, MODEL_VERSION, tag
from lendwatch import schema
from lendwatch.records import now_utc

BATCH = 500
CLAIM = 100  # articles a PostgreSQL worker claims at a time
STORIES_LOCK = 0x73746F72  # "stor": workers recompute story ids one at a time


@dataclass
class AnalyzeSummary:
    analyzed: int = 0
    up_to_date: int = 0
    failed: dict = field(default_factory=dict)
    stories: int = 0


def model_version() -> str:
    return f"{MODEL_VERSION}+{stories.STORIES_VERSION}"


def _stale():
    """``(id, stale)`` of every article: stale when it has no analysis at the current versions."""
    a, n = schema.articles, schema.analyses
    return (select(a.c.id, or_(n.c.article_id.is_(None), n.c.model_version != model_version(),
                               n.c.lexicon_version != LEXICON_VERSION, n.c.text_hash != a.c.text_hash).label("stale"))
            .select_from(a.outerjoin(n, n.c.article_id == a.c.id)))


def _pending(engine: Engine) -> tuple[list[int], int]:
    """Ids of the articles to tag, and the number of articles in the database."""
    with engine.connect() as conn:
        rows = conn.execute(_stale().order_by(schema.articles.c.id)).all()
    return [article_id for article_id, stale in rows if stale], len(rows)


def analyze_one(row: tuple[int, str | None, str, str]) -> dict:
    """Tags and signature for one ``(id, title, text, text_hash)`` row (runs in workers)."""
    article_id, title, text, text_hash = row
    try:
        tags = tag(text, title)
        signature = stories.signature(tags.normalized)
    except Exception as exc:  # one bad article never stops the others
        return {"article_id": article_id, "error": f"{type(exc).__name__}: {exc}"[:200]}
    return {
        "article_id": article_id, "model_version": model_version(), "lexicon_version": LEXICON_VERSION,
        "text_hash": text_hash, "relevant": tags.relevant, "topics": tags.topics,
        "sentiment": tags.sentiment, "p_negative": float(tags.p_negative), "entities": tags.entities,
        "evidence": tags.evidence, "minhash": signature, "analyzed_at": now_utc(),
    }


def _write(conn, records: list[dict]) -> None:
    """Replace the analyses of ``records`` inside ``conn``'s transaction (whole rows, never partial)."""
    if not records:
        return
    n = schema.analyses
    conn.execute(delete(n).where(n.c.article_id == bindparam("aid")),
                 [{"aid": r["article_id"]} for r in records])
    conn.execute(insert(n), records)


def assign_stories(engine: Engine) -> int:
    """Recompute story ids over every analysed article; returns the number of stories."""
    a, n = schema.articles, schema.analyses
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":  # workers finishing together: one after the other
            conn.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": STORIES_LOCK})
        rows = conn.execute(select(n.c.article_id, a.c.published_at, n.c.minhash, n.c.story_id)
                            .select_from(n.join(a, a.c.id == n.c.article_id))
                            .order_by(a.c.published_at, n.c.article_id)
                            ).all()
        story_of = stories.group([(r.article_id, r.published_at, r.minhash) for r in rows])
        changed = [{"aid": r.article_id, "sid": story_of[r.article_id]}
                   for r in rows if r.story_id != story_of[r.article_id]]
        if changed:
            conn.execute(update(n).where(n.c.article_id == bindparam("aid")).values(story_id=bindparam("sid")),
                         changed)
    return len(set(story_of.values()))


def _warm_up() -> None:
    """Load the models once per worker, before its first article."""
    tag("预热", None)


def _texts(ids):
    a = schema.articles
    return select(a.c.id, a.c.title, a.c.text, a.c.text_hash).where(a.c.id.in_(ids)).order_by(a.c.id)


def claim(conn, size: int = CLAIM) -> list[tuple]:
    """Lock up to ``size`` stale articles that no other worker holds (PostgreSQL), inside
    ``conn``'s transaction; their ``(id, title, text, text_hash)`` rows.

    The lock outlives the statement that found the articles stale, so they are checked again
    under it: a worker that committed one in between has made it current.
    """
    a = schema.articles
    stale = _stale().subquery()
    stale_ids = select(stale.c.id).where(stale.c.stale)
    locked = conn.execute(select(a.c.id).where(a.c.id.in_(stale_ids)).order_by(a.c.id).limit(size)
                          .with_for_update(of=a, skip_locked=True)).scalars().all()
    if not locked:
        return []
    return [tuple(r) for r in conn.execute(_texts(locked).where(a.c.id.in_(stale_ids)))] or claim(conn, size)


def _rows(engine: Engine, pending: list[int]):
    """The pending articles as ``(id, title, text, text_hash)`` tuples, read a batch at a time."""
    a = schema.articles
    for start in range(0, len(pending), BATCH):
        ids = pending[start:start + BATCH]
        with engine.connect() as conn:
            rows = conn.execute(_texts(ids)).all()
        yield from (tuple(r) for r in rows)


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


def pool_size(jobs: int, pending: int) -> int:
    """Worker processes for ``pending`` articles: ``jobs`` (0: one per core), at most one per 50
    articles, since a spawned worker costs about a second to start; 1 means no pool."""
    return min(max(1, jobs or os.cpu_count() or 1), max(1, pending // 50))


def _collect(summary: AnalyzeSummary, results) -> list[dict]:
    """The analyses among ``results``; failures are counted in ``summary``."""
    records = []
    for record in results:
        if "error" in record:
            summary.failed[record["article_id"]] = record["error"]
        else:
            records.append(record)
    return records


def _analyze_here(engine: Engine, pending: list[int], summary: AnalyzeSummary, tagger) -> None:
    """One process reads the pending articles and writes their analyses a batch at a time."""
    batch: list[dict] = []
    for record in _collect(summary, tagger(analyze_one, _rows(engine, pending))):
        batch.append(record)
        if len(batch) == BATCH:
            with engine.begin() as conn:
                _write(conn, batch)
            summary.analyzed += len(batch)
            batch = []
    with engine.begin() as conn:
        _write(conn, batch)
    summary.analyzed += len(batch)


def _analyze_claimed(engine: Engine, summary: AnalyzeSummary, tagger) -> None:
    """Claim, tag and write batches until no stale article is left unclaimed (PostgreSQL)."""
    while True:
        with engine.begin() as conn:
            rows = claim(conn)
            if not rows:
                return
            records = _collect(summary, tagger(analyze_one, rows))
            _write(conn, records)
        summary.analyzed += len(records)


def analyze(engine: Engine, jobs: int = 1) -> AnalyzeSummary:
    """Tag what needs tagging with ``jobs`` worker processes (0: one per core)."""
    summary = AnalyzeSummary()
    record_models(engine, model_figures())
    pending, total = _pending(engine)
    summary.up_to_date = total - len(pending)
    jobs = pool_size(jobs, len(pending))
    pool = get_context("spawn").Pool(jobs, initializer=_warm_up) if jobs > 1 else None
    tagger = (lambda f, rows: pool.imap(f, rows, chunksize=32)) if pool else map
    try:
        if engine.dialect.name == "postgresql":
            _analyze_claimed(engine, summary, tagger)
        else:
            _analyze_here(engine, pending, summary, tagger)
    finally:
        if pool:
            pool.close()
            pool.join()
    summary.stories = assign_stories(engine)
    return summary
