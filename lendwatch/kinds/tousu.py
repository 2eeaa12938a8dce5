"""Kind ``tousu``: 黑猫投诉 (tousu.sina.com.cn), its signed feed and search APIs and complaint pages."""

import hashlib
from typing import Literal

from pydantic import Field

from lendwatch.config import SingleUrlSource

SALT = "$d6eb7ff91ee257475%"  # the public constant of the site's own JavaScript


def signature(salt: str, *values) -> str:
    """The site's request signature: sha256 of the salt and values, sorted as strings and joined."""
    return hashlib.sha256("".join(sorted([salt, *map(str, values)])).encode("utf-8")).hexdigest()


class Source(SingleUrlSource):
    """``url`` is the site root; every feed type is paged up to ``max_pages`` (the site keeps ~50).

    ``keywords`` (none by default) also queries the search API, which on the real site needs a
    logged-in Weibo cookie; the file's keywords are not used here.
    ``min_delay`` floors the crawl delay: the site bans (HTTP 456) above ~40–50 requests a minute.
    """

    kind: Literal["tousu"]
    url: str | None = "https://tousu.sina.com.cn"
    feed_types: list[int] = Field(default_factory=lambda: [1, 2, 3], min_length=1)
    field: int | None = Field(default=None, ge=1, description="industry id, e.g. 48 = 金融支付")
    keywords: list[str] = Field(default_factory=list)
    salt: str = Field(default=SALT, min_length=1)
    page_size: int = Field(default=10, ge=1, le=50)
    max_pages: int = Field(default=50, ge=1, le=1000)
    min_delay: float = Field(default=2.0, ge=0, le=600)
