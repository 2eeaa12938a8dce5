"""The crawler's own stats keys (``lendwatch/…``), spelled once.

Spiders and middlewares count with these; :meth:`crawler.runner.SourceCounts.from_stats`
reads them back into the per-source summary.
"""

PREFIX = "lendwatch/"
SKIPPED_KNOWN = "lendwatch/skipped_known"  # an article already stored, not fetched again
LISTS_STOPPED_KNOWN = "lendwatch/lists_stopped_known"  # a list page of only known or too-old items
NOT_MODIFIED = "lendwatch/not_modified"  # a list page answered 304 to its validators
FALLBACK_GENERIC = "lendwatch/fallback/generic"  # a page no source template matched
BACKOFF_SECONDS = "lendwatch/backoff_seconds"
RETRY_AFTER_TOO_LONG = "lendwatch/retry_after_too_long"
LARGE_PAGES = "lendwatch/large_pages"  # pages over DOWNLOAD_WARNSIZE (kept)


def outcome(name: str) -> str:
    """An article's storage outcome: ``new``, ``updated``, ``unchanged``."""
    return f"{PREFIX}{name}"


def dropped(reason: str) -> str:
    """A page or link given up on purpose (``before-since``, ``captcha``, ``bad-url``…)."""
    return f"{PREFIX}dropped/{reason}"


def error(reason: str) -> str:
    """A page that failed (``http-404``, ``bad-feed``, ``TimeoutError``…)."""
    return f"{PREFIX}errors/{reason}"


def retried(reason: str) -> str:
    return f"{PREFIX}retried/{reason}"


def static_fallback(reason: str) -> str:
    """A dynamic request that failed and was asked again of a static mirror."""
    return f"{PREFIX}static_fallback/{reason}"


def by_reason(stats: dict, family: str) -> dict[str, int]:
    """The counts of one family (``dropped``, ``errors``, ``retried``…) in ``stats``, by reason."""
    head = f"{PREFIX}{family}/"
    return {key.removeprefix(head): value for key, value in stats.items() if key.startswith(head)}
