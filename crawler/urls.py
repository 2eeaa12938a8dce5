"""Canonical URLs: one key per article, whatever tracking parameters or fragments it came with."""

import re
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from w3lib.url import canonicalize_url

TRACKING_PARAMS = {
    "spm", "from", "share", "share_from", "share_token", "shareid", "isappinstalled", "scene",
    "srcid", "timestamp", "wfr", "fr", "ref", "source", "tt_from", "utm_id", "fbclid", "gclid",
}

# Mobile (or alias) article URLs with a known desktop form: host, path pattern, desktop URL.
DESKTOP_FORMS = (
    ("m.thepaper.cn", re.compile(r"^/(?:detail/|newsDetail_forward_)(\d+)$"),
     "https://www.thepaper.cn/newsDetail_forward_{0}"),
    ("m.chinanews.com", re.compile(r"^/wap/detail/zw/(\w+)/(\d{4})/(\d{2}-\d{2})/(\d+)\.shtml$"),
     "https://www.chinanews.com.cn/{0}/{1}/{2}/{3}.shtml"),
    ("www.chinanews.com", re.compile(r"^/(\w+/\d{4}/\d{2}-\d{2}/\d+\.shtml)$"), "https://www.chinanews.com.cn/{0}"),
)


def desktop_url(url: str) -> str:
    """The desktop form of a mobile article URL named in ``DESKTOP_FORMS``; other URLs unchanged."""
    parts = urlsplit(url.strip())
    for host, pattern, desktop in DESKTOP_FORMS:
        match = pattern.match(parts.path) if parts.netloc.lower() == host else None
        if match:
            return desktop.format(*match.groups())
    return url


def _is_tracking(name: str) -> bool:
    name = name.lower()
    return name.startswith("utm_") or name in TRACKING_PARAMS


def canonical_url(url: str) -> str:
    """``url`` in its desktop form, without fragment and tracking parameters, query sorted,
    host lower-cased."""
    parts = urlsplit(desktop_url(url.strip()))
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query, keep_blank_values=True)
                       if not _is_tracking(k)])
    cleaned = urlunsplit((parts.scheme.lower(), parts.netloc.lower(), parts.path or "/", query, ""))
    return canonicalize_url(cleaned, keep_fragments=False)
