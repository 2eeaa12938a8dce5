"""Several months at once: each month's report, and an index of the range.

``build_range(engine, "2024-07", "2024-10", out_dir, terms=["爆通讯录"])`` writes every month's report
and ``index.md`` / ``index.html``: the trend (articles, relevant articles, stories and negative share
per month), topic × month and outlet × month tables, weekly attention per topic and per named
term, and before/after comparisons around the rules' effective dates (:mod:`reports.multimonth`), with
their charts and CSVs in ``index-files/``. The index links each month's reports in the formats built.
"""

import base64
from datetime import date, timedelta
from pathlib import Path

from sqlalchemy import Engine

from lendwatch import atomic
from lendwatch.frames import Desk
from lendwatch.vocabulary import month_label, month_span, parse_month, shift_month
from reports import charts, data, monthly, multimonth, policy, tables


def build_range(engine: Engine, first: str, last: str, out_dir: Path,
                formats=frozenset({"md", "html"}), terms: tuple[str, ...] = ()) -> list[Path]:
    """Build the reports of months first..last (``YYYY-MM``) and the index; return the files written.

    Raises ValueError for a malformed month or ``first`` later than ``last``.
    """
    parse_month(first)
    parse_month(last)
    if first > last:
        raise ValueError(f"--from {first} is later than --to {last}; expected YYYY-MM with from ≤ to")
    out_dir = Path(out_dir)
    written: list[Path] = []
    for month in month_span(first, last):
        written += monthly.build(engine, month, out_dir, formats)
    return _index(engine, first, last, out_dir, formats, list(terms)) + written


def _index(engine: Engine, first: str, last: str, out_dir: Path, formats, terms: list[str]) -> list[Path]:
    counts = data.monthly_counts(engine, first, last)
    span = list(counts)
    months = []
    for month, c in counts.items():
        months.append(dict(c, label=month_label(month),
                           relevant_share=c["relevant"] / c["total"] if c["total"] else None,
                           negative_share=c["negative"] / c["relevant"] if c["relevant"] else None))
    first_day = date.fromisoformat(f"{first}-01")
    last_day = date.fromisoformat(f"{shift_month(last, 1)}-01") - timedelta(days=1)
    window = timedelta(weeks=multimonth.WEEKS)
    desk = Desk(engine)
    wide = desk.articles(since=(first_day - window).isoformat(), until=(last_day + window).isoformat(),
                         relevant=True, text=bool(terms))
    rel = wide[wide["published_at"].dt.strftime("%Y-%m").isin(span)]
    grid = multimonth.by_month(rel, span)
    weekly = multimonth.weekly(rel, first_day, last_day, terms)
    rules = policy.effective_dates(data.rules_with_dates(engine, first, last), first_day.isoformat(),
                                   last_day.isoformat())
    complaints = desk.complaints()
    for rule in rules:
        rule["compare"] = multimonth.before_after(wide, complaints, date.fromisoformat(rule["date"]))
    range_label = f"{month_label(first)}至{month_label(last)}"
    pngs = {"trend": charts.monthly_trend([dict(m, label=m["month"]) for m in months], f"{range_label} 月度声量与负面占比")}
    top_topics = dict(sorted(weekly["topics"].items(), key=lambda kv: -sum(kv[1]))[:6])
    if top_topics:
        pngs["weekly-topics"] = charts.weekly_lines(weekly["weeks"], top_topics, "各话题每周相关文章（前六个话题）")
    if terms:
        pngs["weekly-terms"] = charts.weekly_lines(weekly["weeks"], weekly["terms"], "指定词语每周相关文章")
    files = out_dir / "index-files"
    outputs = {f"{name}.png": png for name, png in pngs.items()} | _tables(months, span, grid, weekly, rules)
    built = [f for f in ("md", "html", "pdf") if f in formats]
    ctx = {"title": f"网贷催收舆情 · {range_label} 多月汇总", "months": months, "span": span,
           "span_labels": [month_label(m) for m in span], "grid": grid, "weekly": weekly, "terms": terms,
           "rules": rules, "weeks": multimonth.WEEKS,
           "generated_line": monthly.GENERATED_PREFIX + monthly.now_line(),
           "charts": {name: base64.b64encode(png).decode() for name, png in pngs.items()},
           "snapshot": data.snapshot(engine), "formats": built}
    env = monthly.environment()
    out = []
    with atomic.Staged() as staged:  # the index and its files replace the old ones together
        staging = staged.path(files)
        staging.mkdir(parents=True)
        for name, content in outputs.items():
            (staging / name).write_bytes(content)
        for fmt in ("md", "html"):
            if fmt in formats or (fmt == "html" and "md" not in formats):
                path = out_dir / f"index.{fmt}"
                staged.path(path).write_text(env.get_template(f"index.{fmt}.j2").render(ctx),
                                             encoding="utf-8", newline="\n")
                out.append(path)
    return out + [files / name for name in sorted(outputs)]


def _tables(months, span, grid, weekly, rules) -> dict[str, bytes]:
    """The index's CSV files (named for what they hold)."""
    share = tables.share
    out = {"trend.csv": tables.trend_csv(months),
           "topics-by-month.csv": tables.csv_bytes(
               [["code", "label", *span, *(f"{m}_share" for m in span)]]
               + [[t["code"], t["label"], *t["counts"], *(share(s) for s in t["shares"])] for t in grid["topics"]]),
           "outlets-by-month.csv": tables.csv_bytes(
               [["outlet", *span]] + [[o["outlet"], *o["counts"]] for o in grid["outlets"]]),
           "weekly-topics.csv": tables.csv_bytes(
               [["week", *weekly["topics"]]] + [[w, *(v[i] for v in weekly["topics"].values())]
                                                for i, w in enumerate(weekly["weeks"])])}
    if weekly["terms"]:
        out["weekly-terms.csv"] = tables.csv_bytes(
            [["week", *weekly["terms"]]] + [[w, *(v[i] for v in weekly["terms"].values())]
                                            for i, w in enumerate(weekly["weeks"])])
    if rules:
        rows = [["effective_date", "rule", "measure", "before", "after", "change", "ci_low", "ci_high"]]
        for r in rules:
            c = r["compare"]
            for name in ("volume", "complaints"):
                v = c[name]
                rows.append([r["date"], r["name"], f"{name}_ratio", v["before"], v["after"], f"{v['ratio']:.3f}",
                             f"{v['low']:.3f}", f"{v['high']:.3f}"])
            for name, v in [("negative_share", c["negative"])] + [(f"share_{t['code']}", t) for t in c["topics"]]:
                if v:
                    rows.append([r["date"], r["name"], name, share(v["before"]), share(v["after"]), share(v["diff"]),
                                 share(v["low"]), share(v["high"])])
        out["before-after-rules.csv"] = tables.csv_bytes(rows)
    return out
