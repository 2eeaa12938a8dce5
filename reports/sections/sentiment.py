"""四、情感分析: sentiment shares, negative share by week and by topic."""

from reports import charts as draw
from reports.figures import Figure
from reports.filters import query
from reports.tables import ids, share


def gather(engine, ctx: dict) -> list[Figure]:
    rel = dict(month=ctx["month"], relevant=True)
    figures = [Figure(s, f"情感：{s['label']}" if s["count"] else None, s["ids"],
                      {"browse": query(**rel, sentiment=s["code"])}) for s in ctx["sentiment"]]
    figures += [Figure(w, f"{w['label']}的负面报道", w["ids"],
                       {"browse_all": query(from_=w["first"], to=w["last"], relevant=True),
                        "browse": query(from_=w["first"], to=w["last"], relevant=True, sentiment="negative")})
                for w in ctx["weeks"]]
    figures += [Figure(t, f"“{t['label']}”中的负面报道", t["ids"],
                       {"browse_all": query(**rel, topic=t["code"]),
                        "browse": query(**rel, topic=t["code"], sentiment="negative")})
                for t in ctx["negative_by_topic"]]
    return figures


def tables(ctx: dict) -> dict[str, list[list]]:
    return {
        "sentiment.csv": [["code", "label", "articles", "share", "prev_articles", "prev_share", "article_ids"]]
        + [[s["code"], s["label"], s["count"], share(s["share"]), s["prev_count"], share(s["prev_share"]),
            ids(s["ids"])] for s in ctx["sentiment"]],
        "sentiment-weeks.csv": [["week", "relevant", "negative", "negative_share", "negative_ids"]]
        + [[w["label"], w["count"], w["negative"], share(w["share"]), ids(w["ids"])] for w in ctx["weeks"]],
        "sentiment-topics.csv": [["code", "label", "relevant", "negative", "negative_share", "negative_ids"]]
        + [[t["code"], t["label"], t["count"], t["negative"], share(t["share"]), ids(t["ids"])]
           for t in ctx["negative_by_topic"]],
    }


def charts(ctx: dict) -> dict[str, bytes]:
    if not ctx["overview"]["relevant"]:
        return {}
    return {"sentiment-weeks": draw.weekly_negative(ctx["weeks"], f"{ctx['month_label']} 各周负面报道占比")}
