"""Full-text search on PostgreSQL (revision 0006's indexes), with the SQLite index's semantics.

Each query term (words AND-ed, a ``"quoted phrase"`` whole) becomes a phrase of its tokens,
tokenised as the indexed text is (``lendwatch_spaced``, the ``simple`` parser), and matches the
title or the text.
"""

import numpy as np
from sqlalchemy import Engine, and_, func, or_, select

from lendwatch import schema
from reports.browse.search import QueryError, spaced, terms


def _matches(column, term: str):
    return func.to_tsvector("simple", func.lendwatch_spaced(column)).op("@@")(
        func.phraseto_tsquery("simple", spaced(term)))


def matching_ids(engine: Engine, query: str) -> np.ndarray:
    """The ids of the articles matching ``query``, sorted; raises QueryError when it is empty."""
    parsed = [" ".join(tokens) for tokens in terms(query)]
    if not parsed:
        raise QueryError(f"nothing to search for in {query!r}: give words or characters")
    a = schema.articles
    where = and_(*(or_(_matches(a.c.title, t), _matches(a.c.text, t)) for t in parsed))
    with engine.connect() as conn:
        ids = np.fromiter(conn.execute(select(a.c.id).where(where)).scalars(), dtype=np.int64)
    ids.sort()
    return ids
