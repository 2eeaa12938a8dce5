"""六、典型案例: the month's most widely reported stories, told from their own articles."""

from reports import cases, data, text
from reports.figures import Figure
from reports.filters import query


def gather(engine, ctx: dict) -> list[Figure]:
    picked = cases.pick(ctx["relevant_rows"])
    ctx["cases"] = cases.describe(picked, data.texts(engine, [i for c in picked for i in c["ids"]]))
    return [Figure(c, f"案例：{text.short(c['lead']['title'], 30)}", c["ids"],
                   {"browse": query(month=ctx["month"], relevant=True, story=str(c["story_id"]))})
            for c in ctx["cases"]]
