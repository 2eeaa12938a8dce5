"""The analysis stage: tag every article that has no analysis at the current versions.

Only new or changed articles are tagged (or all of them when a model or lexicon
version changes); story ids are then recomputed over every stored signature.
Each article's analysis is written in its own transaction.
"""

import os
from dataclasses import dataclass, field
from multiprocessing import get_context

from sqlalchemy import Engine, delete, insert, or_, select, update

from analysis import stories
from analysis.normalize import normalize
from analysis.tagger import LEXICON_VERSION, MODEL_VERSION, tag
from lendwatch import schema
from lendwatch.records import now_utc

BATCH = 200


@dataclass
class AnalyzeSummary:
    analyzed: int = 0
    up_to_date: int = 0
    failed: dict = field(default_factory=dict)
    stories: int = 0


def model_version() -> str:
    return f"{MODEL_VERSION}+{stories.STORIES_VERSION}"


def _pending(engine: Engine) -> list[int]:
    a, n = schema.articles, schema.analyses
    query = (select(a.c.id).select_from(a.outerjoin(n, n.c.article_id == a.c.id))
             .where(or_(n.c.article_id.is_(None), n.c.model_version != model_version(),
                        n.c.lexicon_version != LEXICON_VERSION, n.c.text_hash != a.c.text_hash))
             .order_by(a.c.id))
    with engine.connect() as conn:
        return list(conn.execute(query).scalars())


def analyse_one(row: tuple[int, str | None, str, str]) -> dict:
    """Tags and signature for one ``(id, title, text, text_hash)`` row (runs in workers)."""
    article_id, title, text, text_hash = row
    try:
        tags = tag(text, title)
        signature = stories.signature(normalize(f"{title or ''}\n{text}"))
    except Exception as exc:  # one bad article never stops the others
        return {"article_id": article_id, "error": f"{type(exc).__name__}: {exc}"[:200]}
    return {
        "article_id": article_id, "model_version": model_version(), "lexicon_version": LEXICON_VERSION,
        "text_hash": text_hash, "relevant": tags.relevant, "topics": tags.topics,
        "sentiment": tags.sentiment, "p_negative": float(tags.p_negative), "entities": tags.entities,
        "evidence": tags.evidence, "minhash": signature, "analyzed_at": now_utc(),
    }


def _write(engine: Engine, record: dict) -> None:
    n = schema.analyses
    with engine.begin() as conn:
        conn.execute(delete(n).where(n.c.article_id == record["article_id"]))
        conn.execute(insert(n).values(**record))


def assign_stories(engine: Engine) -> int:
    """Recompute story ids over every analysed article; returns the number of stories."""
    a, n = schema.articles, schema.analyses
    with engine.connect() as conn:
        rows = conn.execute(select(n.c.article_id, a.c.published_at, n.c.minhash, n.c.story_id)
                            .select_from(n.join(a, a.c.id == n.c.article_id))
                            .order_by(a.c.published_at, n.c.article_id)
                            ).all()
    story_of = stories.group([(r.article_id, r.published_at, r.minhash) for r in rows])
    changed = [(r.article_id, story_of[r.article_id]) for r in rows if r.story_id != story_of[r.article_id]]
    with engine.begin() as conn:
        for article_id, story_id in changed:
            conn.execute(update(n).where(n.c.article_id == article_id).values(story_id=story_id))
    return len(set(story_of.values()))


def analyze(engine: Engine, jobs: int = 1) -> AnalyzeSummary:
    """Tag what needs tagging, in batches, with ``jobs`` worker processes."""
    summary = AnalyzeSummary()
    pending = _pending(engine)
    with engine.connect() as conn:
        total = conn.execute(select(schema.articles.c.id)).all()
    summary.up_to_date = len(total) - len(pending)
    jobs = max(1, jobs or os.cpu_count() or 1)
    pool = get_context("spawn").Pool(jobs) if jobs > 1 else None
    a = schema.articles
    try:
        for start in range(0, len(pending), BATCH):
            ids = pending[start:start + BATCH]
            with engine.connect() as conn:
                rows = [tuple(r) for r in conn.execute(
                    select(a.c.id, a.c.title, a.c.text, a.c.text_hash).where(a.c.id.in_(ids)))]
            results = pool.map(analyse_one, rows, chunksize=16) if pool else map(analyse_one, rows)
            for record in results:
                if "error" in record:
                    summary.failed[record["article_id"]] = record["error"]
                    continue
                _write(engine, record)
                summary.analyzed += 1
    finally:
        if pool:
            pool.close()
            pool.join()
    summary.stories = assign_stories(engine)
    return summary

