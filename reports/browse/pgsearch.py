"""Full-text search on PostgreSQL (table ``article_search``, revision 0010), with the SQLite index's semantics.

Every article's title and text are stored as search tokens (:mod:`lendwatch.searchtext`: the
search form and tokens of the SQLite index: Simplified, punctuation a barrier). A query term
(words AND-ed, a ``"quoted phrase"`` whole) of one token needs that token among the article's
lexemes; of more, every pair of its neighbouring tokens: exact for one or two tokens, from the GIN
index alone. A term of three or more tokens is then checked as a substring of the token stream,
as an FTS5 phrase matches consecutive tokens. AND-ed terms are one index scan; alternatives (OR)
and excluded terms are separate selects (UNION, EXCEPT), as PostgreSQL plans an OR of GIN
conditions as a scan of every row (2 s against 0.4 s for ``新规 OR 协商还款`` on 200,000 articles).
"""

from functools import partial

import numpy as np
from sqlalchemy import Engine, and_, except_, select, union

from lendwatch import schema
from lendwatch.searchtext import MAX_LEXEME, pairs
from reports.browse.search import parse


def _matches(tokens: tuple[str, ...]):
    s = schema.article_search
    needed = pairs(list(tokens)) if len(tokens) > 1 else list(tokens)
    indexed = [t for t in needed if len(t) <= MAX_LEXEME]
    checks = [s.c.lexemes.contains(indexed)] if indexed else []
    if len(tokens) > 2 or len(indexed) < len(needed):
        checks.append(s.c.stream.contains(" " + " ".join(tokens) + " ", autoescape=True))
    return and_(*checks)


def matching_ids(engine: Engine, query: str) -> np.ndarray:
    """The ids of the articles matching ``query`` (groups AND-ed, alternatives OR-ed, ``-term``
    excluded: :func:`reports.browse.search.parse`), sorted; raises QueryError as ``parse`` does."""
    parsed = parse(query)
    s = schema.article_search

    def either(terms):  # alternatives as a UNION, each select planned on the GIN index (an OR is not)
        return union(*(select(s.c.article_id).where(_matches(t)) for t in terms))

    def any_of(terms):
        return _matches(terms[0]) if len(terms) == 1 else s.c.article_id.in_(either(terms))

    if len(parsed.groups) == 1 and len(parsed.groups[0]) > 1:
        query = either(parsed.groups[0])
    else:  # AND-ed terms in one index scan
        query = select(s.c.article_id).where(*map(any_of, parsed.groups))
    if parsed.excluded:  # EXCEPT, so that the excluded terms are looked up in the index too
        query = except_(query, select(s.c.article_id).where(any_of(parsed.excluded)))
    with engine.connect() as conn:
        ids = np.fromiter(conn.execute(query).scalars(), dtype=np.int64)
    ids.sort()
    return ids


def fulltext(engine: Engine):
    """The lists' ``fulltext(q) -> sorted ids`` for ``engine``: PostgreSQL's search, or None
    (SQLite: the browse index's FTS5 table)."""
    return partial(matching_ids, engine) if engine.dialect.name == "postgresql" else None
