"""七、趋势研判: rising topics and negative share, volume against the trailing months, the peak days."""

from lendwatch.vocabulary import month_label, shift_month
from reports import data, metrics, trends
from reports.figures import Figure


def gather(engine, ctx: dict) -> list[Figure]:
    month, counts, prev = ctx["month"], ctx["counts"], ctx["prev_rows"]
    last3 = [shift_month(month, -2), shift_month(month, -1), month]
    trailing = [shift_month(month, -3), *last3[:2]]
    prev_days = metrics.daily(prev, last3[1]) if prev else []
    ctx["trends"] = {
        "topics": trends.rising_topics(data.month_topics(engine, last3[0], month), last3),
        "negative": trends.negative_rising(counts, last3),
        "volume": trends.volume_against_trailing(counts, month, trailing),
        # the peak days of 一 (their figures are linked there), each against the 7 days before it
        "spikes": trends.against_trailing(ctx["daily"], ctx["peaks"], [d["relevant"] for d in prev_days[-7:]]),
    }
    ctx["trend_labels"] = [month_label(m) for m in last3]
    return []
