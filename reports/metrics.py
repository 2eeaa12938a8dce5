"""The report's figures, computed from the rows of :func:`reports.data.month_articles`.

Pure functions: rows in, plain dicts out. Every figure keeps the ids of the
articles behind it, so the report can list them.
"""

import calendar
from collections import Counter, defaultdict

from lendwatch.vocabulary import SENTIMENTS, topic_label, topic_order


def share(part: int, whole: int) -> float | None:
    return part / whole if whole else None


def _delta(now: float | None, before: float | None) -> float | None:
    return None if now is None or before is None else now - before


def _ranked(rows: list[dict], key) -> list[dict]:
    return sorted(rows, key=lambda r: (key(r), r["published_at"], r["id"]))


def overview(rows: list[dict], prev: list[dict]) -> dict:
    """Volume (声量), relevance, stories, sources and outlets, with 环比 against ``prev``."""
    rel = [r for r in rows if r["relevant"]]
    prev_rel = [r for r in prev if r["relevant"]]
    total, prev_total = len(rows), len(prev)
    result = {
        "total": total,
        "analysed": sum(r["analysed"] for r in rows),
        "unanalysed_ids": [r["id"] for r in rows if not r["analysed"]],
        "relevant": len(rel),
        "relevant_share": share(len(rel), total),
        "stories": len({r["story_id"] for r in rel}),
        "sources": len({r["source"] for r in rows}),
        "outlets": len({r["outlet"] for r in rows}),
        "relevant_outlets": len({r["outlet"] for r in rel}),
        "sample": sum(r["sample"] for r in rows),
        "prev_has_data": prev_total > 0,
        "prev_total": prev_total,
        "prev_relevant": len(prev_rel),
        "prev_relevant_share": share(len(prev_rel), prev_total),
        "prev_stories": len({r["story_id"] for r in prev_rel}),
    }
    if prev_total:
        result["total_change"] = total - prev_total
        result["total_change_rate"] = share(total - prev_total, prev_total)
        result["relevant_change"] = len(rel) - len(prev_rel)
        result["relevant_change_rate"] = share(len(rel) - len(prev_rel), len(prev_rel))
        result["stories_change"] = result["stories"] - result["prev_stories"]
    return result


def daily(rows: list[dict], month: str) -> list[dict]:
    """Articles per local day, every day of the month (zeros included)."""
    year, mon = int(month[:4]), int(month[5:7])
    days = calendar.monthrange(year, mon)[1]
    total, rel = Counter(r["date"] for r in rows), Counter(r["date"] for r in rows if r["relevant"])
    out = []
    for day in range(1, days + 1):
        date = f"{month}-{day:02d}"
        out.append({"date": date, "day": day, "label": f"{mon}月{day}日",
                    "total": total[date], "relevant": rel[date]})
    return out


PEAK_RULE = "峰值日指本月相关报道篇数居前三位的日子（篇数相同的一并列出，每日至少 2 篇）"


def peaks(days: list[dict], n: int = 3) -> list[dict]:
    """The peak days (:data:`PEAK_RULE`, the one rule of every section): the days with at least as
    many relevant articles as the ``n``-th busiest day (ties all kept, at least 2), in date order."""
    busy = sorted((d for d in days if d["relevant"] >= 2), key=lambda d: -d["relevant"])
    if not busy:
        return []
    floor = busy[min(n, len(busy)) - 1]["relevant"]
    found = [d for d in days if d["relevant"] >= floor]
    for i, day in enumerate(found):  # ①… in the chart and the list (circled numbers go to ⑳)
        day["mark"] = chr(0x2460 + i) if i < 20 else f"({i + 1})"
    return found


def topics(rel: list[dict], prev_rel: list[dict]) -> list[dict]:
    """Topic counts and shares among relevant articles, with the change in share (percentage points)."""
    ids = defaultdict(list)
    for r in rel:
        for code in dict.fromkeys(r["topics"]):
            ids[code].append(r["id"])
    before = Counter(code for r in prev_rel for code in dict.fromkeys(r["topics"]))
    codes = set(ids) | set(before)
    table = []
    for code in codes:
        now_share = share(len(ids[code]), len(rel))
        prev_share = share(before[code], len(prev_rel))
        table.append({
            "code": code, "label": topic_label(code), "count": len(ids[code]), "share": now_share,
            "prev_count": before[code], "prev_share": prev_share,
            "delta": _delta(now_share, prev_share), "ids": ids[code],
        })
    table.sort(key=lambda t: (-t["count"], -t["prev_count"], topic_order(t["code"]), t["code"]))
    return table


def sentiment(rel: list[dict], prev_rel: list[dict]) -> list[dict]:
    """Negative / neutral / positive counts and shares among relevant articles."""
    now = Counter(r["sentiment"] for r in rel)
    before = Counter(r["sentiment"] for r in prev_rel)
    table = []
    for code, label in SENTIMENTS.items():
        now_share, prev_share = share(now[code], len(rel)), share(before[code], len(prev_rel))
        table.append({"code": code, "label": label, "count": now[code], "share": now_share,
                      "prev_count": before[code], "prev_share": prev_share,
                      "delta": _delta(now_share, prev_share),
                      "ids": [r["id"] for r in rel if r["sentiment"] == code]})
    return table


def evidence_sentences(row: dict, limit: int = 2, width: int = 120) -> list[str]:
    """The sentiment evidence stored with an analysis, as at most ``limit`` short sentences."""
    found = row["evidence"].get("sentiment")
    if isinstance(found, (str, dict)):
        found = [found]
    sentences = []
    for item in found or []:
        if isinstance(item, dict):
            item = item.get("text") or item.get("sentence") or ""
        text = " ".join(str(item).split())
        if text:
            sentences.append(text if len(text) <= width else text[: width - 1] + "…")
    return sentences[:limit]


def most_negative(rel: list[dict], n: int = 5) -> list[dict]:
    """The ``n`` most negative stories: each story's negative article with the highest p_negative."""
    negative = [r for r in rel if r["sentiment"] == "negative"]
    out, seen = [], set()
    for r in _ranked(negative, lambda r: -r["p_negative"]):
        if r["story_id"] not in seen and len(out) < n:
            seen.add(r["story_id"])
            out.append(dict(r, evidence_sentences=evidence_sentences(r)))
    return out


def weeks(rel: list[dict], month: str) -> list[dict]:
    """The negative share of relevant articles per week of the month (days 1–7, 8–14, …, 29–end)."""
    last = calendar.monthrange(int(month[:4]), int(month[5:7]))[1]
    out = []
    for start in range(1, last + 1, 7):
        end = min(start + 6, last)
        members = [r for r in rel if start <= int(r["date"][8:10]) <= end]
        negative = [r["id"] for r in members if r["sentiment"] == "negative"]
        out.append({"key": f"week-{start:02d}", "label": f"{int(month[5:7])}月{start}日–{end}日",
                    "first": f"{month}-{start:02d}", "last": f"{month}-{end:02d}",
                    "count": len(members), "negative": len(negative),
                    "share": share(len(negative), len(members)), "ids": negative})
    return out


def negative_by_topic(rel: list[dict], topic_rows: list[dict]) -> list[dict]:
    """The negative share within each topic that has articles this month."""
    out = []
    for t in topic_rows:
        if not t["count"]:
            continue
        negative = [r["id"] for r in rel if t["code"] in r["topics"] and r["sentiment"] == "negative"]
        out.append({"code": t["code"], "label": t["label"], "count": t["count"], "negative": len(negative),
                    "share": share(len(negative), t["count"]), "ids": negative})
    return sorted(out, key=lambda t: (-(t["share"] or 0), -t["count"], topic_order(t["code"])))


def topic_stories(rel: list[dict], topic_rows: list[dict], n: int = 3) -> dict[str, list[dict]]:
    """Each topic's top ``n`` stories (ranked as in :func:`stories`)."""
    return {t["code"]: stories([r for r in rel if t["code"] in r["topics"]], n) for t in topic_rows if t["count"]}


def peak_stories(rel: list[dict], peak_days: list[dict], top: list[dict]) -> None:
    """Give each peak day the title of its top story (the highest-ranked story with an article that day),
    as its origin article names it."""
    rank = {s["story_id"]: i for i, s in enumerate(top)}
    for day in peak_days:
        members = [r for r in rel if r["date"] == day["date"]]
        best = min(members, key=lambda r: (rank.get(r["story_id"], len(rank)), r["id"] != r["story_id"],
                                           r["published_at"], r["id"]))
        story = next((s for s in top if s["story_id"] == best["story_id"]), None)
        lead = story["lead"] if story else best  # a repost's day is labelled with its story's origin
        day["top_title"], day["top_id"], day["top_url"] = lead["title"], lead["id"], lead["url"]


def stories(rel: list[dict], n: int = 10) -> list[dict]:
    """The top stories: most articles in the month (reposts) first, then highest p_negative.

    A story is shown by its origin article when that is in the month, else by its
    earliest article in the month.
    """
    groups = defaultdict(list)
    for r in rel:
        groups[r["story_id"]].append(r)
    out = []
    for story_id, members in groups.items():
        members = _ranked(members, lambda r: 0)
        lead = next((r for r in members if r["id"] == story_id), members[0])
        out.append({"story_id": story_id, "lead": lead, "size": len(members),
                    "reposts": len(members) - 1,
                    "p_negative": max(r["p_negative"] for r in members),
                    "outlets": sorted({r["outlet"] for r in members}),
                    "ids": [r["id"] for r in members]})
    out.sort(key=lambda s: (-s["size"], -s["p_negative"], s["lead"]["published_at"], s["story_id"]))
    return out[:n]


def per_source(rows: list[dict]) -> list[dict]:
    """Articles and relevant articles per crawl source."""
    table = defaultdict(lambda: {"total": 0, "relevant": 0, "analysed": 0, "sample": 0})
    for r in rows:
        entry = table[r["source"]]
        entry["total"] += 1
        entry["relevant"] += r["relevant"]
        entry["analysed"] += r["analysed"]
        entry["sample"] += r["sample"]
    return [dict(source=name, **entry)
            for name, entry in sorted(table.items(), key=lambda kv: (-kv[1]["total"], kv[0]))]


def outlets(rel: list[dict], n: int = 8) -> list[dict]:
    """The outlets with the most relevant articles."""
    counts = Counter(r["outlet"] for r in rel)
    return [{"outlet": name, "count": c}
            for name, c in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[:n]]


def model_versions(rows: list[dict]) -> list[dict]:
    """The model and lexicon versions behind the month's analyses."""
    counts = Counter((r["model_version"], r["lexicon_version"]) for r in rows if r["analysed"])
    return [{"model": m, "lexicon": lex, "count": c} for (m, lex), c in sorted(counts.items())]


def summarise(rows: list[dict], prev: list[dict], month: str) -> dict:
    """Every figure of the report for ``month`` (``prev`` holds the previous month's rows)."""
    rel = [r for r in rows if r["relevant"]]
    prev_rel = [r for r in prev if r["relevant"]]
    days = daily(rows, month)
    topic_rows = topics(rel, prev_rel)
    peak_days = peaks(days)
    top = stories(rel, n=len(rel))
    peak_stories(rel, peak_days, top)
    return {
        "overview": overview(rows, prev),
        "daily": days,
        "peaks": peak_days,
        "topics": topic_rows,
        "topic_stories": topic_stories(rel, topic_rows),
        "sentiment": sentiment(rel, prev_rel),
        "weeks": weeks(rel, month),
        "negative_by_topic": negative_by_topic(rel, topic_rows),
        "most_negative": most_negative(rel),
        "stories": top[:10],
        "per_source": per_source(rows),
        "outlets": outlets(rel),
        "model_versions": model_versions(rows),
        "relevant_rows": rel,
    }
