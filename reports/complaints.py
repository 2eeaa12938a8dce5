"""Complaints and platforms: complaint records of the month and the lenders named in articles.

Complaints (``complaints`` table, e.g. 黑猫投诉) are claims by the complainants, not
verified facts; the report says so wherever it counts them.
"""

from collections import defaultdict


def _ranked(groups: dict[str, list[int]], n: int | None = None) -> list[dict]:
    rows = [{"name": name, "count": len(ids), "ids": ids} for name, ids in groups.items()]
    rows.sort(key=lambda g: (-g["count"], g["name"]))
    return rows[:n] if n else rows


def _group(records: list[dict], key: str, missing: str) -> dict[str, list[int]]:
    groups: dict[str, list[int]] = defaultdict(list)
    for c in records:
        groups[" ".join(str(c.get(key) or "").split()) or missing].append(c["id"])
    return groups


def summary(records: list[dict], prev_count: int | None) -> dict:
    """Volumes, companies, issue types, status and amounts of the month's complaint records."""
    amounts = sorted(c["amount"] for c in records if c["amount"] is not None)
    middle = len(amounts) // 2
    median = None if not amounts else (
        amounts[middle] if len(amounts) % 2 else (amounts[middle - 1] + amounts[middle]) / 2)
    return {
        "count": len(records),
        "prev_count": prev_count,
        "ids": [c["id"] for c in records],
        "platforms": _ranked(_group(records, "outlet", "未知平台")),
        "companies": _ranked(_group(records, "company", "（未注明）"), 10),
        "issues": _ranked(_group(records, "issue", "（未注明）"), 10),
        "statuses": _ranked(_group(records, "status", "（未注明）")),
        "with_status": sum(1 for c in records if c.get("status")),
        "amount_count": len(amounts),
        "amount_total": sum(amounts),
        "amount_median": median,
    }


def lenders(rel: list[dict], n: int = 10) -> list[dict]:
    """Lenders and platforms named in relevant articles (``entities.lenders``): articles and stories."""
    groups: dict[str, list[dict]] = defaultdict(list)
    for r in rel:
        for name in dict.fromkeys(str(x).strip() for x in r["entities"].get("lenders") or []):
            if name:
                groups[name].append(r)
    rows = [{"name": name, "count": len(rs), "stories": len({r["story_id"] for r in rs}),
             "negative": sum(r["sentiment"] == "negative" for r in rs), "ids": [r["id"] for r in rs]}
            for name, rs in groups.items()]
    rows.sort(key=lambda g: (-g["count"], -g["stories"], g["name"]))
    return rows[:n]
