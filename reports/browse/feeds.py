"""Atom feeds of the browsing site's lists: the newest articles or stories a filter finds.

``atom(env, kind, filters, rows, site)`` renders ``browse-feed.atom.j2``; entries have stable
``tag:`` ids (an article or a story), so a feed reader shows each once; a story's entry is updated
when a new article joins it. ``site_url(environ)`` is the absolute address links are written with.
"""

import re
from datetime import datetime

from jinja2 import Environment

from lendwatch.records import SHANGHAI
from reports.filters import Filters

EPOCH = "1970-01-01T00:00:00+00:00"  # the time of an entry without a publication time
_HOST = re.compile(r"[A-Za-z0-9.-]{1,253}(:\d{1,5})?|\[[0-9A-Fa-f:.]{2,45}\](:\d{1,5})?")
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff\ud800-\udfff]")


def site_url(environ: dict) -> str:
    """``http://HOST:PORT`` from the request's Host header when it is a plain host name, else the server's."""
    host = environ.get("HTTP_HOST", "")
    if not _HOST.fullmatch(host):
        name = environ.get("SERVER_NAME", "127.0.0.1")
        host = (f"[{name}]" if ":" in name else name) + ":" + environ.get("SERVER_PORT", "80")
    return f"http://{host}"


def timestamp(value: str | None) -> str:
    """An RFC 3339 time from a stored ISO time (times without an offset are Beijing time)."""
    if not value:
        return EPOCH
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return EPOCH
    return (moment if moment.tzinfo else moment.replace(tzinfo=SHANGHAI)).isoformat(timespec="seconds")


def xml_text(value) -> str:
    """Text XML 1.0 can hold (control characters and lone surrogates dropped)."""
    return _NOT_XML.sub("", "" if value is None else str(value))


def atom(env: Environment, kind: str, f: Filters, rows: list[dict], site: str) -> bytes:
    """The Atom document of ``rows`` (``kind``: "articles" or "stories") found by ``f``."""
    entries = [_story_entry(r, site) if kind == "stories" else _article_entry(r, site) for r in rows]
    updated = max((e["updated"] for e in entries), key=datetime.fromisoformat, default=EPOCH)
    query = f.url("")
    return env.get_template("browse-feed.atom.j2").render(
        kind=kind, f=f, entries=entries, updated=updated, site=site,
        feed_id=f"tag:lendwatch,2024:{kind}{query}").encode("utf-8")


def _article_entry(row: dict, site: str) -> dict:
    return {"id": f"tag:lendwatch,2024:article/{row['id']}", "title": xml_text(row["title"] or "（无标题）"),
            "updated": timestamp(row["published_at"]), "link": f"{site}/article/{row['id']}",
            "original": row["url"], "author": xml_text(row["outlet"] or "（未知发布方）"),
            "summary": xml_text(f"{row['outlet']}，采集源 {row['source']}" + (
                f"；同一事件共 {row['reach']} 篇" if row["reach"] > 1 else ""))}


def _story_entry(row: dict, site: str) -> dict:
    origin = row["origin"] or {}
    named = "；".join(f"{label}：{'、'.join(v for v, _n in row[kind])}"
                     for kind, label in (("lender", "平台"), ("region", "地区")) if row[kind])
    return {"id": f"tag:lendwatch,2024:story/{row['story_id']}", "title": xml_text(origin.get("title") or "（无标题）"),
            "updated": timestamp(row["last"]), "link": f"{site}/story/{row['story_id']}",
            "original": origin.get("url"), "author": xml_text(origin.get("outlet") or "（未知发布方）"),
            "summary": xml_text(f"共 {row['articles']} 篇（首发 1 篇，转载 {row['articles'] - 1} 篇），"
                                f"{row['outlets']} 家发布方；首发：{origin.get('outlet')}，"
                                f"{(row['first'] or '')[:10]}" + (f"；{named}" if named else ""))}
