"""extract(): one page's bytes in, one article out, or ExtractError saying why not."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from lxml import etree

from . import html as pagehtml
from .encoding import decode_html
from .hints import Hints, with_hint
from .metadata import find_author, find_title, json_ld, meta_values, norm_key
from .published import find_published
from .settings import DEFAULT_OPTIONS, ExtractOptions


class ExtractError(Exception):
    """The page holds no article; `reason` is a short slug (not-html, empty, no-body)."""

    def __init__(self, reason: str, detail: str = ""):
        super().__init__(f"{reason}: {detail}" if detail else reason)
        self.reason = reason
        self.detail = detail


@dataclass
class Extracted:
    title: str | None
    published_at: datetime | None
    author: str | None
    text: str
    encoding: str
    date_source: str = "none"             # where published_at came from (published.DATE_SOURCES)
    page_published_at: datetime | None = None  # the page's own date when it disagrees with the hint


def _looks_like_html(text: str) -> bool:
    head = text[:4096].lower()
    return "<html" in head or "<body" in head or "<!doctype html" in head or "<head" in head \
        or ("<p" in head or "<div" in head)


def extract(body: bytes, url: str | None = None, declared_encoding: str | None = None,
            reference_time: datetime | None = None,
            options: ExtractOptions = DEFAULT_OPTIONS, hints: Hints | None = None) -> Extracted:
    """Title, publication date, author/outlet and body text of one article page.

    ``reference_time`` is the fetch time (now when None): relative dates resolve against it and no
    date after it is taken. Raises ExtractError(reason) when the page holds no article."""
    if not body or not body.strip():
        raise ExtractError("empty", "no bytes")
    if b"\x00" in body[:1024] and not body.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise ExtractError("not-html", "binary content")
    text, encoding = decode_html(body, declared_encoding, options)
    if not _looks_like_html(text):
        raise ExtractError("not-html", "no HTML markup")
    try:
        root = pagehtml.parse(text)
    except (etree.ParserError, ValueError) as err:
        raise ExtractError("not-html", str(err)) from err
    meta = meta_values(root)
    ld = json_ld(root)
    scripts = [el.text for el in root.iter("script") if el.text]
    pagehtml.strip_non_text(root)
    title, title_el = find_title(root, meta, ld, options, hints.title if hints else None)
    dated, page_date = with_hint(
        find_published(root, meta, ld, scripts, title_el, url, reference_time, options), hints)
    author = find_author(root, meta, ld, title_el, options)

    pagehtml.strip_furniture(root, options)
    chosen, segs = pagehtml.find_body(root, options, title_el)
    lines = pagehtml.body_paragraphs(chosen, segs, options)
    title_key = norm_key(title) if title else None
    if title_key and lines and norm_key(lines[0]) == title_key:
        lines = lines[1:]
    text_out = "\n".join(lines)
    if len(text_out) < options.min_body_chars:
        raise ExtractError("no-body", f"{len(text_out)} characters of body text")
    return Extracted(title=title, published_at=dated.value, author=author, text=text_out,
                     encoding=encoding, date_source=dated.source, page_published_at=page_date)
