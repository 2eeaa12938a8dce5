"""The report's charts as PNG bytes: matplotlib Agg, the bundled CJK font, stable output.

Figures are built with ``matplotlib.figure.Figure`` (no pyplot state) inside an
``rc_context``, and saved without a timestamp or software tag, so the same data
gives the same bytes.
"""

import io

from matplotlib import rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.ticker import MaxNLocator, PercentFormatter

from reports.fonts import chart_rc

DPI = 150
WIDTH_IN = 6.8  # fits an A4 text column
ACCENT = "#b8332b"
MUTED = "#c9cdd3"
PREVIOUS_BAR = "#9aa3ab"


def _png(fig: Figure) -> bytes:
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _style(ax) -> None:
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)
    ax.set_axisbelow(True)


def daily_volume(days: list[dict], peaks: list[dict], title: str) -> bytes:
    """Relevant articles per day over all articles per day, with the peak days annotated."""
    with rc_context(chart_rc()):
        fig = Figure(figsize=(WIDTH_IN, 3.2), layout="constrained")
        ax = fig.add_subplot()
        _style(ax)
        x = [d["day"] for d in days]
        ax.bar(x, [d["total"] for d in days], width=0.8, color=MUTED, label="全部文章")
        ax.bar(x, [d["relevant"] for d in days], width=0.8, color=ACCENT, label="相关文章")
        top = max([d["total"] for d in days] + [1])
        ax.set_ylim(0, top * 1.2 + 0.6)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.grid(axis="y", color="#e6e6e6", linewidth=0.8)
        ax.set_xlim(0.3, len(days) + 0.7)
        ax.set_xticks([d for d in x if d == 1 or d % 5 == 0])
        ax.set_xlabel("日期（日）")
        ax.set_ylabel("文章数（篇）")
        ax.set_title(title, loc="left")
        _mark_peaks(ax, peaks)
        ax.legend(loc="lower right", bbox_to_anchor=(1, 1), frameon=False, fontsize=9, ncols=2)
        return _png(fig)


def _mark_peaks(ax, peaks: list[dict]) -> None:
    """Each peak day's mark (①, ②…, as the list under the chart names it) just above its bar: no
    leader line, so no label is ever struck through."""
    for p in peaks:
        ax.annotate(p["mark"], xy=(p["day"], max(p["relevant"], p["total"])), xytext=(0, 2),
                    textcoords="offset points", ha="center", va="bottom", fontsize=9, color=ACCENT)


def weekly_negative(weeks: list[dict], title: str) -> bytes:
    """Bars: the negative share of relevant articles per week, with the counts written on each bar."""
    with rc_context(chart_rc()):
        fig = Figure(figsize=(WIDTH_IN, 2.6), layout="constrained")
        ax = fig.add_subplot()
        _style(ax)
        x = list(range(len(weeks)))
        ax.bar(x, [w["share"] or 0 for w in weeks], width=0.6, color=ACCENT)
        for i, w in enumerate(weeks):
            label = f"{w['negative']}/{w['count']}篇" if w["count"] else "无相关报道"
            ax.annotate(label, xy=(i, w["share"] or 0), xytext=(0, 3), textcoords="offset points",
                        ha="center", va="bottom", fontsize=8)
        ax.set_xticks(x, [w["label"] for w in weeks])
        ax.set_ylim(0, 1.15)
        ax.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.grid(axis="y", color="#e6e6e6", linewidth=0.8)
        ax.set_ylabel("负面占比")
        ax.set_title(title, loc="left")
        return _png(fig)


def monthly_trend(months: list[dict], title: str) -> bytes:
    """Articles and relevant articles per month (bars) and the negative share (line, right axis)."""
    with rc_context(chart_rc()):
        fig = Figure(figsize=(WIDTH_IN, 3.2), layout="constrained")
        ax = fig.add_subplot()
        _style(ax)
        x = list(range(len(months)))
        ax.bar(x, [m["total"] for m in months], width=0.7, color=MUTED, label="全部文章")
        ax.bar(x, [m["relevant"] for m in months], width=0.7, color=ACCENT, label="相关文章")
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max([m["total"] for m in months] + [1]) * 1.25)
        ax.set_ylabel("文章数（篇）")
        step = max(1, len(months) // 12)
        ax.set_xticks(x[::step], [m["label"] for m in months][::step])
        right = ax.twinx()
        right.spines["top"].set_visible(False)
        shares = [m["negative"] / m["relevant"] if m["relevant"] else None for m in months]
        right.plot([i for i, s in zip(x, shares) if s is not None], [s for s in shares if s is not None],
                   color="#1a4f8b", marker="o", markersize=4, linewidth=1.4, label="负面占比（右轴）")
        right.set_ylim(0, 1.05)
        right.yaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        handles = ax.get_legend_handles_labels()[0] + right.get_legend_handles_labels()[0]
        fig.legend(handles=handles, loc="outside upper right", frameon=False, fontsize=9, ncols=3)
        ax.set_title(title, loc="left")
        return _png(fig)


def topic_shares(topics: list[dict], title: str, previous_label: str | None) -> bytes:
    """Horizontal bars: share of relevant articles per topic; the previous month as a thin grey bar.

    ``previous_label`` (e.g. "2024年8月") names the previous month; None when it has no data.
    """
    rows = [t for t in topics if t["count"] or (previous_label and t["prev_count"])]
    rows = list(reversed(rows))  # largest at the top
    with rc_context(chart_rc()):
        fig = Figure(figsize=(WIDTH_IN, 0.36 * max(len(rows), 1) + 1.2), layout="constrained")
        ax = fig.add_subplot()
        _style(ax)
        y = list(range(len(rows)))
        shift = 0.12 if previous_label else 0.0
        ax.barh([i + shift for i in y], [t["share"] or 0 for t in rows], height=0.5, color=ACCENT,
                label="本月")
        if previous_label:  # a thin bar just under this month's bar
            ax.barh([i - 0.27 for i in y], [t["prev_share"] or 0 for t in rows], height=0.2,
                    color=PREVIOUS_BAR, label=f"上月（{previous_label}）")
        ax.set_yticks([i + shift for i in y], [t["label"] for t in rows])
        ax.tick_params(axis="y", length=0)
        ax.set_ylim(-0.6, len(rows) - 0.4)
        top = max([t["share"] or 0 for t in rows] + [t["prev_share"] or 0 for t in rows] + [0.05])
        ax.set_xlim(0, top * 1.28 + 0.02)
        ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
        ax.grid(axis="x", color="#e6e6e6", linewidth=0.8)
        ax.set_xlabel("占相关文章比例（一篇可有多个话题）")
        ax.set_title(title, loc="left")
        for i, t in enumerate(rows):
            ax.annotate(f"{t['count']}篇 · {100 * (t['share'] or 0):.1f}%", xy=(t["share"] or 0, i + shift),
                        xytext=(4, 0), textcoords="offset points", va="center", fontsize=9)
        if previous_label:
            ax.legend(loc="lower right", bbox_to_anchor=(1, 1), frameon=False, fontsize=9, ncols=2)
        return _png(fig)


LINE_COLORS = ("#b8332b", "#1a4f8b", "#2e7d4f", "#c77c0e", "#6a4c93", "#5b6770")


def weekly_lines(weeks: list[str], series: dict[str, list[int]], title: str) -> bytes:
    """Articles per week, one line per series (at most six; weeks labelled by their Monday, 月/日)."""
    with rc_context(chart_rc()):
        fig = Figure(figsize=(WIDTH_IN, 3.2), layout="constrained")
        ax = fig.add_subplot()
        _style(ax)
        x = list(range(len(weeks)))
        for (name, values), color in zip(series.items(), LINE_COLORS):
            ax.plot(x, values, color=color, marker="o", markersize=3, linewidth=1.4, label=name)
        ax.yaxis.set_major_locator(MaxNLocator(integer=True))
        ax.set_ylim(0, max([v for values in series.values() for v in values] + [1]) * 1.15)
        ax.grid(axis="y", color="#e6e6e6", linewidth=0.8)
        step = max(1, len(weeks) // 8)
        ax.set_xticks(x[::step], [f"{int(w[5:7])}月{int(w[8:10])}日" for w in weeks][::step])
        ax.set_xlabel("周（起始日，北京时间）")
        ax.set_ylabel("相关文章（篇/周）")
        fig.legend(loc="outside upper right", frameon=False, fontsize=8, ncols=3)
        ax.set_title(title, loc="left")
        return _png(fig)
