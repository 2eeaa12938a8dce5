"""The analysis stage: tag every article that has no analysis at the current versions.

Only new or changed articles are tagged (or all of them when a model or lexicon
version changes); story ids are then recomputed over every stored signature.
Articles are read and written in batches: one transaction per batch replaces each
article's analysis row whole (delete + insert), so an article is never half-written
and a failed article leaves its previous analysis in place. With ``jobs > 1`` the
tagging runs in a pool of worker processes while the parent reads and writes the
database.
"""

import os
from dataclasses import dataclass, field
from multiprocessing import get_context

from sqlalchemy import Engine, bindparam, delete, insert, or_, select, update

from analysis import stories
from analysis.quality import model_figures
from analysis.tagger import LEXICON_VERSION, MODEL_VERSION, tag
from lendwatch import schema
from lendwatch.records import now_utc

BATCH = 500


@dataclass
class AnalyzeSummary:
    analyzed: int = 0
    up_to_date: int = 0
    failed: dict = field(default_factory=dict)
    stories: int = 0


def model_version() -> str:
    return f"{MODEL_VERSION}+{stories.STORIES_VERSION}"


def _pending(engine: Engine) -> tuple[list[int], int]:
    """Ids of the articles to tag, and the number of articles in the database."""
    a, n = schema.articles, schema.analyses
    query = (select(a.c.id, or_(n.c.article_id.is_(None), n.c.model_version != model_version(),
                                n.c.lexicon_version != LEXICON_VERSION, n.c.text_hash != a.c.text_hash))
             .select_from(a.outerjoin(n, n.c.article_id == a.c.id))
             .order_by(a.c.id))
    with engine.connect() as conn:
        rows = conn.execute(query).all()
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


def _write(engine: Engine, records: list[dict]) -> None:
    """Replace the analyses of ``records`` in one transaction (whole rows, never partial)."""
    if not records:
        return
    n = schema.analyses
    with engine.begin() as conn:
        conn.execute(delete(n).where(n.c.article_id == bindparam("aid")),
                     [{"aid": r["article_id"]} for r in records])
        conn.execute(insert(n), records)


def assign_stories(engine: Engine) -> int:
    """Recompute story ids over every analysed article; returns the number of stories."""
    a, n = schema.articles, schema.analyses
    with engine.connect() as conn:
        rows = conn.execute(select(n.c.article_id, a.c.published_at, n.c.minhash, n.c.story_id)
                            .select_from(n.join(a, a.c.id == n.c.article_id))
                            .order_by(a.c.published_at, n.c.article_id)
                            ).all()
    story_of = stories.group([(r.article_id, r.published_at, r.minhash) for r in rows])
    changed = [{"aid": r.article_id, "sid": story_of[r.article_id]}
               for r in rows if r.story_id != story_of[r.article_id]]
    if changed:
        with engine.begin() as conn:
            conn.execute(update(n).where(n.c.article_id == bindparam("aid")).values(story_id=bindparam("sid")),
                         changed)
    return len(set(story_of.values()))


def _warm_up() -> None:
    """Load the models once per worker, before its first article."""
    tag("预热", None)


def _rows(engine: Engine, pending: list[int]):
    """The pending articles as ``(id, title, text, text_hash)`` tuples, read a batch at a time."""
    a = schema.articles
    for start in range(0, len(pending), BATCH):
        ids = pending[start:start + BATCH]
        with engine.connect() as conn:
            rows = conn.execute(select(a.c.id, a.c.title, a.c.text, a.c.text_hash)
                                .where(a.c.id.in_(ids)).order_by(a.c.id)).all()
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


def analyze(engine: Engine, jobs: int = 1) -> AnalyzeSummary:
    """Tag what needs tagging with ``jobs`` worker processes (0: one per core)."""
    summary = AnalyzeSummary()
    record_models(engine, model_figures())
    pending, total = _pending(engine)
    summary.up_to_date = total - len(pending)
    jobs = pool_size(jobs, len(pending))
    pool = get_context("spawn").Pool(jobs, initializer=_warm_up) if jobs > 1 else None
    try:
        results = pool.imap(analyze_one, _rows(engine, pending), chunksize=32) if pool else map(
            analyze_one, _rows(engine, pending))
        batch: list[dict] = []
        for record in results:
            if "error" in record:
                summary.failed[record["article_id"]] = record["error"]
                continue
            batch.append(record)
            if len(batch) == BATCH:
                _write(engine, batch)
                summary.analyzed += len(batch)
                batch = []
        _write(engine, batch)
        summary.analyzed += len(batch)
    finally:
        if pool:
            pool.close()
            pool.join()
    summary.stories = assign_stories(engine)
    return summary
