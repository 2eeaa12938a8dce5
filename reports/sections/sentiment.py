"""四、情感分析: sentiment shares, negative share by week and by topic."""

from reports.figures import Figure
from reports.filters import query


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
