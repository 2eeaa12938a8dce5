"""五、投诉与平台: the month's complaint records, and the lenders the relevant articles name."""

from lendwatch.vocabulary import shift_month
from reports import complaints, data
from reports.figures import Figure
from reports.filters import query
from reports.tables import ids

GROUPS = (("platforms", "平台"), ("companies", "被投诉方"), ("issues", "问题"), ("statuses", "状态"))


def gather(engine, ctx: dict) -> list[Figure]:
    month = ctx["month"]
    records = data.month_complaints(engine, month)
    prev_records = data.month_complaints(engine, shift_month(month, -1))
    cx = ctx["complaints"] = complaints.summary(records, len(prev_records) if ctx["prev_rows"] else None)
    ctx["lenders"] = complaints.lenders(ctx["relevant_rows"])
    rel = dict(month=month, relevant=True)
    figures = [Figure(x, f"提及“{x['name']}”的相关文章", x["ids"],
                      {"browse": query(**rel, lender=x["name"]),
                       "browse_negative": query(**rel, lender=x["name"], sentiment="negative")})
               for x in ctx["lenders"]]
    if cx["count"]:  # counted by filing date: no browse filter lists exactly these
        figures.append(Figure(cx, "本月投诉记录", cx["ids"]))
        figures += [Figure(g, f"投诉{label}：{g['name']}", g["ids"]) for key, label in GROUPS for g in cx[key]]
    return figures


def tables(ctx: dict) -> dict[str, list[list]]:
    return {
        "lenders.csv": [["lender", "articles", "stories", "negative", "article_ids"]]
        + [[x["name"], x["count"], x["stories"], x["negative"], ids(x["ids"])] for x in ctx["lenders"]],
        "complaints.csv": [["group", "name", "complaints", "article_ids"]]
        + [[group, g["name"], g["count"], ids(g["ids"])] for group, _label in GROUPS for g in ctx["complaints"][group]],
    }
