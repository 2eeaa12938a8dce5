"""Several months at once: each month's report, and an index with the multi-month trend.

``build_range(engine, "2024-07", "2024-09", out_dir)`` writes every month's report and
``index.md`` / ``index.html`` (chart + table of articles, relevant articles, stories and
negative share per month, linking to each month's report; ``index-files/trend.csv``).
"""

import base64
from pathlib import Path

from sqlalchemy import Engine

from lendwatch import atomic
from lendwatch.vocabulary import month_label, month_span, parse_month
from reports import charts, data, monthly, tables


def build_range(engine: Engine, first: str, last: str, out_dir: Path,
                formats=frozenset({"md", "html"})) -> list[Path]:
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
    return _index(engine, first, last, out_dir, formats) + written


def _index(engine: Engine, first: str, last: str, out_dir: Path, formats) -> list[Path]:
    counts = data.monthly_counts(engine, first, last)
    months = []
    for month, c in counts.items():
        months.append(dict(c, label=month_label(month), short_label=f"{int(month[2:4])}/{int(month[5:])}",
                           relevant_share=c["relevant"] / c["total"] if c["total"] else None,
                           negative_share=c["negative"] / c["relevant"] if c["relevant"] else None))
    png = charts.monthly_trend([dict(m, label=m["short_label"]) for m in months],
                               f"{month_label(first)}至{month_label(last)} 月度声量与负面占比")
    files = out_dir / "index-files"
    ctx = {"title": f"网贷催收舆情月报 · {month_label(first)}至{month_label(last)}", "months": months,
           "generated_line": monthly.GENERATED_PREFIX + monthly.now_line(), "chart": base64.b64encode(png).decode(),
           "snapshot": data.snapshot(engine), "formats": sorted(set(formats) - {"pdf"}) or ["html"]}
    env = monthly.environment()
    out = []
    with atomic.Staged() as staged:
        staging = staged.path(files)
        staging.mkdir(parents=True)
        (staging / "trend.png").write_bytes(png)
        (staging / "trend.csv").write_bytes(tables.trend_csv(months))
        for fmt in ("md", "html"):
            if fmt in formats or (fmt == "html" and "md" not in formats):
                path = out_dir / f"index.{fmt}"
                staged.path(path).write_text(env.get_template(f"index.{fmt}.j2").render(ctx),
                                             encoding="utf-8", newline="\n")
                out.append(path)
    return out + [files / "trend.png", files / "trend.csv"]
