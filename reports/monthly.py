"""The monthly trend report: ``build(engine, "2024-09", out_dir)`` writes Markdown, HTML and PDF.

Outputs in ``out_dir``:

- ``report-YYYY-MM.md``: references the charts in ``report-YYYY-MM-files/``;
- ``report-YYYY-MM.html``: self-contained (charts embedded as base64 PNG, inline CSS);
- ``report-YYYY-MM.pdf`` (format ``pdf``): the HTML printed by WeasyPrint with the CJK font embedded;
- ``report-YYYY-MM-files/``: the chart PNGs and every table as CSV (``figures.csv`` lists the
  articles behind every number).

Apart from the generated-at line, the output depends only on the database. Every file and the
folder are written under temporary names and renamed into place once all are complete
(:mod:`lendwatch.atomic`): an interrupted build leaves the earlier report whole.
"""

import base64
from datetime import datetime
from pathlib import Path

from jinja2 import Environment, PackageLoader, StrictUndefined
from sqlalchemy import Engine

from lendwatch import atomic
from lendwatch.records import SHANGHAI
from lendwatch.vocabulary import month_label, parse_month, sentiment_label, shift_month, topic_label
from reports import data, estimates, metrics, sections, text
from reports.figures import link
from reports.tables import csv_bytes

FORMATS = {"md", "html", "pdf"}
GENERATED_PREFIX = "生成时间："
LIST_LIMIT = 500  # the appendix lists the month's articles up to this many (all are in articles.csv)


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
    env = environment()
    reports = []
    with atomic.Staged() as staged:
        if not ctx["empty"]:
            ctx["charts"] = _charts(ctx)
            files_dir = out_dir / ctx["files_dir"]
            written = [files_dir / p.name for p in _write_files(staged.path(files_dir), ctx)]
        for fmt in ("md", "html"):
            if fmt in formats:
                path = out_dir / f"report-{month}.{fmt}"
                staged.path(path).write_text(env.get_template(f"report.{fmt}.j2").render(ctx),
                                             encoding="utf-8", newline="\n")
                reports.append(path)
        if "pdf" in formats:
            from reports.fonts import font_path
            from reports.pdf import write_pdf

            path = out_dir / f"report-{month}.pdf"
            write_pdf(env.get_template("report.html.j2").render(ctx, pdf=True, font_url=font_path().as_uri()),
                      staged.path(path))
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
        "pdf": False, "sections": sections.PRINTED,
    }
    if not rows:
        return ctx
    prev = data.month_articles(engine, shift(-1), detail=False)
    ctx.update(metrics.summarise(rows, prev, month), rows=rows, prev_rows=prev)
    estimates.gather(engine, ctx)
    figures = [figure for section in sections.SECTIONS for figure in section.gather(engine, ctx)]
    ctx["lead"] = text.lead_sentences(ctx)
    ctx["listed"] = _listed(rows, ctx["relevant_rows"])
    ctx["listed_ids"] = {r["id"] for r in ctx["listed"]}
    ctx["refs"] = link(figures)
    return ctx


def _listed(rows: list[dict], rel: list[dict]) -> list[dict]:
    """The articles the appendix lists (and numbers link to): all, else the relevant, else none."""
    for candidate in (rows, rel):
        if len(candidate) <= LIST_LIMIT:
            return candidate
    return []


# --- files ------------------------------------------------------------------

def environment() -> Environment:
    env = Environment(loader=PackageLoader("reports", "templates"),
                      autoescape=lambda name: bool(name) and name.endswith(".html.j2"),
                      undefined=StrictUndefined, trim_blocks=True, lstrip_blocks=True,
                      keep_trailing_newline=True)
    env.filters.update(pct=text.pct, pp=text.pp, signed=text.signed, cn_date=text.cn_date, beijing=text.beijing,
                       md=text.md_text, md_prose=text.md_prose, estimate=text.estimate,
                       estimate_change=text.estimate_change,
                       md_url=text.md_url, web_url=text.web_url, short=text.short, topic_label=topic_label,
                       sentiment_label=sentiment_label,
                       id_list=lambda ids: "、".join(f"#{i}" for i in ids),
                       topic_labels=lambda codes: "、".join(topic_label(c) for c in codes) or "—")
    return env


def _charts(ctx: dict) -> dict:
    """Chart name → PNG bytes (and base64 copies in ``ctx["chart_data"]`` for the HTML)."""
    out = sections.charts(ctx)
    ctx["chart_data"] = {name: base64.b64encode(png).decode("ascii") for name, png in out.items()}
    return out


def _write_files(files_dir: Path, ctx: dict) -> list[Path]:
    """Charts and tables into the new folder ``files_dir`` (a rebuild keeps no stale file)."""
    files_dir.mkdir(parents=True)
    outputs = {f"{name}.png": png for name, png in ctx["charts"].items()} | sections.tables(ctx)
    outputs |= {name: csv_bytes(rows) for name, rows in estimates.tables(ctx).items()}
    written = []
    for name, content in sorted(outputs.items()):
        path = files_dir / name
        path.write_bytes(content)
        written.append(path)
    return written
