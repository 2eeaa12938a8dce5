"""The headline shares corrected for the tagger's measured errors, each with a 90 % interval.

The relevant share (of the analysed articles), the negative share and each topic's share (of the
relevant articles) and their change from last month are corrected by :mod:`reports.quantify` with the
confusion counts the analysis stage recorded for the model (``models.metrics["confusion"]``, measured by
:mod:`analysis.confusion` on our real holdouts). A class whose validation texts hold fewer than
:data:`MIN_SUPPORT` positives or negatives is left uncorrected and said so.

Like :func:`reports.metrics.summarise`, these are month-wide figures several sections print beside their
raw counts (一 the relevant share, 二 each topic's, 四 the negative share): ``gather`` adds
``ctx["estimates"]`` (None when no model recorded its errors) and ``tables`` gives ``estimates.csv``.
"""

import zlib

from lendwatch.vocabulary import topic_label
from reports import data, quantify

MIN_SUPPORT = 20  # validation texts needed on each side of a class (below, the rates' error swamps the share)


def _estimate(key: str, label: str, now: list[bool], before: list[bool], cells: list[int] | None) -> dict:
    """One class's raw and corrected share this month, last month's, and the change between them."""
    out = {"key": key, "label": label, "count": sum(now), "n": len(now),
           "raw": sum(now) / len(now) if now else None, "corrected": False, "prev": None, "change": None}
    tp, fn, fp, tn = cells or (0, 0, 0, 0)
    if not now or min(tp + fn, fp + tn) < MIN_SUPPORT:
        return out
    val_truth, val_pred = quantify.pairs(cells)
    seed = zlib.crc32(key.encode("utf-8"))
    s = quantify.share(now, val_truth, val_pred, seed=seed)
    out.update(corrected=True, adjusted=s.adjusted, low=s.low, high=s.high)
    if before:
        p = quantify.share(before, val_truth, val_pred, seed=seed)
        c = quantify.change(before, now, val_truth, val_pred, seed=seed)
        out["prev"] = {"adjusted": p.adjusted, "low": p.low, "high": p.high}
        out["change"] = {"adjusted": c.adjusted, "low": c.low, "high": c.high, "significant": c.significant}
    return out


def gather(engine, ctx: dict) -> None:
    confusion, measured_on = data.model_confusion(engine)
    ctx["estimates_on"] = measured_on
    if not confusion:
        ctx["estimates"] = None
        return
    rows = [r for r in ctx["rows"] if r["analysed"]]
    prev = [r for r in ctx["prev_rows"] if r["analysed"]]
    rel, prev_rel = ctx["relevant_rows"], [r for r in prev if r["relevant"]]
    found = {
        "relevant": _estimate("relevant", "相关占比（占已分析文章）", [r["relevant"] for r in rows],
                              [r["relevant"] for r in prev], confusion.get("relevant")),
        "negative": _estimate("negative", "负面占比（占相关文章）", [r["sentiment"] == "negative" for r in rel],
                              [r["sentiment"] == "negative" for r in prev_rel], confusion.get("negative")),
    }
    for t in ctx["topics"]:
        key = f"topic:{t['code']}"
        found[key] = _estimate(key, f"话题占比：{topic_label(t['code'])}", [t["code"] in r["topics"] for r in rel],
                               [t["code"] in r["topics"] for r in prev_rel], confusion.get(key))
        t["estimate"] = found[key]
    ctx["estimates"] = found


def _share(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def tables(ctx: dict) -> dict[str, list[list]]:
    if not ctx.get("estimates"):
        return {}
    head = ["key", "label", "count", "n", "raw_share", "corrected", "share", "low", "high",
            "prev_share", "prev_low", "prev_high", "change", "change_low", "change_high", "change_significant"]
    rows = []
    for e in ctx["estimates"].values():
        prev, change = e["prev"] or {}, e["change"] or {}
        rows.append([e["key"], e["label"], e["count"], e["n"], _share(e["raw"]), e["corrected"],
                     *(_share(e.get(k)) for k in ("adjusted", "low", "high")),
                     *(_share(prev.get(k)) for k in ("adjusted", "low", "high")),
                     *(_share(change.get(k)) for k in ("adjusted", "low", "high")),
                     change.get("significant", "")])
    return {"estimates.csv": [head] + rows}
