"""六、典型案例: the month's most widely reported stories, told from their own articles."""

from reports import cases, data, text
from reports.figures import Figure
from reports.filters import query
from reports.tables import ids


def gather(engine, ctx: dict) -> list[Figure]:
    picked = cases.pick(ctx["relevant_rows"])
    ctx["cases"] = cases.describe(picked, data.texts(engine, [i for c in picked for i in c["ids"]]))
    return [Figure(c, f"案例：{text.short(c['lead']['title'], 30)}", c["ids"],
                   {"browse": query(month=ctx["month"], relevant=True, story=str(c["story_id"]))})
            for c in ctx["cases"]]


def tables(ctx: dict) -> dict[str, list[list]]:
    """The month's top stories (the cases are picked from them)."""
    return {"top-stories.csv": [["rank", "story_id", "article_id", "title", "url", "outlet", "published_at",
                                 "articles", "outlets", "max_p_negative", "article_ids"]]
            + [[i, s["story_id"], s["lead"]["id"], s["lead"]["title"], s["lead"]["url"], s["lead"]["outlet"],
                s["lead"]["published_at"], s["size"], len(s["outlets"]), f"{s['p_negative']:.3f}", ids(s["ids"])]
               for i, s in enumerate(ctx["stories"], 1)]}
