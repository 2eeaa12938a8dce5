"""三、政策与监管动态: the policy timeline, rules taking effect, enforcement cases."""

import calendar

from lendwatch.vocabulary import shift_month
from reports import data, policy
from reports.figures import Figure


def gather(engine, ctx: dict) -> list[Figure]:
    month, rows = ctx["month"], ctx["rows"]
    ctx["timeline"] = policy.timeline(rows)
    ctx["enforcement"] = policy.enforcement_cases(rows)
    horizon = shift_month(month, 3)
    horizon_end = f"{horizon}-{calendar.monthrange(int(horizon[:4]), int(horizon[5:]))[1]:02d}"
    effect = policy.effective_dates(data.rules_with_dates(engine, shift_month(month, -12), month),
                                    f"{month}-01", horizon_end)
    month_end = ctx["daily"][-1]["date"]
    ctx["rules_now"] = [e for e in effect if e["date"] <= month_end]
    ctx["rules_next"] = [e for e in effect if e["date"] > month_end]
    return []


def tables(ctx: dict) -> dict[str, list[list]]:
    return {
        "policy-timeline.csv": [["date", "kind", "issuer", "title", "doc_number", "url", "article_id"]]
        + [[p["date"], p["kind"], p["issuer"], p["title"], p["doc_number"], p["url"], p["id"]]
           for p in ctx["timeline"]],
        "enforcement.csv": [["date", "title", "authorities", "regions", "lenders", "outlet", "url", "article_id"]]
        + [[e["date"], e["title"], " ".join(e["authorities"]), " ".join(e["regions"]), " ".join(e["lenders"]),
            e["outlet"], e["url"], e["id"]] for e in ctx["enforcement"]],
    }
