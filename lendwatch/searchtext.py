"""Text as search matches it: the search form split into tokens, for the SQLite index and PostgreSQL.

The search form (:func:`lendwatch.textnorm.search_form`: Simplified, pinyin glosses out, NFKC) is
cut into tokens: every CJK character one token, a Latin word or number one (lower-cased), and a run
of punctuation or a line break a barrier token no query contains, so a phrase never matches across
it (催收 does not match 停催”，收取). ``spaced`` is that text for the SQLite index's FTS5 table;
``stream`` and ``lexemes`` are what PostgreSQL stores per article (table ``article_search``,
revision 0010): the tokens space-separated, and every token plus every pair of neighbours (a
lexeme set that decides a one- or two-token phrase exactly through a GIN index; a longer phrase is
then checked as a substring of the stream).
"""

import re

from lendwatch.textnorm import search_form

CJK = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002ffff"
_CJK_CHAR = re.compile(f"([{CJK}])")
_BARRIER = re.compile(r"[^\w \t]+")  # punctuation and line breaks: a phrase does not match across them
BARRIER = "\ue000"  # a private-use character, a token of its own that no query contains
TOKEN = re.compile(f"[{CJK}]|[^\\W{CJK}]+")
_STREAM_TOKEN = re.compile(f"[{CJK}]|{BARRIER}|[^\\W{CJK}]+")
MAX_LEXEME = 200  # characters: a longer token (a pasted blob) is left to the stream check (GIN keeps ~2,700 bytes)


def spaced(text: str | None) -> str:
    """Text as the SQLite index stores it: in search form, every CJK character a token of its own,
    and a barrier token for each run of punctuation."""
    return _CJK_CHAR.sub(r" \1 ", _BARRIER.sub(f" {BARRIER} ", search_form(text)))


def tokens(text: str | None) -> list[str]:
    """The tokens of ``spaced(text)``, Latin ones lower-cased, barriers kept."""
    return [t.lower() for t in _STREAM_TOKEN.findall(spaced(text))]


def pairs(found: list[str]) -> list[str]:
    """Every pair of neighbouring tokens (no barrier in it) as one lexeme, ``"a b"``."""
    return [f"{a} {b}" for a, b in zip(found, found[1:]) if BARRIER not in (a, b)]


def stream(title: str | None, text: str | None) -> str:
    """Title and text as one space-separated token stream (a barrier between them), padded with
    spaces so that a phrase is a substring ``" t1 t2 t3 "``."""
    return " " + " ".join(tokens(title) + [BARRIER] + tokens(text)) + " "


def lexemes(title: str | None, text: str | None) -> list[str]:
    """The distinct tokens and neighbour pairs of title and text (none of more than ``MAX_LEXEME``)."""
    found = tokens(title) + [BARRIER] + tokens(text)
    return sorted({t for t in found + pairs(found) if t != BARRIER and len(t) <= MAX_LEXEME})


def search_row(article_id: int, title: str | None, text: str | None) -> dict:
    """The ``article_search`` row of an article."""
    return {"article_id": article_id, "stream": stream(title, text), "lexemes": lexemes(title, text)}
