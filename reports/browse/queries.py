"""Filtered, sorted, paged article lists from the search index: the ``/articles`` URL parameters.

``Filters.parse(params)`` validates the query string (a bad value raises ``FilterError`` naming
the parameter); ``search(index, filters, columns)`` returns a page of rows, the total and facet counts.
"""

import re
import sqlite3
from dataclasses import dataclass, field, fields, replace
from datetime import date
from urllib.parse import urlencode

import numpy as np

from reports.browse.columns import Columns
from reports.browse.search import fts_query
from reports.data import shift_month
from reports.labels import SENTIMENTS

PAGE_SIZE = 50
SORTS = {
    "date": "d.published_at IS NULL, d.published_at DESC, d.id DESC",
    "oldest": "d.published_at IS NULL, d.published_at, d.id",
    "reach": "d.reach DESC, d.published_at DESC, d.id DESC",
}
TAG_PARAMS = ("topic", "lender", "regulator", "region", "court", "law", "doc_number")
_MONTH = re.compile(r"\d{4}-(0[1-9]|1[0-2])")


class FilterError(ValueError):
    """A list URL parameter with a value the site cannot use."""

    def __init__(self, param: str, message: str):
        super().__init__(f"{param}: {message}")
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
        if month and not _MONTH.fullmatch(month):
            raise FilterError("month", f"{month!r} is not a month; expected YYYY-MM, e.g. 2024-09")
        bounds = {}
        for name in ("from", "to"):
            value = one(name)
            if value:
                try:
                    date.fromisoformat(value)
                except ValueError:
                    raise FilterError(name, f"{value!r} is not a date; expected YYYY-MM-DD") from None
            bounds[name] = value
        sentiment = one("sentiment")
        if sentiment and sentiment not in SENTIMENTS:
            raise FilterError("sentiment", f"{sentiment!r}; expected one of {', '.join(SENTIMENTS)}")
        sort = one("sort") or "date"
        if sort not in SORTS:
            raise FilterError("sort", f"{sort!r}; expected one of {', '.join(SORTS)}")
        numbers = {}
        for name in ("page", "story"):
            value = one(name)
            if value and not (value.isdigit() and int(value) > 0):
                raise FilterError(name, f"{value!r} is not a positive whole number")
            numbers[name] = int(value) if value else None
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
                 ("relevant", "1" if f.relevant else ""), ("story", str(f.story or ""))]
        pairs += list(f.tags)
        pairs += [("sort", "" if f.sort == "date" else f.sort), ("page", "" if f.page == 1 else str(f.page))]
        return [(k, v) for k, v in pairs if v]

    def url(self, path: str = "/articles", **changes) -> str:
        query = urlencode(self.params(**changes))
        return f"{path}?{query}" if query else path

    def active(self) -> list[tuple[str, str, str]]:
        """(parameter, value, URL without it) for every filter set, to show and remove."""
        out = []
        for f in fields(self):
            value = getattr(self, f.name)
            if f.name in ("tags", "sort", "page") or not value:
                continue
            out.append((f.name, "是" if value is True else str(value), self.url(**{f.name: f.default}, page=1)))
        for tag in self.tags:
            out.append((tag[0], tag[1], self.url(tags=tuple(t for t in self.tags if t != tag), page=1)))
        return out


@dataclass
class Result:
    rows: list[dict]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _where(f: Filters) -> tuple[str, list]:
    clauses, args = [], []
    if f.q:
        clauses.append("d.id IN (SELECT rowid FROM fts WHERE fts MATCH ?)")
        args.append(fts_query(f.q))
    if f.month:
        clauses.append("d.published_at >= ? AND d.published_at < ?")
        args += [f"{f.month}-01", f"{shift_month(f.month, 1)}-01"]
    if f.date_from:
        clauses.append("d.published_at >= ?")
        args.append(f.date_from)
    if f.date_to:
        clauses.append("d.published_at < ?")
        args.append(f.date_to + "T99")  # the whole last day: "2024-09-30T…" sorts below "2024-09-30T99"
    for column in ("source", "outlet", "sentiment"):
        if getattr(f, column):
            clauses.append(f"d.{column} = ?")
            args.append(getattr(f, column))
    if f.relevant:
        clauses.append("d.relevant = 1")
    if f.story:
        clauses.append("d.story_id = ?")
        args.append(f.story)
    for kind, value in f.tags:
        clauses.append("d.id IN (SELECT article_id FROM tags WHERE kind = ? AND value = ?)")
        args += [kind, value]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


LIST_COLUMNS = ("id, published_at, source, outlet, title, url, relevant, topics, sentiment, p_negative, "
                "story_id, reach, sample")


def search(index: sqlite3.Connection, f: Filters, columns: Columns, facets: bool = True) -> Result:
    """One page of the list ``f`` describes, its total and (optionally) facet counts.

    SQL finds the matching ids (only the FTS table for a bare search, nothing for the unfiltered
    list); ``columns`` orders them, picks the page and counts the facets in memory.
    """
    where, args = _where(f)
    if not where:
        positions, total = None, len(columns.ids)
    else:
        bare_search = f.q and not _where(replace(f, q=""))[0]
        sql = "SELECT rowid FROM fts WHERE fts MATCH ?" if bare_search else f"SELECT d.id FROM docs d{where}"
        ids = np.fromiter((r[0] for r in index.execute(sql, args)), dtype=np.int64)
        ids.sort()
        positions = columns.positions(ids)
        total = len(positions)
    page = columns.page(positions, f.sort, (f.page - 1) * PAGE_SIZE, PAGE_SIZE)
    found = {r["id"]: r for r in _dicts(index.execute(
        f"SELECT {LIST_COLUMNS} FROM docs WHERE id IN ({', '.join('?' * len(page))})", page))} if page else {}
    result = Result([found[i] for i in page], total)
    if facets and total:
        result.facets = columns.facets(positions)
    return result


def story_origin(index: sqlite3.Connection, story_id: int) -> dict | None:
    """The first article of a story (首发, as its story page lists it first), or None."""
    rows = _dicts(index.execute(f"SELECT {LIST_COLUMNS} FROM docs d WHERE d.story_id = ? "
                                f"ORDER BY {SORTS['oldest']} LIMIT 1", (story_id,)))
    return rows[0] if rows else None


def iter_all(index: sqlite3.Connection, f: Filters):
    """Every row of the list (for CSV export), in the list's order."""
    where, args = _where(f)
    yield from _dicts(index.execute(
        f"SELECT {', '.join('d.' + c.strip() for c in LIST_COLUMNS.split(','))} FROM docs d{where} "
        f"ORDER BY {SORTS[f.sort]}", args))


def _dicts(cursor) -> list[dict]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor]
