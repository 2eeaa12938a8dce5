"""Wording of the report: number formats, Markdown escaping, and the 导语 sentences."""

import re
from datetime import datetime, timezone

from lendwatch.records import SHANGHAI
from lendwatch.vocabulary import month_label


def pct(value: float | None, digits: int = 1) -> str:
    return "—" if value is None else f"{100 * value:.{digits}f}%"


def pp(delta: float | None) -> str:
    """A change of share in percentage points."""
    if delta is None:
        return "—"
    points = round(100 * delta, 1)
    return "持平" if points == 0 else f"{points:+.1f} 个百分点"


def estimate(e: dict | None) -> str:
    """A corrected share with its 90 % interval, e.g. ``27%（12–42%）``; ``—`` when there is none."""
    if not e or e.get("adjusted") is None:
        return "—"
    return f"{100 * e['adjusted']:.0f}%（{100 * e['low']:.0f}–{100 * e['high']:.0f}%）"


def estimate_change(c: dict | None, interval: bool = False) -> str:
    """A corrected change in percentage points and whether its 90 % interval excludes zero (with the
    interval when ``interval``)."""
    if not c:
        return "—"
    bounds = f"，区间 {100 * c['low']:+.1f} 至 {100 * c['high']:+.1f}" if interval else ""
    return f"{pp(c['adjusted'])}（{'显著' if c['significant'] else '不显著'}{bounds}）"


def signed(value: int | None, rate: float | None = None) -> str:
    if value is None:
        return "—"
    text = f"{value:+d}" if value else "0"
    return text if rate is None else f"{text}（{100 * rate:+.1f}%）"


def cn_date(iso: str) -> str:
    return f"{int(iso[5:7])}月{int(iso[8:10])}日"


def beijing(iso: str) -> str:
    """A stored system time (ISO-8601, UTC when it has no offset) in 北京时间: ``2024-10-02 09:00（北京时间）``."""
    moment = datetime.fromisoformat(iso)
    moment = moment if moment.tzinfo else moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(SHANGHAI).strftime("%Y-%m-%d %H:%M") + "（北京时间）"


def short(text: str, width: int = 24) -> str:
    text = " ".join(str(text).split())
    return text if len(text) <= width else text[: width - 1] + "…"


def md_text(value) -> str:
    """Text safe inside Markdown tables and link labels."""
    text = " ".join(str(value).split())
    for char in "\\|[]*_<>`":
        text = text.replace(char, "\\" + char)
    return text


def md_prose(value) -> str:
    """Running text safe in Markdown: web text in it can open no HTML tag, link or code span."""
    text = str(value)
    for char in "\\<>[]`":
        text = text.replace(char, "\\" + char)
    return text


UNSAFE_LINK = "#not-a-web-link"


def web_url(url: str | None) -> str:
    """``url`` when it is http(s); anything else (``javascript:``, ``data:``…) becomes a dead anchor.

    Everything in the database came from the web, so no other scheme is ever made a link.
    """
    url = (url or "").strip()
    return url if re.match(r"(?i)^https?://", url) else UNSAFE_LINK


def md_url(url: str) -> str:
    return web_url(url).replace(" ", "%20").replace("(", "%28").replace(")", "%29")


def _more_less(change: int) -> str:
    if change == 0:
        return "持平"
    return f"{'增加' if change > 0 else '减少'} {abs(change)} 篇"


def _up_down(delta: float) -> str:
    points = round(100 * delta, 1)
    if points == 0:
        return "持平"
    return f"{'上升' if points > 0 else '下降'} {abs(points):.1f} 个百分点"


def lead_sentences(ctx: dict) -> list[str]:
    """The 导语: the month in three sentences with the key numbers."""
    ov = ctx["overview"]
    first = (f"{month_label(ctx['month'])}，监测库共收录报道 {ov['total']} 篇，"
             f"其中判定为相关的 {ov['relevant']} 篇（占 {pct(ov['relevant_share'])}），"
             f"归并为 {ov['stories']} 个报道事件")
    if ov["prev_has_data"]:
        first += f"；相关报道较上月{_more_less(ov['relevant_change'])}"
    sentences = [first + "。"]
    top = next((t for t in ctx["topics"] if t["count"]), None)
    negative = next(s for s in ctx["sentiment"] if s["code"] == "negative")
    if top:
        second = f"话题上，“{top['label']}”最受关注，涉及 {top['count']} 篇（占相关报道 {pct(top['share'])}）"
        second += f"；负面报道占 {pct(negative['share'])}"
        if negative["delta"] is not None:
            second += f"，较上月{_up_down(negative['delta'])}"
        sentences.append(second + "。")
    third = []
    if ctx["timeline"] or ctx["enforcement"]:
        third.append(f"政策与监管动态 {len(ctx['timeline'])} 条、执法司法案例 {len(ctx['enforcement'])} 起")
    if ctx["peaks"]:
        peak = max(ctx["peaks"], key=lambda d: (d["relevant"], -d["day"]))
        third.append(f"单日相关报道最多的是 {peak['label']}（{peak['relevant']} 篇，主要报道《{short(peak['top_title'], 30)}》）")
    if third:
        sentences.append("本月" + "；".join(third) + "。")
    return sentences
