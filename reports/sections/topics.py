"""二、热点话题: each topic's share of the relevant articles, against last month."""

from reports.figures import Figure
from reports.filters import query


def gather(engine, ctx: dict) -> list[Figure]:
    return [Figure(t, f"话题：{t['label']}" if t["count"] else None, t["ids"],
                   {"browse": query(month=ctx["month"], relevant=True, topic=t["code"])}) for t in ctx["topics"]]
