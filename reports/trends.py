"""趋势研判: statements derived from the data, each with the figure behind it.

Three kinds, computed here and nowhere else: topics whose share of relevant articles rose
two months running; days and months far above their trailing average; rules whose text
says they take effect in the month or the three months after it. A statement is made
only when its figure is there.
"""

from collections import Counter

MIN_RELEVANT = 5  # fewer relevant articles in a month than this: no share trend is claimed
SPIKE_RATIO = 2.0
SPIKE_MIN = 3


def rising_topics(month_topics: dict[str, list[list[str]]], months: list[str]) -> list[dict]:
    """Topics whose share rose in each of the last two of ``months`` (three consecutive months)."""
    sizes = [len(month_topics.get(m, [])) for m in months]
    if len(months) != 3 or min(sizes) < MIN_RELEVANT:
        return []
    counts = [Counter(c for topics in month_topics[m] for c in dict.fromkeys(topics)) for m in months]
    out = []
    for code in sorted(set(counts[2])):
        shares = [counts[i][code] / sizes[i] for i in range(3)]
        if shares[0] < shares[1] < shares[2]:
            out.append({"code": code, "months": months, "counts": [c[code] for c in counts],
                        "sizes": sizes, "shares": shares})
    return sorted(out, key=lambda t: (-(t["shares"][2] - t["shares"][0]), t["code"]))


def day_spikes(days: list[dict], before: list[int], window: int = 7) -> list[dict]:
    """Days whose relevant count is at least SPIKE_MIN and SPIKE_RATIO times the mean of the ``window`` days before.

    ``before`` holds the relevant counts of the days preceding the month (oldest first).
    """
    series = list(before) + [d["relevant"] for d in days]
    out = []
    for i, day in enumerate(days):
        at = len(before) + i
        trailing = series[max(0, at - window):at]
        if len(trailing) < window:
            continue
        mean = sum(trailing) / window
        if day["relevant"] >= SPIKE_MIN and day["relevant"] >= SPIKE_RATIO * max(mean, 0.5):
            out.append(dict(day, trailing_mean=mean, ratio=day["relevant"] / mean if mean else None))
    return out


def volume_against_trailing(counts: dict[str, dict], month: str, trailing: list[str]) -> dict | None:
    """This month's relevant articles against the mean of the ``trailing`` months (None without data)."""
    base = [counts[m]["relevant"] for m in trailing if counts[m]["total"]]
    if len(base) < len(trailing) or not trailing:
        return None
    mean = sum(base) / len(base)
    now = counts[month]["relevant"]
    return {"count": now, "mean": mean, "ratio": now / mean if mean else None, "months": trailing}


def negative_rising(counts: dict[str, dict], months: list[str]) -> dict | None:
    """The negative share of relevant articles when it rose in each of the last two of ``months``."""
    rel = [counts[m]["relevant"] for m in months]
    if len(months) != 3 or min(rel) < MIN_RELEVANT:
        return None
    shares = [counts[m]["negative"] / counts[m]["relevant"] for m in months]
    if shares[0] < shares[1] < shares[2]:
        return {"months": months, "shares": shares, "counts": [counts[m]["negative"] for m in months],
                "sizes": rel}
    return None
