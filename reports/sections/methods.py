"""附录·方法说明: the sources, the models and their measured quality (the appendix lists follow it)."""

from reports import data, methods
from reports.figures import Figure
from reports.filters import query
from reports.tables import ARTICLE_COLUMNS, ids


def gather(engine, ctx: dict) -> list[Figure]:
    month = ctx["month"]
    ctx["catalogue"] = data.source_catalogue(engine)
    ctx["per_source_by"] = {s["source"]: s for s in ctx["per_source"]}
    ctx["quality"] = methods.model_quality(engine)
    figures = [Figure(s, browse={"browse_total": query(month=month, source=s["source"]),
                                 "browse_relevant": query(month=month, relevant=True, source=s["source"])})
               for s in ctx["per_source"]]
    return figures + [Figure(s, browse={"browse": query(source=s["source"])}) for s in ctx["catalogue"]]


def tables(ctx: dict) -> dict[str, list[list]]:
    """The sources, the articles behind every figure, and the month's articles."""
    return {
        "sources.csv": [["source", "articles", "analysed", "relevant", "sample_site"]]
        + [[s["source"], s["total"], s["analysed"], s["relevant"], s["sample"]] for s in ctx["per_source"]],
        "figures.csv": [["ref", "figure", "articles", "article_ids"]]
        + [[r["key"], r["label"], len(r["ids"]), ids(r["ids"])] for r in ctx["refs"].items],
        "articles.csv": [list(ARTICLE_COLUMNS) + ["analysed", "model_version", "sample_site"]]
        + [[r["id"], r["published_at"], r["source"], r["outlet"], r["title_original"], r["title"], r["url"],
            r["relevant"] if r["analysed"] else None, r["topics"], r["sentiment"],
            None if r["p_negative"] is None else f"{r['p_negative']:.3f}", r["story_id"],
            r["analysed"], r["model_version"], r["sample"]] for r in ctx["rows"]],
    }
