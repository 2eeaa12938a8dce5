"""七、趋势研判: rising topics and negative share, volume against the trailing months, day spikes."""

from lendwatch.vocabulary import month_label, shift_month
from reports import data, metrics, trends
from reports.figures import Figure
from reports.filters import query


def gather(engine, ctx: dict) -> list[Figure]:
    month, counts, prev = ctx["month"], ctx["counts"], ctx["prev_rows"]
    last3 = [shift_month(month, -2), shift_month(month, -1), month]
    trailing = [shift_month(month, -3), *last3[:2]]
    prev_days = metrics.daily(prev, last3[1]) if prev else []
    ctx["trends"] = {
        "topics": trends.rising_topics(data.month_topics(engine, last3[0], month), last3),
        "negative": trends.negative_rising(counts, last3),
        "volume": trends.volume_against_trailing(counts, month, trailing),
        "spikes": trends.day_spikes(ctx["daily"], [d["relevant"] for d in prev_days[-7:]] if prev else []),
    }
    rel = ctx["relevant_rows"]
    metrics.peak_stories(rel, ctx["trends"]["spikes"], ctx["stories"])
    ctx["trend_labels"] = [month_label(m) for m in last3]
    return [Figure(s, f"{s['label']}的相关文章（高峰）", [r["id"] for r in rel if r["date"] == s["date"]],
                   {"browse": query(from_=s["date"], to=s["date"], relevant=True)}) for s in ctx["trends"]["spikes"]]
