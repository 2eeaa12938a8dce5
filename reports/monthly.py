"""The monthly trend report: ``build(engine, "2024-09", out_dir)`` writes Markdown, HTML and PDF.

Outputs in ``out_dir``:

- ``report-YYYY-MM.md``: references the charts in ``report-YYYY-MM-files/``;
- ``report-YYYY-MM.html``: self-contained (charts embedded as base64 PNG, inline CSS);
- ``report-YYYY-MM.pdf`` (format ``pdf``): the HTML printed by WeasyPrint with the CJK font embedded;
- ``report-YYYY-MM-files/``: the chart PNGs and every table as CSV (``figures.csv`` lists the
  articles behind every number).

Apart from the generated-at line, the output depends only on the database.
"""

import base64
import calendar
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy import Engine

from lendwatch.records import SHANGHAI
from lendwatch.vocabulary import month_label, parse_month, sentiment_label, shift_month, topic_label
from reports import cases, charts, complaints, data, methods, metrics, policy, tables, terms, text, trends
from reports.filters import query

FORMATS = {"md", "html", "pdf"}
GENERATED_PREFIX = "生成时间："
LIST_LIMIT = 500  # the appendix lists the month's articles up to this many (all are in articles.csv)


class Refs:
    """The articles behind each number: ``add(label, ids)`` returns the anchor the number links to."""

    def __init__(self):
        self.items: list[dict] = []

    def add(self, label: str, ids) -> str:
        key = f"f{len(self.items) + 1}"
        self.items.append({"key": key, "label": label, "ids": list(ids)})
        return key


def build(engine: Engine, month: str, out_dir: Path, formats=frozenset({"md", "html"})) -> list[Path]:
    """Write the report for ``month`` (``YYYY-MM``) into ``out_dir``; return the files written.

    Raises ValueError for a malformed month or an unknown format.
    """
    parse_month(month)
    formats = set(formats)
    if not formats or formats - FORMATS:
        raise ValueError(f"formats must be a non-empty subset of {sorted(FORMATS)}, got {sorted(formats)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    ctx = gather(engine, month)
    written: list[Path] = []
    if not ctx["empty"]:
        ctx["charts"] = _charts(ctx)
        written = _write_files(out_dir / ctx["files_dir"], ctx)
    env = environment()
    reports = []
    for fmt in ("md", "html"):
        if fmt in formats:
            path = out_dir / f"report-{month}.{fmt}"
            path.write_text(env.get_template(f"report.{fmt}.j2").render(ctx), encoding="utf-8", newline="\n")
            reports.append(path)
    if "pdf" in formats:
        from reports.fonts import font_path
        from reports.pdf import write_pdf

        path = out_dir / f"report-{month}.pdf"
        write_pdf(env.get_template("report.html.j2").render(ctx, pdf=True, font_url=font_path().as_uri()), path)
        reports.append(path)
    return reports + written


def now_line() -> str:
    return datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M") + "（北京时间）"


def gather(engine: Engine, month: str) -> dict:
    """Every figure and table of the report for ``month``, with the articles behind each."""
    year, mon = parse_month(month)
    shift = lambda delta: shift_month(month, delta)  # noqa: E731
    rows = data.month_articles(engine, month)
    ctx = {
        "month": month, "year": year, "mon": mon, "prev_month": shift(-1),
        "prev_label": month_label(shift(-1)), "month_label": month_label(month),
        "title": f"网贷催收舆情月报 · {year}年{mon}月",
        "generated_line": GENERATED_PREFIX + now_line(),
        "snapshot": data.snapshot(engine), "files_dir": f"report-{month}-files", "empty": not rows,
        "pdf": False,
    }
    if not rows:
        return ctx
    prev = data.month_articles(engine, shift(-1), detail=False)
    ctx.update(metrics.summarise(rows, prev, month), rows=rows)
    rel = ctx["relevant_rows"]
    counts = data.monthly_counts(engine, shift(-12), month)
    ctx["yoy"] = dict(counts[shift(-12)], label=month_label(shift(-12))) if counts[shift(-12)]["total"] else None
    trailing = [shift(-3), shift(-2), shift(-1)]
    leads = data.relevant_leads(engine, month, terms.TERM_CHARS)
    for m in trailing:
        leads += data.relevant_leads(engine, m, terms.TERM_CHARS, -(-counts[m]["relevant"] // terms.BASE_CAP))
    ctx["rising_terms"] = terms.rising(leads, month, trailing)
    ctx["rising_terms"]["label"] = f"{month_label(trailing[0])}至{month_label(trailing[-1])}"
    ctx["timeline"] = policy.timeline(rows)
    ctx["enforcement"] = policy.enforcement_cases(rows)
    horizon = shift(3)
    horizon_end = f"{horizon}-{calendar.monthrange(int(horizon[:4]), int(horizon[5:]))[1]:02d}"
    effect = policy.effective_dates(data.rules_with_dates(engine, shift(-12), month), f"{month}-01", horizon_end)
    month_end = ctx["daily"][-1]["date"]
    ctx["rules_now"] = [e for e in effect if e["date"] <= month_end]
    ctx["rules_next"] = [e for e in effect if e["date"] > month_end]
    records = data.month_complaints(engine, month)
    prev_records = data.month_complaints(engine, shift(-1))
    ctx["complaints"] = complaints.summary(records, len(prev_records) if prev else None)
    ctx["lenders"] = complaints.lenders(rel)
    picked = cases.pick(rel)
    ctx["cases"] = cases.describe(picked, data.texts(engine, [i for c in picked for i in c["ids"]]))
    prev_days = metrics.daily(prev, shift(-1)) if prev else []
    ctx["trends"] = {
        "topics": trends.rising_topics(data.month_topics(engine, shift(-2), month), [shift(-2), shift(-1), month]),
        "negative": trends.negative_rising(counts, [shift(-2), shift(-1), month]),
        "volume": trends.volume_against_trailing(counts, month, trailing),
        "spikes": trends.day_spikes(ctx["daily"], [d["relevant"] for d in prev_days[-7:]] if prev else []),
    }
    metrics.peak_stories(rel, ctx["trends"]["spikes"], ctx["stories"])
    ctx["trend_labels"] = [month_label(m) for m in (shift(-2), shift(-1), month)]
    ctx["catalogue"] = data.source_catalogue(engine)
    ctx["per_source_by"] = {s["source"]: s for s in ctx["per_source"]}
    ctx["quality"] = methods.model_quality(engine)
    ctx["lead"] = text.lead_sentences(ctx)
    ctx["listed"] = _listed(rows, rel)
    ctx["listed_ids"] = {r["id"] for r in ctx["listed"]}
    ctx["refs"] = _refs(ctx, rows, rel)
    _browse_filters(ctx)
    return ctx


def _listed(rows: list[dict], rel: list[dict]) -> list[dict]:
    """The articles the appendix lists (and numbers link to): all, else the relevant, else none."""
    for candidate in (rows, rel):
        if len(candidate) <= LIST_LIMIT:
            return candidate
    return []


def _refs(ctx: dict, rows: list[dict], rel: list[dict]) -> Refs:
    """Register every counted figure's articles; the key is stored beside the figure as ``ref``."""
    refs, ov = Refs(), ctx["overview"]
    ov["ref_total"] = refs.add("本月全部文章", [r["id"] for r in rows])
    ov["ref_relevant"] = refs.add("相关文章", [r["id"] for r in rel])
    for p in ctx["peaks"]:
        p["ref"] = refs.add(f"{p['label']}的相关文章", [r["id"] for r in rel if r["date"] == p["date"]])
    for group, prefix in ((ctx["topics"], "话题"), (ctx["sentiment"], "情感")):
        for item in group:
            if item["count"]:
                item["ref"] = refs.add(f"{prefix}：{item['label']}", item["ids"])
    for w in ctx["weeks"]:
        w["ref"] = refs.add(f"{w['label']}的负面报道", w["ids"])
    for t in ctx["negative_by_topic"]:
        t["ref"] = refs.add(f"“{t['label']}”中的负面报道", t["ids"])
    for t in ctx["rising_terms"]["terms"]:
        t["ref"] = refs.add(f"含“{t['word']}”的相关文章", t["ids"])
    for lender in ctx["lenders"]:
        lender["ref"] = refs.add(f"提及“{lender['name']}”的相关文章", lender["ids"])
    cx = ctx["complaints"]
    if cx["count"]:
        cx["ref"] = refs.add("本月投诉记录", cx["ids"])
        for key, label in (("platforms", "平台"), ("companies", "被投诉方"), ("issues", "问题"), ("statuses", "状态")):
            for g in cx[key]:
                g["ref"] = refs.add(f"投诉{label}：{g['name']}", g["ids"])
    for c in ctx["cases"]:
        c["ref"] = refs.add(f"案例：{text.short(c['lead']['title'], 30)}", c["ids"])
    for s in ctx["trends"]["spikes"]:
        s["ref"] = refs.add(f"{s['label']}的相关文章（高峰）", [r["id"] for r in rel if r["date"] == s["date"]])
    return refs


def _browse_filters(ctx: dict) -> None:
    """Give each figure the browse filter that lists exactly the articles it counts, as ``browse``.

    Figures the browsing site cannot reproduce exactly (stories, rising terms, which count words
    of the lead; complaints, counted by filing date) keep only their appendix list.
    """
    month, ov = ctx["month"], ctx["overview"]
    rel = dict(month=month, relevant=True)
    ov["browse_total"] = query(month=month)
    ov["browse_relevant"] = query(**rel)
    ov["browse_prev_total"] = query(month=ctx["prev_month"])
    ov["browse_prev_relevant"] = query(month=ctx["prev_month"], relevant=True)
    if ctx["yoy"]:
        ctx["yoy"]["browse_total"] = query(month=ctx["yoy"]["month"])
        ctx["yoy"]["browse_relevant"] = query(month=ctx["yoy"]["month"], relevant=True)
    for day in ctx["peaks"] + ctx["trends"]["spikes"]:
        day["browse"] = query(from_=day["date"], to=day["date"], relevant=True)
    for t in ctx["topics"]:
        t["browse"] = query(**rel, topic=t["code"])
    for s in ctx["sentiment"]:
        s["browse"] = query(**rel, sentiment=s["code"])
    for w in ctx["weeks"]:
        w["browse_all"] = query(from_=w["first"], to=w["last"], relevant=True)
        w["browse"] = query(from_=w["first"], to=w["last"], relevant=True, sentiment="negative")
    for t in ctx["negative_by_topic"]:
        t["browse_all"] = query(**rel, topic=t["code"])
        t["browse"] = query(**rel, topic=t["code"], sentiment="negative")
    for x in ctx["lenders"]:
        x["browse"] = query(**rel, lender=x["name"])
        x["browse_negative"] = query(**rel, lender=x["name"], sentiment="negative")
    for o in ctx["outlets"]:
        o["browse"] = query(**rel, outlet=o["outlet"])
    for c in ctx["cases"]:
        c["browse"] = query(**rel, story=str(c["story_id"]))
    for s in ctx["per_source"]:
        s["browse_total"] = query(month=month, source=s["source"])
        s["browse_relevant"] = query(**rel, source=s["source"])
    for s in ctx["catalogue"]:
        s["browse"] = query(source=s["source"])


# --- files ------------------------------------------------------------------

def environment() -> Environment:
    env = Environment(loader=PackageLoader("reports", "templates"),
                      autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(pct=text.pct, pp=text.pp, signed=text.signed, cn_date=text.cn_date, md=text.md_text, md_prose=text.md_prose,
                       md_url=text.md_url, web_url=text.web_url, short=text.short, topic_label=topic_label,
                       sentiment_label=sentiment_label,
                       id_list=lambda ids: "、".join(f"#{i}" for i in ids),
                       topic_labels=lambda codes: "、".join(topic_label(c) for c in codes) or "—")
    return env


def _charts(ctx: dict) -> dict:
    """Chart name → PNG bytes (and base64 copies in ``ctx["chart_data"]`` for the HTML)."""
    label = ctx["month_label"]
    out = {"daily-volume": charts.daily_volume(ctx["daily"], ctx["peaks"], f"{label} 每日声量")}
    if any(t["count"] for t in ctx["topics"]):
        out["topics"] = charts.topic_shares(ctx["topics"], f"{label} 热点话题占比",
                                            previous_label=ctx["prev_label"] if ctx["overview"]["prev_relevant"] else None)
    if ctx["overview"]["relevant"]:
        out["sentiment-weeks"] = charts.weekly_negative(ctx["weeks"], f"{label} 各周负面报道占比")
    ctx["chart_data"] = {name: base64.b64encode(png).decode("ascii") for name, png in out.items()}
    return out


def _write_files(files_dir: Path, ctx: dict) -> list[Path]:
    files_dir.mkdir(parents=True, exist_ok=True)
    for old in list(files_dir.glob("*.png")) + list(files_dir.glob("*.csv")):
        old.unlink()  # a rebuild leaves no stale chart or table behind
    outputs = {f"{name}.png": png for name, png in ctx["charts"].items()} | tables.tables(ctx)
    written = []
    for name, content in sorted(outputs.items()):
        path = files_dir / name
        path.write_bytes(content)
        written.append(path)
    return written
