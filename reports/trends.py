"""趋势研判: statements derived from the data, each with the figure behind it.

Three kinds, computed here and nowhere else: topics whose share of relevant articles rose
two months running; the peak days and the month against their trailing average; rules whose text
says they take effect in the month or the three months after it. A statement is made
only when its figure is there.
"""

from collections import Counter

MIN_RELEVANT = 5  # fewer relevant articles in a month than this: no share trend is claimed


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


def against_trailing(days: list[dict], peak_days: list[dict], before: list[int], window: int = 7) -> list[dict]:
    """The peak days (:func:`reports.metrics.peaks`, updated in place) with the mean of the ``window``
    days before each (``trailing_mean``, None when the database holds fewer days) and the ratio to it.

    ``before`` holds the relevant counts of the days preceding the month (oldest first).
    """
    series = list(before) + [d["relevant"] for d in days]
    for day in peak_days:
        at = len(before) + day["day"] - 1
        trailing = series[max(0, at - window):at]
        mean = sum(trailing) / window if len(trailing) == window else None
        day.update(trailing_mean=mean, ratio=day["relevant"] / mean if mean else None)
    return peak_days


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
