"""Kind ``chinanews``: 中国新闻网 RSS feeds and scroll list pages, parsed with the site's own templates."""

from typing import Literal

from pydantic import Field, field_validator

from lendwatch.config import SourceBase


class Source(SourceBase):
    """``urls``: RSS feeds; ``scroll``: scroll list pages (``news1.html``), followed up to ``max_pages``."""

    kind: Literal["chinanews"]
    scroll: list[str] = Field(default_factory=list)
    max_pages: int = Field(default=5, ge=1, le=100)

    @field_validator("scroll")
    @classmethod
    def _http_scroll(cls, value):
        return cls._http_urls(value)
