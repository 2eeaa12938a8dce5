"""二、热点话题: each topic's share of the relevant articles, against last month."""

from reports import charts as draw
from reports.figures import Figure
from reports.filters import query
from reports.tables import ids, share


def gather(engine, ctx: dict) -> list[Figure]:
    return [Figure(t, f"话题：{t['label']}" if t["count"] else None, t["ids"],
                   {"browse": query(month=ctx["month"], relevant=True, topic=t["code"])}) for t in ctx["topics"]]


def tables(ctx: dict) -> dict[str, list[list]]:
    return {"topics.csv": [["code", "label", "articles", "share", "prev_articles", "prev_share", "article_ids"]]
            + [[t["code"], t["label"], t["count"], share(t["share"]), t["prev_count"], share(t["prev_share"]),
                ids(t["ids"])] for t in ctx["topics"]]}


def charts(ctx: dict) -> dict[str, bytes]:
    if not any(t["count"] for t in ctx["topics"]):
        return {}
    previous = ctx["prev_label"] if ctx["overview"]["prev_relevant"] else None
    return {"topics": draw.topic_shares(ctx["topics"], f"{ctx['month_label']} 热点话题占比", previous_label=previous)}
