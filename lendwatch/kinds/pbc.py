"""Kind ``pbc``: the People's Bank of China's TRS list pages (e.g. 新闻发布) and their articles."""

from typing import Literal

from pydantic import Field

from lendwatch.config import SourceBase


class Source(SourceBase):
    """``url`` or ``urls``: first list pages (``.../index.html``); later pages are ``<module>-<N>.html``."""

    kind: Literal["pbc"]
    max_pages: int = Field(default=5, ge=1, le=10000, description="list pages per start URL")
