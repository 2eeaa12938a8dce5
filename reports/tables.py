"""Every table of the report as CSV (UTF-8 with BOM, so Excel opens the Chinese text correctly)."""

import csv
import io


def _csv(rows: list[list]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8-sig")


def _share(value: float | None) -> str:
    return "" if value is None else f"{value:.4f}"


def _ids(ids) -> str:
    return " ".join(map(str, ids))


def tables(ctx: dict) -> dict[str, bytes]:
    """File name → CSV bytes for one month's report context."""
    cx = ctx["complaints"]
    out = {
        "daily.csv": [["date", "articles", "relevant"]]
        + [[d["date"], d["total"], d["relevant"]] for d in ctx["daily"]],
        "topics.csv": [["code", "label", "articles", "share", "prev_articles", "prev_share", "article_ids"]]
        + [[t["code"], t["label"], t["count"], _share(t["share"]), t["prev_count"], _share(t["prev_share"]),
            _ids(t["ids"])] for t in ctx["topics"]],
        "rising-terms.csv": [["word", "articles", "share", "base_articles", "base_share", "expected", "article_ids"]]
        + [[t["word"], t["count"], _share(t["share"]), t["base_count"], _share(t["base_share"]),
            f"{t['expected']:.2f}", _ids(t["ids"])] for t in ctx["rising_terms"]["terms"]],
        "sentiment.csv": [["code", "label", "articles", "share", "prev_articles", "prev_share", "article_ids"]]
        + [[s["code"], s["label"], s["count"], _share(s["share"]), s["prev_count"], _share(s["prev_share"]),
            _ids(s["ids"])] for s in ctx["sentiment"]],
        "sentiment-weeks.csv": [["week", "relevant", "negative", "negative_share", "negative_ids"]]
        + [[w["label"], w["count"], w["negative"], _share(w["share"]), _ids(w["ids"])] for w in ctx["weeks"]],
        "sentiment-topics.csv": [["code", "label", "relevant", "negative", "negative_share", "negative_ids"]]
        + [[t["code"], t["label"], t["count"], t["negative"], _share(t["share"]), _ids(t["ids"])]
           for t in ctx["negative_by_topic"]],
        "policy-timeline.csv": [["date", "kind", "issuer", "title", "doc_number", "url", "article_id"]]
        + [[p["date"], p["kind"], p["issuer"], p["title"], p["doc_number"], p["url"], p["id"]]
           for p in ctx["timeline"]],
        "enforcement.csv": [["date", "title", "authorities", "regions", "lenders", "outlet", "url", "article_id"]]
        + [[e["date"], e["title"], " ".join(e["authorities"]), " ".join(e["regions"]), " ".join(e["lenders"]),
            e["outlet"], e["url"], e["id"]] for e in ctx["enforcement"]],
        "lenders.csv": [["lender", "articles", "stories", "negative", "article_ids"]]
        + [[x["name"], x["count"], x["stories"], x["negative"], _ids(x["ids"])] for x in ctx["lenders"]],
        "complaints.csv": [["group", "name", "complaints", "article_ids"]]
        + [[group, g["name"], g["count"], _ids(g["ids"])]
           for group in ("platforms", "companies", "issues", "statuses") for g in cx[group]],
        "sources.csv": [["source", "articles", "analysed", "relevant", "sample_site"]]
        + [[s["source"], s["total"], s["analysed"], s["relevant"], s["sample"]] for s in ctx["per_source"]],
        "top-stories.csv": [["rank", "story_id", "article_id", "title", "url", "outlet", "published_at",
                             "articles", "outlets", "max_p_negative", "article_ids"]]
        + [[i, s["story_id"], s["lead"]["id"], s["lead"]["title"], s["lead"]["url"], s["lead"]["outlet"],
            s["lead"]["published_at"], s["size"], len(s["outlets"]), f"{s['p_negative']:.3f}", _ids(s["ids"])]
           for i, s in enumerate(ctx["stories"], 1)],
        "figures.csv": [["ref", "figure", "articles", "article_ids"]]
        + [[r["key"], r["label"], len(r["ids"]), _ids(r["ids"])] for r in ctx["refs"].items],
        "articles.csv": [["id", "published_at", "source", "outlet", "title", "url", "analysed", "relevant",
                          "topics", "sentiment", "p_negative", "story_id", "model_version", "sample_site"]]
        + [[r["id"], r["published_at"], r["source"], r["outlet"], r["title"], r["url"], int(r["analysed"]),
            int(r["relevant"]), " ".join(r["topics"]), r["sentiment"] or "",
            "" if r["p_negative"] is None else f"{r['p_negative']:.3f}", r["story_id"],
            r["model_version"] or "", int(r["sample"])] for r in ctx["rows"]],
    }
    return {name: _csv(table) for name, table in out.items()}


def trend_csv(months: list[dict]) -> bytes:
    """The multi-month trend table of the index."""
    return _csv([["month", "articles", "relevant", "relevant_share", "stories", "negative", "negative_share"]]
                + [[m["month"], m["total"], m["relevant"], _share(m["relevant_share"]), m["stories"], m["negative"],
                    _share(m["negative_share"])] for m in months])
