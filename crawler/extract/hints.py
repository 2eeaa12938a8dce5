"""What the feed or sitemap that linked a page says about it, and how that outranks the page.

The hint is kept in ``articles.extra["hint"]`` (so re-extraction applies it again), beside the
page's own date (``extra["page_published_at"]``) when the two disagree by more than a day.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from .published import Dated

MAX_DISAGREEMENT = timedelta(days=1)


@dataclass(frozen=True)
class Hints:
    """A feed item's or sitemap entry's title and date; ``source`` is "feed" or "sitemap"."""
    title: str | None = None
    published_at: datetime | None = None
    source: str = "feed"

    def to_extra(self) -> dict:
        return {"source": self.source, "title": self.title,
                "published_at": self.published_at.isoformat() if self.published_at else None}

    @classmethod
    def from_extra(cls, extra: dict | None) -> Hints | None:
        """The hint stored with an article, or None."""
        found = (extra or {}).get("hint")
        if not found:
            return None
        when = found.get("published_at")
        return cls(title=found.get("title"), published_at=datetime.fromisoformat(when) if when else None,
                   source=found.get("source") or "feed")


def date_extra(hints: Hints | None, page_published_at: datetime | None) -> dict:
    """The keys an article's ``extra`` gets: the hint, and the page's own date when it disagreed."""
    extra = {"hint": hints.to_extra()} if hints else {}
    if page_published_at is not None:
        extra["page_published_at"] = page_published_at.isoformat()
    return extra


def with_hint(page: Dated, hints: Hints | None) -> tuple[Dated, datetime | None]:
    """The page's date when the hint agrees with it within a day (it is the more precise: a sitemap
    ``lastmod`` often has no time), else the hint's; second, the page's own date when it disagrees
    with the hint by more than a day (None otherwise)."""
    if hints is None or hints.published_at is None:
        return page, None
    if page.value is None:
        return Dated(hints.published_at, hints.source), None
    if abs(page.value - hints.published_at) > MAX_DISAGREEMENT:
        return Dated(hints.published_at, hints.source), page.value
    return page, None
