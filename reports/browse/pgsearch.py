"""Full-text search on PostgreSQL (revision 0006's indexes), with the SQLite index's semantics.

Each query term (words AND-ed, a ``"quoted phrase"`` whole) is turned into lexemes by the same
``lendwatch_grams`` as the indexed text, AND-ed: a GIN lookup that is exact for a one- or
two-character word or a single Latin word. A term of more tokens is then checked against the
title or text with a regular expression: its tokens in order, separated by nothing but
non-alphanumerics, as FTS5 phrases match.
"""

import re

import numpy as np
from sqlalchemy import Engine, and_, func, not_, or_, select

from lendwatch import schema
from reports.browse.search import parse

_LATIN = re.compile(r"[^\W\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff]+")
_SEPARATORS = "[^[:alnum:]]*"


def phrase_regex(tokens: list[str]) -> str | None:
    """A PostgreSQL regex for ``tokens`` in a row; None when the lexemes alone decide."""
    cjk = all(not _LATIN.fullmatch(t) for t in tokens)
    if len(tokens) == 1 or (cjk and len(tokens) == 2):
        return None
    parts = [f"(?<![a-z0-9]){re.escape(t)}(?![a-z0-9])" if _LATIN.fullmatch(t) else re.escape(t) for t in tokens]
    return _SEPARATORS.join(parts)


def _matches(column, tokens: list[str]):
    column = func.coalesce(column, "")
    query = func.plainto_tsquery("simple", func.lendwatch_grams(" ".join(tokens)))
    found = func.to_tsvector("simple", func.lendwatch_grams(column)).op("@@")(query)
    pattern = phrase_regex(tokens)
    return and_(found, column.op("~*")(pattern)) if pattern else found


def matching_ids(engine: Engine, query: str) -> np.ndarray:
    """The ids of the articles matching ``query`` (groups AND-ed, alternatives OR-ed, ``-term``
    excluded: :func:`reports.browse.search.parse`), sorted; raises QueryError as ``parse`` does."""
    parsed = parse(query)
    a = schema.articles

    def term(tokens):
        return or_(_matches(a.c.title, list(tokens)), _matches(a.c.text, list(tokens)))

    where = and_(*(or_(*map(term, group)) for group in parsed.groups),
                 *(not_(term(tokens)) for tokens in parsed.excluded))
    with engine.connect() as conn:
        ids = np.fromiter(conn.execute(select(a.c.id).where(where)).scalars(), dtype=np.int64)
    ids.sort()
    return ids
