"""一、总体态势: volume against last month and last year, peak days, the busiest outlets."""

from lendwatch.vocabulary import month_label, shift_month
from reports import charts as draw
from reports import data, metrics
from reports.figures import Figure
from reports.filters import query, stories_query


def gather(engine, ctx: dict) -> list[Figure]:
    month, prev_month, ov, rel = ctx["month"], ctx["prev_month"], ctx["overview"], ctx["relevant_rows"]
    last_year = shift_month(month, -12)
    ctx["counts"] = counts = data.monthly_counts(engine, last_year, month)
    ctx["peak_rule"] = metrics.PEAK_RULE
    ctx["yoy"] = dict(counts[last_year], label=month_label(last_year)) if counts[last_year]["total"] else None
    figures = [
        Figure(ov, "本月全部文章", [r["id"] for r in ctx["rows"]], ref="ref_total",
               browse={"browse_total": query(month=month), "browse_prev_total": query(month=prev_month)}),
        Figure(ov, "相关文章", [r["id"] for r in rel], ref="ref_relevant",
               browse={"browse_relevant": query(month=month, relevant=True),
                       "browse_prev_relevant": query(month=prev_month, relevant=True)}),
        Figure(ov, "报道事件（列出各事件的编号，即其首篇文章的编号）", sorted({r["story_id"] for r in rel}),
               ref="ref_stories", browse={"browse_stories": stories_query(month=month, relevant=True)}),
    ]
    if ctx["yoy"]:
        figures.append(Figure(ctx["yoy"], browse={"browse_total": query(month=last_year),
                                                  "browse_relevant": query(month=last_year, relevant=True)}))
    figures += [Figure(p, f"{p['label']}的相关文章", [r["id"] for r in rel if r["date"] == p["date"]],
                       {"browse": query(from_=p["date"], to=p["date"], relevant=True)}) for p in ctx["peaks"]]
    figures += [Figure(o, browse={"browse": query(month=month, relevant=True, outlet=o["outlet"])})
                for o in ctx["outlets"]]
    return figures


def tables(ctx: dict) -> dict[str, list[list]]:
    return {"daily.csv": [["date", "articles", "relevant"]]
            + [[d["date"], d["total"], d["relevant"]] for d in ctx["daily"]]}


def charts(ctx: dict) -> dict[str, bytes]:
    return {"daily-volume": draw.daily_volume(ctx["daily"], ctx["peaks"], f"{ctx['month_label']} 每日声量")}
