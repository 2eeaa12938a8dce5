"""Kind ``nfra``: the NFRA (国家金融监督管理总局) CMS's JSON lists and documents, by column itemId."""

from typing import Literal

from pydantic import Field, field_validator

from lendwatch.config import SingleUrlSource

DEFAULT_ITEMS = [915, 916, 925, 926, 931, 4097]


class Source(SingleUrlSource):
    """``url`` is the site root; ``items`` the column itemIds (监管动态 915, 行政处罚 931, ...)."""

    kind: Literal["nfra"]
    url: str | None = "https://www.nfra.gov.cn"
    items: list[int] = Field(default_factory=lambda: list(DEFAULT_ITEMS), min_length=1)
    page_size: int = Field(default=18, ge=1, le=100)
    max_pages: int = Field(default=10, ge=1, le=10000, description="list pages per itemId")
    static_fallback: bool = True


    @field_validator("items")
    @classmethod
    def _positive(cls, value):
        if any(item <= 0 for item in value):
            raise ValueError("expected positive itemIds")
        return value
