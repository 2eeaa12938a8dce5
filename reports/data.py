"""Queries for the monthly report: database rows in, plain dicts and lists out.

SQLAlchemy Core only, with string comparisons on ``published_at`` (ISO-8601 in
Asia/Shanghai), so the same code runs on SQLite and PostgreSQL.
"""

import re
from urllib.parse import urlsplit

from sqlalchemy import Engine, func, select

from lendwatch import schema

_MONTH = re.compile(r"^(\d{4})-(0[1-9]|1[0-2])$")

SAMPLE_HOSTS = {"127.0.0.1", "localhost", "::1"}


def parse_month(month: str) -> tuple[int, int]:
    """``"2024-09"`` → ``(2024, 9)``; anything else raises ValueError naming YYYY-MM."""
    match = _MONTH.match(month) if isinstance(month, str) else None
    if not match:
        raise ValueError(f"month must have the form YYYY-MM (e.g. 2024-09), got {month!r}")
    return int(match.group(1)), int(match.group(2))


def shift_month(month: str, delta: int) -> str:
    """The month ``delta`` months from ``month`` (``shift_month("2024-01", -1) == "2023-12"``)."""
    year, mon = parse_month(month)
    index = year * 12 + (mon - 1) + delta
    return f"{index // 12:04d}-{index % 12 + 1:02d}"


def _month_range(month: str) -> tuple[str, str]:
    """Lower (inclusive) and upper (exclusive) bounds of a local month on ``published_at``."""
    return f"{month}-01", f"{shift_month(month, 1)}-01"


def _outlet(row: dict) -> str:
    extra = row.get("extra") or {}
    outlet = extra.get("outlet") if isinstance(extra, dict) else None
    return (outlet or row.get("author") or row["source"]).strip()


def _is_sample(row: dict) -> bool:
    extra = row.get("extra") or {}
    if isinstance(extra, dict) and extra.get("sample"):
        return True
    return (urlsplit(row["url"]).hostname or "") in SAMPLE_HOSTS


def month_articles(engine: Engine, month: str) -> list[dict]:
    """Every article published in ``month`` with its analysis (``analysed`` False when none).

    Sorted by publication time then id, so every later step is deterministic.
    """
    a, n = schema.articles, schema.analyses
    low, high = _month_range(month)
    query = (
        select(a.c.id, a.c.url, a.c.source, a.c.title, a.c.published_at, a.c.author, a.c.extra,
               n.c.article_id, n.c.model_version, n.c.lexicon_version, n.c.relevant, n.c.topics,
               n.c.sentiment, n.c.p_negative, n.c.entities, n.c.evidence, n.c.story_id)
        .select_from(a.outerjoin(n, n.c.article_id == a.c.id))
        .where(a.c.published_at >= low, a.c.published_at < high)
        .order_by(a.c.published_at, a.c.id)
    )
    rows = []
    with engine.connect() as conn:
        for record in conn.execute(query):
            row = dict(record._mapping)
            analysed = row.pop("article_id") is not None
            row.update(
                analysed=analysed,
                relevant=bool(row["relevant"]) if analysed else False,
                topics=list(row["topics"] or []),
                entities=dict(row["entities"] or {}),
                evidence=dict(row["evidence"] or {}),
                p_negative=float(row["p_negative"]) if analysed else None,
                story_id=row["story_id"] if row["story_id"] is not None else row["id"],
                title=(row["title"] or "").strip() or "（无标题）",
                date=row["published_at"][:10],
            )
            row["outlet"] = _outlet(row)
            row["sample"] = _is_sample(row)
            rows.append(row)
    return rows


def snapshot(engine: Engine) -> dict:
    """What the database held when the report was built (deterministic for a given database)."""
    a, n = schema.articles, schema.analyses
    with engine.connect() as conn:
        articles, first, last = conn.execute(
            select(func.count(a.c.id), func.min(a.c.published_at), func.max(a.c.published_at))).one()
        undated = conn.execute(
            select(func.count(a.c.id)).where(a.c.published_at.is_(None))).scalar()
        analyses, analysed_last = conn.execute(
            select(func.count(n.c.article_id), func.max(n.c.analyzed_at))).one()
    return {
        "articles": articles or 0,
        "undated": undated or 0,
        "first_published": first,
        "last_published": last,
        "analyses": analyses or 0,
        "last_analyzed": analysed_last,
    }
