"""Chinese full-text search on SQLite FTS5: pure functions for indexing, queries and highlights.

FTS5's ``unicode61`` tokenizer keeps a run of CJK characters as one token, so the index stores
text in its search form with every CJK character spaced out (:func:`lendwatch.searchtext.spaced`:
Simplified, pinyin glosses out, punctuation a barrier token), and a query, brought to the same
form, becomes FTS5 phrases of those characters: ``網貸`` and ``网贷`` both match where 网贷 occurs.
Latin words and numbers stay whole tokens (case-insensitive). PostgreSQL matches the same tokens
(:mod:`reports.browse.pgsearch`).

The query language: words are AND-ed; ``"a quoted phrase"`` stays whole; ``-word`` excludes;
``a OR b`` matches either (OR binds tighter than the AND between words). Anything else that looks
like syntax (brackets, ``*``, ``NOT``, ``field:``) is refused with a message, never guessed at.
"""

import re
from dataclasses import dataclass

from markupsafe import Markup, escape

from lendwatch.searchtext import TOKEN
from lendwatch.textnorm import search_form, strip_pinyin_glosses, to_simplified

_TERM = re.compile(r'(-?)"([^"]*)"?|(\S+)')
_UNSUPPORTED = re.compile(r"[()（）*^{}\[\]]|^(?:NOT|NEAR)$|^[A-Za-z_]+:")
_GAP = r"(?:[\W_]|[(（][a-zA-Zāáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü]{1,7}[)）])*"  # punctuation or a pinyin gloss
MAX_TERMS = 20
SNIPPET_SCAN = 50_000  # characters of a text searched for its snippet


class QueryError(ValueError):
    """A search query the site cannot run as written (the message says why, in Chinese)."""


@dataclass(frozen=True)
class Query:
    """A parsed query: ``groups`` AND-ed, each a tuple of alternatives (OR); ``excluded`` NOT-ed.

    Every term is a tuple of tokens in search form (one phrase)."""

    groups: tuple[tuple[tuple[str, ...], ...], ...]
    excluded: tuple[tuple[str, ...], ...] = ()

    def terms(self) -> list[tuple[str, ...]]:
        """Every term to highlight (the excluded ones are not in the results)."""
        return [term for group in self.groups for term in group]


def _tokens(text: str) -> tuple[str, ...]:
    return tuple(t.lower() for t in TOKEN.findall(search_form(text)))


def parse(query: str) -> Query:
    """The query's structure (see the module docstring); raises QueryError for what it cannot run."""
    groups: list[list[tuple[str, ...]]] = []
    excluded: list[tuple[str, ...]] = []
    pending_or, after_exclusion = False, False
    for match in _TERM.finditer(strip_pinyin_glosses(query or "")):
        negated = match.group(1) == "-" or (match.group(3) or "").startswith("-")
        word = match.group(3)
        if word == "OR":
            if after_exclusion:
                raise QueryError("排除词（-词）不能用在 OR 中")
            if not groups or pending_or:
                raise QueryError("“OR” 两边都要有搜索词，例如：催收 OR 追债")
            pending_or = True
            continue
        if word is not None and word not in ("AND",) and _UNSUPPORTED.search(word.lstrip("-")):
            raise QueryError(f"不支持的搜索语法“{word}”：可用空格分隔的词（同时出现）、英文引号括起的整句、"
                             "词前加 - 排除、OR 表示任一")
        if word == "AND":
            continue
        tokens = _tokens(match.group(2) if match.group(2) is not None else word.removeprefix("-"))
        if not tokens:
            continue
        after_exclusion = negated
        if negated:
            if pending_or:
                raise QueryError("排除词（-词）不能用在 OR 中")
            excluded.append(tokens)
        elif pending_or:
            groups[-1].append(tokens)
            pending_or = False
        else:
            groups.append([tokens])
    if pending_or:
        raise QueryError("“OR” 两边都要有搜索词，例如：催收 OR 追债")
    if not groups:
        raise QueryError("只有排除词，没有要找的词：请至少给一个不带 - 的词" if excluded else
                         f"搜索“{query}”里没有可搜的字词：请输入汉字、字母或数字")
    if sum(map(len, groups)) + len(excluded) > MAX_TERMS:
        raise QueryError(f"搜索词太多：最多 {MAX_TERMS} 个")
    return Query(tuple(map(tuple, groups)), tuple(excluded))


def _phrase(tokens: tuple[str, ...]) -> str:
    return '"' + " ".join(tokens).replace('"', '""') + '"'


def fts_query(query: str) -> str:
    """An FTS5 MATCH expression for ``query``; raises QueryError when it cannot be run."""
    parsed = parse(query)
    expression = " AND ".join(_phrase(g[0]) if len(g) == 1 else "(" + " OR ".join(map(_phrase, g)) + ")"
                              for g in parsed.groups)
    return expression + "".join(" NOT " + _phrase(t) for t in parsed.excluded)


def term_pattern(query: str) -> re.Pattern | None:
    """A regex finding the query's terms in search-form text (punctuation or glosses between tokens allowed)."""
    try:
        parts = [_GAP.join(map(re.escape, tokens)) for tokens in parse(query).terms()]
    except QueryError:
        return None
    return re.compile("|".join(f"(?:{p})" for p in parts), re.I) if parts else None


def highlight(text: str, pattern: re.Pattern | None) -> Markup:
    """Escaped text with every match of ``pattern`` in ``<mark>``.

    Matches are found in the text's Simplified form and marked in the original, so a
    Traditional-character title shows its own characters, highlighted."""
    if pattern is None:
        return escape(text)
    simplified = to_simplified(text)
    searched = simplified if len(simplified) == len(text) else text
    out, pos = [], 0
    for match in pattern.finditer(searched):
        if match.end() == match.start():
            continue
        out += [escape(text[pos:match.start()]), Markup("<mark>"), escape(text[match.start():match.end()]),
                Markup("</mark>")]
        pos = match.end()
    out.append(escape(text[pos:]))
    return Markup("").join(out)


def snippet(text: str, pattern: re.Pattern | None, width: int = 90) -> Markup:
    """About ``width`` characters of ``text`` around the first match, highlighted."""
    text = " ".join((text or "").split())
    match = pattern.search(to_simplified(text[:SNIPPET_SCAN])) if pattern else None
    start = max(0, match.start() - width // 3) if match else 0
    piece = text[start:start + width]
    prefix = "…" if start else ""
    suffix = "…" if start + width < len(text) else ""
    return escape(prefix) + highlight(piece, pattern) + escape(suffix)
