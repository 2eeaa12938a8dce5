"""附录·方法说明: the sources, the models and their measured quality (the appendix lists follow it)."""

from reports import data, methods
from reports.figures import Figure
from reports.filters import query


def gather(engine, ctx: dict) -> list[Figure]:
    month = ctx["month"]
    ctx["catalogue"] = data.source_catalogue(engine)
    ctx["per_source_by"] = {s["source"]: s for s in ctx["per_source"]}
    ctx["quality"] = methods.model_quality(engine)
    figures = [Figure(s, browse={"browse_total": query(month=month, source=s["source"]),
                                 "browse_relevant": query(month=month, relevant=True, source=s["source"])})
               for s in ctx["per_source"]]
    return figures + [Figure(s, browse={"browse": query(source=s["source"])}) for s in ctx["catalogue"]]
