"""Articles with their analysis, as rows for ``lendwatch export``."""

from sqlalchemy import Engine, select

from lendwatch import schema

ARTICLE_KEYS = ("url", "source", "title", "published_at", "date_source", "author", "text")
ANALYSIS_KEYS = ("relevant", "topics", "sentiment", "p_negative", "story_id")


def export_rows(engine: Engine, month: str | None, relevant_only: bool):
    """One dict per article, analysis keys None until analysed, oldest first."""
    a, n = schema.articles, schema.analyses
    query = (select(*[a.c[k] for k in ARTICLE_KEYS], *[n.c[k] for k in ANALYSIS_KEYS])
             .select_from(a.outerjoin(n, n.c.article_id == a.c.id))
             .order_by(a.c.published_at, a.c.id))
    if month:
        query = query.where(a.c.published_at.like(f"{month}%"))
    if relevant_only:
        query = query.where(n.c.relevant.is_(True))
    with engine.connect() as conn:
        for row in conn.execute(query):
            yield dict(row._mapping)
