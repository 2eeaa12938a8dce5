"""The publication date a page states, and where it was found.

Precedence, first found wins: JSON-LD ``datePublished``, published-time ``<meta>``, known script
variables (WeChat's ``var ct``, ``publish_time``, ``pubDate``…), the byline beside the headline
(text, or the absolute date in a ``datetime``/``title`` attribute of a relative "3天前"), a
labelled 发布时间 anywhere, the URL, modified-time metadata; only when none of these holds a date,
a relative or month-day byline resolved against the fetch time. A date later than the fetch time
is never taken.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from .dates import PARTIAL_DATE, RELATIVE, build, parse_byline, parse_date, parse_full, reference_in
from .html import collapse, node_text
from .metadata import text_after
from .settings import ExtractOptions

DATE_SOURCES = ("feed", "sitemap", "jsonld", "meta", "script", "byline", "url", "relative", "none")

PUBLISHED_META = (
    "article:published_time", "og:published_time", "og:article:published_time", "og:release_date",
    "publishdate", "publish_date", "publish-date", "pubdate", "pubtime", "ptime", "publishtime",
    "publish_time", "datepublished", "dc.date.issued", "dc.date.created", "dc.date", "dcterms.issued",
    "dcterms.created", "date", "citation_publication_date", "citation_date", "sailthru.date",
    "parsely-pub-date", "weibo: article:create_at", "created", "firstpublishedtime", "releasedate",
    "og:time",
)
MODIFIED_META = (
    "article:modified_time", "og:updated_time", "datemodified", "dateupdate", "lastmodified",
    "last-modified", "weibo: article:update_at", "dcterms.modified", "updated",
)
# var ct = "1581467645"; publish_time: '2019-09-08 11:42:03'; "pubDate":"2016-10-06T18:02:38"
_SCRIPT_DATE = re.compile(
    r"""(?<![\w.])["']?(ct|create_?time|createTime|publish_?time|publishTime|pub_?time|pubTime|pubDate|"""
    r"""pub_date|ptime|publishDate|datePublished)["']?\s*[:=]\s*["']([0-9][0-9:\-/ T.+Z]{7,30})["']""")
_LABEL_DATE = re.compile(r"(?:发布|发表|更新|出版|刊发|成文|发稿)?(?:时间|日期)\s*[:：]"
                         r"|(?:发布|发表|编辑|更新|创建)于\s*|[Pp]osted\s*(?:@|on|at)?\s*")
_URL_DATE = re.compile(r"(?<!\d)((?:19|20)\d{2})[-/_]?([01]\d)[-/_]?([0-3]\d)(?!\d)")
_EARLIEST = datetime(1990, 1, 1, tzinfo=timezone.utc)
# a block that is only a date (an e-paper's issue date over the headline): 2022年02月12日 星期六
_DATE_LINE = re.compile(r"^(?:19|20)\d{2}\s*[-/.年]\s*[01]?\d\s*[-/.月]\s*[0-3]?\d\s*日?"
                        r"(?:\s*[012]?\d[:：][0-5]\d(?:[:：][0-5]\d)?)?\s*(?:星期|周)?[一二三四五六日天]?$")


@dataclass(frozen=True)
class Dated:
    """A publication time and its source (one of DATE_SOURCES)."""
    value: datetime | None
    source: str = "none"


def _plausible(value: datetime | None, ref: datetime) -> bool:
    return value is not None and _EARLIEST <= value <= ref + timedelta(minutes=10)


def _script_value(raw: str, tz: str) -> datetime | None:
    if raw.isdigit() and len(raw) in (10, 13):
        seconds = int(raw) / (1000 if len(raw) == 13 else 1)
        return datetime.fromtimestamp(seconds, timezone.utc).astimezone(ZoneInfo(tz))
    return parse_full(raw, tz)


def script_date(scripts: list[str], tz: str, ref: datetime) -> datetime | None:
    """The first known variable whose values in the page's scripts all name one day (a variable
    repeated with different days belongs to a list of other articles)."""
    days: dict[str, set] = {}
    first: dict[str, datetime] = {}
    for text in scripts:
        for name, raw in _SCRIPT_DATE.findall(text):
            value = _script_value(raw.strip(), tz)
            if not _plausible(value, ref):
                continue
            key = name.lower().replace("_", "")
            days.setdefault(key, set()).add(value.date())
            first.setdefault(key, value)
    for key, value in first.items():
        if len(days[key]) == 1:
            return value
    return None


def text_before(el, limit: int) -> str:
    """About ``limit`` characters of the text that precedes ``el`` in the page."""
    chunks, size = [], 0
    for piece in reversed(el.xpath("preceding::text()[normalize-space()]")):
        chunks.insert(0, piece)
        size += len(piece)
        if size > limit:
            break
    return collapse(" ".join(chunks))


def _attribute_date(title_el, tz: str, ref: datetime, limit: int = 40) -> datetime | None:
    """The absolute date behind a relative byline: <time datetime>, <abbr title>, <span title>."""
    for el in title_el.xpath(f"following::*[@datetime or @title or @data-time][position() <= {limit}]"):
        if el.tag not in ("time", "abbr", "span", "em", "i", "small", "font", "div"):
            continue
        shown = node_text(el)
        if el.tag != "time" and not (RELATIVE.search(shown) or PARTIAL_DATE.search(shown)):
            continue
        for attr in ("datetime", "title", "data-time"):
            value = parse_full(el.get(attr) or "", tz)
            if _plausible(value, ref):
                return value
    return None


def _date_line_above(title_el, tz: str, ref: datetime, limit: int) -> datetime | None:
    """A block of nothing but a date within ``limit`` characters above the headline."""
    size = 0
    for piece in reversed(title_el.xpath("preceding::text()[normalize-space()]")):
        text = collapse(piece)
        size += len(text)
        if size > limit:
            return None
        value = parse_full(text, tz) if _DATE_LINE.match(text) else None
        if _plausible(value, ref):
            return value
    return None


def byline_date(title_el, tz: str, ref: datetime, options: ExtractOptions) -> datetime | None:
    """A full date on the lines beside the headline (after it, or a date line just above it)."""
    if title_el is None:
        return None
    near = text_after(title_el, options.date_scan_chars)
    line = near[:options.date_line_chars]
    steps = (lambda: parse_full(line, tz), lambda: parse_byline(line, tz),
             lambda: _attribute_date(title_el, tz, ref), lambda: parse_full(near, tz),
             lambda: parse_byline(text_before(title_el, options.date_line_chars)[-options.date_line_chars:], tz),
             lambda: _date_line_above(title_el, tz, ref, options.date_line_chars))
    for step in steps:
        value = step()
        if _plausible(value, ref):
            return value
    return None


def labelled_date(root, tz: str, ref: datetime) -> datetime | None:
    """A full date after a 发布时间 / 日期 label anywhere in the page."""
    for label in root.xpath("//body//text()[contains(., '时间') or contains(., '日期') or contains(., '于')"
                           " or contains(., 'osted')]"):
        holder = label.getparent()
        context = node_text(holder) + " " + text_after(holder, 60)
        match = _LABEL_DATE.search(context)
        value = parse_full(context[match.end():], tz) if match else None
        if _plausible(value, ref):
            return value
    return None


def url_date(url: str | None, tz: str, ref: datetime) -> datetime | None:
    """A date in the URL path: /2024-05/13/, /20240511/, /2024/0517/."""
    if not url:
        return None
    path = re.sub(r"^[a-z]+://[^/]+", "", url)
    for match in _URL_DATE.finditer(path):
        value = build(*match.groups(), tz=ZoneInfo(tz))
        if _plausible(value, ref):
            return value
    return None


def relative_date(title_el, reference: datetime | None, tz: str, ref: datetime,
                  options: ExtractOptions) -> datetime | None:
    """A relative (3小时前, 昨天) or month-day date on the byline line, resolved against the fetch
    time; None when it would fall after the fetch."""
    if title_el is None:
        return None
    line = text_after(title_el, options.date_scan_chars)[:options.date_line_chars]
    for pattern in (RELATIVE, PARTIAL_DATE):
        match = pattern.search(line)
        if match:
            value = parse_date(match.group(0), reference, tz)
            return value if _plausible(value, ref) else None
    return None


def find_published(root, meta: dict, ld: list[dict], scripts: list[str], title_el, url: str | None,
                   reference: datetime | None, options: ExtractOptions) -> Dated:
    """The page's own publication date and its source, by the precedence above."""
    tz = options.timezone
    ref = reference_in(reference, tz)

    def first(values):
        for value in values:
            found = parse_date(value, reference, tz) if value else None
            if _plausible(found, ref):
                return found
        return None

    steps = (
        ("jsonld", lambda: first(str(o.get("datePublished") or o.get("dateCreated") or "") for o in ld)),
        ("meta", lambda: first(v for k in PUBLISHED_META for v in meta.get(k, []))),
        ("script", lambda: script_date(scripts, tz, ref)),
        ("byline", lambda: byline_date(title_el, tz, ref, options)),
        ("byline", lambda: labelled_date(root, tz, ref)),
        ("url", lambda: url_date(url, tz, ref)),
        ("meta", lambda: first(v for k in MODIFIED_META for v in meta.get(k, []))),
        ("jsonld", lambda: first(str(o.get("dateModified") or "") for o in ld)),
        ("relative", lambda: relative_date(title_el, reference, tz, ref, options)),
    )
    for source, step in steps:
        value = step()
        if value is not None:
            return Dated(value, source)
    return Dated(None, "none")
