"""Kind ``thepaper``: 澎湃新闻 keyword search API, then each article's ``__NEXT_DATA__`` JSON."""

from typing import Literal

from pydantic import Field, field_validator

from lendwatch.config import SourceBase


class Source(SourceBase):
    """``url``: the API root; ``detail_url``: the site root of ``newsDetail_forward_{contId}`` pages;
    ``keywords``: search terms (default: the file's ``keywords``)."""

    kind: Literal["thepaper"]
    url: str | None = "https://api.thepaper.cn"
    detail_url: str = "https://www.thepaper.cn"
    keywords: list[str] | None = Field(default=None, min_length=1)
    page_size: int = Field(default=20, ge=1, le=50)
    max_pages: int = Field(default=5, ge=1, le=100)

    @field_validator("detail_url")
    @classmethod
    def _http_detail_url(cls, value):
        return cls._http_url(value)
