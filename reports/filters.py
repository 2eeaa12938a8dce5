"""The ``/articles`` filter contract, shared by the report, the browsing site and its static export.

``Filters.parse(params)`` validates a query string (a bad value raises ``FilterError`` naming the
parameter) and ``Filters.url()`` writes one back; ``query(**params)`` writes a report figure's
filter (``stories_query`` for a count of stories, which opens ``/stories``); ``link_figures(html,
target)`` points a report's figures (``<span class="fig" data-browse="QUERY"><a class="n" …>``) at the
list their filter names.
"""

import html as htmllib
import re
from collections.abc import Callable
from dataclasses import dataclass, fields, replace
from datetime import date
from urllib.parse import urlencode

from lendwatch.vocabulary import ENTITIES, ENTITY_KINDS, MONTH, SENTIMENTS

SORTS = ("date", "oldest", "reach")  # newest first, oldest first, most articles in the story first
TAG_PARAMS = ("topic", *ENTITY_KINDS)
PARAMS = ("q", "month", "from", "to", "source", "outlet", "sentiment", "relevant", "story", *TAG_PARAMS,
          "sort", "page")
LABELS = {"q": "搜索", "month": "月份", "date_from": "从", "date_to": "到", "source": "采集源", "outlet": "发布方",
          "sentiment": "情感", "story": "报道事件", "topic": "话题", **dict(ENTITIES.values())}  # Filters field → label
PARAM_LABELS = {"from": "从", "to": "到", "page": "页码", "sort": "排序", **LABELS}  # URL parameter → label
MAX_TEXT = 200  # characters in a text parameter (q, source, outlet, a tag value)
MAX_NUMBER = 2**63 - 1  # story and page numbers fit SQLite's integers
FIGURE = re.compile(rb'(<span class="fig" data-browse="([^"<>]*)"><a class="n")(?: href="[^"<>]*")?>')


class FilterError(ValueError):
    """A list URL parameter with a value the site cannot use."""

    def __init__(self, param: str, message: str):
        super().__init__(f"{PARAM_LABELS.get(param, param)}（{param}）：{message}")
        self.param = param


@dataclass(frozen=True)
class Filters:
    """What a list shows; every field is one URL parameter (tags repeat, AND-ed)."""

    q: str = ""
    month: str = ""
    date_from: str = ""
    date_to: str = ""
    source: str = ""
    outlet: str = ""
    sentiment: str = ""
    relevant: bool = False
    story: int | None = None
    tags: tuple[tuple[str, str], ...] = ()
    sort: str = "date"
    page: int = 1

    @classmethod
    def parse(cls, params: dict[str, list[str]]) -> "Filters":
        one = lambda name: (params.get(name) or [""])[-1].strip()  # noqa: E731
        month = one("month")
        if month and not MONTH.fullmatch(month):
            raise FilterError("month", f"“{month}”不是月份，应写成 YYYY-MM，例如 2024-09")
        bounds = {}
        for name in ("from", "to"):
            value = one(name)
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    raise FilterError(name, f"“{value}”不是日期，应写成 YYYY-MM-DD，例如 2024-09-01") from None
            bounds[name] = value
        sentiment = one("sentiment")
        if sentiment and sentiment not in SENTIMENTS:
            raise FilterError("sentiment", f"“{sentiment}”不是情感取值，可用：{'、'.join(SENTIMENTS)}")
        sort = one("sort") or "date"
        if sort not in SORTS:
            raise FilterError("sort", f"“{sort}”不是排序方式，可用：{'、'.join(SORTS)}")
        numbers = {}
        for name in ("page", "story"):
            value = one(name)
            if value and not (value.isdigit() and 0 < int(value) <= MAX_NUMBER):
                raise FilterError(name, f"“{value[:40]}”不是有效的正整数")
            numbers[name] = int(value) if value else None
        for name in ("q", "source", "outlet", *TAG_PARAMS):
            for value in params.get(name, []):
                if len(value) > MAX_TEXT:
                    raise FilterError(name, f"太长（{len(value)} 个字符），最多 {MAX_TEXT} 个")
        tags = tuple((kind, v.strip()) for kind in TAG_PARAMS for v in params.get(kind, []) if v.strip())
        return cls(q=one("q"), month=month, date_from=bounds["from"], date_to=bounds["to"],
                   source=one("source"), outlet=one("outlet"), sentiment=sentiment,
                   relevant=one("relevant") in ("1", "true", "on", "yes"), story=numbers["story"],
                   tags=tags, sort=sort, page=numbers["page"] or 1)

    def params(self, **changes) -> list[tuple[str, str]]:
        """The URL parameters of these filters (with ``changes``), defaults left out."""
        f = replace(self, **changes)
        pairs = [("q", f.q), ("month", f.month), ("from", f.date_from), ("to", f.date_to),
                 ("source", f.source), ("outlet", f.outlet), ("sentiment", f.sentiment),
                 ("relevant", f.relevant), ("story", f.story)]
        pairs += list(f.tags)
        pairs += [("sort", "" if f.sort == "date" else f.sort), ("page", "" if f.page == 1 else f.page)]
        return _encode(pairs)

    def url(self, path: str = "/articles", **changes) -> str:
        query = urlencode(self.params(**changes))
        return f"{path}?{query}" if query else path

    def active(self, path: str = "/articles") -> list[tuple[str, str, str]]:
        """(parameter, value, URL of ``path`` without it) for every filter set, to show and remove."""
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("tags", "sort", "page") or not value:
                continue
            out.append((f.name, "是" if value is True else str(value), self.url(path, **{f.name: f.default}, page=1)))
        for tag in self.tags:
            out.append((tag[0], tag[1], self.url(path, tags=tuple(t for t in self.tags if t != tag), page=1)))
        return out


def _encode(pairs) -> list[tuple[str, str]]:
    """URL parameters as strings (``True`` is ``1``), empty values left out; unknown names raise ValueError."""
    out = [(name, "1" if value is True else str(value)) for name, value in pairs if value]
    unknown = [name for name, _value in out if name not in PARAMS]
    if unknown:
        raise ValueError(f"not a list parameter: {', '.join(unknown)}; expected one of {', '.join(PARAMS)}")
    return out


def query(**params) -> str:
    """A report figure's list filter (``from_`` for ``from``), parameters in the order given."""
    return urlencode(_encode((name.rstrip("_"), value) for name, value in params.items()))


STORIES = "stories?"  # a figure filter with this prefix names the /stories list, not /articles


def stories_query(**params) -> str:
    """A report figure's filter for a count of stories (the ``/stories`` list of ``query(**params)``)."""
    return STORIES + query(**params)


def list_path(figure_query: str) -> str:
    """The browsing site's path and query for a figure's filter."""
    return "/" + figure_query if figure_query.startswith(STORIES) else "/articles?" + figure_query


def link_figures(html: bytes, target: Callable[[str], str | None]) -> bytes:
    """``html`` with each figure's number linked to ``target(query)``; a figure whose target is None is left as it is."""
    def link(match: re.Match) -> bytes:
        href = target(htmllib.unescape(match.group(2).decode("utf-8", errors="replace")))
        return match.group(0) if href is None else match.group(1) + f' href="{htmllib.escape(href)}">'.encode()
    return FIGURE.sub(link, html)
