"""The monthly trend report: ``build(engine, "2024-09", out_dir)`` writes Markdown and HTML.

Outputs in ``out_dir``:

- ``report-YYYY-MM.md``: references the charts in ``report-YYYY-MM-files/``;
- ``report-YYYY-MM.html``: self-contained (charts embedded as base64 PNG, inline CSS);
- ``report-YYYY-MM-files/``: the chart PNGs and every table as CSV.

Apart from the generated-at line, the output depends only on the database.
"""

import base64
import csv
import io
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy import Engine

from lendwatch.records import SHANGHAI
from reports import charts, data, metrics
from reports.labels import SENTIMENTS, topic_label

FORMATS = {"md", "html"}
GENERATED_PREFIX = "生成时间："


def build(engine: Engine, month: str, out_dir: Path, formats: set[str] = frozenset(FORMATS)) -> list[Path]:
    """Write the report for ``month`` (``YYYY-MM``) into ``out_dir``; return the files written.

    Raises ValueError for a malformed month or an unknown format.
    """
    year, mon = data.parse_month(month)
    formats = set(formats)
    if not formats or formats - FORMATS:
        raise ValueError(f"formats must be a non-empty subset of {sorted(FORMATS)}, got {sorted(formats)}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)

    prev_month = data.shift_month(month, -1)
    rows = data.month_articles(engine, month)
    context = {
        "month": month, "year": year, "mon": mon, "prev_month": prev_month,
        "prev_label": f"{int(prev_month[:4])}年{int(prev_month[5:])}月",
        "title": f"网贷催收舆情月报 · {year}年{mon}月",
        "generated_line": GENERATED_PREFIX + datetime.now(SHANGHAI).strftime("%Y-%m-%d %H:%M") + "（北京时间）",
        "snapshot": data.snapshot(engine),
        "files_dir": f"report-{month}-files",
        "empty": not rows,
    }
    written: list[Path] = []
    if rows:
        figures = metrics.summarise(rows, data.month_articles(engine, prev_month), month)
        context.update(figures)
        context["lead"] = lead_sentences(context)
        context["charts"] = _charts(context)
        written += _write_files(out_dir / context["files_dir"], context, rows)

    env = _environment()
    reports = []
    for fmt in ("md", "html"):
        if fmt in formats:
            path = out_dir / f"report-{month}.{fmt}"
            text = env.get_template(f"report.{fmt}.j2").render(context)
            path.write_text(text, encoding="utf-8", newline="\n")
            reports.append(path)
    return reports + written


# --- text -------------------------------------------------------------------

def pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def pp(delta: float | None) -> str:
    """A change of share in percentage points."""
    if delta is None:
        return "—"
    points = round(100 * delta, 1)
    return "持平" if points == 0 else f"{points:+.1f} 个百分点"


def signed(value: int | None, rate: float | None = None) -> str:
    if value is None:
        return "—"
    text = f"{value:+d}" if value else "0"
    return text if rate is None else f"{text}（{100 * rate:+.1f}%）"


def cn_date(iso: str) -> str:
    return f"{int(iso[5:7])}月{int(iso[8:10])}日"


def lead_sentences(ctx: dict) -> list[str]:
    """The 导语: the month in two or three sentences with the key numbers."""
    ov = ctx["overview"]
    month_label = f"{ctx['year']}年{ctx['mon']}月"
    first = (f"{month_label}，监测库共收录报道 {ov['total']} 篇，"
             f"其中判定为相关的 {ov['relevant']} 篇（占 {pct(ov['relevant_share'])}），"
             f"归并为 {ov['stories']} 个报道事件")
    if ov["prev_has_data"]:
        first += f"；声量较上月{_more_less(ov['total_change'])}"
    sentences = [first + "。"]
    top = next((t for t in ctx["topics"] if t["count"]), None)
    negative = next(s for s in ctx["sentiment"] if s["code"] == "negative")
    if top:
        second = (f"话题上，“{top['label']}”最受关注，涉及 {top['count']} 篇相关报道"
                  f"（占 {pct(top['share'])}）")
        second += f"；负面报道占 {pct(negative['share'])}"
        if negative["delta"] is not None:
            second += f"，较上月{_up_down(negative['delta'])}"
        sentences.append(second + "。")
    if ctx["peaks"]:
        peak = max(ctx["peaks"], key=lambda d: (d["relevant"], -d["day"]))
        sentences.append(f"单日相关报道最多的是 {peak['label']}（{peak['relevant']} 篇）。")
    return sentences


def _more_less(change: int) -> str:
    if change == 0:
        return "持平"
    return f"{'增加' if change > 0 else '减少'} {abs(change)} 篇"


def _up_down(delta: float) -> str:
    points = round(100 * delta, 1)
    if points == 0:
        return "持平"
    return f"{'上升' if points > 0 else '下降'} {abs(points):.1f} 个百分点"


def md_text(value) -> str:
    """Text safe inside Markdown tables and link labels."""
    text = " ".join(str(value).split())
    for char in "\\|[]*_<>`":
        text = text.replace(char, "\\" + char)
    return text


def md_url(url: str) -> str:
    return url.replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _environment() -> Environment:
    env = Environment(loader=PackageLoader("reports", "templates"),
                      autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(pct=pct, pp=pp, signed=signed, cn_date=cn_date, md=md_text, md_url=md_url,
                       topic_label=topic_label, sentiment_label=lambda c: SENTIMENTS.get(c, c),
                       id_list=lambda ids: "、".join(f"#{i}" for i in ids),
                       topic_labels=lambda codes: "、".join(topic_label(c) for c in codes) or "—")
    return env


# --- files ------------------------------------------------------------------

def _charts(ctx: dict) -> dict:
    """Chart name → PNG bytes."""
    label = f"{ctx['year']}年{ctx['mon']}月"
    out = {"daily-volume": charts.daily_volume(ctx["daily"], ctx["peaks"], f"{label} 每日声量")}
    if any(t["count"] for t in ctx["topics"]):
        out["topics"] = charts.topic_shares(ctx["topics"], f"{label} 热点话题占比",
                                            previous_label=ctx["prev_label"] if ctx["overview"]["prev_relevant"] else None)
    ctx["chart_data"] = {name: base64.b64encode(png).decode("ascii") for name, png in out.items()}
    return out


def _csv(rows: list[list]) -> bytes:
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\n").writerows(rows)
    return buf.getvalue().encode("utf-8-sig")  # BOM: Excel opens the Chinese text correctly


def _tables(ctx: dict, rows: list[dict]) -> dict[str, bytes]:
    share = lambda v: "" if v is None else f"{v:.4f}"  # noqa: E731
    tables = {
        "daily.csv": [["date", "articles", "relevant"]]
        + [[d["date"], d["total"], d["relevant"]] for d in ctx["daily"]],
        "topics.csv": [["code", "label", "articles", "share", "prev_articles", "prev_share", "article_ids"]]
        + [[t["code"], t["label"], t["count"], share(t["share"]), t["prev_count"], share(t["prev_share"]),
            " ".join(map(str, t["ids"]))] for t in ctx["topics"]],
        "sentiment.csv": [["code", "label", "articles", "share", "prev_articles", "prev_share", "article_ids"]]
        + [[s["code"], s["label"], s["count"], share(s["share"]), s["prev_count"], share(s["prev_share"]),
            " ".join(map(str, s["ids"]))] for s in ctx["sentiment"]],
        "sources.csv": [["source", "articles", "analysed", "relevant", "sample_site"]]
        + [[s["source"], s["total"], s["analysed"], s["relevant"], s["sample"]] for s in ctx["per_source"]],
        "top-stories.csv": [["rank", "story_id", "article_id", "title", "url", "outlet", "published_at",
                             "articles", "max_p_negative", "article_ids"]]
        + [[i, s["story_id"], s["lead"]["id"], s["lead"]["title"], s["lead"]["url"], s["lead"]["outlet"],
            s["lead"]["published_at"], s["size"], f"{s['p_negative']:.3f}", " ".join(map(str, s["ids"]))]
           for i, s in enumerate(ctx["stories"], 1)],
        "articles.csv": [["id", "published_at", "source", "outlet", "title", "url", "analysed", "relevant",
                          "topics", "sentiment", "p_negative", "story_id", "model_version", "sample_site"]]
        + [[r["id"], r["published_at"], r["source"], r["outlet"], r["title"], r["url"], int(r["analysed"]),
            int(r["relevant"]), " ".join(r["topics"]), r["sentiment"] or "",
            "" if r["p_negative"] is None else f"{r['p_negative']:.3f}", r["story_id"],
            r["model_version"] or "", int(r["sample"])] for r in rows],
    }
    return {name: _csv(table) for name, table in tables.items()}


def _write_files(files_dir: Path, ctx: dict, rows: list[dict]) -> list[Path]:
    files_dir.mkdir(parents=True, exist_ok=True)
    for old in list(files_dir.glob("*.png")) + list(files_dir.glob("*.csv")):
        old.unlink()  # a rebuild leaves no stale chart or table behind
    outputs = {f"{name}.png": png for name, png in ctx["charts"].items()} | _tables(ctx, rows)
    written = []
    for name, content in sorted(outputs.items()):
        path = files_dir / name
        path.write_bytes(content)
        written.append(path)
    return written
