"""Filtered, sorted, paged article lists from the search index, for the filters of :mod:`reports.filters`.

``search(index, filters, columns)`` returns a page of rows, the total and facet counts;
``stories(index, filters)`` a page of the stories those articles belong to, one row each. The search
words are matched by the index's FTS5 table, or by ``fulltext(q) -> sorted ids`` when given (a
PostgreSQL database: :func:`reports.browse.pgsearch.fulltext`), for every list alike.
"""

import json
import sqlite3
from dataclasses import dataclass, field, replace

import numpy as np

from lendwatch.vocabulary import shift_month
from reports.browse.columns import Columns
from reports.browse.search import fts_query
from reports.filters import Filters

PAGE_SIZE = 50
SORTS = {  # the SQL order of each of reports.filters.SORTS
    "date": "d.published_at IS NULL, d.published_at DESC, d.id DESC",
    "oldest": "d.published_at IS NULL, d.published_at, d.id",
    "reach": "d.reach DESC, d.published_at DESC, d.id DESC",
}


@dataclass
class Result:
    rows: list[dict]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)


def _where(f: Filters, fulltext=None) -> tuple[str, list]:
    clauses, args = [], []
    if f.q and fulltext:
        clauses.append("d.id IN (SELECT value FROM json_each(?))")
        args.append(json.dumps(fulltext(f.q).tolist()))
    elif f.q:
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
    if f.story is not None:
        clauses.append("d.story_id = ?")
        args.append(f.story)
    for kind, value in f.tags:
        clauses.append("d.id IN (SELECT article_id FROM tags WHERE kind = ? AND value = ?)")
        args += [kind, value]
    return (" WHERE " + " AND ".join(clauses)) if clauses else "", args


LIST_COLUMNS = ("id, published_at, source, outlet, title, title_original, url, relevant, topics, sentiment, p_negative, "
                "story_id, reach, sample")


def _ids(index: sqlite3.Connection, f: Filters, fulltext=None) -> np.ndarray | None:
    """The sorted ids of the list ``f`` describes (None: every article)."""
    where, args = _where(replace(f, q="") if fulltext else f)
    if fulltext and f.q:
        found = fulltext(f.q)
        return np.intersect1d(found, _ids(index, replace(f, q=""))) if where else found
    if not where:
        return None
    bare_search = f.q and not _where(replace(f, q=""))[0]
    sql = "SELECT rowid FROM fts WHERE fts MATCH ?" if bare_search else f"SELECT d.id FROM docs d{where}"
    ids = np.fromiter((r[0] for r in index.execute(sql, args)), dtype=np.int64)
    ids.sort()
    return ids


def search(index: sqlite3.Connection, f: Filters, columns: Columns, facets: bool = True,
           fulltext=None) -> Result:
    """One page of the list ``f`` describes, its total and (optionally) facet counts.

    SQL finds the matching ids (only the FTS table for a bare search, nothing for the unfiltered
    list); ``columns`` orders them, picks the page and counts the facets in memory.
    """
    ids = _ids(index, f, fulltext)
    if ids is None:
        positions, total = None, len(columns.ids)
    else:
        positions = columns.positions(ids)
        total = len(positions)
    page = columns.page(positions, f.sort, (f.page - 1) * PAGE_SIZE, PAGE_SIZE)
    found = {r["id"]: r for r in _dicts(index.execute(
        f"SELECT {LIST_COLUMNS} FROM docs WHERE id IN ({', '.join('?' * len(page))})", page))} if page else {}
    result = Result([found[i] for i in page], total)
    if facets and total:
        result.facets = columns.facets(positions)
    return result


STORY_SORTS = {  # the SQL order of each of reports.filters.SORTS, for stories
    "date": "s.first IS NULL, s.first DESC, s.story_id DESC",
    "oldest": "s.first IS NULL, s.first, s.story_id",
    "reach": "s.articles DESC, s.outlets DESC, s.first DESC, s.story_id DESC",
}
STORY_TAGS = ("lender", "region")  # the tags a story row names (platforms and regions)


def stories(index: sqlite3.Connection, f: Filters, fulltext=None) -> Result:
    """One page of the stories with an article in the list ``f`` describes, and their total.

    Each row describes the whole story: ``articles``, ``outlets``, ``first`` and ``last``
    (publication times), ``origin`` (its first report, as :func:`story_origin`), ``hits`` (its
    articles in the list) and ``lender``/``region`` (the names its articles carry, most often first).
    """
    where, args = _where(f, fulltext)
    matched = f"SELECT d.story_id, count(*) AS hits FROM docs d{where} GROUP BY d.story_id"
    rows = _dicts(index.execute(
        f"SELECT s.story_id, s.articles, s.outlets, s.first, s.last, m.hits, count(*) OVER () AS total "
        f"FROM ({matched}) m CROSS JOIN stories s ON s.story_id = m.story_id "
        f"ORDER BY {STORY_SORTS[f.sort]} LIMIT ? OFFSET ?", [*args, PAGE_SIZE, (f.page - 1) * PAGE_SIZE]))
    total = rows[0]["total"] if rows else index.execute(f"SELECT count(*) FROM ({matched})", args).fetchone()[0]
    for row in rows:
        row["origin"] = story_origin(index, row["story_id"])
        row.update(story_tags(index, row["story_id"]))
    return Result(rows, total)


def story_tags(index: sqlite3.Connection, story_id: int) -> dict[str, list[tuple[str, int]]]:
    """The platforms (``lender``) and regions its articles name, with how many articles name each."""
    found = {kind: [] for kind in STORY_TAGS}
    # CROSS JOIN keeps docs the outer loop: the story's few articles, then their tags by tags_article
    for kind, value, count in index.execute(
            f"SELECT t.kind, t.value, count(DISTINCT d.id) FROM docs d CROSS JOIN tags t ON t.article_id = d.id "
            f"WHERE d.story_id = ? AND t.kind IN ({', '.join('?' * len(STORY_TAGS))}) "
            f"GROUP BY t.kind, t.value ORDER BY 3 DESC, 2", (story_id, *STORY_TAGS)):
        found[kind].append((value, count))
    return found


def story_origin(index: sqlite3.Connection, story_id: int) -> dict | None:
    """The first article of a story (首发, as its story page lists it first), or None."""
    rows = _dicts(index.execute(f"SELECT {LIST_COLUMNS} FROM docs d WHERE d.story_id = ? "
                                f"ORDER BY {SORTS['oldest']} LIMIT 1", (story_id,)))
    return rows[0] if rows else None


def iter_all(index: sqlite3.Connection, f: Filters, fulltext=None):
    """Every row of the list (for CSV export), in the list's order."""
    where, args = _where(f, fulltext)
    yield from _dicts(index.execute(
        f"SELECT {', '.join('d.' + c.strip() for c in LIST_COLUMNS.split(','))} FROM docs d{where} "
        f"ORDER BY {SORTS[f.sort]}", args))


def _dicts(cursor) -> list[dict]:
    names = [c[0] for c in cursor.description]
    return [dict(zip(names, row)) for row in cursor]
