"""Canonical URLs: one key per article, whatever tracking parameters or fragments it came with."""

from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMS = {
    "spm", "from", "share", "share_from", "share_token", "shareid", "isappinstalled", "scene",
    "srcid", "timestamp", "wfr", "fr", "ref", "source", "tt_from", "utm_id", "fbclid", "gclid",
}


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def canonical_url(url: str) -> str:
    """``url`` without fragment and tracking parameters, query sorted, host lower-cased."""
    parts = urlsplit(url.strip())
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _is_tracking(k)])
    cleaned = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))
    return canonicalize_url(cleaned, keep_fragments=False)
