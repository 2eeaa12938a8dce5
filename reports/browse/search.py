"""Chinese full-text search on SQLite FTS5: pure functions for indexing, queries and highlights.

FTS5's ``unicode61`` tokenizer keeps a run of CJK characters as one token, so the index stores
text with every CJK character spaced out (one token each) and a query becomes FTS5 phrases of
those characters: ``催收`` matches exactly where the substring 催收 occurs. Latin words and
numbers stay whole tokens (case-insensitive).
"""

import re

from markupsafe import Markup, escape

_CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_CJK_CHAR = re.compile(f"([{_CJK}])")
_TOKEN = re.compile(f"[{_CJK}]|[^\\W{_CJK}]+")
_TERM = re.compile(r'"([^"]*)"?|(\S+)')


class QueryError(ValueError):
    """A search query with nothing to search for."""


def spaced(text: str | None) -> str:
    """Text as the index stores it: every CJK character a token of its own."""
    return _CJK_CHAR.sub(r" \1 ", text or "")


def terms(query: str) -> list[list[str]]:
    """The query's terms, each a list of tokens: words AND-ed, a ``"quoted phrase"`` kept whole."""
    found = []
    for match in _TERM.finditer(query or ""):
        tokens = _TOKEN.findall(match.group(1) if match.group(1) is not None else match.group(2))
        if tokens:
            found.append(tokens)
    return found


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression: one phrase per term, AND-ed; raises QueryError when empty."""
    parsed = terms(query)
    if not parsed:
        raise QueryError(f"nothing to search for in {query!r}: give words or characters")
    return " AND ".join('"' + " ".join(tokens).replace('"', '""') + '"' for tokens in parsed)


def term_pattern(query: str) -> re.Pattern | None:
    """A regex finding the query's terms in original text (separators between tokens allowed)."""
    parts = [r"[\W_]*".join(map(re.escape, tokens)) for tokens in terms(query)]
    return re.compile("|".join(f"(?:{p})" for p in parts), re.I) if parts else None


def highlight(text: str, pattern: re.Pattern | None) -> Markup:
    """Escaped text with every match of ``pattern`` in ``<mark>``."""
    if pattern is None:
        return escape(text)
    out, pos = [], 0
    for match in pattern.finditer(text):
        if match.end() == match.start():
            continue
        out += [escape(text[pos:match.start()]), Markup("<mark>"), escape(match.group()), Markup("</mark>")]
        pos = match.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def snippet(text: str, pattern: re.Pattern | None, width: int = 90) -> Markup:
    """About ``width`` characters of ``text`` around the first match, highlighted."""
    text = " ".join((text or "").split())
    match = pattern.search(text) if pattern else None
    start = max(0, match.start() - width // 3) if match else 0
    piece = text[start:start + width]
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    return escape(prefix) + highlight(piece, pattern) + escape(suffix)
