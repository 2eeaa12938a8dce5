"""Decode HTML bytes: the bytes decide, never the HTTP header alone."""
from __future__ import annotations

import codecs
import re

from .settings import DEFAULT_OPTIONS, ExtractOptions

_BOMS = (
    (codecs.BOM_UTF8, "utf-8-sig", "utf-8"),
    (codecs.BOM_UTF32_LE, "utf-32", "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32", "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16", "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16", "utf-16"),
)
_META_CHARSET = re.compile(
    rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)""", re.I)
_XML_DECL = re.compile(rb"""<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""", re.I)
# Chinese encodings that GB18030 is a superset of: decode them all as GB18030.
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "euc-cn", "x-gbk", "cp936", "hz-gb-2312"}


def normalize_encoding(name: str | None) -> str | None:
    """Python codec name for a declared charset, or None when unknown or unusable."""
    if not name:
        return None
    name = name.strip().strip("\"'").lower()
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    if name in _GB_FAMILY or canonical in _GB_FAMILY:
        return "gb18030"
    if canonical in ("utf-16", "utf-16-le", "utf-16-be", "utf-32", "utf-32-le", "utf-32-be"):
        return None  # declared in an ASCII-readable page, so it cannot be true
    return canonical


def declared_in_markup(head: bytes) -> str | None:
    """Charset declared by <meta charset>, <meta http-equiv content-type> or the XML declaration."""
    for pattern in (_META_CHARSET, _XML_DECL):
        match = pattern.search(head)
        if match:
            found = normalize_encoding(match.group(1).decode("ascii", "ignore"))
            if found:
                return found
    return None


def _decodes(body: bytes, encoding: str) -> str | None:
    try:
        return body.decode(encoding)
    except UnicodeDecodeError as err:
        # a page cut off inside its last character is still that encoding
        if encoding == "utf-8" and err.start >= len(body) - 3:
            return body.decode(encoding, errors="replace")
        return None


def decode_html(body: bytes, declared_encoding: str | None = None,
                options: ExtractOptions = DEFAULT_OPTIONS) -> tuple[str, str]:
    """Return (text, encoding used). BOM, then markup declarations checked against the bytes,
    then plain validation (UTF-8, GB18030), then charset-normalizer; the HTTP header is only a hint."""
    for bom, codec, label in _BOMS:
        if body.startswith(bom):
            return body.decode(codec, errors="replace"), label
    if body.isascii():
        return body.decode("ascii"), "utf-8"
    # Valid multi-byte UTF-8 almost never happens by accident in another encoding, so it wins over
    # any declaration (a UTF-8 page falsely declared GBK would otherwise decode as mojibake).
    candidates = ["utf-8", declared_in_markup(body[:options.sniff_bytes]),
                  normalize_encoding(declared_encoding), "gb18030"]
    tried = []
    for encoding in candidates:
        if encoding and encoding not in tried:
            tried.append(encoding)
            text = _decodes(body, encoding)
            if text is not None:
                return text, encoding
    # a stray bad byte in an otherwise valid page: keep the first candidate that loses almost nothing
    for encoding in tried:
        text = body.decode(encoding, errors="replace")
        if text.count("\ufffd") <= max(2, len(text) // 2000):
            return text, encoding
    from charset_normalizer import from_bytes  # last resort, slow: imported only when needed
    best = from_bytes(body).best()
    if best is not None:
        encoding = normalize_encoding(best.encoding) or best.encoding
        return body.decode(encoding, errors="replace"), encoding
    # nothing decodes cleanly: keep the candidate that loses the fewest characters
    encoding = min(tried, key=lambda e: body.decode(e, errors="replace").count("\ufffd"))
    return body.decode(encoding, errors="replace"), encoding
