"""上升词 (in 二、热点话题): words whose share of relevant articles rose most against the last three months."""

from lendwatch.vocabulary import month_label, shift_month
from reports import data
from reports import terms as rising
from reports.figures import Figure
from reports.tables import ids, share


def gather(engine, ctx: dict) -> list[Figure]:
    month, counts = ctx["month"], ctx["counts"]
    trailing = [shift_month(month, -3), shift_month(month, -2), shift_month(month, -1)]
    leads = data.relevant_leads(engine, month, rising.TERM_CHARS)
    for m in trailing:
        leads += data.relevant_leads(engine, m, rising.TERM_CHARS, -(-counts[m]["relevant"] // rising.BASE_CAP))
    found = ctx["rising_terms"] = rising.rising(leads, month, trailing)
    found["label"] = f"{month_label(trailing[0])}至{month_label(trailing[-1])}"
    return [Figure(t, f"含“{t['word']}”的相关文章", t["ids"]) for t in found["terms"]]


def tables(ctx: dict) -> dict[str, list[list]]:
    return {"rising-terms.csv": [["word", "articles", "share", "base_articles", "base_share", "expected", "z",
                                  "article_ids"]]
            + [[t["word"], t["count"], share(t["share"]), t["base_count"], share(t["base_share"]),
                f"{t['expected']:.2f}", f"{t['z']:.3f}", ids(t["ids"])] for t in ctx["rising_terms"]["terms"]]}
