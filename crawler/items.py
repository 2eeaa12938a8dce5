"""What spiders yield: one fetched page and, when it held one, its article."""

from dataclasses import dataclass

from lendwatch.records import ArticleRecord, PageRecord


@dataclass
class PageItem:
    page: PageRecord
    article: ArticleRecord | None = None
    drop_reason: str | None = None
