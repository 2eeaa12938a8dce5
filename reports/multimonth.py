"""The multi-month index's tables, from the pandas API (:mod:`lendwatch.frames`).

- ``by_month``: relevant articles per topic and per outlet, month by month, with shares;
- ``weekly``: relevant articles per week (weeks start on Monday, 北京时间) for each topic and for the
  terms the user names (an article counts for a term when its title or text contains it, in
  Simplified form);
- ``before_after``: around each date on which a rule takes effect (自…起施行, found by
  :func:`reports.policy.effective_dates`), ``WEEKS`` weeks either side: relevant articles and complaints
  per week (rate ratio with a 95 % interval, Poisson), the negative share and each topic's share
  (difference in percentage points with a 95 % interval, normal approximation). An interval that
  contains 1 (ratio) or 0 (difference) means the data cannot tell a change from chance.
"""

import math
from datetime import date, timedelta

import pandas as pd

from lendwatch import display
from lendwatch.vocabulary import TOPICS, topic_label

WEEKS = 4
Z95 = 1.96


def by_month(rel: pd.DataFrame, months: list[str], n_outlets: int = 10) -> dict:
    """Topic × month and outlet × month counts (and topic shares) of relevant articles."""
    month = rel["published_at"].dt.strftime("%Y-%m")
    sizes = month.value_counts().reindex(months, fill_value=0)
    topics = rel.assign(month=month).explode("topics").dropna(subset=["topics"])
    topic_counts = topics.groupby(["topics", "month"]).size().unstack(fill_value=0).reindex(columns=months, fill_value=0)
    topic_rows = [{"code": code, "label": label, "counts": [int(c) for c in topic_counts.loc[code]],
                   "shares": [c / s if s else None for c, s in zip(topic_counts.loc[code], sizes)]}
                  for code, label in TOPICS.items() if code in topic_counts.index]
    topic_rows.sort(key=lambda t: -sum(t["counts"]))
    outlet_counts = rel.assign(month=month).groupby(["outlet", "month"]).size().unstack(fill_value=0)
    outlet_counts = outlet_counts.reindex(columns=months, fill_value=0)
    order = outlet_counts.sum(axis=1).sort_values(ascending=False, kind="stable").index[:n_outlets]
    outlets = [{"outlet": name, "counts": [int(c) for c in outlet_counts.loc[name]]} for name in order]
    return {"sizes": [int(s) for s in sizes], "topics": topic_rows, "outlets": outlets}


def _week(values: pd.Series) -> pd.Series:
    """The Monday (date) of each timestamp's week."""
    days = values.dt.normalize()
    return (days - pd.to_timedelta(days.dt.weekday, unit="D")).dt.date


def weekly(rel: pd.DataFrame, first_day: date, last_day: date, terms: list[str]) -> dict:
    """Relevant articles per week for each topic with any, and for each of ``terms``."""
    start = first_day - timedelta(days=first_day.weekday())
    weeks = [start + timedelta(weeks=i) for i in range((last_day - start).days // 7 + 1)]
    week = _week(rel["published_at"])
    series = {}
    for code in TOPICS:
        hits = week[rel["topics"].map(lambda ts, c=code: c in ts)].value_counts()
        if len(hits):
            series[topic_label(code)] = [int(hits.get(w, 0)) for w in weeks]
    texts = (rel["title_display"] + "\n" + rel["text"].fillna("").map(display.text)) if terms else None
    term_series = {}
    for term in terms:
        hits = week[texts.str.contains(display.text(term), regex=False)].value_counts()
        term_series[term] = [int(hits.get(w, 0)) for w in weeks]
    return {"weeks": [w.isoformat() for w in weeks], "topics": series, "terms": term_series}


def rate_ratio(after: int, before: int) -> dict:
    """After/before counts over equal spans: the ratio and its 95 % interval (log scale, 0.5 added to empty cells)."""
    a, b = (after or 0.5), (before or 0.5)
    ratio, spread = a / b, Z95 * math.sqrt(1 / a + 1 / b)
    return {"before": before, "after": after, "ratio": ratio,
            "low": ratio * math.exp(-spread), "high": ratio * math.exp(spread)}


def share_change(hits_after: int, n_after: int, hits_before: int, n_before: int) -> dict | None:
    """The change of a share (after − before) with its 95 % interval; None when a side has no articles."""
    if not n_after or not n_before:
        return None
    p1, p0 = hits_after / n_after, hits_before / n_before
    spread = Z95 * math.sqrt(p1 * (1 - p1) / n_after + p0 * (1 - p0) / n_before)
    diff = p1 - p0
    return {"before": p0, "after": p1, "diff": diff, "low": diff - spread, "high": diff + spread,
            "n_before": n_before, "n_after": n_after}


def before_after(rel: pd.DataFrame, complaints: pd.DataFrame, day: date, weeks: int = WEEKS) -> dict:
    """The ``weeks`` weeks before ``day`` against the ``weeks`` weeks from it (see the module docstring)."""
    start = pd.Timestamp(day, tz="Asia/Shanghai")
    span = pd.Timedelta(weeks=weeks)
    before = rel[(rel["published_at"] >= start - span) & (rel["published_at"] < start)]
    after = rel[(rel["published_at"] >= start) & (rel["published_at"] < start + span)]
    filed = complaints["filed_at"]
    n_complaints = [int(((filed >= start - span) & (filed < start)).sum()), int(((filed >= start) & (filed < start + span)).sum())]
    neg = [int((part["sentiment"] == "negative").sum()) for part in (before, after)]
    topic_rows = []
    for code, label in TOPICS.items():
        hits = [int(part["topics"].map(lambda ts, c=code: c in ts).sum()) for part in (before, after)]
        if any(hits):
            topic_rows.append(dict(share_change(hits[1], len(after), hits[0], len(before)) or {}, label=label, code=code,
                                   hits=hits))
    return {"date": day.isoformat(), "weeks": weeks,
            "volume": rate_ratio(len(after), len(before)),
            "complaints": rate_ratio(n_complaints[1], n_complaints[0]),
            "negative": share_change(neg[1], len(after), neg[0], len(before)),
            "topics": [t for t in topic_rows if "diff" in t]}
