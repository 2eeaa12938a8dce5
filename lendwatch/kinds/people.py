"""Kind ``people``: 人民网 channel list pages and RSS feeds (told apart by content), GBK pages."""

from typing import Literal

from pydantic import Field

from lendwatch.config import SourceBase


class Source(SourceBase):
    """``urls``: channel pages (``http://{site}.people.com.cn/GB/{categoryId}``) or RSS feeds;
    channel pages are followed up to ``max_pages``."""

    kind: Literal["people"]
    max_pages: int = Field(default=5, ge=1, le=100)
